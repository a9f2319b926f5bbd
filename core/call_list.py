"""Call today: the call tasks ranked by money at risk, capped at each collector's daily capacity.

The money at risk of a call is its expected loss: the customer's amount overdue (what the call
asks for: not the parts under dispute, core/disputed.py) times its risk score read as a
probability (score / 100). Each collector (the task's assignee) gets at most
``credit.calls_per_day`` calls today, the largest expected losses first; the others are carried
over to the next day, where they are ranked again with that day's calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import wording
from .actions import EPISODE, DesiredState, Task
from .contact_log import describe_attempt, last_attempt
from .disputed import under_dispute
from .formats import DEFAULT_LOCALE, day
from .frame import LedgerFrame, date_of
from .hold_notice import HOLD_LINE
from .indicators.aging import oldest_days_past_due
from .policy import Policy
from .promises import PROMISE_STATES, PromiseTracking, grace_days, track_promises
from .scoring import ScoreBoard
from .settlement import settlement
from .switches import standing

_ACCOUNTS_ROLES = ("account", "financ", "payab", "controll", "bookkeep", "treasur", "cfo")


@dataclass(frozen=True)
class CallLine:
    """One call of the list, with what the caller needs on one line."""

    key: str
    customer_id: str
    name: str
    assignee: str
    contact: str  # "Jo Bloggs (accounts payable), +31 20 555 0101" or "no contact in the source"
    overdue: float  # what the call asks for: the amount overdue, less the parts under dispute
    currency: str
    days_past_due: int
    expected_loss: float
    last_contact: str  # "3 Nov 2026, call, not answered (no answer)" or "none on record"
    reason: str
    disputed: float = 0.0  # the parts of the customer's open invoices under dispute, not asked for


@dataclass(frozen=True)
class CallList:
    """``today``: the calls within each collector's capacity, by expected loss; ``carried``: the
    rest; ``not_called``: (customer name, why) for each of the largest exposures at risk
    (``TOP_EXPOSURES``) that is not on today's list."""

    today: tuple[CallLine, ...]
    carried: tuple[CallLine, ...]
    not_called: tuple[tuple[str, str], ...] = ()


TOP_EXPOSURES = 10


