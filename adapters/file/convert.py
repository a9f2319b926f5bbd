"""Rows of an export -> raw records in ``load_ledger``'s shape, plus an Issue per bad cell.

An invoice table becomes invoices and credit notes (negative amounts), and with a settled date
or a paid or open amount, what was paid on each invoice; a payments table, when given,
supplies the payments instead (rows with the same payment id are one payment with several
allocations). ``netting.net`` then applies credit notes and payments to the invoices. An
orders table, when given, supplies sale orders (and the customers not invoiced yet). The
records a rejected row stands for are noted in a ``Rejected`` (so that a complete export does
not drop their stored version).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from arwatch.core.issues import Issue

from . import numbers
from .dates import parse_date
from .mapping import FileMapping
from .netting import Paid
from .reader import Row, as_text


@dataclass(frozen=True)
class Formats:
    """How one file writes dates and amounts, and whether that was set or guessed.

    Attributes:
      date_format: a pattern (``d/m/yyyy``) or a strptime format.
      locale: the Babel locale amounts are read in (``numbers.py``).
    """

    date_format: str = "yyyy-mm-dd"
    locale: str = "en_US"
    date_guessed: bool = False
    number_guessed: bool = False

    def how(self) -> str:
        dates = f"dates {self.date_format}" + (" (guessed)" if self.date_guessed else "")
        amounts = f"amounts {numbers.example(self.locale)}" + (" (guessed)" if self.number_guessed else "")
        return f"{dates}, {amounts}"

    def date_expected(self) -> str:
        return f"the format {self.date_format}" + (" (guessed from the file; set date_format to change it)"
                                                   if self.date_guessed else " (date_format)")

    def amount_expected(self) -> str:
        return f"expected a number like {numbers.example(self.locale)}" + (
            " (guessed from the file; set number_format to change it)" if self.number_guessed else
            " (number_format)")


class Rejected:
    """Ids of the records whose rows were rejected, by collection; ``unidentified``: collections
    with a rejected row whose id cell could not be read."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = defaultdict(set)
        self.unidentified: set[str] = set()

    def add(self, collection: str, record_id: str) -> None:
        if record_id:
            self.ids[collection].add(record_id)
        else:
            self.unidentified.add(collection)


def _noted(rejected: Rejected | None) -> Rejected:
    return rejected if rejected is not None else Rejected()


