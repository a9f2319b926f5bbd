"""Chatter notes and activity texts arwatch writes (pure; every value HTML-escaped), and the
collectors' notes it reads back: the lines of a done activity's feedback, or of a chatter note
(``message_type`` comment: an internal note or a message) on a customer or an invoice, in the
syntax of docs/collector-notes.md (``call: no answer``, ``dispute: INV/2026/0042 wrong goods``,
...). arwatch's own posts (its flag and hold notes, its answers) are never read as notes."""

from __future__ import annotations

import html
import re
from html import escape
from typing import Any

from arwatch.core.actions import Flag, Hold, Task
from arwatch.core.notes import ANSWER, NoteProblem, parse_line, split_kind

from .markers import CLOSED_MARK, FLAG_PREFIX, HOLD_PREFIX, answer_mark, flag_cleared_mark, payload_mark, task_mark


def _list(items: tuple[str, ...] | list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""


def flag_note(flag: Flag, company_id: int | None = None) -> str:
    """The note of ``flag`` written for ``company_id`` (None: as earlier versions wrote it)."""
    head = (f"<p><b>arwatch: risk {escape(flag.level)}</b> (score {flag.score:.0f}, segment "
            f"{escape(flag.segment)}) as of {flag.as_of.isoformat()}</p>")
    return head + _list(flag.reasons) + f"<p>{payload_mark('flag', flag.model_dump(mode='json'), company_id)}</p>"


def flag_cleared_note(customer_id: str, why: str, company_id: int, tag: str | None = None) -> str:
    """The note of a flag ``company_id`` cleared; ``tag``: the risk tag other companies' flags
    keep on the customer."""
    kept = f"; other companies' flags keep the tag {escape(tag)}" if tag else ""
    return f"<p><b>arwatch: risk flag cleared</b> ({escape(why)}){kept}</p><p>{flag_cleared_mark(company_id)}</p>"


def hold_note(hold: Hold, previous: dict[str, str], company_id: int | None = None) -> str:
    data = {"hold": hold.model_dump(mode="json"), "previous": previous}
    return (f"<p><b>arwatch: credit hold</b> since {hold.since.isoformat()} ({escape(hold.rule)}): "
            f"{escape(hold.reason)}</p><p>New sales orders are blocked in the order form through the "
            f"customer's sales warning; the previous warning is restored when the last hold on it is "
            f"released.</p>"
            f"<p>{payload_mark('hold', data, company_id)}</p>")


def hold_released_note(restored: str, why: str) -> str:
    return f"<p><b>arwatch: credit hold released</b> ({escape(why)}); {escape(restored)}</p>"


def task_note(task: Task, company_id: int) -> str:
    body = "".join(f"<p>{escape(line)}</p>" for line in task.body.splitlines() if line.strip())
    return body + _list(task.evidence) + f"<p>{escape(task_mark(task.key, company_id))}</p>"


def task_feedback(why: str) -> str:
    return f"Closed by arwatch: {why} {CLOSED_MARK}"


_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>|</li>|</h\d>", re.I)
_TAGS = re.compile(r"<[^>]+>")


def text_lines(body: str | None) -> list[str]:
    """An HTML body as its lines of text (paragraphs and line breaks kept apart)."""
    text = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", body or "")))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def collector_notes(message: dict[str, Any], customer_id: str, invoice_id: str | None,
                    on: Any) -> list[dict[str, Any]]:
    """The raw ``CollectorNote`` records of a message's lines in the syntax (read or not: a line
    that does not read becomes a data issue naming the message when the ledger is loaded)."""
    lines = [line for line in text_lines(message.get("body")) if split_kind(line) is not None]
    return [{"id": f"msg:{message['id']}" + (f"#{k + 1}" if len(lines) > 1 else ""), "customer_id": customer_id,
             "on": on, "text": line, "invoice_id": invoice_id, "source": "odoo"} for k, line in enumerate(lines)]


def records_a_contact(notes: list[dict[str, Any]]) -> bool:
    """Whether the notes record the contact themselves (a ``call:`` or ``promise:`` line): the
    done activity is then not counted a second time."""
    return any((split_kind(n["text"]) or ("", ""))[0] in ("call", "promise") for n in notes)


def own_post(message: dict[str, Any]) -> bool:
    """Whether a chatter note is arwatch's own: a flag or hold note (its mark), a note that
    starts with "arwatch" (a flag cleared, a hold released, an answer to an unreadable note)."""
    body = html.unescape(message.get("body") or "")
    if FLAG_PREFIX in body or HOLD_PREFIX in body:
        return True
    lines = text_lines(message.get("body"))
    return bool(lines) and lines[0].lower().startswith("arwatch")


def problems(message: dict[str, Any], on: Any) -> list[NoteProblem]:
    """The lines of a message in the syntax that do not read (dated by the message's day ``on``)."""
    if on is None:
        return []
    read = (parse_line(line, on) for line in text_lines(message.get("body")) if split_kind(line) is not None)
    return [r for r in read if isinstance(r, NoteProblem)]


def answer_lines(found: list[NoteProblem]) -> list[str]:
    """What arwatch answers to a note's unreadable lines: one line each."""
    return [f"{ANSWER}{p.message} (under {p.text!r})" for p in found]


def answer_body(found: list[NoteProblem], message_id: int) -> str:
    """The chatter reply to message ``message_id``: a paragraph a line, then the answer's mark."""
    return "".join(f"<p>{escape(line)}</p>" for line in answer_lines(found)) + f"<p>{answer_mark(message_id)}</p>"