def asked_and_disputed(frame: LedgerFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per customer: the amount overdue a call asks for (its open invoices past due, less the
    parts under dispute: core/disputed.py), and the parts of its open invoices under dispute."""
    st, held = settlement(frame), under_dispute(frame)
    overdue_rows = st.is_open & (frame.i_due < frame.as_of_day)
    overdue = np.bincount(frame.i_cust, weights=np.where(overdue_rows, st.residual - held, 0.0),
                          minlength=frame.n_customers)
    return overdue, np.bincount(frame.i_cust, weights=held, minlength=frame.n_customers)


def call_list(desired: DesiredState, board: ScoreBoard, policy: Policy, locale: str = DEFAULT_LOCALE) -> CallList:
    """The call tasks due by ``desired.as_of``, ranked by expected loss and capped per collector;
    the days of its lines in ``locale``."""
    frame = board.frame
    index = {str(c): k for k, c in enumerate(frame.c_id)}
    overdue, disputed = asked_and_disputed(frame)
    dpd = oldest_days_past_due(frame)
    last = last_attempt(frame)
    lines = []
    for task in desired.tasks:
        c = index.get(task.customer_id)
        if task.channel != "call" or task.due_date > desired.as_of or c is None:
            continue
        lines.append(CallLine(
            key=task.key, customer_id=task.customer_id, name=str(frame.c_name[c]), assignee=task.assignee or "",
            contact=contact_words(board, c), overdue=float(overdue[c]), currency=frame.currency,
            days_past_due=max(int(dpd[c]), 0), expected_loss=float(overdue[c]) * float(board.score[c]) / 100,
            last_contact=describe_attempt(frame, int(last[c]), locale) if last[c] >= 0 else "none on record",
            reason=reason(task, desired.as_of, locale), disputed=float(disputed[c])))
    lines.sort(key=lambda line: (-line.expected_loss, line.customer_id, line.key))
    taken: dict[str, int] = {}
    today: list[CallLine] = []
    carried: list[CallLine] = []
    for line in lines:
        taken[line.assignee] = taken.get(line.assignee, 0) + 1
        (today if taken[line.assignee] <= policy.credit.calls_per_day else carried).append(line)
    at_risk = overdue * board.score / 100
    return CallList(tuple(today), tuple(carried), _not_called(desired, board, policy, at_risk, today, carried,
                                                              locale))


def _not_called(desired: DesiredState, board: ScoreBoard, policy: Policy, at_risk: np.ndarray,
                today: list[CallLine], carried: list[CallLine], locale: str) -> tuple[tuple[str, str], ...]:
    """Why each of the largest exposures at risk is not called today."""
    frame = board.frame
    promises = track_promises(frame, grace_days(policy))
    called = {line.customer_id for line in today}
    later = {line.customer_id for line in carried}
    tasks: dict[str, list[Task]] = {}
    for task in desired.tasks:
        tasks.setdefault(task.customer_id, []).append(task)
    held = {h.customer_id: h for h in desired.holds}
    switched = standing(frame)
    out = []
    for c in np.argsort(-at_risk, kind="stable")[:TOP_EXPOSURES]:
        cid = str(frame.c_id[c])
        if at_risk[c] <= 0 or cid in called:
            continue
        out.append((str(frame.c_name[c]), _why_not(board, int(c), tasks.get(cid, []), cid in held, cid in later,
                                                    promises, locale, switched.words(int(c), locale))))
    return tuple(out)


def _why_not(board: ScoreBoard, c: int, tasks: list[Task], held: bool, carried: bool,
             promises: PromiseTracking, locale: str, switches: tuple[str, ...] = ()) -> str:
    steps = {t.step: t for t in tasks}
    on_hold = "on credit hold; " if held else ""
    if carried:
        return "carried over to tomorrow: today's calls are full"
    if "fraud_investigation" in steps:
        return "under fraud investigation: automated dunning stopped"
    if "agency_referral" in steps:
        return f"{on_hold}with the agency: referral awaiting a manager's approval"
    if switches:  # the collector's snooze, exclusion or agency placement
        return on_hold + "; ".join(switches)
    pending = _pending_promise(board, c, promises, locale)
    if pending:
        return f"{on_hold}{pending}"
    rung = next((t for t in tasks if t.cause.startswith(EPISODE)), None)
    if rung is not None:
        return f"{on_hold}{rung.step.replace('_', ' ')} open since {day(rung.due_date, locale)}"
    if any(t.step == "credit_hold" for t in tasks):
        return "on credit hold: the hold letter is its step; no call due yet"
    return f"{on_hold}no call due today (inside its habit, or waiting for the next step)"


def _pending_promise(board: ScoreBoard, c: int, promises: PromiseTracking, locale: str) -> str:
    """Why a customer with a promise still pending is not called. A promise whose day has passed
    is pending for its grace days (payments take time to show): then the day it ends is named,
    not a day already gone."""
    f = board.frame
    rows = np.flatnonzero((f.t_cust == c) & (promises.status == PROMISE_STATES.index("pending")))
    if not len(rows):
        return ""
    promised, deadline = int(f.t_promise_day[rows[-1]]), int(promises.deadline[rows[-1]])
    if promised >= f.as_of_day:
        return f"promised to pay by {day(date_of(promised), locale)}: the ladder waits until then"
    return (f"promised to pay by {day(date_of(promised), locale)}, not yet seen paid: the ladder waits "
            f"out the grace days, to {day(date_of(deadline), locale)}")


def contact_words(board: ScoreBoard, c: int) -> str:
    """The person to ask for (an accounts contact first) and the phone and e-mail the source has."""
    f = board.frame
    rows = [int(k) for k in np.flatnonzero(f.k_cust == c) if f.k_archived[k] > f.as_of_day]
    rows.sort(key=lambda k: not any(word in str(f.k_role[k] or "").lower() for word in _ACCOUNTS_ROLES))
    parts = []
    if rows:
        k = rows[0]
        parts.append(str(f.k_name[k]) + (f" ({f.k_role[k]})" if f.k_role[k] else ""))
        if f.k_phone[k]:
            parts.append(str(f.k_phone[k]))
    phone = f.c_phone[c] if len(f.c_phone) else None
    email = f.c_email[c] if len(f.c_email) else None
    parts += [str(v) for v in (phone, email) if v and str(v) not in parts]
    return ", ".join(parts) or "no contact in the source"


def reason(task: Task, today: dt.date | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """One line of why: the ladder's entry or climb, or the promise or plan followed up (not the
    credit hold a call tells, which its title says, unless nothing else is there). A rung
    opened before ``today`` keeps the why it was opened with (its days past due and last contact
    are that day's), so the line says since when: "open since 1 Sept 2026: entered at: ..."."""
    lines = [line for line in task.evidence if not wording.is_standing_line(line)]
    if not lines:
        return wording.step_words(task.step)
    line = next((line for line in lines if not line.startswith(HOLD_LINE)), lines[0])
    if today is not None and task.due_date < today and line.startswith(("entered at:", "next step after")):
        return f"open since {day(task.due_date, locale)}: {line}"
    return line
