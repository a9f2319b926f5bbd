"""Credit notes and payments of a file export applied to invoices, day by day, as a bookkeeper would.

An export lists invoices, credit notes (negative lines) and what was paid (a settled date, a
paid or open amount, or a payments file); it rarely says which invoice a credit note settles.
``net`` replays a customer's records in date order (same day: invoices, then credit notes,
then payments) and writes the allocations the core reads:

- a credit note settles the customer's open invoices of its currency, the oldest due first;
  what is left settles the next invoices as they are issued (dated their issue day); what is
  still left is the customer's credit (an unapplied credit note);
- a settled date pays what is still open on the invoice that day (nothing when credit notes
  settled it already); a paid amount pays that much, dated the settled date or the export day;
- a payment row pays the invoice it names up to what is open there; the rest goes to the
  customer's other open invoices, oldest due first, and what is still left is unapplied cash.

So an invoice never settles more than its total, the customer's balance is invoices less credit
notes less payments, and aging sees what is really open.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from .netting_screen import Named, named_of, screen

ZERO = Decimal(0)
_EVENT_ORDER = itemgetter(0, 1, 2)  # day, kind (invoices, credit notes, payment rows, settled), key


@dataclass(frozen=True)
class Paid:
    """What the invoice row says was paid: ``amount`` None means all that is open on ``date``."""

    amount: Decimal | None
    date: dt.date


def _alloc(invoice_id: str, amount: Decimal, day: str) -> dict[str, str]:
    return {"invoice_id": invoice_id, "amount": str(amount), "date": day}


def _books_of(invoices: list[dict[str, Any]], paid: dict[str, Paid],
              by_id: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """The books (customer, currency) to replay whatever the payments: those with a credit note
    or a settled invoice (``paid``)."""
    replay: set[tuple[str, str]] = set()
    for inv in invoices:
        if inv["kind"] != "invoice":
            replay.add((inv["customer_id"], inv["currency"]))
    for invoice_id in paid:
        invoice = by_id[invoice_id]
        if invoice["kind"] == "invoice":
            replay.add((invoice["customer_id"], invoice["currency"]))
    return replay


Event = tuple[str, int, str, Any]  # (day, kind, key, item) of a book replayed; kinds: 0 invoice, 1 credit note,
# 2 payment row (key: the payment's id), 3 settled invoice
Found = list[Any]  # per allocation row of a payment: (day, its allocations), in row order (None until replayed)
# or None: the payment is one row, its own allocation as it is (most payments: nothing is made for them)


def _as_given(payments: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
              replay: set[tuple[str, str]] | None, books: dict[tuple[str, str], list[Event]],
              found_of: list[Found | None], which: Iterable[int] | None = None) -> None:
    """Each payment row as its own allocation (what it is in a book that is not replayed), per
    payment; and, unless ``replay`` is None, the books whose payment rows must be replayed added
    to it: those with an allocation that is not positive, or an invoice its rows ask more of
    than its total (the sum of an invoice's rows passes its total at one row at the latest,
    since a row that is not positive replays the book anyway): a row asking more than its
    invoice's total replays it at once, and the rows of an invoice sum what they ask. A row of
    one of ``books`` (replayed already) is left to the replay: its event is added to the book's
    and its place is None. Each payment's place in ``found_of`` is written; ``which``: only
    these payments (positions, in order), and only their rows are summed."""
    asked: dict[str, Any] = {}  # invoice -> what its rows ask so far: its first row's text, then a Decimal
    decimal, find = Decimal, books.get
    for p in range(len(payments)) if which is None else which:
        pay = payments[p]
        paid_on = pay["date"]
        rows = pay["allocations"]
        found: Found = []
        for row in rows:
            invoice = by_id[row["invoice_id"]]
            issued = invoice["issue_date"]
            day = issued if issued > paid_on else paid_on
            given = row["amount"]
            if replay is not None:
                book = (invoice["customer_id"], invoice["currency"])
                events = find(book)
                if events is not None:
                    events.append((day, 2, pay["id"], (pay, row, p, len(found))))
                    found.append(None)  # the replay fills it
                    continue
                amount = decimal(given)
                total = invoice["total"]  # a row asking its total as written asks no more than it
                if amount <= 0 or (given != total and amount > decimal(total)):
                    replay.add(book)
                else:
                    invoice_id = invoice["id"]
                    before = asked.get(invoice_id)
                    if before is None:
                        asked[invoice_id] = given
                    else:
                        asked[invoice_id] = so_far = (decimal(before) if type(before) is str else before) + amount
                        if so_far > decimal(total):
                            replay.add(book)
            else:
                amount = decimal(given)
            text = str(amount)
            if day != paid_on:
                found.append((day, [{"invoice_id": invoice["id"], "amount": text, "date": day}]))
            elif text == given and len(row) == 2 and next(iter(row)) == "invoice_id":
                if len(rows) == 1:
                    found = None  # type: ignore[assignment]  # the row is the payment's allocation, as it is
                    break
                found.append((day, [row]))
            else:
                found.append((day, [{"invoice_id": invoice["id"], "amount": text}]))
        found_of[p] = found


def _invoice_events(invoices: list[dict[str, Any]], books: dict[tuple[str, str], list[Event]],
                    every_book: bool = False) -> dict[str, list[Event]]:
    """Each invoice and credit note of ``books`` (of every book, added to ``books``, when
    ``every_book``) as an event of its book, in file order; the events of each one's book by its id."""
    book_of: dict[str, list[Event]] = {}
    find = books.get
    for inv in invoices:
        key = (inv["customer_id"], inv["currency"])
        events = find(key)
        if events is None:
            if not every_book:
                continue
            events = books[key] = []
        invoice_id = inv["id"]
        events.append((inv["issue_date"], 0 if inv["kind"] == "invoice" else 1, invoice_id, inv))
        book_of[invoice_id] = events
    return book_of


