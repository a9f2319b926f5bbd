"""An activities export (issue 18.3): a row per thing the collector did or learned, turned into
the line of docs/collector-notes.md it stands for, as a ``CollectorNote`` record.

Columns (``activity_columns``): date, customer, kind (``call``, ``promise``, ``dispute``,
``resolved``, ``snooze``, ``exclude``, ``include``, ``signal``, ``plan``, ``placed``, ...), and
optionally text, amount and invoice number. The amount and the invoice go where the syntax has
them: ``dispute: <invoice> <amount> <text>``, ``resolved: <invoice> <text>``, ``promise: <text>
<amount>`` (the text holds the promised day), otherwise ``<kind>: <text>``. A row that does not
make a line the notes read is an issue naming the file, row, column and value, with what was
expected; the other rows are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from arwatch.core.issues import Issue
from arwatch.core.notes import EXPECTED, KINDS, NoteProblem, parse_line

from .convert import Formats, Rejected, _BadCell, _Cells, _issue, _misfit, _noted
from .mapping import FileMapping
from .reader import MISFIT, Row

_ALIASES = {"resolve": "resolved", "note": "call"}


def line_of(kind: str, text: str, amount: Decimal | None, invoice: str) -> str:
    """The syntax line a row stands for."""
    parts: list[str]
    if kind == "dispute":
        parts = [invoice, f"{amount:.2f}" if amount is not None else "", text]
    elif kind == "resolved":
        parts = [invoice, text]
    elif kind == "promise":
        parts = [text, f"{amount}" if amount is not None else ""]
    else:
        parts = [text]
    details = " ".join(p for p in parts if p)
    return f"{kind}: {details}" if details else kind


def _record_id(line: str, customer: str, day: str, seen: dict[str, int]) -> str:
    base = f"{day}|{customer}|{line}"
    count = seen.get(base, 0)
    seen[base] = count + 1
    return "activity:" + hashlib.sha1(f"{count}|{base}".encode()).hexdigest()[:16]


def convert_activities(rows: Iterable[tuple[int, Row]], mapping: FileMapping, source: str,
                       rejected: Rejected | None = None, formats: Formats | None = None,
                       ) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Raw ``CollectorNote`` records of the rows, and an Issue per row that does not read."""
    rejected = _noted(rejected)
    formats = formats or Formats()
    assert mapping.activity_columns is not None
    columns = mapping.activity_columns.mapped()
    notes: list[dict[str, Any]] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        if MISFIT in row:  # more or fewer fields than the header: which cell is which is unknown
            issues.append(_misfit(source, "activity", number, row[MISFIT]))
            rejected.add("notes", "")
            continue
        cells = _Cells(row, formats, columns)
        try:
            day, customer = cells.date("date"), cells.text("customer_id")
            kind = cells.text("kind").lower()
            kind = _ALIASES.get(kind, kind)
            if kind not in KINDS:
                raise _BadCell("kind", f"{cells.text('kind')!r} is not a kind of activity; expected one of "
                               f"{', '.join(KINDS)}")
            line = line_of(kind, cells.text("text", False), cells.amount("amount", False),
                           cells.text("invoice_number", False))
            assert day is not None  # required
            read = parse_line(line, day)
            if read is None or isinstance(read, NoteProblem):
                why = f": {read.why}" if isinstance(read, NoteProblem) and read.why else ""
                raise _BadCell("text", f"makes {line!r}: expected {EXPECTED[kind]}{why}")
        except _BadCell as bad:
            issues.append(_issue(source, "activity", number, columns, bad, cells.text("kind", False)))
            rejected.add("notes", "")  # its record has no id: the stored notes are kept
            continue
        notes.append({"id": _record_id(line, customer, day.isoformat(), seen), "customer_id": customer,
                      "on": day.isoformat(), "text": line, "source": "file"})
    return notes, issues
