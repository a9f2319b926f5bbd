"""The columnar view of a ``Ledger`` that the indicators read.

``LedgerFrame.from_ledger`` turns the validated records into numpy arrays once (dates as day
numbers, money as float64 in the company's currency). ``frame.as_of(T)`` returns the frame as
it was known on day T: later invoices, payments, returns, disputes, contact attempts, signals,
sale orders, archivings and resolutions are cut away, and so is an invoice's undated dispute
flag until the day it became known (``i_disputed_day``, see ``Invoice.disputed_on``), so no
indicator can look ahead.

Every table is sorted by customer (then by day), so a customer's rows are one contiguous
slice (``rows_of``). Array prefixes: ``c_`` customers, ``i_`` invoices and credit notes, ``a_`` allocations (payments
and credit notes settling invoices), ``p_`` payments, ``d_`` disputes, ``t_`` contact attempts
("touches"), ``n_`` payment-plan instalments, ``s_`` signals, ``k_`` contacts, ``b_`` allocations of
payments that bounced (kept apart: they settle nothing), ``o_`` confirmed sale orders (read only
when ``orders_available``: the source has orders), ``w_`` collectors' switches (snooze, exclusion,
agency placement).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .columnar import NEVER
from .model import (
    Channel,
    Ledger,
    PaymentState,
    SignalKind,
    SwitchKind,
)

if TYPE_CHECKING:
    from .company_record import CompanyRecord

#: data whose newest record is more than this many days before the day it is read for is called stale
STALE_AFTER_DAYS = 7

SIGNAL_KINDS: tuple[SignalKind, ...] = tuple(SignalKind)
CHANNELS: tuple[Channel, ...] = tuple(Channel)
SWITCH_KINDS: tuple[SwitchKind, ...] = tuple(SwitchKind)
PAYMENT_STATES: tuple[PaymentState, ...] = tuple(PaymentState)


def day(d: dt.date | None) -> int:
    """Day number of a date (``NEVER`` for None)."""
    return int(NEVER) if d is None else d.toordinal()


def date_of(day_number: int) -> dt.date:
    return dt.date.fromordinal(int(day_number))


@dataclass(frozen=True)
class LedgerFrame:
    """Column arrays of one company's receivables; see the module docstring for prefixes."""

    as_of_day: int
    source: str
    currency: str
    unavailable: frozenset[str]
    # customers (never cut by as_of: a customer exists before its first invoice)
    c_id: np.ndarray
    c_name: np.ndarray
    c_terms: np.ndarray
    c_credit_limit: np.ndarray  # NaN = none
    c_salesperson: np.ndarray
    # invoices and credit notes, posted only, sorted by (customer, issue day)
    i_id: np.ndarray
    i_number: np.ndarray
    i_cust: np.ndarray
    i_issue: np.ndarray
    i_due: np.ndarray
    i_total: np.ndarray
    i_credit: np.ndarray  # True for a credit note
    i_disputed: np.ndarray  # the source's undated flag, as known by the frame's day
    i_disputed_day: np.ndarray  # the day that flag became known (NEVER: not flagged, or not yet)
    # allocations, sorted by (invoice, day)
    a_inv: np.ndarray
    a_day: np.ndarray
    a_amount: np.ndarray
    a_payment: np.ndarray  # payment index, -1 for a credit note
    # payments
    p_id: np.ndarray
    p_cust: np.ndarray
    p_day: np.ndarray
    p_amount: np.ndarray
    p_state: np.ndarray  # index into PAYMENT_STATES, as of the frame's day
    p_returned: np.ndarray  # day returned/voided, NEVER if not (as of the frame's day)
    p_account: np.ndarray  # payer account code, -1 unknown
    accounts: tuple[str, ...]  # payer account labels by code
    # disputes and complaints
    d_cust: np.ndarray
    d_inv: np.ndarray  # invoice index, -1 for the account
    d_open: np.ndarray
    d_resolved: np.ndarray
    d_complaint: np.ndarray
    d_reason: np.ndarray
    # contact attempts
    t_cust: np.ndarray
    t_day: np.ndarray
    t_channel: np.ndarray
    t_answered: np.ndarray
    t_promise_day: np.ndarray
    t_promise_amount: np.ndarray  # NaN = no amount given
    t_outcome: np.ndarray
    # payment-plan instalments
    n_cust: np.ndarray
    n_plan: np.ndarray
    n_due: np.ndarray
    n_amount: np.ndarray
    n_agreed: np.ndarray  # the plan's agreement day
    n_cancelled: np.ndarray  # the plan's cancellation day, NEVER if not
    # signals
    s_cust: np.ndarray
    s_kind: np.ndarray  # index into SIGNAL_KINDS
    s_day: np.ndarray
    s_expires: np.ndarray
    s_severity: np.ndarray
    s_confidence: np.ndarray
    s_source: np.ndarray
    s_note: np.ndarray
    # contacts
    k_cust: np.ndarray
    k_created: np.ndarray
    k_archived: np.ndarray
    k_name: np.ndarray
    # allocations of payments that bounced by the frame's day: they settle nothing (b_ = bounced)
    b_inv: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    b_payment: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # confirmed sale orders, sorted by (customer, order day); totals in the company's currency
    o_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    o_number: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    o_cust: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    o_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    o_total: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    # how to reach a customer (for the call list; not scored): its own e-mail and phone, and its
    # contacts' roles and phones (aligned with ``k_*``); None where the source has none
    c_email: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    c_phone: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    k_role: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    k_phone: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # optional attributes a source may map ("" where not given): the customer's country, how
    # each invoice was delivered
    c_country: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # the source says the customer is inactive (QuickBooks' Active=false); empty: all active
    c_active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    i_delivery: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # collectors' per-customer switches (snooze, exclude/include, placed/recalled), by (customer, day)
    w_cust: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    w_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    w_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # index into SWITCH_KINDS
    w_until: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # NEVER: none
    w_note: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    d_amount: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))  # disputed; NaN: all
    company_name: str = ""
    # a frame of some of the company's customers (a batch): the whole company's payment record,
    # for the norms a customer is measured against (``company_record``); None: the frame is the
    # whole company
    company: CompanyRecord | None = field(default=None, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def n_customers(self) -> int:
        return len(self.c_id)

    @property
    def as_of(self) -> dt.date:
        return date_of(self.as_of_day)

    def newest_record_day(self) -> dt.date | None:
        """The day of the newest invoice, payment or contact attempt known (None: no record)."""
        days = [int(a.max()) for a in (self.i_issue, self.p_day, self.t_day) if len(a)]
        return date_of(max(days)) if days else None

    def with_company(self, record: CompanyRecord) -> LedgerFrame:
        """This frame of some of the company's customers, measured against ``record``, the whole
        company's payment record as of the same day (``company_record.CompanyRecord``)."""
        return dataclasses.replace(self, company=record, extra={})

    @property
    def orders_available(self) -> bool:
        """The source has sale orders ("orders" not in ``unavailable``), even if a customer has
        none: order volume is then measured on the ``o_`` columns rather than on invoices."""
        return "orders" not in self.unavailable

    # ------------------------------------------------------------------ build
    @classmethod
    def from_ledger(cls, ledger: Ledger, as_of: dt.date | None = None) -> LedgerFrame:
        """Build the frame of every posted record, then cut it at ``as_of`` (default: all)."""
        from .frame_build import build_columns  # noqa: PLC0415 (frame_build imports this module's types)

        frame = cls(as_of_day=int(NEVER) - 1, source=ledger.source, currency=ledger.company.currency,
                    unavailable=ledger.unavailable, company_name=ledger.company.name, **build_columns(ledger))
        return frame if as_of is None else frame.as_of_date(as_of)

    # ------------------------------------------------------------------ cut
    def as_of_date(self, as_of: dt.date) -> LedgerFrame:
        """The frame as known at the end of day ``as_of``."""
        t = day(as_of)
        inv_keep = self.i_issue <= t
        remap = np.cumsum(inv_keep, dtype=np.int64) - 1
        alloc_keep = (self.a_day <= t) & inv_keep[self.a_inv] if len(self.a_inv) else self.a_inv == 0
        bounced = np.zeros(len(self.a_inv), dtype=bool)
        if len(self.a_inv) and len(self.p_id):  # a payment that bounced by day t settles nothing
            bounced = alloc_keep & (self.a_payment >= 0) & (self.p_returned[np.maximum(self.a_payment, 0)] <= t)
            alloc_keep &= ~bounced
        pay_keep = self.p_day <= t
        pay_remap = np.cumsum(pay_keep, dtype=np.int64) - 1
        a_payment = self.a_payment[alloc_keep]
        a_payment = np.where(a_payment >= 0, pay_remap[np.maximum(a_payment, 0)], -1).astype(np.int32) \
            if len(a_payment) and len(pay_remap) else np.full(len(a_payment), -1, dtype=np.int32)
        returned_known = self.p_returned[pay_keep] <= t
        d_keep = self.d_open <= t
        d_inv = self.d_inv[d_keep]
        d_inv = np.where(d_inv >= 0, remap[np.maximum(d_inv, 0)], -1).astype(np.int32) \
            if len(d_inv) and len(remap) else d_inv  # no invoices: every dispute is on the account (-1)
        t_keep = self.t_day <= t
        s_keep = self.s_day <= t
        n_keep = self.n_agreed <= t
        k_keep = self.k_created <= t
        o_keep = self.o_day <= t
        w_keep = self.w_day <= t
        return dataclasses.replace(
            self,
            as_of_day=t,
            i_id=self.i_id[inv_keep], i_number=self.i_number[inv_keep], i_cust=self.i_cust[inv_keep],
            i_issue=self.i_issue[inv_keep], i_due=self.i_due[inv_keep], i_total=self.i_total[inv_keep],
            i_credit=self.i_credit[inv_keep], i_delivery=self.i_delivery[inv_keep],
            i_disputed=self.i_disputed[inv_keep] & (self.i_disputed_day[inv_keep] <= t),
            i_disputed_day=np.where(self.i_disputed_day[inv_keep] <= t, self.i_disputed_day[inv_keep],
                                    NEVER).astype(np.int32),
            a_inv=remap[self.a_inv[alloc_keep]].astype(np.int32), a_day=self.a_day[alloc_keep],
            a_amount=self.a_amount[alloc_keep], a_payment=a_payment,
            b_inv=remap[self.a_inv[bounced]].astype(np.int32),
            b_payment=pay_remap[self.a_payment[bounced]].astype(np.int32),
            p_id=self.p_id[pay_keep], p_cust=self.p_cust[pay_keep], p_day=self.p_day[pay_keep],
            p_amount=self.p_amount[pay_keep],
            p_state=np.where(returned_known, self.p_state[pay_keep], 0).astype(np.int8),
            p_returned=np.where(returned_known, self.p_returned[pay_keep], NEVER).astype(np.int32),
            p_account=self.p_account[pay_keep],
            d_cust=self.d_cust[d_keep], d_inv=d_inv, d_open=self.d_open[d_keep],
            d_resolved=np.where(self.d_resolved[d_keep] <= t, self.d_resolved[d_keep], NEVER).astype(np.int32),
            d_complaint=self.d_complaint[d_keep], d_reason=self.d_reason[d_keep], d_amount=self.d_amount[d_keep],
            t_cust=self.t_cust[t_keep], t_day=self.t_day[t_keep], t_channel=self.t_channel[t_keep],
            t_answered=self.t_answered[t_keep], t_promise_day=self.t_promise_day[t_keep],
            t_promise_amount=self.t_promise_amount[t_keep], t_outcome=self.t_outcome[t_keep],
            s_cust=self.s_cust[s_keep], s_kind=self.s_kind[s_keep], s_day=self.s_day[s_keep],
            s_expires=self.s_expires[s_keep], s_severity=self.s_severity[s_keep],
            s_confidence=self.s_confidence[s_keep], s_source=self.s_source[s_keep],
            s_note=self.s_note[s_keep],
            n_cust=self.n_cust[n_keep], n_plan=self.n_plan[n_keep], n_due=self.n_due[n_keep],
            n_amount=self.n_amount[n_keep], n_agreed=self.n_agreed[n_keep],
            n_cancelled=np.where(self.n_cancelled[n_keep] <= t, self.n_cancelled[n_keep], NEVER).astype(np.int32),
            k_cust=self.k_cust[k_keep], k_created=self.k_created[k_keep], k_name=self.k_name[k_keep],
            k_role=self.k_role[k_keep], k_phone=self.k_phone[k_keep],
            k_archived=np.where(self.k_archived[k_keep] <= t, self.k_archived[k_keep], NEVER).astype(np.int32),
            o_id=self.o_id[o_keep], o_number=self.o_number[o_keep], o_cust=self.o_cust[o_keep],
            o_day=self.o_day[o_keep], o_total=self.o_total[o_keep],
            w_cust=self.w_cust[w_keep], w_day=self.w_day[w_keep], w_kind=self.w_kind[w_keep],
            w_until=self.w_until[w_keep], w_note=self.w_note[w_keep],
            company=None,  # a record as of another day: the cut frame's own (or its caller's) instead
            extra={},
        )
