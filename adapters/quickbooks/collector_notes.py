"""Collectors' notes in QuickBooks ``Attachable`` notes, read back (pure).

A collector answers an arwatch task note, or adds a note to a customer or an invoice, in the
syntax of docs/collector-notes.md (``call: no answer``, ``promise: 2026-12-15 1200``, ...).
Each line in the syntax becomes a ``CollectorNote`` record, dated by the day the line first
appeared in the note (the note's ``MetaData.LastUpdatedTime`` when the adapter first saw it; its
memory keeps that day, so a later edit of the note, by the collector or by arwatch, does not move
it). A line that does not read is answered by one line inserted right under it::

    snooze: later
    arwatch could not read this: expected 'snooze: until <date>' or 'snooze: for <n> days'

exactly once: a line already followed by an answer is not answered again (so a crash between
the write and the memory's save cannot answer twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from arwatch.core.notes import ANSWER, NoteProblem, parse_line, split_kind

__all__ = ["ANSWER", "ReadNote", "answer_key", "read_note", "record_id", "syntax_lines"]


def line_key(line: str, occurrence: int) -> str:
    """A line's stable id within its note: its text and how many identical lines came before."""
    return hashlib.sha1(f"{occurrence}:{line.strip()}".encode()).hexdigest()[:12]


def syntax_lines(text: str | None) -> list[tuple[int, str, str]]:
    """(line number, key, line) of each line of the note in the syntax (read or not)."""
    seen: dict[str, int] = {}
    out = []
    for number, line in enumerate((text or "").split("\n")):
        if split_kind(line) is None:
            continue
        occurrence = seen.get(line.strip(), 0)
        seen[line.strip()] = occurrence + 1
        out.append((number, line_key(line, occurrence), line.strip()))
    return out


def note_day(obj: Mapping[str, Any]) -> dt.date | None:
    """The day of the note's latest version, in the company's own time (as QuickBooks writes it)."""
    meta = obj.get("MetaData") or {}
    stamp = str(meta.get("LastUpdatedTime") or meta.get("CreateTime") or "")
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def target_of(obj: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(type, id) of the entity the note is attached to: Customer or Invoice (else None)."""
    for link in obj.get("AttachableRef") or []:
        entity = link.get("EntityRef") or {}
        if entity.get("type") in ("Customer", "Invoice") and entity.get("value") is not None:
            return str(entity["type"]), str(entity["value"])
    return None, None


@dataclass(frozen=True)
class ReadNote:
    """What a note says: its lines (key -> day), the records they make, and the answer to give.

    Attributes:
      days: every syntax line's key -> the day it first appeared (ISO), for the adapter's memory.
      records: raw ``CollectorNote`` records of the lines that read.
      problems: the lines that do not read and are not answered yet.
      answered: the note with an answer under each of ``problems`` (None when there are none).
      problem_keys: the keys of ``problems``' lines (what an answer's audit entry names).
    """

    days: dict[str, str]
    records: list[dict[str, Any]]
    problems: list[NoteProblem]
    answered: str | None
    problem_keys: list[str] = field(default_factory=list)


def record_id(att_id: str, key: str) -> str:
    return f"qbo-note:{att_id}:{key}"


def read_note(obj: Mapping[str, Any], customer_id: str | None, invoice_id: str | None,
              known_days: Mapping[str, str]) -> ReadNote:
    """Read one Attachable: ``known_days`` are the days remembered for its lines."""
    att_id, text = str(obj.get("Id")), str(obj.get("Note") or "")
    today = note_day(obj)
    lines = text.split("\n")
    days: dict[str, str] = {}
    records: list[dict[str, Any]] = []
    problems: list[tuple[int, str, NoteProblem]] = []
    for number, key, line in syntax_lines(text):
        day = known_days.get(key) or (today.isoformat() if today else None)
        if day is None:
            continue
        days[key] = day
        read = parse_line(line, dt.date.fromisoformat(day))
        if isinstance(read, NoteProblem):
            following = lines[number + 1].strip() if number + 1 < len(lines) else ""
            if not following.startswith(ANSWER):
                problems.append((number, key, read))
        elif read is not None and customer_id is not None:
            records.append({"id": record_id(att_id, key), "customer_id": customer_id, "on": day, "text": line,
                            "invoice_id": invoice_id, "source": "quickbooks"})
    answered = None
    if problems:
        out = list(lines)
        for number, _, problem in reversed(problems):
            out.insert(number + 1, ANSWER + problem.message)
        answered = "\n".join(out)
    return ReadNote(days, records, [p for _, _, p in problems], answered, [k for _, k, _ in problems])


def answer_key(att_id: str, keys: list[str]) -> str:
    """The audit key of one answer: the note and the keys of the lines it answers."""
    return f"answer:{record_id(att_id, '+'.join(sorted(keys)))}"
