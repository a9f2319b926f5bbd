"""Chatter notes and activity texts arwatch writes (pure; every value HTML-escaped)."""

from __future__ import annotations

from html import escape

from arwatch.core.actions import Flag, Hold, Task

from .markers import CLOSED_MARK, payload_mark, task_mark


def _list(items: tuple[str, ...] | list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""


def flag_note(flag: Flag) -> str:
    head = (f"<p><b>arwatch: risk {escape(flag.level)}</b> (score {flag.score:.0f}, segment "
            f"{escape(flag.segment)}) as of {flag.as_of.isoformat()}</p>")
    return head + _list(flag.reasons) + f"<p>{payload_mark('flag', flag.model_dump(mode='json'))}</p>"


def flag_cleared_note(customer_id: str, why: str) -> str:
    return f"<p><b>arwatch: risk flag cleared</b> ({escape(why)})</p>"


def hold_note(hold: Hold, previous: dict[str, str]) -> str:
    data = {"hold": hold.model_dump(mode="json"), "previous": previous}
    return (f"<p><b>arwatch: credit hold</b> since {hold.since.isoformat()} ({escape(hold.rule)}): "
            f"{escape(hold.reason)}</p><p>New sales orders are blocked in the order form through the "
            f"customer's sales warning; the previous warning is restored on release.</p>"
            f"<p>{payload_mark('hold', data)}</p>")


def hold_released_note(restored: str, why: str) -> str:
    return f"<p><b>arwatch: credit hold released</b> ({escape(why)}); {escape(restored)}</p>"


def task_note(task: Task, company_id: int) -> str:
    body = "".join(f"<p>{escape(line)}</p>" for line in task.body.splitlines() if line.strip())
    return body + _list(task.evidence) + f"<p>{escape(task_mark(task.key, company_id))}</p>"


def task_feedback(why: str) -> str:
    return f"Closed by arwatch: {why} {CLOSED_MARK}"
