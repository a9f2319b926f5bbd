"""Invoices and payments checked a column at a time: the fast path of the file source.

Each mapped column is read once (``columns.py``) and parsed as a whole: a date column through
its distinct texts (an export repeats a few thousand dates over its rows), an amount column
through one pyarrow pattern match that picks the plain numbers (``1234.50``, read by
``Decimal`` at once) from the ones Babel must read (``numbers.parse_amount``). The checks of
a row (every required cell there and readable, due not before issue, paid and open amounts that
fit) are then plain comparisons of those columns. A row that passes them all goes straight into
the records; a row that fails any is converted again by the row-at-a-time code of
``convert.py``, which finds its first bad cell and writes its problem: so the problems (file,
row, column, value, message), the records and the rejected ids are exactly those of
``convert_invoices`` and ``convert_payments`` (tests/test_file_bulk.py compares them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from arwatch.core.issues import Issue

from . import numbers
from .columns import Columns
from .convert import Formats, InvoiceBook, PaymentBook, Rejected
from .dates import parse_date
from .mapping import FileMapping
from .netting import Paid
from .reader import as_text

BAD: Any = object()  # a cell that does not read (its row goes the row-at-a-time way)
_PLAIN = r"^-?[0-9]+(?:\.[0-9]+)?$"  # numbers._PLAIN on ASCII digits


def _date_cell(value: Any, text: str, pattern: str) -> Any:
    """As ``convert._Cells.date``: None when empty, the date, or BAD."""
    if not text:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(text, pattern)
    except ValueError:
        return BAD


def dates(cols: Columns, field: str, formats: Formats) -> list[Any]:
    """Each cell of ``field`` as a date, None (empty) or BAD; parsed once per distinct cell."""
    cells = cols.cells.get(field)
    if cells is None:
        return [None] * len(cols)
    pattern = formats.date_format
    if cols.all_text:
        texts = cols.texts(field)
        read = {text: _date_cell(text, text, pattern) for text in set(texts)}
        return [read[text] for text in texts]
    seen: dict[tuple[type, Any], Any] = {}
    out = []
    for value in cells:
        key = (type(value), value)
        if key not in seen:
            seen[key] = _date_cell(value, as_text(value), pattern)
        out.append(seen[key])
    return out


def _amount_cell(value: Any, locale: str) -> Any:
    """As ``convert._Cells.amount``: None when empty, the Decimal, or BAD."""
    if isinstance(value, bool):
        return BAD
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = as_text(value)
        if not text:
            return None
        try:
            number = numbers.parse_amount(text, locale)
        except ValueError:
            return BAD
    return number if number.is_finite() else BAD


def amounts(cols: Columns, field: str, formats: Formats) -> list[Any]:
    """Each cell of ``field`` as a Decimal, None (empty) or BAD."""
    cells = cols.cells.get(field)
    if cells is None:
        return [None] * len(cols)
    locale = formats.locale
    if not cols.all_text or numbers.decimal_symbol(locale) != ".":
        return [_amount_cell(value, locale) for value in cells]
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = cols.texts(field)
    array = cols.arrays.get(field)  # a cell with spaces around it does not match: its row reads it as Babel does
    array = pa.array(texts, pa.string()) if array is None else array
    plain = pc.match_substring_regex(array, _PLAIN).to_numpy(zero_copy_only=False).tolist()
    return [Decimal(text) if is_plain else _amount_cell(text, locale)
            for text, is_plain in zip(texts, plain, strict=True)]


def _fits(amount: Any, paid: Any, still_open: Any) -> bool:
    """As ``convert._paid``: the paid and open cells read and fit the amount."""
    if paid is BAD or still_open is BAD:
        return False
    if still_open is not None:
        return not (abs(still_open) > abs(amount) or (still_open and (still_open < 0) != (amount < 0)))
    return paid is None or abs(paid) <= abs(amount)


def _paid(amount: Decimal, paid: Decimal | None, still_open: Decimal | None) -> Decimal | None:
    if still_open is not None:
        return abs(amount) - abs(still_open)
    return abs(paid) if paid is not None else None


def bulk_invoices(cols: Columns, mapping: FileMapping, source: str, settled_payments: bool,
                  rejected: Rejected | None = None, formats: Formats | None = None,
                  ) -> tuple[dict[str, Any], list[Issue], dict[str, Paid]]:
    """``convert.convert_invoices`` of the rows of ``cols``, checked column by column. A good
    row is kept here as ``InvoiceBook.keep`` keeps it (the same dicts, keys in the same order),
    a repeated invoice and a bad row are the book's."""
    book = InvoiceBook(mapping, source, settled_payments, rejected, formats)
    formats = book.formats
    ids, customer_ids = cols.texts("invoice_number"), cols.texts("customer_id")
    issued, due = dates(cols, "invoice_date", formats), dates(cols, "due_date", formats)
    settled = dates(cols, "settled_date", formats)
    amount = amounts(cols, "amount", formats)
    paid, still_open = amounts(cols, "paid_amount", formats), amounts(cols, "open_amount", formats)
    names, currencies = cols.texts("customer_name"), cols.texts("currency")
    countries, deliveries, disputed = cols.texts("country"), cols.texts("delivery"), cols.texts("disputed")
    disputed_values = mapping.disputed_values
    iso = {day: day.isoformat() for day in {*issued, *due} if isinstance(day, dt.date)}
    upper = {text: text.upper() or mapping.currency for text in set(currencies)}
    with_paid = "paid_amount" in cols.cells or "open_amount" in cols.cells
    kept, customers, gaps, paid_on = book.invoices, book.customers, book.gaps, book.paid_on
    date, decimal = dt.date, Decimal
    for i, number in enumerate(cols.numbers):
        invoice_id, customer_id, issue_day, due_day, value = ids[i], customer_ids[i], issued[i], due[i], amount[i]
        if not invoice_id and not customer_id:
            continue  # a report's heading or totals line, as convert_invoices skips it
        good = (invoice_id and customer_id and type(issue_day) is date and type(due_day) is date
                and due_day >= issue_day and type(value) is decimal and settled[i] is not BAD
                and (not with_paid or _fits(value, paid[i], still_open[i])))
        if not good:
            book.row(number, cols.row(i))
            continue
        if invoice_id in kept:
            book.repeated(number, invoice_id, customer_id)
            continue
        paid_here = _paid(value, paid[i], still_open[i]) if with_paid else None
        total = abs(value) if paid_here is None or value >= 0 else abs(value) - paid_here
        currency = upper[currencies[i]]
        if customer_id not in customers:
            customer = customers[customer_id] = {"id": customer_id, "name": names[i] or customer_id,
                                                 "currency": currency}
            if countries[i]:
                customer["country"] = countries[i]
        credit_note = value < 0
        if credit_note and total == 0:
            continue  # applied in full by the accounting package already (InvoiceBook.keep)
        invoice = {"id": invoice_id, "number": invoice_id, "customer_id": customer_id,
                   "kind": "credit_note" if credit_note else "invoice", "issue_date": iso[issue_day],
                   "due_date": iso[due_day], "total": str(total), "currency": currency,
                   "disputed": disputed[i].lower() in disputed_values}
        if deliveries[i]:
            invoice["delivery"] = deliveries[i]
        kept[invoice_id] = invoice
        gaps[customer_id][(due_day - issue_day).days] += 1
        if settled_payments and not credit_note and (settled[i] is not None or paid_here):
            paid_on[invoice_id] = (paid_here, settled[i])
    return book.result()


