"""Customer-level judgement on a hand-made replay of 3 customers over 4 replay days."""

import numpy as np
import pytest

from arwatch.core.backtest.customers import first_warning, judge_customers
from arwatch.core.columnar import NEVER

DAYS = np.array([100, 110, 120, 130])
#            c0 goes bad on 125, c1 never, c2 goes bad on 300 (after the horizon of every flag)
BAD = np.array([125, NEVER, 300])
LEVEL = np.array([[0, 2, 0],
                  [2, 0, 0],
                  [3, 2, 0],
                  [3, 0, 0]], dtype=np.int8)
SCORE = LEVEL.astype(float) * 25


def test_judge_customers__lead_time_precision_recall_false_alarms():
    q = judge_customers("x", DAYS, SCORE, LEVEL, BAD, end_day=400, horizon_days=60)
    high = q.at("high")
    assert high.lead_days == (15,)  # first high flag on day 110, bad on 125
    assert (high.flagged, high.warned, high.false_alarms) == (2, 1, 1)  # c0 warned; c1 a false alarm
    assert high.precision == pytest.approx(0.5)
    assert high.recall == pytest.approx(0.5)  # c2 went bad but was never flagged
    assert high.false_alarm_rate == pytest.approx(1.0)  # the only never-bad customer was flagged
    assert q.at("critical").lead_days == (5,)


def test_judge_customers__snapshot_labels_only_before_delinquency():
    q = judge_customers("x", DAYS, SCORE, LEVEL, BAD, end_day=400, horizon_days=60)
    # c0: days 100, 110, 120 (before 125) positive; c1: 4 negatives; c2: 4 negatives (300 - 130 > 60)
    assert q.snapshots == 11
    assert q.snapshot_base_rate == pytest.approx(3 / 11)


def test_first_warning__within_the_horizon_only():
    assert first_warning(DAYS, LEVEL, BAD, 20, 2).tolist() == [110, NEVER, NEVER]
    assert first_warning(DAYS, LEVEL, BAD, 10, 2).tolist() == [120, NEVER, NEVER]
