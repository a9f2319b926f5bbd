"""Invoices and payments checked a column at a time: the fast path of the file source.

Each mapped column is read once (``columns.py``) and parsed through its distinct texts: an
export repeats a few thousand dates and a few hundred thousand amounts over a million rows, so
a date is parsed, an amount read (``numbers.parse_amount``) and the texts made of it (a total,
a kind) once per distinct cell, and the rows share them. The checks of a row (every required
cell there and readable, due and settled not before issue, paid and open amounts that fit, the
header's field count) are then plain comparisons of those columns. A row that passes them all goes straight into
the records; a row that fails any is converted again by the row-at-a-time code of
``convert.py``, which finds its first bad cell and writes its problem: so the problems (file,
row, column, value, message), the records and the rejected ids are exactly those of
``convert_invoices`` and ``convert_payments`` (tests/test_file_bulk.py compares them).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np

from arwatch.core.issues import Issue

from . import numbers
from .columns import Columns
from .convert import Formats, InvoiceBook, PaymentBook, Rejected
from .dates import parse_date
from .mapping import FileMapping
from .netting import Paid
from .netting_screen import Named
from .reader import as_text

BAD: Any = object()  # a cell that does not read (its row goes the row-at-a-time way)
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # numbers._PLAIN on ASCII digits
_PLAIN_RE = r"^-?[0-9]+(?:\.[0-9]+)?$"  # the same, for pyarrow
# a plain amount that ``str`` of its Decimal writes as it is, and of its absolute value without
# its sign: no leading zero, at most 6 decimals (``str`` writes 1E-7 for 0.0000001), at most 26
# digits (Decimal's 28-digit context rounds neither ``abs`` nor a sum with 0)
_CANONICAL = r"^-?(?:0|[1-9][0-9]{0,19})(?:\.[0-9]{1,6})?$"


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
    """Each cell of ``field`` as a date, None (empty) or BAD; parsed once per distinct cell (the
    cells of one distinct text share one date)."""
    cells = cols.cells.get(field)
    if cells is None:
        return [None] * len(cols)
    pattern = formats.date_format
    if cols.all_text:
        texts = cols.texts(field)
        read = {text: _date_cell(text, text, pattern) for text in set(texts)}
        return list(map(read.__getitem__, texts))
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


class Amounts:
    """An amount column read: each row's value (a Decimal, None when empty, or BAD) and, for a
    text column, each distinct cell's value and each row's distinct cell: the rows of one text
    share its Decimal, and what is made of it (``made``) is made once per distinct text.
    ``canonical``: per distinct cell, whether its text is its Decimal's as ``str`` writes it
    (``_CANONICAL``: then what ``_kind_and_total`` and ``_payment_texts`` make of it is read
    off the text)."""

    def __init__(self, values: list[Any], distinct: list[Any] | None = None, codes: Any = None,
                 texts: list[str] | None = None, canonical: list[bool] | None = None):
        self.values, self.distinct, self.codes = values, distinct, codes
        self.texts, self.canonical = texts, canonical

    def made(self, make: Callable[[Decimal], Any]) -> list[Any]:
        """``make`` of each row's Decimal (None for a row whose cell is not one)."""
        if self.distinct is None or self.codes is None:
            return [make(value) if type(value) is Decimal else None for value in self.values]
        by_text = _BY_TEXT.get(make) if self.texts is not None and self.canonical is not None else None
        if by_text is not None:
            assert self.texts is not None and self.canonical is not None
            made = [by_text(text) if canonical else make(value) if type(value) is Decimal else None
                    for text, canonical, value in zip(self.texts, self.canonical, self.distinct, strict=True)]
        else:
            made = [make(value) if type(value) is Decimal else None for value in self.distinct]
        return _spread(made, self.codes)


