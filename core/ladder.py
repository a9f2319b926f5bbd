"""The ladder: one escalation step open per customer and episode, climbed one rung at a time.

The rules of a segment's ladder for the steps of ``ESCALATION`` (reminder, phone call,
payment-plan offer, agency referral, friendliest first) are its rungs. A customer's position in
its current episode (``core/episodes.py``) is the highest rung among its tasks of the episode
that are written, open or done (the ladder's tasks are remembered after they close, see
``actions.remembered``); only that rung's task is open, so a customer has one step at a time.

* The next rung up opens when one of its rules fires today (days past due, habit, level,
  indicators, no pending promise, no fraud suspicion) and its ``wait_days`` have passed since
  the due date of the rung below, and since the episode's last payment or promise; the rung
  below then closes. Rungs are climbed one at a time and never go down within an episode.
* A customer with no rung of the episode on record (a first run over a backlog, an episode
  that began while no run was made, or a record that has aged out) enters at the lowest rung
  that fires today (the reminder, or for a customer whose state asks for a firm tone the first
  rung that is not friendly), however old its debt, and climbs from there one rung per
  ``wait_days``; a rung marked ``entry_needs_contact`` is entered at only when a contact
  attempt of the episode is on record. A credit hold is no rung: the hold rules place it when
  they fire (``core/holds.py``), whatever the ladder's position.
* A rung stays open while the episode lasts, unless a pending promise or plan pauses it, fraud
  suspicion stops it, or a friendly step meets a customer whose state asks for a firm tone
  (``pause_while_promised``, ``fraud_stops``, ``friendly_steps``, core/tone.py). A broken
  promise's follow-up call stands for the rungs that are calls; for a customer with no rung on
  record it is also the entry when the first rung would be a call (never a rung above it: on
  credit hold, the agency), and the ladder climbs from its due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from . import wording
from .actions import EPISODE, FOLLOW_UP, Task, WrittenState
from .columnar import NEVER
from .contact_log import describe_attempt, last_attempt
from .credit_policy import ESCALATION, SEGMENT_NAMES, StepRule
from .episodes import episode_cause, last_promise_day, last_settling_day
from .indicators.aging import oldest_days_past_due
from .plan_view import Firing, PlanView

RANK = {step: k for k, step in enumerate(ESCALATION)}
Rule = tuple[str, int, StepRule]  # (ladder name, index in it, rule)


def is_rung(rule: StepRule) -> bool:
    return rule.step in RANK and rule.scope in ("invoice", "overdue")


def words(step: str) -> str:
    return step.replace("_", " ")


@dataclass(frozen=True)
class Position:
    """The highest rung of a customer's episode on record: its step, due date, and whether open."""

    step: str
    due: dt.date
    open: bool


def positions(written: WrittenState) -> dict[tuple[str, str], Position]:
    """(customer id, episode cause) -> the highest rung on record (an open task wins over a done one)."""
    out: dict[tuple[str, str], Position] = {}
    for task, is_open in _rungs(written.done_tasks, False) + _rungs(written.tasks, True):
        key = (task.customer_id, task.cause)
        old = out.get(key)
        if old is None or RANK[task.step] > RANK[old.step] or (task.step == old.step and is_open):
            out[key] = Position(task.step, task.due_date, is_open)
    return out


def _rungs(tasks: Iterable[Task], is_open: bool) -> list[tuple[Task, bool]]:
    return [(t, is_open) for t in tasks if t.step in RANK and t.cause.startswith(EPISODE)]


class _Facts:
    """The per-customer facts the ladder decides on, computed once per plan."""

    def __init__(self, view: PlanView):
        frame = view.frame
        self.view = view
        self.starts = view.starts
        self.dpd = oldest_days_past_due(frame)
        self.last_contact = last_attempt(frame, self.starts)
        settled, promised = last_settling_day(frame, self.starts), last_promise_day(frame, self.starts)
        self.last_moved = np.maximum(np.where(settled == NEVER, -1, settled), np.where(promised == NEVER, -1, promised))

    def statement(self, c: int) -> tuple[int, ...]:
        """Every open invoice of ``c``, oldest due first (asked only for the customers a rung fires for)."""
        return tuple(self.view.open_by_due(c).tolist())

    def contact_words(self, c: int) -> str:
        row = self.last_contact[c]
        return ("no earlier contact on record" if row < 0
                else f"last contact {describe_attempt(self.view.frame, row, self.view.locale)}")


def candidates(view: PlanView, in_episode: np.ndarray) -> dict[int, dict[str, Rule]]:
    """customer -> step -> the first rung rule of its segment's ladder firing today for that step."""
    f = view.frame
    out: dict[int, dict[str, Rule]] = {}
    for segment in SEGMENT_NAMES:
        for ladder, index, rule in view.credit.ladder(segment):
            if not is_rung(rule):
                continue
            customers = view.customers_for(segment, rule) & in_episode
            if not customers.any():
                continue
            for c in np.unique(f.i_cust[view.invoices_for(customers, rule)]).tolist():
                out.setdefault(c, {}).setdefault(rule.step, (ladder, index, rule))
    return out


def rule_for(view: PlanView, segment: str, step: str) -> Rule | None:
    """The first rung rule for ``step`` in the segment's ladder, else in any ladder (to render a
    rung that stays open after its rule stopped firing)."""
    for name in (segment, *SEGMENT_NAMES):
        for ladder, index, rule in view.credit.ladder(name):
            if rule.step == step and is_rung(rule):
                return ladder, index, rule
    return None


