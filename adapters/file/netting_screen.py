"""Which payment rows stand as given, decided on columns (pyarrow) rather than a row at a time.

``netting.net`` replays a book day by day only when it must: a credit note or a settled invoice
in it (known before any payment row is looked at), a payment row asking nothing or more than its
invoice's total, or the rows naming an invoice asking more than its total together. Every other
payment row is its own allocation, as it is. Most payments of an export are one such row, so
``screen`` decides for them all at once: a payment is *plain* when it has one allocation row
``{"invoice_id", "amount"}`` whose amount is a positive number written as ``str(Decimal)``
writes it (so the row is its allocation as it is), naming an invoice issued on or before the
payment's day (so it is dated the payment's day) whose total is a plain number. The amounts of
the plain rows are summed per invoice exactly (int64, in units of the longest fraction),
and an invoice whose plain rows ask more than its total replays its book.

The other payments (several rows, another amount text, an invoice issued later), and every
payment naming an invoice one of them names, are left to the row-at-a-time check
(``netting._as_given``), in file order: so each invoice's rows are summed one way or the other,
never half and half. Replaying is decided by the sums alone, not by the order of the rows (the
amounts are positive, and a row asking nothing replays its book anyway), so the books replayed
are those the row-at-a-time check alone gives. Where a column is not what this expects (a total
or an amount that is not text, more digits than the sums hold exactly), ``screen`` returns
None and every payment is checked a row at a time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .columns import hand_back

# a positive amount as str(Decimal) writes it: no sign, no leading zero, no exponent (it uses
# one below 1E-6: at more than five zeros after the point)
_CANONICAL = r"^(?:[1-9][0-9]*(?:\.[0-9]+)?|0\.0{0,5}[1-9][0-9]*)$"
_PLAIN_TOTAL = r"^-?[0-9]+(?:\.[0-9]+)?$"  # a total whose digits without the point are its value
_MOST = 2**62  # sums in units of the smallest fraction below this are exact in int64 and in Decimal's 28 digits


@dataclass
class Named:
    """Per payment, what its first row names and asks, in columns: the invoice (None where not
    known: the payment is then checked a row at a time), the row's amount text, the payment's
    day, and the invoice's total and issue day. ``bulk.bulk_payments`` fills them as it makes
    the payments (the invoice is at hand there); ``named_of`` reads them from the records."""

    invoice: list[dict[str, Any] | None] = field(default_factory=list)
    amount: list[str] = field(default_factory=list)
    day: list[str] = field(default_factory=list)
    total: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)

    def add(self, invoice: dict[str, Any] | None, amount: str, day: str) -> None:
        self.invoice.append(invoice)
        self.amount.append(amount)
        self.day.append(day)
        self.total.append(invoice["total"] if invoice is not None else "")
        self.issued.append(invoice["issue_date"] if invoice is not None else "")


def named_of(payments: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> Named:
    """``Named`` of ``payments``: the invoice of ``by_id`` that a payment's one row names, when
    the row is ``{"invoice_id", "amount"}`` (None otherwise, or when the payment has several rows)."""
    named = Named()
    find = by_id.get
    for pay in payments:
        rows = pay["allocations"]
        row = rows[0] if len(rows) == 1 else None
        if type(row) is dict and len(row) == 2 and next(iter(row)) == "invoice_id" and \
                type(row["amount"]) is str and type(pay["date"]) is str:
            invoice = find(row["invoice_id"])
            if invoice is not None and type(invoice["total"]) is str and type(invoice["issue_date"]) is str:
                named.add(invoice, row["amount"], pay["date"])
                continue
        named.add(None, "", "")
    return named


@dataclass
class Screen:
    """What ``screen`` decided.

    Attributes:
      others: the payments that are not plain (positions in ``payments``), in order.
      booked: the plain payments naming an invoice of a book replayed already, in order.
      replay: the books (customer, currency) whose plain rows ask more than an invoice's total.
    """

    others: list[int]
    booked: list[int]
    replay: set[tuple[str, str]]


def _strings(values: list[Any]) -> Any:
    import pyarrow as pa

    return pa.array(values, type=pa.string())


def _fraction_digits(texts: Any) -> Any:
    """The digits after the point of each of ``texts`` (plain numbers), as numpy int64."""
    import pyarrow as pa
    import pyarrow.compute as pc

    point = pc.find_substring(texts, ".")
    digits = pc.if_else(pc.less(point, 0), 0, pc.subtract(pc.subtract(pc.utf8_length(texts), point), 1))
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)


def screen(payments: list[dict[str, Any]], named: Named, by_id: dict[str, dict[str, Any]],
           replayed: Collection[dict[str, Any]]) -> Screen | None:
    """The payments of ``payments`` that are not plain, the plain ones naming an invoice of
    ``replayed`` (the invoices whose book is replayed already), and the books that the plain
    rows' sums replay (see the module's text); None when the columns are not as this expects.
    ``named``: what each payment's first row names and asks, its row being ``{"invoice_id",
    "amount"}`` wherever its invoice is known; ``by_id``: the invoices by id. The memory its
    columns took is handed back to the system (pyarrow's pool keeps what is freed otherwise:
    about 90 MB at a million payments, and what reading the files into columns left there)."""
    try:
        return _decide(payments, named, by_id, replayed)
    finally:
        hand_back()


def _decide(payments: list[dict[str, Any]], named: Named, by_id: dict[str, dict[str, Any]],
            replayed: Collection[dict[str, Any]]) -> Screen | None:
    """``screen``'s decisions."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(payments)
    allocations = list(map(itemgetter("allocations"), payments))
    single = np.fromiter(map(len, allocations), dtype=np.int64, count=count) == 1
    if None in named.invoice:
        single &= np.fromiter(map(_is_not_none, named.invoice), dtype=bool, count=count)
    try:
        amounts, days = _strings(named.amount), _strings(named.day)
        totals, issued = _strings(named.total), _strings(named.issued)
    except (TypeError, pa.ArrowException):
        return None
    total_plain = pc.match_substring_regex(totals, _PLAIN_TOTAL)
    plain = pc.and_(pc.and_(pa.array(single), pc.match_substring_regex(amounts, _CANONICAL)),
                    pc.and_(total_plain, pc.less_equal(issued, days)))
    plain = pc.fill_null(plain, False).to_numpy(zero_copy_only=False)
    # an invoice that a payment not plain names is left to the row-at-a-time check with all its rows
    others = np.flatnonzero(~plain).tolist()
    which = pa.array(np.fromiter(map(id, named.invoice), dtype=np.int64, count=count))  # an invoice's key: the object
    named_by_others = {id(invoice) for invoice in _named(allocations, others, by_id)}
    if named_by_others:
        plain &= ~_among(which, named_by_others)
        others = np.flatnonzero(~plain).tolist()
    chosen = np.flatnonzero(plain)
    picked = pa.array(chosen)
    asked_texts, total_texts = pc.take(amounts, picked), pc.take(totals, picked)
    asked_digits, total_digits = _fraction_digits(asked_texts), _fraction_digits(total_texts)
    scale = int(max(asked_digits.max(), total_digits.max())) if len(chosen) else 0
    try:
        asked, total = _whole(asked_texts), _whole(total_texts)
    except pa.ArrowException:
        return None  # more digits than int64 holds
    if len(chosen) and max(int(asked.max()) * len(chosen), int(np.abs(total).max())) * 10 ** scale >= _MOST:
        return None  # a sum might not be exact in int64
    table = pa.table({"invoice": pc.take(which, picked), "asked": asked * 10 ** (scale - asked_digits),
                      "total": total * 10 ** (scale - total_digits), "payment": chosen})
    sums = table.group_by("invoice", use_threads=False).aggregate([("asked", "sum"), ("total", "min"),
                                                                    ("payment", "min")])
    over = pc.filter(sums.column("payment_min"), pc.greater(sums.column("asked_sum"), sums.column("total_min")))
    replay = set()
    for p in over.to_pylist():
        invoice = named.invoice[p]
        assert invoice is not None  # plain
        replay.add((invoice["customer_id"], invoice["currency"]))
    booked: list[int] = []
    if replayed:
        booked = chosen[_among(pc.take(which, picked), set(map(id, replayed)))].tolist()
    return Screen(others, booked, replay)


def _among(keys: Any, values: set[int]) -> Any:
    """Per key of ``keys`` (pyarrow int64), whether it is one of ``values`` (numpy bools)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(keys, value_set=pa.array(np.fromiter(values, dtype=np.int64, count=len(values))))
    return found.to_numpy(zero_copy_only=False)


def _whole(texts: Any) -> Any:
    """Plain numbers (pyarrow strings) without their point, as numpy int64 (``12.50`` -> 1250);
    ArrowInvalid when one does not fit in int64."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(pc.replace_substring(texts, ".", ""), pa.int64()).to_numpy(zero_copy_only=False)


def _is_not_none(value: Any) -> bool:
    return value is not None


def _named(allocations: list[list[dict[str, Any]]], which: list[int], by_id: dict[str, dict[str, Any]],
           ) -> list[dict[str, Any]]:
    """The invoices the rows of the payments ``which`` name (``allocations``: each payment's rows)."""
    find = by_id.get
    named = []
    for p in which:
        for row in allocations[p]:
            invoice = find(row["invoice_id"]) if type(row) is dict and "invoice_id" in row else None
            if invoice is not None:
                named.append(invoice)
    return named
