"""The learned model's validation months are fitted once per question, not once per cut-off that
looks back on them, and the choice comes out exactly as when every cut-off fitted its own."""

import numpy as np
import pytest

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest.offset_logistic import OffsetLogistic


def ledger_rows(n: int = 6000, seed: int = 0):
    """Three years of invoices: column 0 the baseline's log odds, column 1 a feature whose signal
    appears in the second year (so the choice changes between cut-offs), columns 2-3 noise."""
    rng = np.random.default_rng(seed)
    day = 738_000 + np.sort(rng.integers(0, 1100, n))
    base = rng.normal(-1, 1, n)
    x = np.column_stack([base, rng.normal(size=(n, 3))])
    signal = np.where(day > 738_400, 1.2, 0.0)
    y = rng.random(n) < 1 / (1 + np.exp(-(base + signal * x[:, 1])))
    known_from = day + rng.integers(10, 120, n)
    return x, y, day, known_from


def cutoffs(day: np.ndarray) -> np.ndarray:
    return ml.quarter_starts(int(day[0]), int(day[-1]))


@pytest.mark.parametrize("linear_only", [True, False])
def test_month_predictions__time_ordered_scores_as_a_fresh_choice_at_every_cut_off(linear_only):
    x, y, day, known_from = ledger_rows()
    cuts = cutoffs(day)
    kept = ml.time_ordered(x, day, y, known_from, cuts, linear_only, offset=0)
    assert len(kept.cutoffs) >= 5
    bounds = np.r_[cuts, np.iinfo(np.int64).max]
    chosen = []
    for c, nxt in zip(bounds[:-1], bounds[1:], strict=False):
        fresh = ml.select(x, y, day, known_from, int(c), linear_only, 0)  # its own months, fitted anew
        assert fresh is not None
        rows = (day >= c) & (day < nxt)
        np.testing.assert_allclose(kept.probability[rows], fresh.predict(x[rows]), rtol=1e-12, atol=0)
        chosen.append(fresh.candidate.name)
    assert kept.chosen == tuple(chosen)
    assert len(set(chosen)) > 1  # the data make the choice move: the comparison covers a change


def test_month_predictions__each_month_and_candidate_is_fitted_once(monkeypatch):
    fits: list[tuple[float, int]] = []

    class Counted(OffsetLogistic):
        def fit(self, x, y):
            fits.append((self.c, len(y)))
            return super().fit(x, y)

    monkeypatch.setattr(ml, "make_classifier", lambda c: Counted(c.c, c.offset))
    x, y, day, known_from = ledger_rows()
    cuts = cutoffs(day)
    out = ml.time_ordered(x, day, y, known_from, cuts, linear_only=False, offset=0)  # six months back
    months = {lo for c in cuts for lo in (ml._months_back(int(c), k) for k in range(1, ml.INNER_MONTHS + 1))}
    validating = len(months) * len(ml.C_GRID)
    assert len(fits) == validating + len(out.cutoffs)  # every validation fit once, one final fit per cut-off
    assert len(fits) < len(out.cutoffs) * (ml.INNER_MONTHS * len(ml.C_GRID) + 1)

    fits.clear()
    end = int(day[-1])
    final = ml.fit_final(x, y, day, known_from, end, False, 0, out.months)
    again = ml.fit_final(x, y, day, known_from, end, False, 0)
    assert final is not None and again is not None
    assert final.candidate == again.candidate
    np.testing.assert_allclose(final.predict(x), again.predict(x), rtol=1e-12, atol=0)
    new_months = {ml._months_back(end + 1, k) for k in range(1, ml.INNER_MONTHS + 1)} - months
    anew = len(new_months) * len(ml.C_GRID) + 1 + ml.INNER_MONTHS * len(ml.C_GRID) + 1
    assert len(fits) == anew  # the first call reused the months it shared with the last cut-off
