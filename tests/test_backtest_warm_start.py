"""The learned model's logistic regressions along the C grid start from the fit at the C before
on the same rows (a warm start): the same penalised fit in fewer Newton steps; a start fitted on
other rows, or without a residual, is not used."""

import numpy as np
import pytest

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest import offset_logistic
from arwatch.core.backtest.offset_logistic import OffsetLogistic


def data(n: int = 20_000, seed: int = 0):
    """Column 0: the baseline's log odds; columns 1-8 features, two of them carrying signal."""
    rng = np.random.default_rng(seed)
    base = rng.normal(-1, 1, n)
    x = np.column_stack([base, rng.normal(size=(n, 8))])
    y = rng.random(n) < 1 / (1 + np.exp(-(base + 0.8 * x[:, 1] - 0.5 * x[:, 2])))
    return x, y


@pytest.fixture
def newton_steps(monkeypatch):
    steps = [0]
    solve = np.linalg.solve

    def counted(a, b):
        steps[0] += 1
        return solve(a, b)

    monkeypatch.setattr(offset_logistic.np.linalg, "solve", counted)
    return steps


def test_warm_start__the_same_fit_in_fewer_newton_steps(newton_steps):
    x, y = data()
    before = OffsetLogistic(0.01, offset=0).fit(x, y)
    newton_steps[0] = 0
    cold = OffsetLogistic(0.03, offset=0).fit(x, y)
    cold_steps, newton_steps[0] = newton_steps[0], 0
    warm = OffsetLogistic(0.03, offset=0, start=before).fit(x, y)
    assert newton_steps[0] < cold_steps
    np.testing.assert_allclose(warm.predict_proba(x), cold.predict_proba(x), atol=1e-7)
    assert warm.start is None  # used once, not kept with the fitted model


@pytest.mark.parametrize("start_of", ["other rows", "no residual"])
def test_warm_start__a_start_of_other_rows_or_without_residual_is_not_used(start_of):
    x, y = data()
    start = (OffsetLogistic(0.01, offset=0).fit(x[:5000], y[:5000]) if start_of == "other rows" else
             OffsetLogistic(0.0, offset=0).fit(x, y))
    cold = OffsetLogistic(0.03, offset=0).fit(x, y)
    warm = OffsetLogistic(0.03, offset=0, start=start).fit(x, y)
    assert np.array_equal(warm.coef_, cold.coef_) and warm.intercept_ == cold.intercept_


def test_warm_start__a_month_fits_its_grid_in_order_each_from_the_one_before(monkeypatch):
    starts: list[tuple[float, float | None]] = []

    class Seen(OffsetLogistic):
        def fit(self, x, y):
            starts.append((self.c, self.start.c if self.start is not None else None))
            return super().fit(x, y)

    monkeypatch.setattr(ml, "make_classifier", lambda c: Seen(c.c, c.offset))
    x, y = data(3000)
    day = 740_000 + np.arange(3000) // 5
    months = ml.MonthPredictions()
    lo = ml._months_back(int(day[-1]), 1)
    for c in ml.candidates(3000, offset=0):
        months.of(x, y, day, day + 30, lo, int(day[-1]) + 1, c)
    grid = list(ml.C_GRID)
    assert starts == [(c, grid[k - 1] if k else None) for k, c in enumerate(grid)]