def _blocked(view: PlanView, c: int, step: str) -> bool:
    credit = view.credit
    return bool((step in credit.fraud_stops and view.fraud[c]) or (step in credit.pause_while_promised
                                                                 and view.paused[c])
                or (step in credit.friendly_steps and view.firm[c]))


def _entry(facts: _Facts, c: int, steps: dict[str, Rule]) -> tuple[Rule, str] | None:
    """The first rung a customer with none of its episode on record opens: the lowest that fires
    today, however old its debt (after a gap between runs, a first run over a backlog): the
    ladder is climbed from there one rung per ``wait_days``, never entered high up."""
    contacted = facts.last_contact[c] >= 0
    for step in sorted(steps, key=RANK.__getitem__):
        if step == ESCALATION[-1]:  # the agency is climbed to, never entered at (a step before it is due)
            return None
        rule = steps[step]
        if contacted or not rule[2].entry_needs_contact:
            return rule, (f"entered at: {words(step)}; {wording.days(int(facts.dpd[c]))} past due, "
                          f"{facts.contact_words(c)}")
    return None


def _next(facts: _Facts, c: int, at: Position, steps: dict[str, Rule], today: dt.date) -> tuple[Rule, str] | None:
    higher = [s for s in steps if RANK[s] > RANK[at.step]]
    if not higher:
        return None
    rule = steps[min(higher, key=RANK.__getitem__)]
    since = max(at.due.toordinal(), int(facts.last_moved[c]))
    if today.toordinal() < since + rule[2].wait_days:
        return None
    day = facts.view.day
    moved = ("nothing paid or promised since" if since == at.due.toordinal()
             else f"last paid or promised on {day(since)}")
    waited = today.toordinal() - since  # the days actually waited, more than wait_days after a gap between runs
    return rule, (f"next step after the {words(at.step)} due {day(at.due)}: "
                  f"{wording.days(waited)} waited, {moved}; {wording.days(int(facts.dpd[c]))} past due")


def _follow_up_calls(written: WrittenState) -> dict[str, list[dt.date]]:
    """customer id -> the due dates of its open calls following up a broken promise or a missed
    instalment (read once per plan, not once per customer called)."""
    out: dict[str, list[dt.date]] = {}
    for t in written.tasks:
        if t.step in RANK and t.channel == "call" and t.cause.startswith(FOLLOW_UP):
            out.setdefault(t.customer_id, []).append(t.due_date)
    return out


def _follow_up_call(follow_ups: Mapping[str, list[dt.date]], customer_id: str, start: int) -> Position | None:
    """For a customer called today with no rung of its episode on record: the open call that
    follows up a broken promise or a missed instalment of the episode, which stands for the call
    rung; the ladder climbs from it (``wait_days`` from its due date), never enters above it."""
    calls = [due for due in follow_ups.get(customer_id, ()) if due.toordinal() >= start]
    return Position("phone_call", min(calls), False) if calls else None


def _kept_reason(view: PlanView, written_open: Mapping[str, Task], c: int, position: Position, cause: str) -> str:
    """Why an open rung stays: the reason it was opened with, when the target kept its evidence."""
    task = written_open.get(f"task:{view.frame.c_id[c]}:{position.step}:{cause}")
    first = task.evidence[0] if task is not None and task.evidence else ""
    if first.startswith(("entered at:", "next step after")):
        return first
    return f"{words(position.step)} since {view.day(position.due)}"


def rung_firings(view: PlanView, written: WrittenState, today: dt.date,
                 called: frozenset[int] = frozenset()) -> list[Firing]:
    """The one rung task per customer in an episode that should be open today (none while
    paused, stopped, or done and waiting for the next rung). For the customers ``called`` (a
    broken promise or missed instalment is followed up by a call) that call stands for the rungs
    that are calls: the ladder does not open a second one."""
    facts = _Facts(view)
    in_episode = facts.starts != NEVER
    steps_of = candidates(view, in_episode)
    at = positions(written)
    written_open = {t.key: t for t in written.tasks}
    follow_ups = _follow_up_calls(written) if called else {}
    f = view.frame
    out: list[Firing] = []
    for found in np.flatnonzero(in_episode):
        c = int(found)
        cause = episode_cause(int(facts.starts[c]))
        position = at.get((str(f.c_id[c]), cause))
        steps = steps_of.get(c, {})
        if c in called:
            if position is None:
                position = _follow_up_call(follow_ups, str(f.c_id[c]), int(facts.starts[c]))
            if position is None:  # the follow-up call is today's step: the ladder is not entered above it
                entry = _entry(facts, c, steps)
                if entry is not None and entry[0][2].channel == "call":
                    continue
            steps = {step: rule for step, rule in steps.items() if rule[2].channel != "call"}
        if position is None:
            chosen = _entry(facts, c, steps)
        else:
            chosen = _next(facts, c, position, steps, today)
            if chosen is None and position.open and not _blocked(view, c, position.step):
                kept = steps.get(position.step) or rule_for(view, SEGMENT_NAMES[view.board.segment[c]],
                                                             position.step)
                if kept is not None and view.silenced(kept[2])[c]:  # snoozed, excluded, with the agency
                    kept = None
                chosen = None if kept is None else (kept, _kept_reason(view, written_open, c, position, cause))
        if chosen is not None:
            (ladder, index, rule), why = chosen
            out.append(Firing(c, ladder, index, rule, cause, facts.statement(c), reason=why))
    return out
