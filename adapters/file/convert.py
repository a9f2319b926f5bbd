"""Rows of an export -> raw records in ``load_ledger``'s shape, plus an Issue per bad cell.

An invoice table with a settled date becomes invoices plus one payment per settled invoice;
a payments table, when given, supplies the payments instead (rows with the same payment id
are one payment with several allocations). An orders table, when given, supplies sale orders
(and the customers not invoiced yet). The records a rejected row stands for are noted in a
``Rejected`` (so that a complete export does not drop their stored version).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from arwatch.core.issues import Issue

from .mapping import FileMapping, strptime_format
from .reader import Row, as_date, as_text


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

    def __init__(self, row: Row, mapping: FileMapping, columns: dict[str, str]):
        self.row, self.mapping, self.columns = row, mapping, columns
        self.fmt = strptime_format(mapping.date_format)

    def text(self, field: str, required: bool = True) -> str:
        value = as_text(self.row.get(field, ""))
        if required and not value:
            raise _BadCell(field, "is empty")
        return value

    def date(self, field: str, required: bool = True) -> dt.date | None:
        if not self.text(field, required):
            return None
        try:
            return as_date(self.row[field], self.fmt)
        except ValueError:
            raise _BadCell(field, f"{as_text(self.row[field])!r} is not a date in the format "
                                  f"{self.mapping.date_format}") from None

    def amount(self, field: str) -> Decimal:
        raw = self.row.get(field, "")
        if isinstance(raw, (int, float)):
            return Decimal(str(raw))
        text = self.text(field)
        if self.mapping.thousands_separator:
            text = text.replace(self.mapping.thousands_separator, "")
        text = text.replace(self.mapping.decimal_separator, ".").replace(" ", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _BadCell(field, f"{as_text(raw)!r} is not an amount") from None
        if not value.is_finite():
            raise _BadCell(field, f"{as_text(raw)!r} is not an amount")
        return value


def _issue(source: str, record_type: str, number: int, columns: dict[str, str], bad: _BadCell,
           label: str = "") -> Issue:
    column = columns.get(bad.field, bad.field)
    where = f" ({label})" if label else ""
    return Issue(source=source, record_type=record_type, record_id=f"row {number}", field=column,
                 message=f"column {column!r}{where} {bad.message}")


def _invoice(cells: _Cells, mapping: FileMapping) -> tuple[dict[str, Any], dict[str, Any], dt.date | None]:
    number = cells.text("invoice_number")
    issue_date, due_date = cells.date("invoice_date"), cells.date("due_date")
    if due_date < issue_date:  # type: ignore[operator]
        raise _BadCell("due_date", f"{due_date} is before the invoice date {issue_date}")
    amount = cells.amount("amount")
    currency = cells.text("currency", required=False).upper() or mapping.currency
    customer = {"id": cells.text("customer_id"), "name": cells.text("customer_name", False) or cells.text("customer_id"),
                "currency": currency}
    if cells.text("country", False):
        customer["country"] = cells.text("country", False)
    invoice = {"id": number, "number": number, "customer_id": customer["id"],
               "kind": "credit_note" if amount < 0 else "invoice", "issue_date": issue_date.isoformat(),  # type: ignore[union-attr]
               "due_date": due_date.isoformat(), "total": str(abs(amount)), "currency": currency,  # type: ignore[union-attr]
               "disputed": cells.text("disputed", False).lower() in mapping.disputed_values}
    if cells.text("delivery", False):
        invoice["delivery"] = cells.text("delivery", False)
    return customer, invoice, cells.date("settled_date", required=False)


def _terms(gaps: dict[str, Counter], default: int) -> dict[str, int]:
    return {cid: counter.most_common(1)[0][0] if counter else default for cid, counter in gaps.items()}


def convert_invoices(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     settled_payments: bool, rejected: Rejected | None = None) -> tuple[dict[str, list], list[Issue]]:
    """customers, invoices (and payments from settled dates when ``settled_payments``)."""
    rejected = _noted(rejected)
    columns = mapping.columns.mapped()
    customers: dict[str, dict[str, Any]] = {}
    gaps: dict[str, Counter] = defaultdict(Counter)
    invoices: dict[str, dict[str, Any]] = {}
    payments: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for number, row in rows:
        cells = _Cells(row, mapping, columns)
        try:
            customer, invoice, settled = _invoice(cells, mapping)
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
        invoices[invoice["id"]] = invoice
        gaps[customer["id"]][(dt.date.fromisoformat(invoice["due_date"])
                              - dt.date.fromisoformat(invoice["issue_date"])).days] += 1
        if settled_payments and settled is not None and invoice["kind"] == "invoice":
            payments.append({"id": f"settled:{invoice['id']}", "customer_id": invoice["customer_id"],
                             "date": settled.isoformat(), "amount": invoice["total"], "currency": invoice["currency"],
                             "allocations": [{"invoice_id": invoice["id"], "amount": invoice["total"]}]})
    for cid, days in _terms(gaps, mapping.terms_days).items():
        customers[cid]["terms_days"] = days
    return {"customers": list(customers.values()), "invoices": list(invoices.values()),
            "payments": payments}, issues


def convert_payments(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     invoices: dict[str, dict[str, Any]],
                     rejected: Rejected | None = None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Payments grouped by payment id, allocated to the invoices their rows name."""
    rejected = _noted(rejected)
    assert mapping.payment_columns is not None
    columns = mapping.payment_columns.mapped()
    payments: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for number, row in rows:
        cells = _Cells(row, mapping, columns)
        try:
            pid, date, amount = cells.text("payment_id"), cells.date("payment_date"), cells.amount("amount")
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
                   customers: set[str], rejected: Rejected | None = None,
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Issue]]:
    """Sale orders, and the customers among them not in ``customers`` (ordered, not invoiced yet)."""
    rejected = _noted(rejected)
    assert mapping.order_columns is not None
    columns = mapping.order_columns.mapped()
    cancelled = {v.lower() for v in mapping.cancelled_values}
    orders: dict[str, dict[str, Any]] = {}
    new_customers: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for number, row in rows:
        cells = _Cells(row, mapping, columns)
        try:
            order_number, date, amount = cells.text("order_number"), cells.date("order_date"), cells.amount("amount")
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