def _plain_events(payments: list[dict[str, Any]], booked: list[int], book_of: dict[str, list[Event]],
                  found_of: list[Found | None]) -> None:
    """The row of each payment of ``booked`` (plain: one row, dated the payment's day, its own
    allocation as it is; ``netting_screen.py``) as an event of its invoice's book, replayed
    already; its place in ``found_of`` None (the replay fills it)."""
    for p in booked:
        pay = payments[p]
        row = pay["allocations"][0]
        book_of[row["invoice_id"]].append((pay["date"], 2, pay["id"], (pay, row, p, 0)))
        found_of[p] = [None]


def _row_events(payments: list[dict[str, Any]], found_of: list[Found | None],
                book_of: dict[str, list[Event]]) -> None:
    """Each payment row naming an invoice of ``book_of`` as an event of its book, in file order;
    its place in ``found_of`` None (the replay fills it)."""
    in_book = book_of.get
    for p, pay in enumerate(payments):
        rows = pay["allocations"]
        if len(rows) == 1 and rows[0]["invoice_id"] not in book_of:
            continue
        for r, row in enumerate(rows):
            events = in_book(row["invoice_id"])
            if events is not None:
                found = found_of[p]
                if found is None:
                    found = found_of[p] = [(pay["date"], pay["allocations"])]
                events.append((found[r][0], 2, pay["id"], (pay, row, p, r)))
                found[r] = None  # the replay fills it


def net(invoices: list[dict[str, Any]], payments: list[dict[str, Any]], paid: dict[str, Paid],
        replay_all: bool = False, by_id: dict[str, dict[str, Any]] | None = None,
        named: Named | None = None, unique: bool | None = None) -> list[dict[str, Any]]:
    """Allocate the credit notes among ``invoices`` (in place) and return the payments: those of
    ``payments`` with their allocations capped and spread (replaced in place), then one per
    entry of ``paid`` (id ``settled:<invoice>``) when something was left to pay.

    Only the books that need it are replayed day by day: those with a credit note, a settled
    invoice (``paid``), an allocation that is not positive, or an invoice its payment rows ask
    more of than its total. In every other book each payment row pays exactly what it says to
    the invoice it names (nothing is capped or spread): it is its own allocation. ``replay_all``
    replays every book (what the result is tested against). ``by_id``: ``invoices`` by id, when
    the caller has them so already; ``named``: what each payment's first row names and asks
    (``netting_screen.Named``), when the caller has it so already; ``unique``: True when the
    caller knows no two payments share an id (they were grouped by id), None to find out."""
    if by_id is None:
        by_id = {inv["id"]: inv for inv in invoices}
    if unique is None:
        unique = len(set(map(itemgetter("id"), payments))) == len(payments)
    replay = None if replay_all or not unique else _books_of(invoices, paid, by_id)
    # the books replayed, each with its events (day, kind, key, item) in file order
    books: dict[tuple[str, str], list[Event]] = {}
    found_of: list[Found | None] = [None] * len(payments)
    if replay is None:
        _as_given(payments, by_id, None, books, found_of)
        book_of = _invoice_events(invoices, books, every_book=True)
        _row_events(payments, found_of, book_of)
    else:
        books.update((key, []) for key in replay)
        book_of = _invoice_events(invoices, books) if books else {}
        in_books = [event[3] for events in books.values() for event in events]  # their invoices, so far
        screened = screen(payments, named or named_of(payments, by_id), by_id, in_books) if payments else None
        if screened is None:
            _as_given(payments, by_id, replay, books, found_of)  # their rows' events added
        else:  # the plain payments decided on columns, the others a row at a time
            replay |= screened.replay
            _as_given(payments, by_id, replay, books, found_of, screened.others)
            _plain_events(payments, screened.booked, book_of, found_of)
        if len(replay) > len(books):  # the books replayed for their payment rows alone
            added: dict[tuple[str, str], list[Event]] = {key: [] for key in replay if key not in books}
            more = _invoice_events(invoices, added)
            _row_events(payments, found_of, more)
            books.update(added)
            book_of.update(more)
    for invoice_id, what in paid.items():
        invoice = by_id[invoice_id]
        if invoice["kind"] == "invoice":
            book_of[invoice_id].append((max(what.date.isoformat(), invoice["issue_date"]), 3, invoice_id,
                                        (what, invoice)))

    generated: list[tuple[str, str, dict[str, Any]]] = []  # (day, invoice id, payment)
    for events in books.values():
        if len(events) > 1:
            events.sort(key=_EVENT_ORDER)  # stable: a day's events of one kind and key in file order
        _replay(events, found_of, generated)
    generated.sort(key=itemgetter(0, 1))  # as the events of all books in one day-by-day replay
    return _finish(payments, found_of, unique, [payment for *_, payment in generated])


