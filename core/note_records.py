"""Collectors' notes as ledger records (pure): ``notes_to_records``, ``records_from_notes``.

A note entry (``core/notes.py``) becomes a contact attempt (``call``, ``promise``), a dispute or
complaint, a signal, a payment plan or a customer switch (snooze, exclude/include,
placed/recalled); a ``resolved`` entry closes the customer's disputes it names that were open on
its day. The records are raw mappings for ``load_ledger``, which validates them like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .issues import Issue
from .model import CollectorNote
from .notes import NoteEntry, parse_note

SWITCHES = frozenset({"snooze", "exclude", "include", "placed", "recalled"})


@dataclass(frozen=True)
class Noted:
    """One entry with where it comes from: ``record_id`` is stable across reads (the note's id and
    the line's place), ``invoice_id`` the invoice the note is attached to, if any."""

    record_id: str
    customer_id: str
    entry: NoteEntry
    invoice_id: str | None = None


def _attempt(n: Noted) -> dict[str, Any]:
    e = n.entry
    return {"id": n.record_id, "customer_id": n.customer_id, "on": e.on, "channel": "call",
            "answered": bool(e.answered), "outcome": (e.words or e.text)[:200], "promise_date": e.promise_date,
            "promise_amount": e.amount if e.promise_date is not None else None}


def _invoice(n: Noted, invoices: Mapping[str, str]) -> str | None | Issue:
    """The invoice id the entry names (by number or id), the note's own invoice, or an Issue."""
    ref = n.entry.invoice
    if ref is None:
        return n.invoice_id
    found = invoices.get(ref) or invoices.get(ref.upper())
    if found is None:
        return Issue(source="notes", record_type="note", record_id=n.record_id, field="invoice",
                     message=f"no invoice numbered {ref!r} in the ledger ({n.entry.text!r})")
    return found


def records_from_notes(noted: Iterable[Noted], invoices: Mapping[str, str],
                       source: str = "note") -> tuple[dict[str, list[dict[str, Any]]], list[Issue]]:
    """collection -> raw records, and the issues of entries naming what is not there.

    ``invoices`` maps invoice numbers (and ids) to ids. Entries are taken in day order.
    """
    out: dict[str, list[dict[str, Any]]] = {"contact_attempts": [], "disputes": [], "signals": [],
                                            "payment_plans": [], "switches": []}
    issues: list[Issue] = []
    for n in sorted(noted, key=lambda x: (x.entry.on, x.record_id)):
        e, kind = n.entry, n.entry.kind
        if kind in ("call", "promise"):
            out["contact_attempts"].append(_attempt(n))
        elif kind in ("dispute", "complaint", "resolved"):
            invoice = _invoice(n, invoices) if kind != "complaint" else None
            if isinstance(invoice, Issue):
                issues.append(invoice)
            elif kind == "resolved":
                if not _resolve(out["disputes"], n, invoice):
                    issues.append(Issue(source="notes", record_type="note", record_id=n.record_id, field="resolved",
                                        message=f"no open dispute to resolve ({e.text!r})"))
            else:
                out["disputes"].append({"id": n.record_id, "customer_id": n.customer_id, "invoice_id": invoice,
                                        "opened_on": e.on, "amount": e.amount, "reason": e.words, "kind": kind})
        elif kind == "signal":
            out["signals"].append({"id": n.record_id, "customer_id": n.customer_id, "kind": e.signal, "on": e.on,
                                   "source": source, "note": e.words})
        elif kind == "plan":
            out["payment_plans"].append({"id": n.record_id, "customer_id": n.customer_id, "agreed_on": e.on,
                                         "instalments": [i.model_dump() for i in e.instalments]})
        elif kind in SWITCHES:
            out["switches"].append({"id": n.record_id, "customer_id": n.customer_id, "kind": kind, "on": e.on,
                                    "until": e.until, "note": e.words, "source": source})
    return out, issues


def _resolve(disputes: list[dict[str, Any]], n: Noted, invoice: str | None) -> bool:
    """Close the open disputes of the customer on ``invoice`` (all of them when None)."""
    hit = False
    for k, d in enumerate(disputes):
        if (d["customer_id"] == n.customer_id and d.get("resolved_on") is None and d["kind"] == "dispute"
                and (invoice is None or d["invoice_id"] == invoice)):
            disputes[k] = {**d, "resolved_on": n.entry.on}
            hit = True
    return hit


def invoice_refs(numbers: Mapping[str, str]) -> dict[str, str]:
    """Invoice number (as written and upper-cased) and id -> id, from invoice id -> number."""
    out: dict[str, str] = {rid: rid for rid in numbers}
    for rid, number in numbers.items():
        if number:
            out.setdefault(number, rid)
            out.setdefault(number.upper(), rid)
    return out


def unreadable(note: CollectorNote) -> list[Issue]:
    """An issue per line of the note in the syntax that does not read."""
    _, problems = parse_note(note.text, note.on)
    return [Issue(source=note.source, record_type="note", record_id=note.id, field="text",
                  message=f"{p.text!r}: {p.message}") for p in problems]


def noted(notes: Iterable[CollectorNote]) -> list[Noted]:
    """Every entry of the notes; an entry's id is the note's and its place among the note's entries."""
    out: list[Noted] = []
    for note in notes:
        entries, _ = parse_note(note.text, note.on)
        out += [Noted(note.id if len(entries) == 1 else f"{note.id}#{k + 1}", note.customer_id, e, note.invoice_id)
                for k, e in enumerate(entries)]
    return out


def notes_to_records(notes: Iterable[CollectorNote],
                     numbers: Mapping[str, str]) -> tuple[dict[str, list[dict[str, Any]]], list[Issue]]:
    """The records the notes make (``records_from_notes``) and the issues of their unreadable
    lines; ``numbers`` maps invoice ids to numbers."""
    notes = list(notes)
    made, issues = records_from_notes(noted(notes), invoice_refs(numbers))
    return made, [i for note in notes for i in unreadable(note)] + issues
