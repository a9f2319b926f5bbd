"""The netting of the file source as it was before issue 23's rewrite (main 2762fd6), every book
replayed day by day: the reference ``arwatch.adapters.file.netting.net`` is compared with
(tests/test_file_bulk.py). Credit notes get their allocations in place; the payments are
returned as new dicts."""

from __future__ import annotations

import bisect
from collections import defaultdict
from decimal import Decimal
from operator import itemgetter
from typing import Any

ZERO = Decimal(0)


class _Open:
    """The open invoices of one customer and currency, oldest due first."""

    def __init__(self) -> None:
        self.residual: dict[str, Decimal] = {}
        self.order: list[tuple[str, str, str, str]] = []  # (due, issue, number, id)

    def add(self, invoice: dict[str, Any]) -> None:
        self.residual[invoice["id"]] = Decimal(invoice["total"])
        bisect.insort(self.order, (invoice["due_date"], invoice["issue_date"], invoice["number"], invoice["id"]))

    def take(self, invoice_id: str, amount: Decimal) -> Decimal:
        """Settle up to ``amount`` of one invoice; what it took."""
        took = min(amount, self.residual.get(invoice_id, ZERO))
        if took > 0:
            self.residual[invoice_id] -= took
        return took

    def spread(self, amount: Decimal, skip: str = "") -> list[tuple[str, Decimal]]:
        """``amount`` over the open invoices, oldest due first: [(invoice id, amount)]."""
        taken = []
        for *_, invoice_id in self.order:
            if amount <= 0:
                break
            if invoice_id == skip:
                continue
            took = self.take(invoice_id, amount)
            if took > 0:
                taken.append((invoice_id, took))
                amount -= took
        return taken


def _alloc(invoice_id: str, amount: Decimal, day: str) -> dict[str, str]:
    return {"invoice_id": invoice_id, "amount": str(amount), "date": day}


def reference_net(invoices: list[dict[str, Any]], payments: list[dict[str, Any]],
                  paid: dict[str, Any]) -> list[dict[str, Any]]:
    """Allocate the credit notes among ``invoices`` (in place) and return the payments: those of
    ``payments`` with their allocations capped and spread, then one per entry of ``paid``
    (id ``settled:<invoice>``) when something was left to pay; every book replayed."""
    by_id = {inv["id"]: inv for inv in invoices}
    replay = None  # every book replayed day by day

    def replayed(invoice: dict[str, Any]) -> bool:
        return replay is None or (invoice["customer_id"], invoice["currency"]) in replay

    events: list[tuple[str, int, str, Any]] = []
    for inv in invoices:
        if replayed(inv):
            kind = 0 if inv["kind"] == "invoice" else 1
            events.append((inv["issue_date"], kind, inv["id"], inv))
    fast: dict[tuple[int, int], tuple[str, list[dict[str, str]]]] = {}  # (payment, row) -> (day, allocations)
    for p, pay in enumerate(payments):
        for r, row in enumerate(pay["allocations"]):
            invoice = by_id[row["invoice_id"]]
            day = max(pay["date"], invoice["issue_date"])
            if replayed(invoice):
                events.append((day, 2, pay["id"], (pay, row, p, r)))
            else:
                given = str(Decimal(row["amount"]))
                fast[(p, r)] = (day, [{"invoice_id": invoice["id"], "amount": given} if day == pay["date"] else
                                      {"invoice_id": invoice["id"], "amount": given, "date": day}])
    for invoice_id, what in paid.items():
        invoice = by_id[invoice_id]
        if invoice["kind"] == "invoice":
            events.append((max(what.date.isoformat(), invoice["issue_date"]), 3, invoice_id, what))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    books: dict[tuple[str, str], _Open] = defaultdict(_Open)
    credit: dict[tuple[str, str], list[list[Any]]] = defaultdict(list)  # [note, left]
    generated: list[dict[str, Any]] = []
    for day, kind, key, item in events:
        if kind in (0, 1):
            book_key = (item["customer_id"], item["currency"])
            book = books[book_key]
            if kind == 0:
                book.add(item)
                for note in credit[book_key]:
                    if note[1] > 0:
                        took = book.take(item["id"], note[1])
                        if took > 0:
                            note[1] -= took
                            note[0]["allocations"].append(_alloc(item["id"], took, day))
            else:
                item["allocations"] = []
                left = Decimal(item["total"])
                for invoice_id, took in book.spread(left):
                    item["allocations"].append(_alloc(invoice_id, took, day))
                    left -= took
                credit[book_key].append([item, left])
        elif kind == 2:
            pay, row, p, r = item
            invoice = by_id[row["invoice_id"]]
            book = books[(invoice["customer_id"], invoice["currency"])]
            wanted = Decimal(row["amount"])
            took = book.take(invoice["id"], wanted)
            spread = [(invoice["id"], took)] if took > 0 else []
            spread += book.spread(wanted - took, skip=invoice["id"])
            entries: list[dict[str, str]] = []
            for invoice_id, amount in spread:
                entry = _alloc(invoice_id, amount, day)
                if day == pay["date"]:
                    del entry["date"]
                entries.append(entry)
            fast[(p, r)] = (day, entries)
        else:
            invoice = by_id[key]
            book = books[(invoice["customer_id"], invoice["currency"])]
            wanted = book.residual.get(key, ZERO) if item.amount is None else item.amount
            if wanted <= 0:
                continue
            took = book.take(key, wanted)
            spread = [(key, took)] if took > 0 else []
            spread += book.spread(wanted - took, skip=key)
            paid_on = item.date.isoformat()
            settles = [_alloc(i, a, day) for i, a in spread]
            for one in settles:
                if one["date"] == paid_on:
                    del one["date"]
            generated.append({"id": f"settled:{key}", "customer_id": invoice["customer_id"], "date": paid_on,
                              "amount": str(wanted), "currency": invoice["currency"], "allocations": settles})
    return _finish(payments, fast, generated)


def _finish(payments: list[dict[str, Any]], entries: dict[tuple[int, int], tuple[str, list[dict[str, str]]]],
            generated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each payment with its allocations in the order of their days (rows of one day in file
    order), as the day-by-day replay writes them (payments sharing an id share them all); then
    the generated ones."""
    groups: dict[str, list[tuple[str, list[dict[str, str]]]]] = defaultdict(list)
    for p, pay in enumerate(payments):
        groups[pay["id"]].extend(entries[(p, r)] for r in range(len(pay["allocations"])))
    out = []
    for pay in payments:
        found = groups[pay["id"]]
        if len(found) == 1:
            allocations = found[0][1]
        else:
            found = sorted(found, key=itemgetter(0))  # stable: a day's rows stay in file order
            allocations = [entry for _, group in found for entry in group]
        out.append({**pay, "allocations": allocations})
    return out + generated
