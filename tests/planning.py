"""Helpers for planner tests: stub indicators for warning signs written elsewhere, plan runs.

Indicators such as silence or fraud_suspicion are written in parallel; a test replaces them by
a stub that fires on chosen customers (from a day on), so the planner is tested against the
ids of warning-signs.md whatever the registry holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

from arwatch.core.actions import DesiredState, WrittenState
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators import INDICATORS, Indicator, IndicatorParams
from arwatch.core.indicators.base import fired_result
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.promises import broken_by_customer
from arwatch.core.scoring import ScoreBoard, score
from arwatch.sync.templates import load_templates

TEMPLATES = load_templates()
NOTHING_WRITTEN = WrittenState()  # frozen: one instance serves as the default


class StubParams(IndicatorParams):
    weight: float = 0.5


class StubPolicy(Policy):
    """A policy that also answers for indicators the registry does not have yet."""

    def params(self, indicator_id: str):
        try:
            return super().params(indicator_id)
        except AttributeError:
            return StubParams()


def stub(indicator_id: str, customers: Iterable[str], since: str | None = None,
         text: str = "stub evidence") -> Indicator:
    """An indicator firing (strength 1) on ``customers`` from day ``since`` on."""
    chosen = frozenset(customers)
    start = dt.date.fromisoformat(since) if since else dt.date.min

    def compute(frame: LedgerFrame, params) -> object:
        on = np.isin(frame.c_id, list(chosen)) & (frame.as_of >= start)
        return fired_result(indicator_id, on, np.ones(frame.n_customers), lambda c, _locale: f"{indicator_id}: {text}")

    return Indicator(indicator_id, indicator_id, (), frozenset(), StubParams, compute)


def promise_stub() -> Indicator:
    """broken_promise from the planner's own tracking (what the real indicator must agree with)."""
    def compute(frame: LedgerFrame, params) -> object:
        on = broken_by_customer(frame)
        return fired_result("broken_promise", on, np.ones(frame.n_customers), lambda c, _locale: "promise broken")

    return Indicator("broken_promise", "broken promise", (), frozenset(), StubParams, compute)


def indicators_with(*stubs: Indicator) -> tuple[Indicator, ...]:
    ids = {s.id for s in stubs}
    return tuple(i for i in INDICATORS if i.id not in ids) + stubs


def policy_of(data: dict | None = None) -> StubPolicy:
    return StubPolicy.model_validate(data or {})


def board(frame: LedgerFrame, policy: Policy, stubs: tuple[Indicator, ...] = ()) -> ScoreBoard:
    return score(frame, policy, indicators_with(*stubs))


def run(ledger, day: dt.date, written: WrittenState, policy: Policy, stubs=()) -> tuple[DesiredState, WrittenState]:
    """Plan for ``day``, apply the diff, return (desired, written after)."""
    b = board(LedgerFrame.from_ledger(ledger, day), policy, stubs)
    desired = plan(b, written, policy, day, TEMPLATES, "Test Co")
    return desired, apply_to(written, diff(written, desired))


def run_after_daily_runs(ledger, first: dt.date, day: dt.date, policy: Policy, stubs=()) -> tuple[DesiredState,
                                                                                              WrittenState]:
    """``run`` for ``day`` after a run every day from ``first`` (the ladder climbed so far on record):
    the ladder is entered at its first rung and climbed one rung at a time (core/ladder.py), so
    a step high up the ladder is planned only after the ones below it."""
    _, written = walk(ledger, first, day - dt.timedelta(days=1), policy, stubs)
    return run(ledger, day, written, policy, stubs)


def walk(ledger, first: dt.date, last: dt.date, policy: Policy, stubs=(),
         written: WrittenState = NOTHING_WRITTEN, every: int = 1) -> tuple[list[tuple[str, str, str]], WrittenState]:
    """Plan every day (every ``every`` days: runs that far apart) from ``first`` to ``last``,
    applying each diff: the task openings and closings as ``(day, "open"|"close", "<customer>
    <step> <cause>")``, and what is written after."""
    events = []
    day = first
    while day <= last:
        b = board(LedgerFrame.from_ledger(ledger, day), policy, stubs)
        changes = diff(written, plan(b, written, policy, day, TEMPLATES, "Test Co"))
        for c in changes.changes:
            if c.op.value in ("open_task", "close_task"):
                task = c.task or c.before
                events.append((day.isoformat(), c.op.value.split("_")[0],
                               f"{task.customer_id} {task.step} {task.cause}"))
        written = apply_to(written, changes)
        day += dt.timedelta(days=every)
    return events, written


ALPHA = """
customer a "Alpha" terms=30
invoice a A1 2024-01-01 800.00
"""


def alpha_events(extra: str, last: str = "2024-04-01"):
    """The events of daily runs from 1 Feb 2024 to ``last`` for one customer owing 800.00 since
    1 Jan 2024 (30 days' terms), with ``extra`` ledger lines (notes, payments) added."""
    from ledgers import ledger_from_text  # the tests' ledger text format

    found, _ = walk(ledger_from_text(ALPHA + extra), dt.date(2024, 2, 1), dt.date.fromisoformat(last), policy_of())
    return found
