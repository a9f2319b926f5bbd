"""Each customer's open and overdue balance on a day, in money (``Decimal``), from the records.

    balances(ledger, as_of) -> {customer id: Balance(open, overdue, currency)}

``open`` is what the customer owes on ``as_of``: the invoices issued by then less what payments
and credit notes had settled of them by then, less the credit notes and payments not applied to
any invoice (a customer in credit has a negative ``open``). ``overdue`` is the part of it past
due: the open amounts of invoices due before ``as_of``, less the unapplied credit (which settles
the oldest first), never below zero. A payment returned or voided by ``as_of`` settles nothing;
records dated after ``as_of`` do not count, as everywhere in the core.

Amounts are in the customer's records' currency when they all share one, otherwise converted
with each record's ``fx_rate`` into the company's currency (``currency`` says which).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from .model import Invoice, InvoiceKind, InvoiceState, Ledger, Payment, PaymentState

ZERO = Decimal(0)
CENT = Decimal("0.01")


class Balance(BaseModel):
    """A customer's balance on a day.

    Attributes:
      open: owed in total (negative: the customer is in credit).
      overdue: the part of ``open`` past due (0 or more).
      currency: the currency of both amounts.
    """

    model_config = ConfigDict(frozen=True)

    open: Decimal
    overdue: Decimal
    currency: str


def _settles(payment: Payment, as_of: dt.date) -> bool:
    if payment.date > as_of:
        return False
    if payment.state is PaymentState.POSTED:
        return True
    return payment.returned_on is not None and payment.returned_on > as_of


def _cents(value: Decimal) -> Decimal:
    """``value`` with at least two decimals (``1234.5`` -> ``1234.50``)."""
    exponent = value.as_tuple().exponent
    return value.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else value


class _Sums:
    def __init__(self) -> None:
        self.owed = ZERO  # residuals of the open invoices
        self.overdue = ZERO
        self.unapplied = ZERO
        self.currencies: set[str] = set()


def balances(ledger: Ledger, as_of: dt.date) -> dict[str, Balance]:
    """Every customer's ``Balance`` on ``as_of`` (customers without records: zero)."""
    many = _mixed_currencies(ledger)
    company = ledger.company.currency
    invoices, residual, sums = _settle(ledger, as_of, many)
    for inv in invoices.values():
        if inv.kind is InvoiceKind.INVOICE:
            s = sums[inv.customer_id]
            s.currencies.add(inv.currency)
            s.owed += residual[inv.id]
            if inv.due_date < as_of:
                s.overdue += residual[inv.id]
    out = {}
    for customer in ledger.customers:
        s = sums.get(customer.id, _Sums())
        currency = company if customer.id in many else next(iter(s.currencies), customer.currency)
        out[customer.id] = Balance(open=_cents(s.owed - s.unapplied),
                                   overdue=_cents(max(s.overdue - s.unapplied, ZERO)), currency=currency)
    return out


def open_amounts(ledger: Ledger, as_of: dt.date) -> dict[str, Decimal]:
    """Per invoice issued by ``as_of`` (not credit notes), what is left to pay of it on ``as_of``
    (0: paid or credited in full), in the currency ``balances`` counts its customer in."""
    invoices, residual, _ = _settle(ledger, as_of, _mixed_currencies(ledger))
    return {inv.id: _cents(residual[inv.id]) for inv in invoices.values() if inv.kind is InvoiceKind.INVOICE}


def _settle(ledger: Ledger, as_of: dt.date, many: set[str],
            ) -> tuple[dict[str, Invoice], dict[str, Decimal], dict[str, _Sums]]:
    """(posted invoices and credit notes issued by ``as_of``, each invoice's residual then, each
    customer's sums with its unapplied credit and currencies of its payments and credit notes)."""

    def amount(value: Decimal, rate: Decimal, customer: str) -> Decimal:
        return value * rate if customer in many else value

    invoices = {inv.id: inv for inv in ledger.invoices
                if inv.state is InvoiceState.POSTED and inv.issue_date <= as_of}
    settled: dict[str, Decimal] = defaultdict(Decimal)
    sums: dict[str, _Sums] = defaultdict(_Sums)
    settling: list[tuple[str, Decimal, dt.date, Iterable[tuple[str, Decimal, dt.date | None]]]] = []
    for inv in invoices.values():
        if inv.kind is InvoiceKind.CREDIT_NOTE:
            settling.append((inv.customer_id, amount(inv.total, inv.fx_rate, inv.customer_id), inv.issue_date,
                             ((a.invoice_id, a.amount, a.date) for a in inv.allocations)))
            sums[inv.customer_id].currencies.add(inv.currency)
    for pay in ledger.payments:
        if _settles(pay, as_of):
            settling.append((pay.customer_id, amount(pay.amount, pay.fx_rate, pay.customer_id), pay.date,
                             ((a.invoice_id, a.amount, a.date) for a in pay.allocations)))
            sums[pay.customer_id].currencies.add(pay.currency)
    for owner, total, day, allocations in settling:
        applied = ZERO
        for invoice_id, value, on in allocations:
            target = invoices.get(invoice_id)
            if target is None or (on or day) > as_of:
                continue
            value = amount(value, target.fx_rate, owner)
            settled[invoice_id] += value
            applied += value
        sums[owner].unapplied += max(total - applied, ZERO)
    residual = {inv.id: max(amount(inv.total, inv.fx_rate, inv.customer_id) - settled[inv.id], ZERO)
                for inv in invoices.values() if inv.kind is InvoiceKind.INVOICE}
    return invoices, residual, sums


def _mixed_currencies(ledger: Ledger) -> set[str]:
    """Customers whose invoices and payments are in more than one currency."""
    seen: dict[str, set[str]] = defaultdict(set)
    records: Iterable[Invoice | Payment] = (*ledger.invoices, *ledger.payments)
    for record in records:
        seen[record.customer_id].add(record.currency)
    return {customer for customer, currencies in seen.items() if len(currencies) > 1}