class _BadCell(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


class _Cells:
    """Typed access to one row's cells; a bad one raises ``_BadCell`` naming the field."""

    def __init__(self, row: Row, formats: Formats, columns: dict[str, str]):
        self.row, self.formats, self.columns = row, formats, columns
        self._texts: dict[str, str] = {}  # each cell's text, made once (a row's fields are read several times)

    def text(self, field: str, required: bool = True) -> str:
        value = self._texts.get(field)
        if value is None:
            value = self._texts[field] = as_text(self.row.get(field, ""))
        if required and not value:
            raise _BadCell(field, "is empty")
        return value

    def date(self, field: str, required: bool = True) -> dt.date | None:
        if not self.text(field, required):
            return None
        value = self.row[field]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(as_text(value), self.formats.date_format)
        except ValueError:
            raise _BadCell(field, f"{as_text(value)!r} is not a date in {self.formats.date_expected()}") from None

    def amount(self, field: str, required: bool = True) -> Decimal | None:
        raw = self.row.get(field, "")
        if isinstance(raw, bool):
            raise _BadCell(field, f"{raw!r} is not an amount")
        if isinstance(raw, (int, float)):
            value = Decimal(str(raw))
        elif not self.text(field, required):
            return None
        else:
            try:
                value = numbers.parse_amount(as_text(raw), self.formats.locale)
            except ValueError:
                raise _BadCell(field, f"{as_text(raw)!r} is not an amount; {self.formats.amount_expected()}") from None
        if not value.is_finite():
            raise _BadCell(field, f"{as_text(raw)!r} is not an amount")
        return value

    def money(self, field: str) -> Decimal:
        value = self.amount(field)
        assert value is not None  # required
        return value


def _issue(source: str, record_type: str, number: int, columns: dict[str, str], bad: _BadCell,
           label: str = "") -> Issue:
    column = columns.get(bad.field, bad.field)
    where = f" ({label})" if label else ""
    return Issue(source=source, record_type=record_type, record_id=f"row {number}", field=column,
                 message=f"column {column!r}{where} {bad.message}")


def _paid(cells: _Cells, amount: Decimal) -> Decimal | None:
    """What the row says was paid (a paid or an open amount column), None when it does not say."""
    paid, still_open = cells.amount("paid_amount", required=False), cells.amount("open_amount", required=False)
    if still_open is not None:
        if abs(still_open) > abs(amount) or (still_open and (still_open < 0) != (amount < 0)):
            raise _BadCell("open_amount", f"{still_open} open does not fit the amount {amount}")
        return abs(amount) - abs(still_open)
    if paid is not None:
        if abs(paid) > abs(amount):
            raise _BadCell("paid_amount", f"{paid} paid is more than the amount {amount}")
        return abs(paid)
    return None


def _invoice(cells: _Cells, mapping: FileMapping,
             ) -> tuple[dict[str, Any], dict[str, Any], dt.date | None, Decimal | None]:
    number = cells.text("invoice_number")
    issue_date, due_date = cells.date("invoice_date"), cells.date("due_date")
    if due_date < issue_date:  # type: ignore[operator]
        raise _BadCell("due_date", f"{due_date} is before the invoice date {issue_date}")
    amount = cells.money("amount")
    paid = _paid(cells, amount)
    total = abs(amount) if paid is None or amount >= 0 else abs(amount) - paid  # a credit note: what is left of it
    currency = cells.text("currency", required=False).upper() or mapping.currency
    customer = {"id": cells.text("customer_id"),
                "name": cells.text("customer_name", False) or cells.text("customer_id"),
                "currency": currency}
    if cells.text("country", False):
        customer["country"] = cells.text("country", False)
    invoice = {"id": number, "number": number, "customer_id": customer["id"],
               "kind": "credit_note" if amount < 0 else "invoice", "issue_date": issue_date.isoformat(),  # type: ignore[union-attr]
               "due_date": due_date.isoformat(), "total": str(total), "currency": currency,  # type: ignore[union-attr]
               "disputed": cells.text("disputed", False).lower() in mapping.disputed_values}
    if cells.text("delivery", False):
        invoice["delivery"] = cells.text("delivery", False)
    return customer, invoice, cells.date("settled_date", required=False), paid


def _terms(gaps: dict[str, Counter[int]], default: int) -> dict[str, int]:
    return {cid: counter.most_common(1)[0][0] if counter else default for cid, counter in gaps.items()}


def convert_invoices(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     settled_payments: bool, rejected: Rejected | None = None, formats: Formats | None = None,
                     ) -> tuple[dict[str, Any], list[Issue], dict[str, Paid]]:
    """customers, invoices and credit notes; and what each row says was paid (a settled date, a
    paid or open amount) when ``settled_payments`` (no payments file), for ``netting.net``."""
    rejected = _noted(rejected)
    formats = formats or Formats()
    columns = mapping.columns.mapped()
    customers: dict[str, dict[str, Any]] = {}
    gaps: dict[str, Counter[int]] = defaultdict(Counter)
    invoices: dict[str, dict[str, Any]] = {}
    paid_on: dict[str, tuple[Decimal | None, dt.date | None]] = {}
    issues: list[Issue] = []
    for number, row in rows:
        if not as_text(row.get("invoice_number")) and not as_text(row.get("customer_id")):
            continue  # a report's heading or totals line (QuickBooks' "Total for ..."), not an invoice
        cells = _Cells(row, formats, columns)
        try:
            customer, invoice, settled, paid = _invoice(cells, mapping)
            if invoice["id"] in invoices:
                raise _BadCell("invoice_number", f"repeats invoice {invoice['id']!r}; the first row is kept")
        except _BadCell as bad:
            issues.append(_issue(source, "invoice", number, columns, bad, as_text(row.get("invoice_number"))))
            invoice_id = as_text(row.get("invoice_number"))
            rejected.add("invoices", invoice_id)
            rejected.add("customers", as_text(row.get("customer_id")))
            if settled_payments:
                rejected.add("payments", invoice_id and f"settled:{invoice_id}")
            continue
        customers.setdefault(customer["id"], customer)
        if invoice["kind"] == "credit_note" and Decimal(invoice["total"]) == 0:
            continue  # applied in full by the accounting package already (its open amount is 0)
        invoices[invoice["id"]] = invoice
        gaps[customer["id"]][(dt.date.fromisoformat(invoice["due_date"])
                              - dt.date.fromisoformat(invoice["issue_date"])).days] += 1
        if settled_payments and invoice["kind"] == "invoice" and (settled is not None or paid):
            paid_on[invoice["id"]] = (paid, settled)  # paid None: all that is open on the settled date
    for cid, days in _terms(gaps, mapping.terms_days).items():
        customers[cid]["terms_days"] = days
    export_day = mapping.export_date or _latest(invoices.values(), paid_on.values())
    settles = {iid: Paid(amount, day or export_day) for iid, (amount, day) in paid_on.items()}
    return {"customers": list(customers.values()), "invoices": list(invoices.values())}, issues, settles


def _latest(invoices: Iterable[dict[str, Any]], paid: Iterable[tuple[Decimal | None, dt.date | None]]) -> dt.date:
    """The export's day when the settings do not say: the latest invoice or settled date in it."""
    days = [dt.date.fromisoformat(inv["issue_date"]) for inv in invoices]
    days += [day for _, day in paid if day is not None]
    return max(days, default=dt.date(1970, 1, 1))


def convert_payments(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     invoices: dict[str, dict[str, Any]], rejected: Rejected | None = None,
                     formats: Formats | None = None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Payments grouped by payment id, allocated to the invoices their rows name (as the rows
    say: ``netting.net`` caps and spreads them)."""
    rejected = _noted(rejected)
    formats = formats or Formats()
    assert mapping.payment_columns is not None
    columns = mapping.payment_columns.mapped()
    payments: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for number, row in rows:
        cells = _Cells(row, formats, columns)
        try:
            pid, date, amount = cells.text("payment_id"), cells.date("payment_date"), cells.money("amount")
            invoice = invoices.get(cells.text("invoice_number"))
            if invoice is None:
                raise _BadCell("invoice_number", f"names unknown invoice {cells.text('invoice_number')!r}")
            if amount <= 0:
                raise _BadCell("amount", f"{amount} is not a positive amount")
        except _BadCell as bad:
            issues.append(_issue(source, "payment", number, columns, bad, as_text(row.get("payment_id"))))
            rejected.add("payments", as_text(row.get("payment_id")))
            continue
        payment = payments.setdefault(pid, {
            "id": pid, "customer_id": cells.text("customer_id", False) or invoice["customer_id"],
            "date": date.isoformat(), "amount": "0", "currency": invoice["currency"], "allocations": []})  # type: ignore[union-attr]
        if cells.text("payer_account", False):
            payment["payer_account"] = cells.text("payer_account", False)
        payment["amount"] = str(Decimal(payment["amount"]) + amount)
        payment["allocations"].append({"invoice_id": invoice["id"], "amount": str(amount)})
    return list(payments.values()), issues


def convert_orders(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                   customers: set[str], rejected: Rejected | None = None, formats: Formats | None = None,
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Issue]]:
    """Sale orders, and the customers among them not in ``customers`` (ordered, not invoiced yet)."""
    rejected = _noted(rejected)
    formats = formats or Formats()
    assert mapping.order_columns is not None
    columns = mapping.order_columns.mapped()
    cancelled = {v.lower() for v in mapping.cancelled_values}
    orders: dict[str, dict[str, Any]] = {}
    new_customers: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for number, row in rows:
        cells = _Cells(row, formats, columns)
        try:
            order_number, date, amount = cells.text("order_number"), cells.date("order_date"), cells.money("amount")
            if amount < 0:
                raise _BadCell("amount", f"{amount} is negative")
            if order_number in orders:
                raise _BadCell("order_number", f"repeats order {order_number!r}; the first row is kept")
            cid = cells.text("customer_id")
        except _BadCell as bad:
            issues.append(_issue(source, "order", number, columns, bad, as_text(row.get("order_number"))))
            rejected.add("orders", as_text(row.get("order_number")))
            rejected.add("customers", as_text(row.get("customer_id")))
            continue
        currency = cells.text("currency", required=False).upper() or mapping.currency
        if cid not in customers and cid not in new_customers:
            new_customers[cid] = {"id": cid, "name": cells.text("customer_name", False) or cid,
                                  "currency": currency, "terms_days": mapping.terms_days}
        orders[order_number] = {
            "id": order_number, "number": order_number, "customer_id": cid, "order_date": date.isoformat(),  # type: ignore[union-attr]
            "total": str(amount), "currency": currency,
            "state": "cancelled" if cells.text("status", False).lower() in cancelled else "confirmed"}
    return list(orders.values()), list(new_customers.values()), issues
