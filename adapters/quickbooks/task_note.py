"""Collection tasks as QuickBooks ``Attachable`` notes (QuickBooks Online has no task entity).

A task is a note attached to its invoice (or to the customer when it is about the account)::

    arwatch task task:12:reminder_1:invoice:7 [open]
    Due 2024-01-12 | email | for alice
    Payment reminder for invoice 1007
    <body>

The first line carries the task key, so a rerun finds the note and never adds a second one.
Closing edits the first line to ``[done 2024-01-20]`` instead of deleting the note: the history
stays visible on the invoice in QuickBooks, and a closed note is never mistaken for an open one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from arwatch.core.actions import Task

NOTE_LIMIT = 2000  # Attachable.Note's documented maximum (4000 in some editions); stay low
PREFIX = "arwatch task "
_HEAD = re.compile(r"^arwatch task (?P<key>task:\S+) \[(?P<status>open|done(?: [0-9-]+)?)\]$")
_META = re.compile(r"^Due (?P<due>\d{4}-\d{2}-\d{2}) \| (?P<channel>[^|]+?)(?: \| for (?P<who>.+))?$")


@dataclass(frozen=True)
class TaskNote:
    key: str
    open: bool
    task: Task | None  # None when the key or the lines cannot be read back


def render(task: Task, *, done_on: dt.date | None = None) -> str:
    status = f"done {done_on.isoformat()}" if done_on else "open"
    meta = f"Due {task.due_date.isoformat()} | {task.channel}"
    if task.assignee:
        meta += f" | for {task.assignee}"
    text = "\n".join([f"{PREFIX}{task.key} [{status}]", meta, " ".join(task.title.split()),
                      task.body]).rstrip("\n")
    return text if len(text) <= NOTE_LIMIT else text[:NOTE_LIMIT - 1] + "…"


def mark_done(note: str, done_on: dt.date) -> str:
    first, _, rest = note.partition("\n")
    head = _HEAD.match(first)
    if head is None:
        return note
    return f"{PREFIX}{head['key']} [done {done_on.isoformat()}]" + ("\n" + rest if rest else "")


def parse(note: str | None, invoice_id: str | None = None) -> TaskNote | None:
    """The task in an Attachable's note, or None when the note is not arwatch's."""
    lines = (note or "").split("\n")
    head = _HEAD.match(lines[0])
    if head is None:
        return None
    key = head["key"]
    is_open = head["status"] == "open"
    parts = key.split(":", 3)
    meta = _META.match(lines[1]) if len(lines) > 1 else None
    if len(parts) != 4:
        return TaskNote(key, is_open, None)
    _, customer, step, cause = parts
    # A note whose second line was edited by hand still counts (presence is what matters).
    task = Task(customer_id=customer, step=step, cause=cause,
                title=lines[2] if len(lines) > 2 else "", body="\n".join(lines[3:]),
                channel=meta["channel"] if meta else "todo",
                due_date=dt.date.fromisoformat(meta["due"]) if meta else dt.date.min,
                assignee=meta["who"] if meta else None, invoice_id=invoice_id)
    return TaskNote(key, is_open, task)
