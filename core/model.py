"""Domain records: immutable values read from an accounting system.

Every record is a frozen pydantic model; collections inside records are tuples. Money is
``Decimal`` in the record's own currency, with ``fx_rate`` converting it to the company's
currency (company amount = amount * fx_rate). Dates are calendar dates; "as of T" means
known on or before T.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Money = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]
NonNegativeMoney = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=6)]
Rate = Annotated[Decimal, Field(gt=0)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
RecordId = Annotated[str, Field(min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every record: frozen, strict about unknown fields.

    Cross-field validators raise ``ValueError("<field>: <message>")`` so that the loader can
    name the field in its ``Issue``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Company(Record):
    """The business whose receivables are watched.

    Attributes:
      id: identifier in the source system.
      name: display name.
      currency: the company's accounting currency; every score is computed in it.
    """

    id: RecordId
    name: str
    currency: Currency = "EUR"


class Contact(Record):
    """A person at a customer. ``archived_on`` is the day the contact was archived, if any."""

    id: RecordId
    name: str
    role: str | None = None
    phone: str | None = None
    created_on: dt.date | None = None
    archived_on: dt.date | None = None


class Customer(Record):
    """A customer account.

    Attributes:
      terms_days: payment terms in days (net 30 = 30).
      credit_limit: in the customer's currency; None means no limit set.
      salesperson: who owns the relationship (review tasks go to them).
      contacts: people at the customer, archived ones included.
    """

    id: RecordId
    name: str
    currency: Currency = "EUR"
    terms_days: int = Field(default=30, ge=0, le=3650)
    credit_limit: NonNegativeMoney | None = None
    salesperson: str | None = None
    email: str | None = None
    phone: str | None = None
    country: str | None = None
    industry: str | None = None
    created_on: dt.date | None = None
    active: bool = True
    contacts: tuple[Contact, ...] = ()


class InvoiceKind(str, Enum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceState(str, Enum):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class Allocation(Record):
    """Part of a payment or credit note settling one invoice, in the invoice's currency."""

    invoice_id: RecordId
    amount: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=6)]
    date: dt.date | None = None  # defaults to the payment's / credit note's date


class Invoice(Record):
    """A customer invoice or credit note.

    Attributes:
      number: the human reference ("INV/2024/0041").
      total: gross amount, positive for both kinds.
      residual: open amount as the source reports it today (informational; the scorer
        derives the residual as of T from allocations).
      allocations: for a credit note, the invoices it was applied to.
      disputed: the source's own dispute flag (e.g. a file column).
      disputed_on: the day that flag became known, when the source says (its own date, or the
        sync that first saw it). Without it the flag counts from the day the record itself
        says it was known: a settled invoice's flag from its settled day (an export such as
        IBM's Disputed yes/no is written once the invoice is closed), an open invoice's from the
        ledger's latest record (the snapshot cannot be older); never from the invoice day.
      delivery: how the invoice reached the customer, in the source's words ("Paper",
        "Electronic", "EDI"...), when the source says; known when the invoice is issued.
    """

    id: RecordId
    number: str
    customer_id: RecordId
    kind: InvoiceKind = InvoiceKind.INVOICE
    state: InvoiceState = InvoiceState.POSTED
    issue_date: dt.date
    due_date: dt.date
    total: NonNegativeMoney
    residual: NonNegativeMoney | None = None
    currency: Currency = "EUR"
    fx_rate: Rate = Decimal(1)
    allocations: tuple[Allocation, ...] = ()
    disputed: bool = False
    disputed_on: dt.date | None = None
    delivery: str | None = None

    @model_validator(mode="after")
    def _dates_and_amounts(self) -> Invoice:
        if self.due_date < self.issue_date:
            raise ValueError(
                f"due_date: {self.due_date} is before issue_date {self.issue_date}"
            )
        if self.disputed_on is not None and not self.disputed:
            raise ValueError("disputed_on: given for an invoice not flagged disputed")
        if self.disputed_on is not None and self.disputed_on < self.issue_date:
            raise ValueError(f"disputed_on: {self.disputed_on} is before issue_date {self.issue_date}")
        if self.residual is not None and self.residual > self.total:
            raise ValueError(f"residual: {self.residual} exceeds total {self.total}")
        if self.allocations and self.kind is not InvoiceKind.CREDIT_NOTE:
            raise ValueError("allocations: only a credit note is applied to invoices")
        return self