def _spread(distinct: list[Any], codes: Any) -> list[Any]:
    """``[distinct[c] for c in codes]`` (``codes``: a numpy array of indexes, or a list)."""
    if isinstance(codes, list):
        return list(map(distinct.__getitem__, codes))
    table = np.fromiter(distinct, dtype=object, count=len(distinct))
    spread: list[Any] = table[codes].tolist()
    return spread


def read_amounts(cols: Columns, field: str, formats: Formats) -> Amounts:
    """Each cell of ``field`` as a Decimal, None (empty) or BAD (as ``convert._Cells.amount``)."""
    cells = cols.cells.get(field)
    if cells is None:
        return Amounts([None] * len(cols))
    locale = formats.locale
    if not cols.all_text:
        return Amounts([_amount_cell(value, locale) for value in cells])
    encoded = cols.encoded(field)
    if encoded is not None and numbers.decimal_symbol(locale) == ".":
        # a plain number (1234.50) is its Decimal: Babel is not asked; which texts are plain,
        # and canonical, is found by pyarrow over the distinct texts at once
        texts, dictionary, codes = encoded
        import pyarrow.compute as pc

        plain = pc.match_substring_regex(dictionary, _PLAIN_RE).to_numpy(zero_copy_only=False)
        canonical = pc.match_substring_regex(dictionary, _CANONICAL).to_numpy(zero_copy_only=False).tolist()
        if plain.all():
            distinct = list(map(Decimal, texts))
        else:
            distinct = [Decimal(text) if ok else _amount_cell(text, locale)
                        for text, ok in zip(texts, plain.tolist(), strict=True)]
        return Amounts(_spread(distinct, codes), distinct, codes, texts, canonical)
    texts, coded = cols.coded(field)
    if numbers.decimal_symbol(locale) == ".":  # a plain number (1234.50) is its Decimal: Babel is not asked
        is_plain = _PLAIN.fullmatch
        distinct = [Decimal(text) if is_plain(text) else _amount_cell(text, locale) for text in texts]
    else:
        distinct = [_amount_cell(text, locale) for text in texts]
    return Amounts(_spread(distinct, coded), distinct, coded)


