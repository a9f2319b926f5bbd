"""A/R aging by customer, as the accounting packages print it (QuickBooks "A/R Aging Summary",
Odoo "Aged Receivable"): each customer's open invoices by days past due (current, 1-30, 31-60,
61-90, 91+) and in total, per currency, to the cent.

An invoice's open amount is the core's settlement as of the day (``arwatch.core.settlement``:
payments and credit notes applied up to that day, bounced payments settling nothing), in the
invoice's own currency, rounded to the cent; the buckets are the aging indicator's. With more
than one currency, ``company_total`` adds them up in the company's currency at each invoice's
rate. Unapplied credit notes and payments are not in it (they settle nothing yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators.aging import BUCKETS
from arwatch.core.settlement import settlement

from .style import cents as _cents

ZERO = Decimal("0.00")
BUCKET_NAMES: tuple[str, ...] = tuple(name for name, _, _ in BUCKETS)

InvoiceCurrencies = Mapping[str, tuple[str, Decimal]]  # invoice id -> (currency, rate to the company's)


@dataclass(frozen=True)
class AgingRow:
    customer_id: str
    name: str
    buckets: tuple[Decimal, ...]  # one per BUCKET_NAMES
    total: Decimal


@dataclass(frozen=True)
class AgingTable:
    """One currency's aging: customers with an open balance, largest total first."""

    currency: str
    rows: tuple[AgingRow, ...]
    totals: tuple[Decimal, ...]
    total: Decimal


def _bucket(days_past_due: int) -> int:
    for k, (_, low, high) in enumerate(BUCKETS):
        if low <= days_past_due <= high:
            return k
    return 0



def _open_invoices(frame: LedgerFrame) -> np.ndarray:
    return np.flatnonzero(settlement(frame).is_open)


def aging_by_customer(frame: LedgerFrame, currencies: InvoiceCurrencies | None = None) -> tuple[AgingTable, ...]:
    """The aging tables, the company's currency first, then the others alphabetically.

    ``currencies`` gives each invoice's own currency and rate; without it (or for an invoice it
    does not name) the invoice is in the company's currency.
    """
    st = settlement(frame)
    sums: dict[str, dict[int, list[Decimal]]] = {}
    for r in _open_invoices(frame):
        currency, rate = (currencies or {}).get(str(frame.i_id[r]), (frame.currency, Decimal(1)))
        amount = _cents(st.residual[r] / float(rate))
        per_customer = sums.setdefault(currency, {})
        row = per_customer.setdefault(int(frame.i_cust[r]), [ZERO] * len(BUCKETS))
        row[_bucket(int(frame.as_of_day - frame.i_due[r]))] += amount
    tables = []
    for currency in sorted(sums, key=lambda cur: (cur != frame.currency, cur)):
        rows = [AgingRow(str(frame.c_id[c]), str(frame.c_name[c]), tuple(b), sum(b, ZERO))
                for c, b in sums[currency].items()]
        rows.sort(key=lambda row: (-row.total, row.name))
        totals = tuple(sum((row.buckets[k] for row in rows), ZERO) for k in range(len(BUCKETS)))
        tables.append(AgingTable(currency, tuple(rows), totals, sum(totals, ZERO)))
    return tuple(tables)


def company_total(frame: LedgerFrame) -> tuple[Decimal, ...]:
    """Every currency's buckets converted to the company's currency (each invoice at its rate),
    then the total: what the frame's amounts already are."""
    st = settlement(frame)
    totals = [ZERO] * len(BUCKETS)
    for r in _open_invoices(frame):
        totals[_bucket(int(frame.as_of_day - frame.i_due[r]))] += _cents(st.residual[r])
    return (*totals, sum(totals, ZERO))
