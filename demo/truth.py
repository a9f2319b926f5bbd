"""The ground truth: what the generator knows about each customer (its archetype, and whether
and when it went bad), for scoring an early warning system against."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .archetypes import ARCHETYPE_NOTES
from .units import days


@dataclass(frozen=True)
class Truth:
    """What the generator knows about a customer.

    Attributes:
      customer_id: the customer.
      archetype: one of ``ARCHETYPES``.
      goes_bad: whether some invoice reaches 90 days past due on or before ``today``.
      bad_from: the first day an invoice of the customer is 90 days past due and still open
        (computed from the generated allocations), None when it never happens.
      note: a sentence for people.
    """

    customer_id: str
    archetype: str
    goes_bad: bool
    bad_from: dt.date | None
    note: str


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def first_90_days_past_due(data: dict[str, Any], today: dt.date) -> dict[str, tuple[dt.date, str]]:
    """Customer id -> (first day some invoice is 90 days past due and still open, its number).

    An invoice is open at the end of a day when the posted payments and credit notes allocated
    to it on or before that day do not cover its total.
    """
    settled: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for pay in data["payments"]:
        if pay["state"] != "posted":
            continue
        for al in pay["allocations"]:
            settled[al["invoice_id"]].append((_date(al.get("date") or pay["date"]), Decimal(al["amount"])))
    for note in data["invoices"]:
        if note["kind"] == "credit_note":
            for al in note.get("allocations", ()):
                settled[al["invoice_id"]].append((_date(al.get("date") or note["issue_date"]),
                                                  Decimal(al["amount"])))
    out: dict[str, tuple[dt.date, str]] = {}
    for inv in data["invoices"]:
        if inv["kind"] != "invoice" or inv["state"] != "posted":
            continue
        day = _date(inv["due_date"]) + days(90)
        if day > today:
            continue
        paid = sum((a for d, a in settled[inv["id"]] if d <= day), Decimal(0))
        if paid < Decimal(inv["total"]):
            cid = inv["customer_id"]
            if cid not in out or day < out[cid][0]:
                out[cid] = (day, inv["number"])
    return out


def compute_truth(data: dict[str, Any], today: dt.date, archetypes: dict[str, str]) -> tuple[Truth, ...]:
    """One ``Truth`` per customer of ``data``, in customer order (``archetypes``: id -> archetype)."""
    bad = first_90_days_past_due(data, today)
    truth = []
    for cust in data["customers"]:
        cid = cust["id"]
        arche = archetypes[cid]
        note = ARCHETYPE_NOTES[arche]
        if cid in bad:
            note += f"; {bad[cid][1]} 90 days past due on {bad[cid][0].isoformat()}"
        truth.append(Truth(cid, arche, cid in bad, bad[cid][0] if cid in bad else None, note))
    return tuple(truth)
