"""Scoring: noisy-OR combination, levels, the volume_drop gate, reasons, unavailable data."""

import numpy as np
import pytest
from ledgers import board_at, customer_index

from arwatch.core.indicators.base import Indicator, IndicatorParams, fired_result
from arwatch.core.policy import Policy, parse_policy
from arwatch.core.scoring import levels, score

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
customer c3 "Gamma" terms=30
invoice c1 INV/1 2024-01-01 100.00
invoice c2 INV/2 2024-05-01 100.00
invoice c3 INV/3 2024-05-20 100.00
payment c3 P1 2024-06-01 100.00 -> INV/3
"""


def fake(indicator_id, strengths):
    """A test indicator firing with the given strength per customer index (0 = not fired)."""
    def compute(frame, params):
        s = np.array(strengths, dtype=float)
        return fired_result(indicator_id, s > 0, s, lambda c, _locale: f"{indicator_id} evidence for {c}")
    return Indicator(indicator_id, indicator_id, (), frozenset(), IndicatorParams, compute)


def test_scoring__noisy_or_of_weight_times_strength(monkeypatch):
    from ledgers import frame_at

    frame = frame_at(LEDGER, "2024-06-30")
    indicators = (fake("aging", [1.0, 0.5, 0]), fake("silence", [1.0, 0, 0]))
    policy = parse_policy({"indicators": {"aging": {"weight": 0.5}, "silence": {"weight": 0.4}}})
    board = score(frame, policy, indicators)
    assert board.score[0] == pytest.approx(100 * (1 - (1 - 0.5) * (1 - 0.4)))
    assert board.score[1] == pytest.approx(25.0)
    assert board.score[2] == 0
    first = board.customer(0)
    assert [r.indicator for r in first.reasons] == ["aging", "silence"]
    assert sum(r.points for r in first.reasons) == pytest.approx(first.score, abs=0.2)
    assert first.reasons[0].evidence == "aging evidence for 0"


def test_scoring__volume_drop_counts_only_with_a_payment_problem():
    from ledgers import frame_at

    frame = frame_at(LEDGER, "2024-06-30")
    indicators = (fake("volume_drop", [1.0, 1.0, 0]), fake("aging", [0.2, 0, 0]))
    board = score(frame, Policy(), indicators)
    assert board.score[1] == 0  # volume drop alone: no risk (seed 000)
    assert board.score[0] > 100 * Policy().params("aging").weight * 0.2 + 1
    assert [r.indicator for r in board.customer(1).reasons] == []


@pytest.mark.parametrize("value,level", [(0, "low"), (24.9, "low"), (25, "medium"), (50, "high"),
                                         (74.99, "high"), (75, "critical"), (100, "critical")])
def test_scoring__levels_from_thresholds(value, level):
    from arwatch.core.policy import LEVELS
    assert LEVELS[levels(np.array([value]), Policy().scoring)[0]] == level


def test_scoring__ranking_riskiest_first_and_real_indicators_explain():
    board = board_at(LEDGER, "2024-06-30")
    order = [board.frame.c_id[i] for i in board.ranking()]
    assert order[0] == "c1"  # 151 days past due
    c1 = board.customer(customer_index(board.frame, "c1"))
    assert c1.reasons[0].indicator == "aging" and "INV/1" in c1.reasons[0].evidence
    assert c1.level in ("high", "critical")


def test_scoring__unavailable_data_is_listed_not_scored_as_zero():
    board = board_at(LEDGER, "2024-06-30", source="quickbooks", unavailable=("payer_account", "contact_attempts"))
    c1 = board.customer(0)
    assert "Pays from new bank accounts: not available from QuickBooks: payer account" in c1.unavailable
    assert "Stops answering: not available from QuickBooks: contact attempts" in c1.unavailable
