"""The credit-hold notice told on a call: one task for a held customer who has a call to be made.

A credit controller who places a hold and has a call to make tells the customer on that call and
confirms it in writing the same day. The calls that can tell it are the ladder's (cause
``episode:``) and the follow-up of a broken promise or a missed payment-plan instalment (causes
``promise:`` and ``plan:``). So when a customer's hold letter is not written yet and such a call is
opened on or after the day the hold began, the call task carries the hold (its script says so,
and the hold letter to send after the call is appended to it) and no separate hold letter is
planned; of several such calls of a customer, the one due first (then by key) tells it. Once
the ladder's call is on record (open or done), or a call that told the hold was opened (kept in
``WrittenState.told`` after it closes, whoever closed it and however long ago: a target may
forget a done task after a fortnight), the hold has been told: no hold letter follows when the
call closes, and no later call tells it again. A hold placed again after a release begins on a
later day than any call that told the earlier one: it is told again. A hold letter already
written stays as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from .actions import EPISODE, FOLLOW_UP, Hold, Task, WrittenState, remembered, told_hold
from .plan_view import Firing, PlanView

HOLD_STEP = "credit_hold"
HOLD_CAUSE = "hold"
TELLING_CAUSES = (EPISODE, *FOLLOW_UP)  # the ladder's calls, a broken promise's, a missed plan's
HOLD_LINE = "Credit hold since "  # how the evidence line of a call that tells the hold starts


def hold_line(since: str, words: str) -> str:
    """The evidence line of a call that tells the hold: "Credit hold since 2 Nov 2026: <why>"."""
    return f"{HOLD_LINE}{since}: {words}"


def _calls_on_record(tasks: Iterable[Task]) -> dict[str, list[tuple[dt.date, str]]]:
    """customer id -> the (due date, key) of its calls on record (open or done) that could tell a
    hold (by step: a task read back from Odoo has no channel)."""
    out: dict[str, list[tuple[dt.date, str]]] = {}
    for t in tasks:
        if t.step == "phone_call" and t.cause.startswith(TELLING_CAUSES):
            out.setdefault(t.customer_id, []).append((t.due_date, t.key))
    return out


def _can_tell(firing: Firing) -> bool:
    return (firing.rule.channel == "call" and firing.rule.step != HOLD_STEP
            and firing.cause.startswith(TELLING_CAUSES))


def hold_told_by_call(view: PlanView, firings: Sequence[Firing], written: WrittenState, holds: Mapping[str, Hold],
                      today: dt.date) -> tuple[list[Firing], frozenset[int]]:
    """The firings, with ``hold`` set on the call that tells a customer's hold, and the customers
    whose hold is told by a call (their separate hold letter is not planned).

    A hold is told by the first call (by due date, then key) due on or after the day it began,
    among those firing today, the ladder's calls on record (open or done), the calls the target
    reports done and the calls that told a hold (``written.told``); one of these that told it
    keeps any later call from telling it again."""
    f = view.frame
    current = {t.key: t for t in written.tasks}
    index = {str(c): k for k, c in enumerate(f.c_id)}
    # a follow-up call open on record tells the hold only where it told it (its title says so; kept
    # in ``written.told`` after it closes) or fires today: one opened before the hold, closing now,
    # tells nothing
    tellers = _calls_on_record((*(t for t in written.tasks if remembered(t) or told_hold(t)), *written.done_tasks,
                                *written.told))
    calls: list[tuple[dt.date, str] | None] = []  # per firing: (due, key) where it is a call to a held customer
    for firing in firings:
        cid = str(f.c_id[firing.customer])
        key = f"task:{cid}:{firing.rule.step}:{firing.cause}" if _can_tell(firing) and cid in holds else None
        call = None
        if key is not None:
            before = current.get(key)
            call = (before.due_date if before is not None else today + dt.timedelta(days=firing.rule.due_in_days), key)
            tellers.setdefault(cid, []).append(call)
        calls.append(call)
    # customer id -> the call that tells its hold: (due, key), a call of the same key reopened
    # later (a follow-up call whose cause came back) is another call, it tells nothing again
    teller: dict[str, tuple[dt.date, str]] = {}
    for cid, hold in holds.items():
        since = [c for c in tellers.get(cid, []) if c[0] >= hold.since]
        if since and cid in index and f"task:{cid}:{HOLD_STEP}:{HOLD_CAUSE}" not in current:
            teller[cid] = min(since)
    out = [dataclasses.replace(fi, hold=holds[str(f.c_id[fi.customer])])
           if call is not None and teller.get(str(f.c_id[fi.customer])) == call else fi
           for fi, call in zip(firings, calls, strict=True)]
    return out, frozenset(index[cid] for cid in teller)


def carries_hold(firing: Firing) -> bool:
    """A call that tells the customer of the credit hold."""
    return firing.hold is not None and firing.rule.channel == "call" and firing.rule.step != HOLD_STEP
