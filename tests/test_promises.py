"""Instalment schedules and the tracking of promises and instalments against payments."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledgers import customer_index, frame_at
from test_planner_properties import BASE, ledgers

from arwatch.core.promises import (
    INSTALMENT_STATES,
    PROMISE_STATES,
    broken_by_customer,
    build_schedule,
    split_amount,
    track_instalments,
    track_promises,
)

D = dt.date.fromisoformat


@given(cents=st.integers(min_value=1, max_value=10**9), count=st.integers(min_value=1, max_value=36))
def test_split_amount__cents_add_up_and_last_takes_the_remainder(cents, count):
    amount = Decimal(cents) / 100
    if cents < count:
        with pytest.raises(ValueError, match="cannot be split"):
            split_amount(amount, count)
        return
    parts = split_amount(amount, count)
    assert sum(parts) == amount and len(parts) == count
    assert all(p == parts[0] for p in parts[:-1]) and parts[-1] >= parts[0]
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


def test_build_schedule__monthly_clamps_to_month_end():
    plan = build_schedule("PL1", "c1", Decimal("1000.00"), 3, D("2024-01-31"), "monthly", agreed_on=D("2024-01-20"))
    assert [i.due_date for i in plan.instalments] == [D("2024-01-31"), D("2024-02-29"), D("2024-03-31")]
    assert [i.amount for i in plan.instalments] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert plan.agreed_on == D("2024-01-20")


@pytest.mark.parametrize("frequency,days", [("weekly", 7), ("biweekly", 14)])
def test_build_schedule__weekly_and_biweekly(frequency, days):
    plan = build_schedule("PL1", "c1", Decimal("100"), 4, D("2024-03-01"), frequency)
    assert [i.due_date for i in plan.instalments] == [D("2024-03-01") + dt.timedelta(days=days * k) for k in range(4)]


@pytest.mark.parametrize("amount,count,frequency,message", [
    ("0", 2, "monthly", "positive amount"), ("10.001", 2, "monthly", "whole cents"),
    ("10", 0, "monthly", "at least one"), ("10", 2, "daily", "frequency"),
])
def test_build_schedule__rejects_bad_input(amount, count, frequency, message):
    with pytest.raises(ValueError, match=message):
        build_schedule("PL1", "c1", Decimal(amount), count, D("2024-03-01"), frequency)


PROMISES = """
customer c1 "Kept" terms=30
customer c2 "Broken" terms=30
customer c3 "Pending" terms=30
customer c4 "Made good" terms=30
invoice c1 A 2024-01-01 500.00
invoice c2 B 2024-01-01 500.00
invoice c3 C 2024-01-01 500.00
invoice c4 E 2024-01-01 500.00
call c1 2024-03-01 answered promise=2024-03-10:500
payment c1 P1 2024-03-12 500.00 -> A
call c2 2024-03-01 answered promise=2024-03-10:500
payment c2 P2 2024-03-05 200.00 -> B
call c3 2024-03-01 answered promise=2024-03-20
call c4 2024-03-01 answered promise=2024-03-05:500
payment c4 P4 2024-03-14 500.00 -> E
call c4 2024-03-02 unanswered
"""


def test_track_promises__kept_within_grace_broken_pending_made_good():
    frame = frame_at(PROMISES, "2024-03-15")
    pt = track_promises(frame, grace_days=3)
    rows = {str(frame.c_id[frame.t_cust[r]]): pt.named(r) for r in np.flatnonzero(frame.t_promise_day < 2**31 - 1)}
    assert rows == {"c1": "kept", "c2": "broken", "c3": "pending", "c4": "made_good"}
    assert PROMISE_STATES[pt.status[list(frame.t_answered).index(False)]] == "none"


def test_track_promises__a_returned_payment_does_not_keep_a_promise():
    text = PROMISES + "payment c2 P9 2024-03-06 300.00 -> B returned=2024-03-11\n"
    frame = frame_at(text, "2024-03-15")
    c2 = customer_index(frame, "c2")
    assert broken_by_customer(frame)[c2]
    assert not broken_by_customer(frame_at(text, "2024-03-10"))[c2]  # return not known yet, still in grace


PLAN = """
customer q "Quincy" terms=30
invoice q Q1 2024-03-01 900.00
plan q PL1 2024-05-01 2024-05-15:300 2024-06-15:300 2024-07-15:300
payment q P1 2024-05-14 300.00 -> Q1:300
"""


def states(text, day):
    frame = frame_at(text, day)
    it = track_instalments(frame, grace_days=3)
    return [INSTALMENT_STATES[s] for s in it.status], it


def test_track_instalments__paid_due_missed_in_due_order():
    assert states(PLAN, "2024-06-18")[0] == ["paid", "due", "due"]  # 15 Jun + 3 days grace
    named, it = states(PLAN, "2024-06-19")
    assert named == ["paid", "missed", "due"] and not it.plan_on_track.any()
    caught_up = PLAN + "payment q P2 2024-06-25 400.00 -> Q1:400"
    named, it = states(caught_up, "2024-06-26")
    assert named == ["paid", "paid", "due"] and it.late.tolist() == [False, True, False]
    assert it.plan_on_track.all() and not it.plan_complete.any()


def test_broken_by_customer__made_good_still_counts_within_lookback():
    frame = frame_at(PROMISES, "2024-03-15")
    broken = {str(frame.c_id[c]) for c in np.flatnonzero(broken_by_customer(frame, grace_days=3))}
    assert broken == {"c2", "c4"}  # c4 paid late: still on its record for scoring
    assert not broken_by_customer(frame_at(PROMISES, "2024-12-01"), lookback_days=180)[customer_index(frame, "c4")]


def test_grace_days__from_the_broken_promise_parameters():
    from arwatch.core.policy import Policy
    from arwatch.core.promises import DEFAULT_GRACE_DAYS, grace_days

    class Stub:
        def params(self, indicator_id):
            return type("P", (), {"grace_days": 5})()

    assert grace_days(Stub()) == 5
    expected = getattr(getattr(Policy().indicators, "broken_promise", None), "grace_days", DEFAULT_GRACE_DAYS)
    assert grace_days(Policy()) == expected


def test_track_instalments__cancelled_plan_is_not_tracked():
    named, it = states(PLAN.replace("2024-07-15:300", "2024-07-15:300 cancelled=2024-06-01"), "2024-07-01")
    assert named == ["cancelled"] * 3 and not broken_by_customer(frame_at(PLAN, "2024-06-10")).any()


def test_broken_promise_indicator__agrees_with_tracking():
    module = pytest.importorskip("arwatch.core.indicators.broken_promise",
                                 reason="broken_promise indicator not merged yet")
    from arwatch.core.policy import Policy
    for text, day in ((PROMISES, "2024-03-15"), (PLAN, "2024-06-19"), (PLAN, "2024-06-10")):
        frame = frame_at(text, day)
        params = Policy().params("broken_promise")
        result = module.INDICATOR.run(frame, params)
        expected = broken_by_customer(frame, params.grace_days, params.lookback_days)
        assert result.fired.tolist() == expected.tolist(), (text, day)


@settings(max_examples=60, deadline=None)
@given(case=ledgers())
def test_broken_promise_indicator__agrees_with_tracking_on_generated_ledgers(case):
    module = pytest.importorskip("arwatch.core.indicators.broken_promise",
                                 reason="broken_promise indicator not merged yet")
    from arwatch.core.policy import Policy
    text, _, offset = case
    params = Policy().params("broken_promise")
    frame = frame_at(text, (BASE + dt.timedelta(days=offset)).isoformat())
    result = module.INDICATOR.run(frame, params)
    expected = broken_by_customer(frame, params.grace_days, params.lookback_days)
    assert result.fired.tolist() == expected.tolist()