def amounts(cols: Columns, field: str, formats: Formats) -> list[Any]:
    """Each cell of ``field`` as a Decimal, None (empty) or BAD."""
    return read_amounts(cols, field, formats).values


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
                  by_id: dict[str, dict[str, Any]] | None = None,
                  ) -> tuple[dict[str, Any], list[Issue], dict[str, Paid]]:
    """``convert.convert_invoices`` of the rows of ``cols``, checked column by column. A good
    row is kept here as ``InvoiceBook.keep`` keeps it (the same dicts, keys in the same order),
    a repeated invoice and a bad row are the book's. What a row's cells make (its total's text,
    its kind, its dates' texts, whether it is disputed) is made once per distinct cell and shared.
    ``by_id``: an empty dict to hold the invoices kept, by id (the book's own: not made again of
    the records, each of whose ids is a lookup in memory the rows left cold)."""
    book = InvoiceBook(mapping, source, settled_payments, rejected, formats, by_id)
    formats = book.formats
    ids, customer_ids = cols.texts("invoice_number"), cols.texts("customer_id")
    issued, due = dates(cols, "invoice_date", formats), dates(cols, "due_date", formats)
    for i in cols.misfits:  # a row with more or fewer fields than the header: the book rejects it
        issued[i] = BAD
    settled = dates(cols, "settled_date", formats)
    read = read_amounts(cols, "amount", formats)
    amount = read.values
    paid, still_open = amounts(cols, "paid_amount", formats), amounts(cols, "open_amount", formats)
    names, currencies = cols.texts("customer_name"), cols.texts("currency")
    countries, deliveries, disputed = cols.texts("country"), cols.texts("delivery"), cols.texts("disputed")
    is_disputed = {text: text.lower() in mapping.disputed_values for text in set(disputed)}
    iso = {day: day.isoformat() for day in {*issued, *due} if isinstance(day, dt.date)}
    ordinal = {day: day.toordinal() for day in iso}
    upper = {text: text.upper() or mapping.currency for text in set(currencies)}
    with_paid = "paid_amount" in cols.cells or "open_amount" in cols.cells
    # per row, without paid or open amounts: (kind, the total's text) of a Decimal amount
    facts = [None] * len(cols) if with_paid else read.made(_kind_and_total)
    kept, customers, paid_on = book.invoices, book.customers, book.paid_on
    gap_ids, gap_days = book.gap_ids, book.gap_days
    # each row's issue and due day as a day number (-1: not a date): the plain rows' checks and
    # gaps in numpy
    day_number: dict[Any, int] = {day: number if type(day) is dt.date else -1 for day, number in ordinal.items()}
    day_number[None] = day_number[BAD] = -1
    issue_numbers = np.fromiter(map(day_number.__getitem__, issued), dtype=np.int64, count=len(cols))
    due_numbers = np.fromiter(map(day_number.__getitem__, due), dtype=np.int64, count=len(cols))
    plain = _plain_invoices(cols, ids, customer_ids, issue_numbers, due_numbers, settled, read, with_paid)
    date, decimal = dt.date, Decimal
    start = 0
    for i in [*np.flatnonzero(~plain).tolist(), len(cols)]:
        if start < i:  # a run of plain rows, kept at once
            rows = slice(start, i)
            made = [{"id": invoice_id, "number": invoice_id, "customer_id": customer_id, "kind": kind,
                     "issue_date": issue_text, "due_date": due_text, "total": total_text, "currency": currency,
                     "disputed": flag}
                    for invoice_id, customer_id, (kind, total_text), issue_text, due_text, currency, flag
                    in zip(ids[rows], customer_ids[rows], facts[rows], map(iso.__getitem__, issued[rows]),
                           map(iso.__getitem__, due[rows]), map(upper.__getitem__, currencies[rows]),
                           map(is_disputed.__getitem__, disputed[rows]), strict=True)]
            _plain_customers(customers, rows, customer_ids, names, countries, currencies, upper)
            if any(deliveries[rows]):
                for invoice, delivery in zip(made, deliveries[rows], strict=True):
                    if delivery:
                        invoice["delivery"] = delivery
            kept.update(zip(ids[rows], made, strict=True))
            gap_ids += customer_ids[rows]
            gap_days += (due_numbers[rows] - issue_numbers[rows]).tolist()
            if settled_payments:
                for invoice, settled_day in zip(made, settled[rows], strict=True):
                    if settled_day is not None and invoice["kind"] == "invoice":
                        paid_on[invoice["id"]] = (None, settled_day)
        start = i + 1
        if i == len(cols):
            break
        # a row not plain: checked here and, when a check fails, converted by the book
        number, invoice_id, customer_id = cols.numbers[i], ids[i], customer_ids[i]
        issue_day, due_day, value, settled_day, fact = issued[i], due[i], amount[i], settled[i], facts[i]
        if not invoice_id and not customer_id:
            continue  # a report's heading or totals line, as convert_invoices skips it
        if not (invoice_id and customer_id and type(issue_day) is date and type(due_day) is date
                and due_day >= issue_day and type(value) is decimal and settled_day is not BAD
                and (settled_day is None or settled_day >= issue_day)
                and (not with_paid or _fits(value, paid[i], still_open[i]))):
            book.row(number, cols.row(i))
            continue
        if invoice_id in kept:
            book.repeated(number, invoice_id, customer_id)
            continue
        currency = upper[currencies[i]]
        if customer_id not in customers:
            customer = customers[customer_id] = {"id": customer_id, "name": names[i] or customer_id,
                                                 "currency": currency}
            if countries[i]:
                customer["country"] = countries[i]
        if with_paid:
            paid_here = _paid(value, paid[i], still_open[i])
            total = abs(value) if paid_here is None or value >= 0 else abs(value) - paid_here
            if value < 0 and total == 0:
                continue  # applied in full by the accounting package already (InvoiceBook.keep)
            kind, total_text = "credit_note" if value < 0 else "invoice", str(total)
        else:
            paid_here = None
            kind, total_text = fact
        invoice = {"id": invoice_id, "number": invoice_id, "customer_id": customer_id,
                   "kind": kind, "issue_date": iso[issue_day], "due_date": iso[due_day], "total": total_text,
                   "currency": currency, "disputed": is_disputed[disputed[i]]}
        if deliveries[i]:
            invoice["delivery"] = deliveries[i]
        kept[invoice_id] = invoice
        gap_ids.append(customer_id)
        gap_days.append(ordinal[due_day] - ordinal[issue_day])
        if settled_payments and kind == "invoice" and (settled_day is not None or paid_here):
            paid_on[invoice_id] = (paid_here, settled_day)
    return book.result()


