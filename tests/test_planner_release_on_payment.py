"""Release when paid (issue 17 point 9): a payment or credit note that leaves nothing overdue
releases the hold at the next run and closes the tasks it settles; a hold whose cause faded
without payment keeps the clear-days wait; ``release_on_payment = false`` keeps the wait always."""

import datetime as dt

import numpy as np
from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, StubParams, policy_of, walk

from arwatch.core.indicators import Indicator
from arwatch.core.indicators.base import fired_result

D = dt.date.fromisoformat
OVER = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
"""
PAID = OVER + "payment o P1 2024-03-12 1500.00 -> O1 O2\n"
CREDITED = OVER + "payment o P1 2024-03-12 800.00 -> O1\ncredit o R1 2024-03-12 700.00 -> O2\n"


def holds_by_day(text, first, last, policy):
    """Each day's holds after that day's run, and the task events."""
    ledger, day, held = ledger_from_text(text), D(first), {}
    events, written = walk(ledger, D(first), D(first), policy)
    held[day.isoformat()] = [h.customer_id for h in written.holds]
    while day < D(last):
        day += dt.timedelta(days=1)
        more, written = walk(ledger, day, day, policy, written=written)
        events += more
        held[day.isoformat()] = [h.customer_id for h in written.holds]
    return held, events, written


def test_release_on_payment__paying_everything_releases_the_hold_at_the_next_run_and_closes_its_tasks():
    held, events, written = holds_by_day(PAID, "2024-03-05", "2024-03-14", policy_of())
    assert held["2024-03-11"] == ["o"] and held["2024-03-12"] == []
    assert ("2024-03-12", "close", "o phone_call episode:2024-02-01") in events
    assert not [t for t in written.tasks if t.customer_id == "o"]


def test_release_on_payment__a_credit_note_that_clears_what_is_overdue_releases_too():
    held, _, _ = holds_by_day(CREDITED, "2024-03-05", "2024-03-13", policy_of())
    assert held["2024-03-11"] == ["o"] and held["2024-03-12"] == []


def test_release_on_payment__switched_off_the_hold_waits_its_clear_days():
    policy = policy_of({"credit": {"holds": {"release_on_payment": False}}})
    held, _, _ = holds_by_day(PAID, "2024-03-05", "2024-03-20", policy)
    assert held["2024-03-12"] == ["o"] and held["2024-03-17"] == ["o"] and held["2024-03-18"] == []


def test_release_on_payment__a_part_payment_that_leaves_something_overdue_keeps_the_hold():
    held, _, _ = holds_by_day(OVER + "payment o P1 2024-03-12 300.00 -> O1:300\n", "2024-03-05", "2024-03-14",
                              policy_of())
    assert held["2024-03-14"] == ["o"]


def until(indicator_id, customers, last):
    """An indicator firing on ``customers`` up to day ``last`` only."""
    def compute(frame, params):
        on = np.isin(frame.c_id, list(customers)) & (frame.as_of <= D(last))
        return fired_result(indicator_id, on, np.ones(frame.n_customers), lambda c, _locale: "stub")
    return Indicator(indicator_id, indicator_id, (), frozenset(), StubParams, compute)


def test_release_on_payment__a_cause_that_faded_without_payment_keeps_the_clear_days_wait():
    # held for fraud suspicion until 2024-03-11, nothing paid: the hold waits its 7 clear days
    unlimited = OVER.replace(" limit=1000", "")
    policy = policy_of({"credit": {"holds": {"levels": [], "segments": []}}})
    held, day, written = {}, D("2024-03-05"), NOTHING_WRITTEN
    while day <= D("2024-03-20"):
        _, written = walk(ledger_from_text(unlimited), day, day, policy,
                          stubs=(until("fraud_suspicion", {"o"}, "2024-03-11"),), written=written)
        held[day.isoformat()] = [h.customer_id for h in written.holds]
        day += dt.timedelta(days=1)
    assert held["2024-03-11"] == ["o"] and held["2024-03-17"] == ["o"] and held["2024-03-18"] == []
