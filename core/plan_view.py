"""What the planner reads, computed once per plan: the board's arrays, settlement, habits, promises.

``PlanView`` holds the per-plan arrays the ladder rules read; ``Explained`` renders each
customer's evidence once however many tasks cite it; a ``Firing`` is one (customer, rule, cause)
a rule fires for, before it becomes a ``Task``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from . import formats, wording
from .actions import Hold, WrittenState
from .credit_policy import LEVEL_NAMES, SEGMENT_NAMES, StepRule
from .disputed import held_by_dispute, under_dispute
from .episodes import episode_starts
from .formats import DEFAULT_LOCALE
from .frame import date_of
from .habit import habit_window
from .holds import fired
from .indicators.aging import oldest_days_past_due
from .indicators.base import RunsByCustomer
from .policy import Policy
from .promises import PROMISE_STATES, grace_days, track_instalments, track_promises
from .scoring import ScoreBoard
from .settlement import settlement
from .switches import standing
from .tone import firm_state

CUSTOMER_FACING = frozenset({"email", "letter", "call"})
REMINDERS = frozenset({"email", "letter"})  # what "exclude from reminders" stops


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
    reason: str = ""  # why this step now: the ladder's entry or climb


class Told(NamedTuple):
    """One of a customer's reasons as a task or flag tells it: the indicator, its title, its evidence."""

    indicator: str
    title: str
    evidence: str


class Explained:
    """A board's per-customer explanations, each evidence rendered once per plan however often it is read.

    ``reasons(c)`` are the reasons ``board.customer(c, locale)`` gives (the same indicators in
    the same order, the same evidence in the company's ``locale``), without the rest of its
    ``CustomerScore``: the reasons of every customer are ranked at once (``reason_rows``), and an
    indicator's evidence for a customer is rendered once however many of the customer's flag,
    tasks and task notes cite it (a customer with ten reminder tasks and a flag would otherwise
    have it rendered eleven times).
    """

    def __init__(self, board: ScoreBoard, locale: str = DEFAULT_LOCALE):
        self.board, self.locale = board, locale
        self._index: dict[str, int] = {}
        for k, indicator in enumerate(board.indicators):
            self._index.setdefault(indicator.id, k)
        self._rows: list[list[int]] | None = None
        self._evidence: dict[tuple[int, int], str] = {}
        self._told: dict[int, tuple[Told, ...]] = {}
        self._why: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}

    def reason_rows(self) -> list[list[int]]:
        """Per customer, the indicators (rows of ``board.contributions``) of its reasons, largest
        first: ``ScoreBoard._reason_rows`` for every customer at once (a stable sort of each
        customer's contributions, largest first, cut at ``top_reasons`` and at the first that
        is not above 0)."""
        if self._rows is None:
            contributions = self.board.contributions
            order = np.argsort(-contributions, axis=0, kind="stable")[: self.board.top_reasons]
            stop = np.logical_or.accumulate(np.take_along_axis(contributions, order, axis=0) <= 0, axis=0)
            self._rows = [[k for k in column if k >= 0] for column in np.where(stop, -1, order).T.tolist()]
        return self._rows

    def indicators(self, c: int) -> tuple[str, ...]:
        """The indicator ids of ``c``'s reasons, in order (``ScoreBoard.reason_indicators``)."""
        return tuple(self.board.indicators[k].id for k in self.reason_rows()[c])

    def evidence(self, k: int, c: int) -> str:
        """What indicator ``k`` (its row on the board) found for customer ``c``, in the locale."""
        found = self._evidence.get((k, c))
        if found is None:
            found = self._evidence[(k, c)] = self.board.results[k].evidence(c, self.locale)
        return found

    def reasons(self, c: int) -> tuple[Told, ...]:
        """Customer ``c``'s reasons, largest first, with their evidence."""
        found = self._told.get(c)
        if found is None:
            indicators = self.board.indicators
            found = self._told[c] = tuple(Told(indicators[k].id, indicators[k].title, self.evidence(k, c))
                                          for k in self.reason_rows()[c])
        return found

    def why(self, requires: tuple[str, ...], c: int) -> tuple[str, ...]:
        """``"<indicator name>: <evidence>"`` of each of ``requires`` that fired for ``c``."""
        key = (requires, c)
        found = self._why.get(key)
        if found is None:
            results, lines = self.board.results, []
            for indicator in requires:
                k = self._index.get(indicator)
                if k is not None and results[k].fired[c]:
                    lines.append(wording.reason(indicator, self.evidence(k, c)))
            found = self._why[key] = tuple(lines)
        return found


