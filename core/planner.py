"""The planner: from a scored ledger and what is written, the flags, holds and tasks desired.

``plan(board, written, policy, today, templates)`` returns a ``DesiredState``; then
``core.diffing.diff(written, desired)`` gives the changes to write. Every task has the key
``task:<customer>:<step>:<cause>``, so a rerun plans the same keys and the diff is empty, and a
task whose cause is gone (invoice paid, promise kept, plan back on track, signal expired) is
simply not desired any more: the diff closes it. Each task cites the ladder rule of the policy
that fired (``rule``) and the facts behind it (``evidence``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .actions import DesiredState, Flag, Hold, Task, WrittenState
from .credit_policy import LEVEL_NAMES, SEGMENT_NAMES, StepRule
from .frame import LedgerFrame, date_of
from .habit import habit
from .holds import desired_holds, evidence, fired
from .indicators.base import fmt_day, fmt_money
from .policy import Policy
from .promises import INSTALMENT_STATES, PROMISE_STATES, grace_days, track_instalments, track_promises
from .scoring import CustomerScore, ScoreBoard
from .settlement import settlement
from .templating import render, task_title


@dataclass(frozen=True)
class Firing:
    """One (customer, rule, cause) the ladder fires for, before it becomes a Task."""

    customer: int
    ladder: str
    index: int
    rule: StepRule
    cause: str
    invoices: tuple[int, ...] = ()  # invoice rows, oldest due first
    notes: tuple[str, ...] | None = None  # None: the evidence of the rule's ``requires`` that fired
    promise: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    hold: Hold | None = None


class _Explained:
    """A board's per-customer explanations, each rendered once per plan however often it is read.

    ``board.customer(c)`` renders the evidence of every reason; a customer with ten reminder tasks
    and a flag would otherwise render it eleven times.
    """

    def __init__(self, board: ScoreBoard):
        self.board = board
        self._scores: dict[int, CustomerScore] = {}
        self._why: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}

    def customer(self, c: int) -> CustomerScore:
        found = self._scores.get(c)
        if found is None:
            found = self._scores[c] = self.board.customer(c)
        return found

    def why(self, requires: tuple[str, ...], c: int) -> tuple[str, ...]:
        """``"<indicator>: <evidence>"`` of each of ``requires`` that fired for ``c``."""
        key = (requires, c)
        found = self._why.get(key)
        if found is None:
            board = self.board
            found = self._why[key] = tuple(f"{ind}: {evidence(board, ind, c)}" for ind in requires
                                           if fired(board, ind)[c])
        return found


class _View:
    """Arrays the ladder rules read, computed once per plan."""

    def __init__(self, board: ScoreBoard, policy: Policy, explained: _Explained | None = None):
        frame, credit = board.frame, policy.credit
        self.board, self.frame, self.credit = board, frame, credit
        self.explained = explained or _Explained(board)
        self.st = settlement(frame)
        # invoice rows of customer c: i_rows[c]:i_rows[c + 1] (the frame is sorted by customer)
        self.i_rows = np.searchsorted(frame.i_cust, np.arange(frame.n_customers + 1))
        self.dpd = (frame.as_of_day - frame.i_due).astype(np.int64)
        h = habit(frame, credit.habit_last_n)
        self.habit = h
        in_segment = np.isin(board.segment, [SEGMENT_NAMES.index(s) for s in credit.habit_segments])
        self.habit_known = in_segment & (h.paid_count >= credit.habit_min_history) & ~np.isnan(h.days_to_pay)
        window = np.where(self.habit_known, np.nan_to_num(h.days_to_pay) + credit.habit_grace_days, -1e9)
        self.window_end = frame.i_issue + window[frame.i_cust]  # last day inside the habit, per invoice
        self.beyond_habit = ~self.habit_known[frame.i_cust] | (frame.as_of_day > self.window_end)
        grace = grace_days(policy)
        self.promises = track_promises(frame, grace)
        self.instalments = track_instalments(frame, grace)
        n = frame.n_customers
        pending = self.promises.status == PROMISE_STATES.index("pending")
        active_plan = self.instalments.plan_on_track & ~self.instalments.plan_complete
        self.paused = (np.bincount(frame.t_cust, weights=pending, minlength=n) > 0) | (
            np.bincount(frame.n_cust, weights=active_plan, minlength=n) > 0)
        self.fraud = fired(board, "fraud_suspicion")

    def customers_for(self, segment: str, rule: StepRule) -> np.ndarray:
        board, credit = self.board, self.credit
        ok: np.ndarray = (board.segment == SEGMENT_NAMES.index(segment)) & np.isin(
            board.level, [LEVEL_NAMES.index(level) for level in rule.levels])
        if rule.requires:
            ok &= np.any([fired(board, ind) for ind in rule.requires], axis=0)
        if rule.step in credit.fraud_stops:
            ok &= ~self.fraud
        if rule.step in credit.pause_while_promised:
            ok &= ~self.paused
        return ok

    def invoices_for(self, customers: np.ndarray, rule: StepRule) -> np.ndarray:
        """Invoice rows the rule fires on (open, in its days-past-due range, beyond the habit)."""
        f = self.frame
        assert rule.from_days is not None  # StepRule requires it for the scopes that read invoices
        ok = self.st.is_open & customers[f.i_cust] & (self.dpd >= rule.from_days)
        if rule.until_days is not None:
            ok &= self.dpd <= rule.until_days
        if rule.beyond_habit:
            ok &= self.beyond_habit
        if rule.large_only:
            ok &= self.st.residual >= self.credit.large_invoice
        return np.flatnonzero(ok)


def _fire(view: _View, segment: str, ladder: str, index: int, rule: StepRule,
          holds: Mapping[str, Hold]) -> list[Firing]:
    customers = view.customers_for(segment, rule)
    if not customers.any():
        return []
    f = view.frame
    # the notes (evidence of the required indicators) are rendered by _task, only for tasks rendered
    if rule.scope == "invoice":
        return [Firing(int(f.i_cust[r]), ladder, index, rule, f"invoice:{f.i_id[r]}", (int(r),))
                for r in view.invoices_for(customers, rule)]
    if rule.scope == "overdue":
        rows = view.invoices_for(customers, rule)
        by_customer: dict[int, list[int]] = {}
        for r in rows[np.argsort(f.i_due[rows], kind="stable")]:
            by_customer.setdefault(int(f.i_cust[r]), []).append(int(r))
        return [Firing(c, ladder, index, rule, "overdue", tuple(rs)) for c, rs in by_customer.items()]
    if rule.scope == "account":
        return [Firing(int(c), ladder, index, rule, next(ind for ind in rule.requires if fired(view.board, ind)[c]))
                for c in np.flatnonzero(customers)]
    if rule.scope == "hold":
        return [Firing(int(c), ladder, index, rule, "hold", hold=holds[str(f.c_id[c])],
                       notes=(f"credit hold ({holds[str(f.c_id[c])].rule}): {holds[str(f.c_id[c])].reason}",))
                for c in np.flatnonzero(customers) if str(f.c_id[c]) in holds]
    return _promise_firings(view, customers, ladder, index, rule)


def _promise_firings(view: _View, customers: np.ndarray, ladder: str, index: int,
                     rule: StepRule) -> list[Firing]:
    """The latest broken (still unpaid) promise and each off-track plan of a customer."""
    f, pt, it = view.frame, view.promises, view.instalments
    out: list[Firing] = []
    rows = np.flatnonzero(pt.status != PROMISE_STATES.index("none"))
    cust = f.t_cust[rows]
    latest = rows[np.r_[cust[1:] != cust[:-1], True]] if len(rows) else rows  # rows in day order per customer
    for r in latest[(pt.status[latest] == PROMISE_STATES.index("broken")) & customers[f.t_cust[latest]]]:
        c, r = int(f.t_cust[r]), int(r)
        promised = date_of(f.t_promise_day[r])
        amount = None if np.isnan(f.t_promise_amount[r]) else float(f.t_promise_amount[r])
        note = (f"promised {'payment' if amount is None else fmt_money(amount)} by {fmt_day(f.t_promise_day[r])} "
                f"(on {fmt_day(f.t_day[r])}); not received by {fmt_day(int(pt.deadline[r]))}")
        out.append(Firing(c, ladder, index, rule, f"promise:{promised.isoformat()}", notes=(note,),
                          promise={"date": promised, "amount": amount, "made_on": date_of(f.t_day[r])}))
    missed = it.status == INSTALMENT_STATES.index("missed")
    plans: dict[tuple[int, int], list[int]] = {}
    for r in np.flatnonzero(missed):
        plans.setdefault((int(f.n_cust[r]), int(f.n_plan[r])), []).append(int(r))
    for (c, _), missed_rows in plans.items():
        if not customers[c]:
            continue
        agreed = date_of(f.n_agreed[missed_rows[0]])
        items: list[dict[str, Any]] = [{"due_date": date_of(f.n_due[r]), "amount": float(f.n_amount[r])}
                                       for r in missed_rows]
        note = "payment plan of " + fmt_day(f.n_agreed[missed_rows[0]]) + ": missed " + "; ".join(
            f"{fmt_money(i['amount'])} due {fmt_day(f.n_due[r])}" for i, r in zip(items, missed_rows, strict=False))
        out.append(Firing(c, ladder, index, rule, f"plan:{agreed.isoformat()}", notes=(note,),
                          plan={"agreed_on": agreed, "missed": items}))
    return out


def describe(ladder: str, index: int, rule: StepRule) -> str:
    """The policy rule cited by a task: ``credit.ladders.good[2]: phone_call from 55 days ...``."""
    def days(n: int) -> str:
        word = "day" if abs(n) == 1 else "days"
        return f"{n} {word} past due" if n >= 0 else f"{-n} {word} before due"

    parts = [rule.step]
    if rule.from_days is not None:
        parts.append(f"from {days(rule.from_days)}")
        if rule.until_days is not None:
            parts.append(f"until {days(rule.until_days)}")
    if rule.scope in ("invoice", "overdue") and rule.beyond_habit:
        parts.append("beyond the customer's habit")
    if rule.large_only:
        parts.append("large invoices")
    if tuple(rule.levels) != LEVEL_NAMES:
        parts.append("risk " + "/".join(rule.levels))
    if rule.requires:
        parts.append("when " + " or ".join(rule.requires) + " fires")
    if rule.scope == "promise":
        parts.append("on a broken promise or missed instalment")
    if rule.scope == "hold":
        parts.append("while on credit hold")
    return f"credit.ladders.{ladder}[{index}]: " + ", ".join(parts)


def _invoice_facts(view: _View, rows: tuple[int, ...]) -> list[dict[str, Any]]:
    f, st = view.frame, view.st
    return [{"number": str(f.i_number[r]), "total": float(f.i_total[r]), "open": float(st.residual[r]),
             "issue_date": date_of(f.i_issue[r]), "due_date": date_of(f.i_due[r]),
             "days_past_due": int(view.dpd[r])} for r in rows]


def _evidence(view: _View, firing: Firing, invoices: list[dict[str, Any]]) -> tuple[str, ...]:
    c, board = firing.customer, view.board
    lines = [f"segment {SEGMENT_NAMES[board.segment[c]]}, risk {LEVEL_NAMES[board.level[c]]} "
             f"(score {board.score[c]:.0f})"]
    for inv in invoices[:5]:
        when = (f"{inv['days_past_due']} days past due" if inv["days_past_due"] > 0
                else f"due in {-inv['days_past_due']} days" if inv["days_past_due"] < 0 else "due today")
        lines.append(f"{inv['number']} ({fmt_money(inv['open'])} open) due {long_day(inv['due_date'])}, {when}")
    if len(invoices) > 5:
        lines.append(f"and {len(invoices) - 5} more invoices")
    if invoices and firing.rule.beyond_habit and view.habit_known[c]:
        lines.append(f"usually pays in {view.habit.days_to_pay[c]:.0f} days "
                     f"(last {int(view.habit.paid_count[c])} paid invoices); habit + "
                     f"{view.credit.habit_grace_days} days grace has passed")
    return tuple(lines) + _notes(view, firing)


def _notes(view: _View, firing: Firing) -> tuple[str, ...]:
    if firing.notes is not None:
        return firing.notes
    return view.explained.why(tuple(firing.rule.requires), firing.customer)


def long_day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _assignee(view: _View, rule: StepRule, c: int) -> str:
    credit = view.credit
    if rule.assignee == "salesperson":
        return view.frame.c_salesperson[c] or credit.collections_user
    return {"collections": credit.collections_user, "manager": credit.manager_user}.get(rule.assignee,
                                                                                        rule.assignee)


def _context(view: _View, firing: Firing, invoices: list[dict[str, Any]], assignee: str, company_name: str,
             evidence_lines: tuple[str, ...], today: dt.date) -> dict[str, Any]:
    f, c = view.frame, firing.customer
    start, end = view.i_rows[c], view.i_rows[c + 1]
    open_rows = start + np.flatnonzero(view.st.is_open[start:end])
    customer_reasons = view.explained.customer(c).reasons
    return {
        "company": {"name": company_name},
        "customer": {"id": str(f.c_id[c]), "name": str(f.c_name[c]), "salesperson": f.c_salesperson[c],
                     "terms_days": int(f.c_terms[c]),
                     "credit_limit": None if np.isnan(f.c_credit_limit[c]) else float(f.c_credit_limit[c])},
        "currency": f.currency, "today": today, "step": firing.rule.step, "cause": firing.cause,
        "invoices": invoices, "total_open": float(view.st.residual[open_rows].sum()),
        "invoice_total": float(sum(i["open"] for i in invoices)),
        "promise": firing.promise, "plan": firing.plan,
        "hold": None if firing.hold is None else {"reason": firing.hold.reason, "since": firing.hold.since},
        "reasons": [{"indicator": r.indicator, "title": r.title, "evidence": r.evidence} for r in customer_reasons],
        "evidence": list(evidence_lines), "assignee": assignee, "needs_approval": firing.rule.needs_approval,
    }


def _task(view: _View, firing: Firing, written: Mapping[str, Task], templates: Mapping[str, str],
          company_name: str, today: dt.date) -> Task:
    f, c, rule = view.frame, firing.customer, firing.rule
    invoices = _invoice_facts(view, firing.invoices)
    lines = _evidence(view, firing, invoices)
    assignee = _assignee(view, rule, c)
    key = f"task:{f.c_id[c]}:{rule.step}:{firing.cause}"
    before = written.get(key)
    due = before.due_date if before is not None else today + dt.timedelta(days=rule.due_in_days)
    body = render(rule.step, templates, _context(view, firing, invoices, assignee, company_name, lines, today))
    return Task(customer_id=str(f.c_id[c]), step=rule.step, cause=firing.cause,
                title=task_title(rule.step, str(f.c_name[c]), [i["number"] for i in invoices], firing.cause),
                body=body, channel=rule.channel, due_date=due, assignee=assignee,
                rule=describe(firing.ladder, firing.index, rule), evidence=lines,
                invoice_id=str(f.i_id[firing.invoices[0]]) if rule.scope == "invoice" else None,
                needs_approval=rule.needs_approval)


def plan_tasks(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
               templates: Mapping[str, str], holds: tuple[Hold, ...], company_name: str = "",
               render_written: bool = True, explained: _Explained | None = None) -> tuple[Task, ...]:
    """One task per (customer, step, cause) that the ladders fire for today, sorted by key.

    With ``render_written=False`` a task whose key is already written is not rendered again: the
    written ``Task`` stands for it (``diff`` compares task keys only, so the diff is the same).
    """
    view = _View(board, policy, explained)
    by_hold = {h.customer_id: h for h in holds}
    current = {t.key: t for t in written.tasks}
    tasks: dict[str, Task] = {}
    for segment in SEGMENT_NAMES:
        for ladder, index, rule in policy.credit.ladder(segment):
            for firing in _fire(view, segment, ladder, index, rule, by_hold):
                key = f"task:{view.frame.c_id[firing.customer]}:{rule.step}:{firing.cause}"
                if key in tasks:  # the first rule of a ladder wins
                    continue
                if not render_written and key in current:
                    tasks[key] = current[key]
                else:
                    tasks[key] = _task(view, firing, current, templates, company_name, today)
    return tuple(tasks[k] for k in sorted(tasks))


def plan_flags(board: ScoreBoard, policy: Policy, today: dt.date,
               explained: _Explained | None = None) -> tuple[Flag, ...]:
    """A risk flag for every customer at or above the policy's ``flag_min_level``."""
    minimum = LEVEL_NAMES.index(policy.credit.flag_min_level)
    explained = explained or _Explained(board)
    flags = []
    for c in np.flatnonzero(board.level >= minimum):
        s = explained.customer(int(c))
        flags.append(Flag(customer_id=s.customer_id, level=s.level, score=s.score, segment=s.segment,
                          reasons=tuple(f"{r.indicator}: {r.evidence}" for r in s.reasons), as_of=today))
    return tuple(sorted(flags, key=lambda fl: fl.customer_id))


def plan(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
         templates: Mapping[str, str], company_name: str = "", render_written: bool = True) -> DesiredState:
    """The desired flags, holds and tasks as of ``today`` (the day ``board`` was scored).

    ``render_written=False`` (for adapters that only apply ``diff``): tasks already written are
    not rendered again; see ``plan_tasks``.
    """
    _check_day(board.frame, today)
    holds = desired_holds(board, written, policy, today)
    explained = _Explained(board)
    return DesiredState(as_of=today, flags=plan_flags(board, policy, today, explained), holds=holds,
                        tasks=plan_tasks(board, written, policy, today, templates, holds, company_name,
                                         render_written, explained))


def _check_day(frame: LedgerFrame, today: dt.date) -> None:
    if frame.as_of != today:
        raise ValueError(f"the board was scored as of {frame.as_of}, not {today}: score as of the planning day")