def bulk_payments(cols: Columns, mapping: FileMapping, source: str, invoices: dict[str, dict[str, Any]],
                  rejected: Rejected | None = None, formats: Formats | None = None,
                  ) -> tuple[list[dict[str, Any]], list[Issue]]:
    """``convert.convert_payments`` of the rows of ``cols``, checked column by column; the first
    row of a payment is kept here as ``PaymentBook.keep`` keeps it, the next ones by the book."""
    book = PaymentBook(mapping, source, invoices, rejected, formats)
    formats = book.formats
    ids, invoice_ids = cols.texts("payment_id"), cols.texts("invoice_number")
    days, amount = dates(cols, "payment_date", formats), amounts(cols, "amount", formats)
    customer_ids, payer_accounts = cols.texts("customer_id"), cols.texts("payer_account")
    iso = {day: day.isoformat() for day in set(days) if isinstance(day, dt.date)}
    payments = book.payments
    date, decimal, zero = dt.date, Decimal, Decimal(0)
    for i, number in enumerate(cols.numbers):
        pid, day, value = ids[i], days[i], amount[i]
        invoice = invoices.get(invoice_ids[i])
        if not (pid and type(day) is date and type(value) is decimal and invoice is not None and value > 0):
            book.row(number, cols.row(i))
            continue
        if pid in payments:
            book.keep(pid, iso[day], value, invoice, customer_ids[i], payer_accounts[i])
            continue
        text = str(value)
        total = str(zero + value)  # as PaymentBook.keep sums it
        payment = payments[pid] = {
            "id": pid, "customer_id": customer_ids[i] or invoice["customer_id"], "date": iso[day],
            "amount": text if total == text else total, "currency": invoice["currency"],
            "allocations": [{"invoice_id": invoice["id"], "amount": text}]}
        if payer_accounts[i]:
            payment["payer_account"] = payer_accounts[i]
    return book.result()