class OrderState(str, Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Order(Record):
    """A customer's sale order: what it committed to buy, whether invoiced yet or not.

    Only confirmed orders count (quotations are not orders; a source leaves them out).
    Like an invoice's, the state is the source's state today: a cancelled order is left out
    at every T.

    Attributes:
      number: the human reference ("S00041").
      order_date: the day the order was confirmed.
      total: the order's amount (the source says which: untaxed or gross), in ``currency``.
    """

    id: RecordId
    number: str
    customer_id: RecordId
    order_date: dt.date
    total: NonNegativeMoney
    currency: Currency = "EUR"
    fx_rate: Rate = Decimal(1)
    state: OrderState = OrderState.CONFIRMED


class PaymentState(str, Enum):
    POSTED = "posted"
    RETURNED = "returned"  # bounced / rejected by the bank
    VOIDED = "voided"


class Payment(Record):
    """Money received from a customer, with the invoices it settles.

    Attributes:
      payer_account: the bank account it came from (IBAN or masked number), if known.
      returned_on: the day the payment bounced or was voided (state returned/voided).
    """

    id: RecordId
    customer_id: RecordId
    date: dt.date
    amount: NonNegativeMoney
    currency: Currency = "EUR"
    fx_rate: Rate = Decimal(1)
    state: PaymentState = PaymentState.POSTED
    returned_on: dt.date | None = None
    payer_account: str | None = None
    reference: str | None = None
    allocations: tuple[Allocation, ...] = ()

    @model_validator(mode="after")
    def _allocations_within_amount(self) -> Payment:
        allocated = sum((a.amount for a in self.allocations), Decimal(0))
        if allocated > self.amount:
            raise ValueError(
                f"allocations: {allocated} allocated, more than the amount {self.amount}"
            )
        if self.state is not PaymentState.POSTED and self.returned_on is None:
            raise ValueError(f"returned_on: a {self.state.value} payment needs the day it was {self.state.value}")
        if self.returned_on is not None and self.returned_on < self.date:
            raise ValueError(f"returned_on: {self.returned_on} is before date {self.date}")
        return self


class Dispute(Record):
    """A customer's dispute, on an invoice or on the account."""

    id: RecordId
    customer_id: RecordId
    invoice_id: RecordId | None = None
    opened_on: dt.date
    resolved_on: dt.date | None = None
    amount: NonNegativeMoney | None = None
    reason: str = ""
    kind: Literal["dispute", "complaint"] = "dispute"


class Channel(str, Enum):
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    LETTER = "letter"


class ContactAttempt(Record):
    """One attempt to reach the customer, and what came of it.

    A promise to pay is recorded here: ``promise_date`` and ``promise_amount`` (in the company's
    currency, like the amounts the scorer compares it with).
    """

    id: RecordId
    customer_id: RecordId
    on: dt.date
    channel: Channel = Channel.CALL
    answered: bool
    outcome: str = ""
    promise_date: dt.date | None = None
    promise_amount: NonNegativeMoney | None = None

    @model_validator(mode="after")
    def _promise(self) -> ContactAttempt:
        if self.promise_date is not None and self.promise_date < self.on:
            raise ValueError(f"promise_date: {self.promise_date} is before the attempt on {self.on}")
        return self


class Instalment(Record):
    due_date: dt.date
    amount: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=6)]


class PaymentPlan(Record):
    """An agreed schedule for paying an open balance; instalment amounts in the company's currency."""

    id: RecordId
    customer_id: RecordId
    agreed_on: dt.date
    instalments: tuple[Instalment, ...]
    cancelled_on: dt.date | None = None

    @field_validator("instalments")
    @classmethod
    def _ordered(cls, value: tuple[Instalment, ...]) -> tuple[Instalment, ...]:
        if not value:
            raise ValueError("a payment plan needs at least one instalment")
        dates = [i.due_date for i in value]
        if dates != sorted(dates):
            raise ValueError("instalments must be in due-date order")
        return value


class SignalKind(str, Enum):
    COMPLAINT = "complaint"
    HEARSAY = "hearsay"
    STAFF_LEFT = "staff_left"
    INDUSTRY_DISTRESS = "industry_distress"
    COUNTRY_DISTRESS = "country_distress"
    MERGER_ACQUISITION = "merger_acquisition"
    LEADERSHIP_CHANGE = "leadership_change"
    FRAUD_SUSPICION = "fraud_suspicion"