def _spread(residual: dict[str, Decimal], order: list[tuple[str, str, str, str]], amount: Decimal,
            skip: str = "") -> list[tuple[str, Decimal]]:
    """``amount`` over the open invoices of a book (``residual`` what is open on each, ``order``
    oldest due first), taken from ``residual``: [(invoice id, amount)]."""
    taken = []
    for entry in order:
        if amount <= 0:
            break
        invoice_id = entry[3]
        if invoice_id == skip:
            continue
        have = residual.get(invoice_id, ZERO)
        took = have if have < amount else amount  # min(amount, have)
        if took > 0:
            residual[invoice_id] = have - took
            taken.append((invoice_id, took))
            amount -= took
    return taken


def _replay(events: list[Event], found_of: list[Found | None],
            generated: list[tuple[str, str, dict[str, Any]]]) -> None:
    """One book's events day by day (sorted): credit notes get their allocations, payment rows
    theirs (in ``found_of``), and the settled invoices a payment each (``generated``)."""
    residual: dict[str, Decimal] = {}  # what is open on each invoice issued so far
    order: list[tuple[str, str, str, str]] = []  # those invoices, oldest due first: (due, issue, number, id)
    notes: list[list[Any]] = []  # [credit note, what it has left]
    for day, kind, key, item in events:
        if kind == 2:
            pay, row, p, r = item
            wanted = Decimal(row["amount"])
            invoice_id = row["invoice_id"]
            have = residual.get(invoice_id, ZERO)
            took = have if have < wanted else wanted  # min(wanted, have)
            entries: list[dict[str, str]] = []
            if took > 0:
                residual[invoice_id] = have - took
                entries.append({"invoice_id": invoice_id, "amount": str(took)})
            if wanted > took:
                entries += [{"invoice_id": other, "amount": str(amount)}
                            for other, amount in _spread(residual, order, wanted - took, invoice_id)]
            if day != pay["date"]:
                for entry in entries:
                    entry["date"] = day
            found_of[p][r] = (day, entries)
        elif kind == 0:
            have = residual[key] = Decimal(item["total"])
            bisect.insort(order, (item["due_date"], item["issue_date"], item["number"], key))
            for note in notes:
                left = note[1]
                if left > 0:
                    took = have if have < left else left  # min(left, have)
                    if took > 0:
                        have = residual[key] = have - took
                        note[1] = left - took
                        note[0]["allocations"].append(_alloc(key, took, day))
        elif kind == 1:
            allocations = item["allocations"] = []
            left = Decimal(item["total"])
            for invoice_id, took in _spread(residual, order, left):
                allocations.append(_alloc(invoice_id, took, day))
                left -= took
            notes.append([item, left])
        else:
            what, invoice = item
            have = residual.get(key, ZERO)
            wanted = have if what.amount is None else what.amount
            if wanted <= 0:
                continue
            took = have if have < wanted else wanted  # min(wanted, have)
            if took > 0:
                residual[key] = have - took
            spread = [(key, took)] if took > 0 else []
            spread += _spread(residual, order, wanted - took, key)
            settled_on = what.date.isoformat()
            settles = [_alloc(i, a, day) for i, a in spread]
            for one in settles:
                if one["date"] == settled_on:
                    del one["date"]
            generated.append((day, key, {"id": f"settled:{key}", "customer_id": invoice["customer_id"],
                                         "date": settled_on, "amount": str(wanted), "currency": invoice["currency"],
                                         "allocations": settles}))


def _in_order(found: Found) -> list[dict[str, str]]:
    """The allocations of ``found`` in the order of their days (rows of one day in file order)."""
    if len(found) == 1:
        allocations: list[dict[str, str]] = found[0][1]
        return allocations
    return [entry for _, group in sorted(found, key=itemgetter(0)) for entry in group]  # stable


def _finish(payments: list[dict[str, Any]], found_of: list[Found | None], unique: bool,
            generated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each payment with its allocations in the order of their days (rows of one day in file
    order), as the day-by-day replay writes them (payments sharing an id share them all); then
    the generated ones."""
    if unique:
        for pay, found in zip(payments, found_of, strict=True):
            if found is not None:
                pay["allocations"] = _in_order(found)
        return payments + generated
    groups: dict[str, Found] = defaultdict(list)
    for pay, found in zip(payments, found_of, strict=True):
        groups[pay["id"]].extend([(pay["date"], pay["allocations"])] if found is None else found)
    allocations = [_in_order(groups[pay["id"]]) for pay in payments]
    for pay, entries in zip(payments, allocations, strict=True):
        pay["allocations"] = entries
    return payments + generated