def _plain_invoices(cols: Columns, ids: list[str], customer_ids: list[str], issued: Any, due: Any,
                    settled: list[Any], read: Amounts, with_paid: bool) -> Any:
    """Per row (numpy bools), whether it is plain: kept as it is without a look at its cells
    one by one. Its invoice and customer named, its issue and due days dates (``issued`` and
    ``due``: day numbers, -1 where not a date), due not before issue, its amount a Decimal, its
    settled day none or a date not before issue, no paid or open amount to fit, and its
    invoice named by no other row (the rows of a repeated invoice are taken a row at a time, in
    file order, as the book takes them)."""
    count = len(cols)
    if with_paid or not count:
        return np.zeros(count, dtype=bool)
    plain = (issued >= 0) & (due >= issued)
    plain &= np.fromiter(map(bool, ids), dtype=bool, count=count)
    plain &= np.fromiter(map(bool, customer_ids), dtype=bool, count=count)
    if read.distinct is not None and isinstance(read.codes, np.ndarray):
        plain &= _is_decimal(read.distinct)[read.codes]
    else:
        plain &= _is_decimal(read.values)
    if "settled_date" in cols.cells:
        plain &= np.fromiter((day is None or (type(day) is dt.date and day.toordinal() >= number)
                              for day, number in zip(settled, issued.tolist(), strict=True)), dtype=bool, count=count)
    if len(set(ids)) < count:
        counts = Counter(ids)
        plain &= np.fromiter((counts[invoice_id] == 1 for invoice_id in ids), dtype=bool, count=count)
    return plain


def _is_decimal(values: list[Any]) -> Any:
    """Per value, whether its type is Decimal (numpy bools)."""
    return np.fromiter(map(operator.is_, map(type, values), repeat(Decimal)), dtype=bool, count=len(values))


def _plain_customers(customers: dict[str, dict[str, Any]], rows: slice, customer_ids: list[str], names: list[str],
                     countries: list[str], currencies: list[str], upper: dict[str, str]) -> None:
    """The customers first named by the plain ``rows``, added to ``customers`` as the book adds
    them (in the order they are first named, each with its first row's name, currency and country)."""
    named = customer_ids[rows]
    first = dict(zip(reversed(named), reversed(range(rows.start, rows.stop)), strict=True))  # its first row
    for customer_id in dict.fromkeys(named):  # in the order first named
        if customer_id in customers:
            continue
        i = first[customer_id]
        customer = customers[customer_id] = {"id": customer_id, "name": names[i] or customer_id,
                                             "currency": upper[currencies[i]]}
        if countries[i]:
            customer["country"] = countries[i]


def _kind_and_total(value: Decimal) -> tuple[str, str]:
    """An amount's record kind and the text of its total, when no paid or open amount is given."""
    return ("credit_note" if value < 0 else "invoice"), str(abs(value))