class PlanView:
    """Arrays the ladder rules read, computed once per plan."""

    def __init__(self, board: ScoreBoard, policy: Policy, explained: Explained | None = None,
                 holds: Iterable[Hold] = (), written: WrittenState | None = None, locale: str = DEFAULT_LOCALE):
        frame, credit = board.frame, policy.credit
        self.board, self.frame, self.credit = board, frame, credit
        self.locale = locale
        self.explained = explained or Explained(board, locale)
        self.st = settlement(frame)
        self.disputed = under_dispute(frame)  # per invoice: the part not asked for
        # invoice rows of customer c: i_rows[c]:i_rows[c + 1] (the frame is sorted by customer)
        self.i_rows = np.searchsorted(frame.i_cust, np.arange(frame.n_customers + 1))
        # open invoice rows of customer c, oldest due first: open_by_due(c) (every customer's sorted at once)
        self.open_by_due = RunsByCustomer(frame.i_cust, np.flatnonzero(self.st.is_open), frame.i_due, frame.n_customers)
        self.dpd = (frame.as_of_day - frame.i_due).astype(np.int64)
        window = habit_window(frame, board.segment, credit)
        self.habit, self.habit_known = window.habit, window.known
        self.window_end = window.window_end  # last day inside the habit, per invoice
        self.beyond_habit = window.beyond
        grace = grace_days(policy)
        self.promises = track_promises(frame, grace)
        self.instalments = track_instalments(frame, grace)
        n = frame.n_customers
        pending = self.promises.status == PROMISE_STATES.index("pending")
        active_plan = self.instalments.plan_on_track & ~self.instalments.plan_complete
        self.paused = (np.bincount(frame.t_cust, weights=pending, minlength=n) > 0) | (
            np.bincount(frame.n_cust, weights=active_plan, minlength=n) > 0)
        self.fraud = fired(board, "fraud_suspicion")
        self.in_episode = oldest_days_past_due(frame) > 0
        self.starts = episode_starts(frame)
        written = written or WrittenState()
        self.state = firm_state(frame, holds, (*written.tasks, *written.done_tasks), self.fraud, self.instalments,
                                self.starts)
        self.standing = standing(frame)
        self.state[self.standing.placed & (self.state != "fraud investigation")] = "with agency"
        self.firm = self.state != ""
        self._silenced: dict[tuple[str, bool], np.ndarray] = {}
        self.statements: dict[int, tuple[list[dict[str, Any]], float]] = {}  # the planner's, per customer
        self.invoice_facts: dict[int, dict[str, Any]] = {}  # the planner's, per invoice row
        self.described: dict[tuple[str, int, int], tuple[StepRule, str]] = {}  # the planner's, per rule

    def silenced(self, rule: StepRule) -> np.ndarray:
        """Per customer: the collector's switches stop this rule's step: a snooze every customer-facing
        step, an exclusion the reminders (e-mails, letters), an agency placement all dunning."""
        key = (rule.channel, rule.step == "agency_referral")
        found = self._silenced.get(key)  # asked customer by customer too (core/ladder.py): computed once
        if found is not None:
            return found
        s = self.standing
        out = np.zeros(self.frame.n_customers, dtype=bool)
        if rule.channel in CUSTOMER_FACING:
            out |= s.snoozed | s.placed
        if rule.channel in REMINDERS:
            out |= s.excluded
        if rule.step == "agency_referral":
            out |= s.placed
        out.flags.writeable = False
        self._silenced[key] = out
        return out
    def day(self, value: dt.date | int | np.integer) -> str:
        """A date (or day number) in the company's locale."""
        return formats.day(value if isinstance(value, dt.date) else date_of(int(value)), self.locale)

    def month(self, value: dt.date) -> str:
        """A month in the company's locale ('November 2026', 'November 2026' in German too)."""
        return formats.month(value, self.locale)

    def money(self, value: float) -> str:
        """An amount with the company's currency in its locale."""
        return formats.money(value, self.frame.currency, self.locale)

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
        if rule.until_days is not None and rule.until_days < 0:  # before due: not while anything is overdue
            ok &= ~self.in_episode
        if rule.step in credit.friendly_steps:
            ok &= ~self.firm
        ok &= ~self.silenced(rule)
        return ok

    def invoices_for(self, customers: np.ndarray, rule: StepRule) -> np.ndarray:
        """Invoice rows the rule fires on (open and not held by a dispute, in its days-past-due range,
        beyond the habit)."""
        f = self.frame
        assert rule.from_days is not None  # StepRule requires it for the scopes that read invoices
        ok = self.st.is_open & ~held_by_dispute(f) & customers[f.i_cust] & (self.dpd >= rule.from_days)
        if rule.until_days is not None:
            ok &= self.dpd <= rule.until_days
        if rule.beyond_habit:
            ok &= self.beyond_habit
        if rule.large_only:
            ok &= self.st.residual >= self.credit.large_invoice
        return np.flatnonzero(ok)
