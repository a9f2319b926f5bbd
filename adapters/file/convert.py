"""Rows of an export -> raw records in ``load_ledger``'s shape, plus an Issue per bad cell.

An invoice table becomes invoices and credit notes (negative amounts), and with a settled date
or a paid or open amount, what was paid on each invoice; a payments table, when given,
supplies the payments instead (rows with the same payment id are one payment with several
allocations). ``netting.net`` then applies credit notes and payments to the invoices. An
orders table, when given, supplies sale orders (and the customers not invoiced yet). The
records a rejected row stands for are noted in a ``Rejected`` (so that a complete export does
not drop their stored version).

A row with more or fewer fields than the header (``reader.MISFIT``) is rejected whole: which
cell went where is unknown, so its id is not read from it and the stored records of its kind
all stay (``Rejected.unidentified``). In an invoices file, one whose invoice number and customer
cells are both empty is skipped as a report's heading or totals line, as such rows are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from arwatch.core.issues import Issue

from . import numbers
from .dates import parse_date
from .mapping import FileMapping
from .netting import Paid
from .reader import MISFIT, Row, as_text


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


def _misfit(source: str, record_type: str, number: int, problem: str) -> Issue:
    """The problem of a row whose field count is not the header's (the record as a whole)."""
    return Issue(source=source, record_type=record_type, record_id=f"row {number}", field="", message=problem)


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
    settled = cells.date("settled_date", required=False)
    if settled is not None and settled < issue_date:  # type: ignore[operator]
        raise _BadCell("settled_date", f"{cells.text('settled_date')!r} ({settled}) is before the invoice date "
                                       f"{issue_date}: an invoice cannot be settled before it was issued")
    return customer, invoice, settled, paid


def _terms(customer_ids: list[str], gaps: list[int]) -> dict[str, int]:
    """Each customer's most frequent days from issue to due (of its kept invoices, the ``i``-th
    one's customer and days at ``i``); of two as frequent, the one seen first
    (``Counter.most_common`` of the customer's days)."""
    best: dict[str, tuple[int, int]] = {}  # customer -> (days, how many)
    for (cid, days), count in Counter(zip(customer_ids, gaps, strict=True)).items():  # in the order first seen
        now = best.get(cid)
        if now is None or count > now[1]:
            best[cid] = (days, count)
    return {cid: days for cid, (days, _) in best.items()}


class InvoiceBook:
    """The customers, invoices and settled amounts of an invoices export, a row at a time in
    file order: what ``convert_invoices`` and the bulk path (``bulk.py``) both fill."""

    def __init__(self, mapping: FileMapping, source: str, settled_payments: bool, rejected: Rejected | None,
                 formats: Formats | None, invoices: dict[str, dict[str, Any]] | None = None):
        self.mapping, self.source, self.settled_payments = mapping, source, settled_payments
        self.rejected = _noted(rejected)
        self.formats = formats or Formats()
        self.columns = mapping.columns.mapped()
        self.customers: dict[str, dict[str, Any]] = {}
        self.gap_ids: list[str] = []  # the customer of each kept invoice, in file order
        self.gap_days: list[int] = []  # and its days from issue to due
        self.invoices: dict[str, dict[str, Any]] = {} if invoices is None else invoices  # by id, in file order
        self.paid_on: dict[str, tuple[Decimal | None, dt.date | None]] = {}
        self.issues: list[Issue] = []

    def row(self, number: int, row: Row) -> None:
        """One row, checked and converted cell by cell."""
        if not as_text(row.get("invoice_number")) and not as_text(row.get("customer_id")):
            return  # a report's heading or totals line (QuickBooks' "Total for ..."), not an invoice
        if MISFIT in row:
            self.issues.append(_misfit(self.source, "invoice", number, row[MISFIT]))
            self.rejected.add("invoices", "")  # its cells may be other columns': it may be any invoice
            self.rejected.add("customers", "")
            if self.settled_payments:
                self.rejected.add("payments", "")
            return
        invoice_id, customer_id = as_text(row.get("invoice_number")), as_text(row.get("customer_id"))
        try:
            customer, invoice, settled, paid = _invoice(_Cells(row, self.formats, self.columns), self.mapping)
        except _BadCell as bad:
            self.reject(number, invoice_id, customer_id, bad)
            return
        self.keep(number, customer_id, customer, invoice, settled, paid)

    def reject(self, number: int, invoice_id: str, customer_id: str, bad: _BadCell) -> None:
        self.issues.append(_issue(self.source, "invoice", number, self.columns, bad, invoice_id))
        self.rejected.add("invoices", invoice_id)
        self.rejected.add("customers", customer_id)
        if self.settled_payments:
            self.rejected.add("payments", invoice_id and f"settled:{invoice_id}")

    def repeated(self, number: int, invoice_id: str, customer_id: str) -> None:
        """A good row naming an invoice kept already: rejected, the first row is kept."""
        bad = _BadCell("invoice_number", f"repeats invoice {invoice_id!r}; the first row is kept")
        self.reject(number, invoice_id, customer_id, bad)

    def keep(self, number: int, customer_id: str, customer: dict[str, Any] | None, invoice: dict[str, Any],
             settled: dt.date | None, paid: Decimal | None, gap: int | None = None) -> None:
        """A row whose cells are good; ``customer`` may be None when the customer is known
        already, ``gap`` the days from issue to due when the caller has them."""
        if invoice["id"] in self.invoices:
            self.repeated(number, invoice["id"], customer_id)
            return
        if customer is not None:
            self.customers.setdefault(customer["id"], customer)
        if invoice["kind"] == "credit_note" and Decimal(invoice["total"]) == 0:
            return  # applied in full by the accounting package already (its open amount is 0)
        self.invoices[invoice["id"]] = invoice
        if gap is None:
            gap = (dt.date.fromisoformat(invoice["due_date"]) - dt.date.fromisoformat(invoice["issue_date"])).days
        self.gap_ids.append(invoice["customer_id"])
        self.gap_days.append(gap)
        if self.settled_payments and invoice["kind"] == "invoice" and (settled is not None or paid):
            self.paid_on[invoice["id"]] = (paid, settled)  # paid None: all that is open on the settled date

    def result(self) -> tuple[dict[str, Any], list[Issue], dict[str, Paid]]:
        for cid, days in _terms(self.gap_ids, self.gap_days).items():
            self.customers[cid]["terms_days"] = days
        export_day = self.mapping.export_date or _latest(self.invoices.values(), self.paid_on.values())
        settles = {iid: Paid(amount, day or export_day) for iid, (amount, day) in self.paid_on.items()}
        return ({"customers": list(self.customers.values()), "invoices": list(self.invoices.values())},
                self.issues, settles)


