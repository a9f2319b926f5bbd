"""The credit-hold notice told on the call: one task for a held customer whose ladder step is a call.

A credit controller who places a hold and has a call to make tells the customer on that call and
confirms it in writing the same day. So when a customer's hold letter is not written yet and the
ladder's open rung is a call opened on or after the day the hold began, the call task carries the
hold (its script says so, and the hold letter to send after the call is appended to it) and no
separate hold letter is planned. Once such a call is on record for the episode (open or done),
the hold has been told: no hold letter follows when the call closes. A hold letter already
written stays as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from .actions import EPISODE, Hold, Task, WrittenState
from .plan_view import Firing, PlanView

HOLD_STEP = "credit_hold"
HOLD_CAUSE = "hold"


def _call_rungs(tasks: Iterable[Task]) -> dict[str, list[dt.date]]:
    """customer id -> the due dates of the ladder's call steps on record (open or done)."""
    out: dict[str, list[dt.date]] = {}
    for t in tasks:
        if t.step == "phone_call" and t.cause.startswith(EPISODE):
            out.setdefault(t.customer_id, []).append(t.due_date)
    return out


def hold_told_by_call(view: PlanView, rungs: list[Firing], written: WrittenState, holds: Mapping[str, Hold],
                      today: dt.date) -> tuple[list[Firing], frozenset[int]]:
    """The rungs, with ``hold`` set on each call that carries a hold notice, and the customers whose
    hold is told by a call (their separate hold letter is not planned)."""
    f = view.frame
    current = {t.key: t for t in written.tasks}
    on_record = _call_rungs((*written.tasks, *written.done_tasks))
    told: set[int] = set()
    out: list[Firing] = []
    for firing in rungs:
        cid = str(f.c_id[firing.customer])
        hold = holds.get(cid)
        if (hold is None or firing.rule.channel != "call"
                or f"task:{cid}:{HOLD_STEP}:{HOLD_CAUSE}" in current):
            out.append(firing)
            continue
        before = current.get(f"task:{cid}:{firing.rule.step}:{firing.cause}")
        due = before.due_date if before is not None else today + dt.timedelta(days=firing.rule.due_in_days)
        if due >= hold.since:
            told.add(firing.customer)
            firing = dataclasses.replace(firing, hold=hold)
        out.append(firing)
    index = {str(c): k for k, c in enumerate(f.c_id)}
    for cid, hold in holds.items():  # a call of this hold's time on record told it (its episode may be over)
        c = index.get(cid)
        if c is None or c in told or f"task:{cid}:{HOLD_STEP}:{HOLD_CAUSE}" in current:
            continue
        if any(d >= hold.since for d in on_record.get(cid, [])):
            told.add(c)
    return out, frozenset(told)


def carries_hold(firing: Firing) -> bool:
    """A ladder call that tells the customer of the credit hold."""
    return firing.hold is not None and firing.rule.channel == "call" and firing.rule.step != HOLD_STEP
