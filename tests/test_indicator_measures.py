"""Every indicator says the raw quantity it thresholds (``IndicatorResult.measure``), fired or not:
what the learned model reads instead of the scorecard's strengths."""

import numpy as np
import pytest

from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators import INDICATORS
from arwatch.core.indicators.aging import oldest_days_past_due
from arwatch.core.scoring import score
from arwatch.demo.company import build_demo_company


@pytest.fixture(scope="module")
def board():
    company = build_demo_company()
    return score(LedgerFrame.from_ledger(company.ledger, company.today))


@pytest.mark.parametrize("indicator", [i.id for i in INDICATORS])
def test_measure__every_indicator_has_one_per_customer_and_it_is_nonzero_where_it_fired(board, indicator):
    result = board.result(indicator)
    assert result.measure is not None and result.measure.shape == (board.frame.n_customers,)
    assert np.isfinite(result.measure).all()
    assert result.fired.any(), indicator  # the demo shows every sign (test_demo_scoring)
    assert (result.measure[result.fired] != 0).all(), indicator


def test_measure__is_the_raw_quantity_not_the_strength(board):
    aging = board.result("aging")
    np.testing.assert_array_equal(aging.measure, np.maximum(oldest_days_past_due(board.frame), 0))
    lateness = board.result("habitual_lateness")
    below = ~lateness.fired & (lateness.measure > 0)
    assert below.any() and (lateness.strength[below] == 0).all()  # measured, not fired