def convert_invoices(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     settled_payments: bool, rejected: Rejected | None = None, formats: Formats | None = None,
                     ) -> tuple[dict[str, Any], list[Issue], dict[str, Paid]]:
    """customers, invoices and credit notes; and what each row says was paid (a settled date, a
    paid or open amount) when ``settled_payments`` (no payments file), for ``netting.net``."""
    book = InvoiceBook(mapping, source, settled_payments, rejected, formats)
    for number, row in rows:
        book.row(number, row)
    return book.result()


def _latest(invoices: Iterable[dict[str, Any]], paid: Iterable[tuple[Decimal | None, dt.date | None]]) -> dt.date:
    """The export's day when the settings do not say: the latest invoice or settled date in it."""
    latest = max(map(itemgetter("issue_date"), invoices), default=None)  # ISO days sort as the days
    days = [day for _, day in paid if day is not None]
    if latest is not None:
        days.append(dt.date.fromisoformat(latest))
    return max(days, default=dt.date(1970, 1, 1))


class PaymentBook:
    """The payments of a payments export, grouped by payment id, a row at a time in file order
    (``convert_payments`` and the bulk path)."""

    def __init__(self, mapping: FileMapping, source: str, invoices: dict[str, dict[str, Any]],
                 rejected: Rejected | None, formats: Formats | None):
        assert mapping.payment_columns is not None
        self.source, self.invoices = source, invoices
        self.rejected = _noted(rejected)
        self.formats = formats or Formats()
        self.columns = mapping.payment_columns.mapped()
        self.payments: dict[str, dict[str, Any]] = {}
        self.issues: list[Issue] = []

    def row(self, number: int, row: Row) -> None:
        """One row, checked and converted cell by cell."""
        if MISFIT in row:
            self.issues.append(_misfit(self.source, "payment", number, row[MISFIT]))
            self.rejected.add("payments", "")  # its cells may be other columns': it may be any payment
            return
        cells = _Cells(row, self.formats, self.columns)
        try:
            pid, date, amount = cells.text("payment_id"), cells.date("payment_date"), cells.money("amount")
            invoice = self.invoices.get(cells.text("invoice_number"))
            if invoice is None:
                raise _BadCell("invoice_number", f"names unknown invoice {cells.text('invoice_number')!r}")
            if amount <= 0:
                raise _BadCell("amount", f"{amount} is not a positive amount")
        except _BadCell as bad:
            label = as_text(row.get("payment_id"))
            self.issues.append(_issue(self.source, "payment", number, self.columns, bad, label))
            self.rejected.add("payments", label)
            return
        self.keep(pid, date.isoformat(), amount, invoice,  # type: ignore[union-attr]
                  cells.text("customer_id", False), cells.text("payer_account", False))

    def keep(self, pid: str, day: str, amount: Decimal, invoice: dict[str, Any], customer_id: str,
             payer_account: str) -> None:
        """A row whose cells are good."""
        payment = self.payments.get(pid)
        if payment is None:
            payment = self.payments[pid] = {
                "id": pid, "customer_id": customer_id or invoice["customer_id"], "date": day, "amount": "0",
                "currency": invoice["currency"], "allocations": []}
        if payer_account:
            payment["payer_account"] = payer_account
        payment["amount"] = str(Decimal(payment["amount"]) + amount)
        payment["allocations"].append({"invoice_id": invoice["id"], "amount": str(amount)})

    def result(self) -> tuple[list[dict[str, Any]], list[Issue]]:
        return list(self.payments.values()), self.issues


def convert_payments(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                     invoices: dict[str, dict[str, Any]], rejected: Rejected | None = None,
                     formats: Formats | None = None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Payments grouped by payment id, allocated to the invoices their rows name (as the rows
    say: ``netting.net`` caps and spreads them)."""
    book = PaymentBook(mapping, source, invoices, rejected, formats)
    for number, row in rows:
        book.row(number, row)
    return book.result()


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
        if MISFIT in row:
            issues.append(_misfit(source, "order", number, row[MISFIT]))
            rejected.add("orders", "")  # its cells may be other columns': it may be any order
            rejected.add("customers", "")
            continue
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
