"""The QuickBooks entities the adapter reads, declared as data (read in this order)."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import ALL_ACTIVE


@dataclass(frozen=True)
class Stream:
    """One entity: its query condition and the core collection it feeds (None: support data).

    Attributes:
      condition: added to every query (``Active IN (true,false)`` for name lists, whose
        inactive rows are otherwise hidden).
      collection: the ``load_ledger`` collection; Term feeds customers' terms, Attachable the
        write-back state (task notes) and the collectors' notes (``collector_notes``: calls,
        promises, disputes, plans, snoozes, signals written in a note's syntax lines).
    """

    entity: str
    condition: str | None
    collection: str | None


STREAMS: tuple[Stream, ...] = (
    Stream("Term", ALL_ACTIVE, None),  # first: customers' terms and the hold term
    Stream("Customer", ALL_ACTIVE, "customers"),
    Stream("Invoice", None, "invoices"),
    Stream("CreditMemo", None, "invoices"),
    Stream("Payment", None, "payments"),
    Stream("Attachable", None, None),  # arwatch's task notes and the collectors' notes
)

ENTITIES: tuple[str, ...] = tuple(s.entity for s in STREAMS)
BY_ENTITY = {s.entity: s for s in STREAMS}

# Contact attempts (calls and promises) come from the collectors' notes on Attachables. What
# QuickBooks Online cannot feed, with why (``Ledger.unavailable``: indicators that need one
# say "not available" instead of scoring zero; without "orders", volume is measured on invoices).
UNAVAILABLE: dict[str, str] = {
    "payer_account": "a Payment carries no payer bank account (only PaymentMethodRef and a "
                     "reference number), so a new paying account cannot be seen (bank_churn)",
    "contacts": "a customer has one ContactName/AltContactName text, not people with created "
                "and archived dates (staff_exodus works from manual signals only)",
    "disputes": "invoices and customers have no dispute or complaint record (sudden_complaints) "
                "until a collector's note records one (docs/collector-notes.md)",
    "payment_plans": "QuickBooks Online has no instalment agreements until a collector's note "
                     "records one (docs/collector-notes.md)",
    "orders": "no sale orders are read: QuickBooks Online Simple Start and Essentials have no "
              "sales-order entity, and an Estimate is a quote, not an order (volume_drop measures "
              "invoiced amounts)",
}
# Available, with a caveat: payment returns are the payments voided in QuickBooks (state
# voided, returned_on = the day of the void); a bounce recorded by deleting the payment only
# removes it. Credit limits are not read (CreditLimit is QuickBooks Desktop only).
