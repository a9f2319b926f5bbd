"""The learned model is the baseline plus a residual: the customer's past late rate (log odds) is
an offset, the other features' coefficients are shrunk by a penalty chosen on earlier months."""

import numpy as np
import pytest

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest.live import LinearModel
from arwatch.core.backtest.metrics import roc_auc
from arwatch.core.backtest.offset_logistic import OffsetLogistic


def data(n: int = 4000, signal: float = 0.0, seed: int = 0):
    """Column 0: the baseline's log odds; columns 1-4: noise, except column 1 carries ``signal``."""
    rng = np.random.default_rng(seed)
    base = rng.normal(-1, 1, n)
    x = np.column_stack([base, rng.normal(size=(n, 4))])
    y = rng.random(n) < 1 / (1 + np.exp(-(base + signal * x[:, 1])))
    day = 740_000 + np.sort(rng.integers(0, 900, n))
    return x, y, day


def test_offset_model__without_an_offset_it_is_an_l2_logistic_regression_as_scikit_learns():
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x, y, _ = data(signal=1.0)
    mine = OffsetLogistic(0.1).fit(x, y)
    theirs = LogisticRegression(C=0.1, max_iter=2000).fit(StandardScaler().fit_transform(x), y)
    assert np.allclose(mine.coef_, theirs.coef_[0], atol=1e-3)
    assert mine.intercept_ == pytest.approx(theirs.intercept_[0], abs=1e-3)


def test_offset_model__with_c_0_it_ranks_exactly_as_the_baseline():
    x, y, _ = data(signal=1.0)
    model = OffsetLogistic(0.0, offset=0).fit(x, y)
    assert not model.coef_.any()
    assert roc_auc(y, model.predict_proba(x)[:, 1]) == pytest.approx(roc_auc(y, x[:, 0]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_offset_model__noise_does_not_make_it_worse_than_the_baseline_out_of_sample(seed):
    x, y, day = data(signal=0.0, seed=seed)
    cut = int(np.quantile(day, 0.7))
    fitted = ml.select(x, y, day, day + 30, cut, linear_only=True, offset=0)
    assert fitted is not None and fitted.candidate.offset == 0
    test = day >= cut
    assert roc_auc(y[test], fitted.predict(x[test])) >= roc_auc(y[test], x[test, 0]) - 0.005


def test_offset_model__a_feature_with_signal_beats_the_baseline_out_of_sample():
    x, y, day = data(signal=1.0)
    cut = int(np.quantile(day, 0.7))
    fitted = ml.select(x, y, day, day + 30, cut, linear_only=True, offset=0)
    assert fitted is not None and fitted.candidate.c > 0
    test = day >= cut
    assert roc_auc(y[test], fitted.predict(x[test])) > roc_auc(y[test], x[test, 0]) + 0.02


def test_offset_model__the_stored_model_predicts_as_the_fitted_one_offset_included():
    x, y, day = data(signal=1.0)
    fitted = ml.fit_final(x, y, day, day + 30, int(day[-1]) + 31, linear_only=True, offset=0)
    assert fitted is not None
    stored = LinearModel.model_validate_json(LinearModel.from_fitted(fitted, tuple("abcde")).model_dump_json())
    assert stored.offset == "a"
    assert np.allclose(stored.predict(x), fitted.predict(x))


def test_offset_model__the_backtest_fits_every_logistic_candidate_on_top_of_the_past_late_rate():
    from pathlib import Path

    from csv_ledger import ledger_from_csv

    from arwatch.core.backtest import BacktestSettings, run_backtest
    from arwatch.core.backtest.run import BASELINE_FEATURE, baseline_column

    excerpt = Path(__file__).parent / "data" / "ibm-ar-backtest-excerpt.csv"
    result = run_backtest(ledger_from_csv(excerpt), BacktestSettings(late_days=(10,), serious_late_days=10,
                                                                     delinquent_days=30, linear_only=True))
    assert baseline_column(result.feature_names) == result.feature_names.index(BASELINE_FEATURE)
    chosen = result.learned_status.removeprefix("chosen at the cut-offs: ").split(", ")
    assert chosen and all("past late rate" in name for name in chosen), result.learned_status