DISTRESS_KINDS = frozenset(
    {
        SignalKind.INDUSTRY_DISTRESS,
        SignalKind.COUNTRY_DISTRESS,
        SignalKind.MERGER_ACQUISITION,
        SignalKind.LEADERSHIP_CHANGE,
    }
)


class Signal(Record):
    """A manual or imported warning signal about a customer.

    Attributes:
      severity: 0..1, how bad it is if true.
      confidence: 0..1, how sure the source is (hearsay is usually low).
      expires_on: after this day the signal no longer counts.
    """

    id: RecordId
    customer_id: RecordId
    kind: SignalKind
    on: dt.date
    source: str = "manual"
    note: str = ""
    severity: float = Field(default=0.5, ge=0, le=1)
    confidence: float = Field(default=1.0, ge=0, le=1)
    expires_on: dt.date | None = None


class SwitchKind(str, Enum):
    SNOOZE = "snooze"  # no customer-facing step before ``until`` (a next-action date)
    EXCLUDE = "exclude"  # no automated reminders until an ``include``
    INCLUDE = "include"
    PLACED = "placed"  # referred to (placed with) a collection agency: automated dunning stops
    RECALLED = "recalled"  # taken back from the agency


class CustomerSwitch(Record):
    """A collector's per-customer decision about dunning, from a note or the source.

    The latest switch of each pair (exclude/include, placed/recalled) known on a day is in
    force; a snooze holds until its ``until`` day (a later snooze replaces an earlier one).

    Attributes:
      on: the day it was decided (the note's own day).
      until: for a snooze, the next-action day.
      note: the collector's words (the agency's name for ``placed``).
    """

    id: RecordId
    customer_id: RecordId
    kind: SwitchKind
    on: dt.date
    until: dt.date | None = None
    note: str = ""
    source: str = "manual"

    @model_validator(mode="after")
    def _until(self) -> CustomerSwitch:
        if self.kind is SwitchKind.SNOOZE and self.until is None:
            raise ValueError("until: a snooze needs the day it ends")
        if self.until is not None and self.until < self.on:
            raise ValueError(f"until: {self.until} is before the day it was set, {self.on}")
        return self


class CollectorNote(Record):
    """A note in the collector's syntax (docs/collector-notes.md), as written: each of its lines
    becomes a record of the ledger when it is loaded (``core/note_records.py``).

    Attributes:
      on: the note's own day (when it was written); relative days in it count from here.
      text: the note, one line per entry; lines not in the syntax are left alone.
      invoice_id: the invoice the note is attached to, if any (a dispute without a number is about it).
      source: where it was written ("arwatch record", "quickbooks", "odoo", "file").
    """

    id: RecordId
    customer_id: RecordId
    on: dt.date
    text: str
    invoice_id: RecordId | None = None
    source: str = "manual"


class Ledger(Record):
    """A snapshot of everything known about a company's receivables.

    Attributes:
      source: the system it came from ("demo", "quickbooks", "odoo", "file").
      unavailable: data kinds the source cannot provide at all (e.g. "payer_account",
        "contacts", "contact_attempts"); indicators needing them report "not available".
        "orders" here means the source has no sale orders: ``volume_drop`` then measures
        invoiced amounts instead (``load_ledger`` adds it when the data has no "orders").
    """

    company: Company
    source: str = "file"
    customers: tuple[Customer, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    payments: tuple[Payment, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    contact_attempts: tuple[ContactAttempt, ...] = ()
    payment_plans: tuple[PaymentPlan, ...] = ()
    signals: tuple[Signal, ...] = ()
    orders: tuple[Order, ...] = ()
    switches: tuple[CustomerSwitch, ...] = ()
    notes: tuple[CollectorNote, ...] = ()
    unavailable: frozenset[str] = frozenset()


# The collections of a ledger, with the record type each holds, in load order.
COLLECTIONS: tuple[tuple[str, type[Record]], ...] = (
    ("customers", Customer),
    ("invoices", Invoice),
    ("payments", Payment),
    ("disputes", Dispute),
    ("contact_attempts", ContactAttempt),
    ("payment_plans", PaymentPlan),
    ("signals", Signal),
    ("orders", Order),
    ("switches", CustomerSwitch),
    ("notes", CollectorNote),
)

# Collections a source may not have at all: absent from ``load_ledger``'s data (not merely
# empty), the kind is added to ``Ledger.unavailable``.
OPTIONAL_COLLECTIONS: frozenset[str] = frozenset({"orders"})