def _payment_texts(value: Decimal) -> tuple[str, str] | None:
    """A positive amount's allocation text and its payment's amount text (as ``PaymentBook.keep``
    sums it from 0: the same text, shared, unless the sum rounds it); None when not positive."""
    if not value > 0:
        return None
    text, total = str(value), str(Decimal(0) + value)
    return text, (text if total == text else total)


def _kind_and_total_of(text: str) -> tuple[str, str]:
    """``_kind_and_total`` of the Decimal of a ``_CANONICAL`` text, read off the text."""
    if text[0] == "-":
        total = text[1:]
        return ("credit_note" if total.strip("0.") else "invoice"), total  # -0.00 is not below 0
    return "invoice", text


def _payment_texts_of(text: str) -> tuple[str, str] | None:
    """``_payment_texts`` of the Decimal of a ``_CANONICAL`` text, read off the text."""
    if text[0] == "-" or not text.strip("0."):
        return None  # not positive
    return text, text


# what ``Amounts.made`` reads off a canonical text instead of making it of its Decimal
_BY_TEXT: dict[Callable[[Decimal], Any], Callable[[str], Any]] = {
    _kind_and_total: _kind_and_total_of, _payment_texts: _payment_texts_of}


def bulk_payments(cols: Columns, mapping: FileMapping, source: str, invoices: dict[str, dict[str, Any]],
                  rejected: Rejected | None = None, formats: Formats | None = None,
                  ) -> tuple[list[dict[str, Any]], list[Issue], Named | None]:
    """``convert.convert_payments`` of the rows of ``cols``, checked column by column; the first
    row of a payment is kept here as ``PaymentBook.keep`` keeps it, the next ones by the book.
    An amount's texts are made once per distinct cell and shared. Third: per payment, what its
    first row names and asks (``netting_screen.Named``: what ``netting.net`` would otherwise
    look up again); None when a payment was begun by the book."""
    book = PaymentBook(mapping, source, invoices, rejected, formats)
    formats = book.formats
    ids, invoice_ids = cols.texts("payment_id"), cols.texts("invoice_number")
    days = dates(cols, "payment_date", formats)
    for i in cols.misfits:  # a row with more or fewer fields than the header: the book rejects it
        days[i] = BAD
    read = read_amounts(cols, "amount", formats)
    amount = read.values
    customer_ids, payer_accounts = cols.texts("customer_id"), cols.texts("payer_account")
    facts = read.made(_payment_texts)  # per row: the texts of a positive amount, else None
    iso = {day: day.isoformat() for day in set(days) if isinstance(day, dt.date)}
    payments = book.payments
    named = Named()  # per payment begun here, what its first row names and asks
    name_invoice, name_amount, name_day = named.invoice.append, named.amount.append, named.day.append
    name_total, name_issued = named.total.append, named.issued.append
    date, find = dt.date, invoices.get
    rows = zip(cols.numbers, ids, invoice_ids, days, facts, strict=True)
    for i, (number, pid, invoice_id, day, fact) in enumerate(rows):
        invoice = find(invoice_id)
        if not (pid and type(day) is date and fact is not None and invoice is not None):
            book.row(number, cols.row(i))
            continue
        if pid in payments:
            book.keep(pid, iso[day], amount[i], invoice, customer_ids[i], payer_accounts[i])
            continue
        text, total = fact
        day_text = iso[day]
        payment = payments[pid] = {
            "id": pid, "customer_id": customer_ids[i] or invoice["customer_id"], "date": day_text,
            "amount": total, "currency": invoice["currency"],
            "allocations": [{"invoice_id": invoice["id"], "amount": text}]}
        if payer_accounts[i]:
            payment["payer_account"] = payer_accounts[i]
        name_invoice(invoice)  # as Named.add, inline
        name_amount(text)
        name_day(day_text)
        name_total(invoice["total"])
        name_issued(invoice["issue_date"])
    kept, issues = book.result()
    return kept, issues, (named if len(named.invoice) == len(kept) else None)
