"""AUC, average precision and calibration against values worked out by hand."""

import math

import numpy as np
import pytest
from bootstrap_auc import roc_auc_weighted, stratified_auc

from arwatch.core.backtest.metrics import (
    auc_influence,
    average_precision,
    brier,
    calibration_bins,
    distribution,
    roc_auc,
)


def test_roc_auc__hand_case():
    # positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1), (0.35<0.4), (0.8>0.1), (0.8>0.4) -> 3/4
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)


def test_roc_auc__ties_count_half():
    assert roc_auc(np.array([1, 0]), np.array([0.5, 0.5])) == pytest.approx(0.5)
    # positive 2 vs negatives 1, 2, 3 -> 1 + 0.5 + 0 = 1.5 of 3
    assert roc_auc(np.array([1, 0, 0, 0]), np.array([2, 1, 2, 3])) == pytest.approx(0.5)


def test_roc_auc__one_class_is_nan():
    assert math.isnan(roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))


def test_average_precision__hand_case():
    # ranked 0.8(+) 0.4(-) 0.35(+) 0.1(-): recall 1/2 at precision 1, recall 1 at precision 2/3
    ap = average_precision(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    assert ap == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_average_precision__ties_form_one_threshold():
    # all tied: one threshold with precision 1/4 and recall 1
    assert average_precision(np.array([1, 0, 0, 0]), np.array([1.0, 1, 1, 1])) == pytest.approx(0.25)
    # the positive tied with one negative at the top: precision 1/2 at recall 1
    assert average_precision(np.array([1, 0, 0]), np.array([2.0, 2, 1])) == pytest.approx(0.5)


def test_average_precision__perfect_ranking_is_one():
    assert average_precision(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8])) == pytest.approx(1.0)


def test_metrics__agree_with_scikit_learn_on_random_data():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    y = rng.random(500) < 0.3
    s = np.round(rng.random(500) + y * 0.4, 1)  # rounded: many ties
    assert roc_auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s))
    assert average_precision(y, s) == pytest.approx(metrics.average_precision_score(y, s))


def test_calibration_bins__counts_and_observed_share():
    bins = calibration_bins(np.array([0, 1, 1, 1, 0]), np.array([0.05, 0.15, 0.95, 0.92, 0.91]), bins=10)
    assert [(b.low, b.count) for b in bins] == [(0.0, 1), (pytest.approx(0.1), 1), (pytest.approx(0.9), 3)]
    assert bins[-1].observed == pytest.approx(2 / 3)
    assert bins[-1].mean_predicted == pytest.approx((0.95 + 0.92 + 0.91) / 3)


def test_brier__hand_case():
    assert brier(np.array([1, 0]), np.array([0.8, 0.4])) == pytest.approx((0.04 + 0.16) / 2)


def test_distribution__bins_and_open_last_bin():
    assert distribution(np.array([0, 14, 15, 200]), (0, 15, 30)) == (("0-14", 2), ("15-29", 1), ("30+", 1))


def test_roc_auc_weighted__ones_match_roc_auc_and_integer_weights_repeat_rows():
    rng = np.random.default_rng(3)
    y = rng.random(60) < 0.3
    s = rng.integers(0, 8, 60).astype(float)  # many ties
    assert roc_auc_weighted(y, s, np.ones((1, 60)))[0] == pytest.approx(roc_auc(y, s))
    counts = rng.integers(0, 4, 60)
    repeated = np.repeat(np.arange(60), counts)
    assert roc_auc_weighted(y, s, counts[None, :])[0] == pytest.approx(roc_auc(y[repeated], s[repeated]))
    assert np.isnan(roc_auc_weighted(y, s, np.where(y, 0, 1)[None, :])[0])  # no positive left


def test_stratified_auc__only_pairs_within_a_stratum_count():
    # stratum 0: scores on a 0..1 scale, perfectly ranked; stratum 1: on a 0..100 scale, reversed
    y = np.array([0, 1, 0, 1, 1, 0])
    s = np.array([0.1, 0.9, 0.2, 10, 20, 90])
    q = np.array([0, 0, 0, 1, 1, 1])
    # stratum 0: 1 positive x 2 negatives, AUC 1; stratum 1: 2 x 1, AUC 0 -> (1*2 + 0*2) / 4
    assert stratified_auc(y, s, q)[0] == pytest.approx(0.5)
    assert roc_auc(y, s) != pytest.approx(0.5)  # pooling across the two scales would differ


def _clustered(seed: int = 1, n: int = 3000, clusters: int = 60):
    """Rows in four strata of ``clusters`` customers whose own effect drives both outcome and
    score (so a customer's rows are not independent), scores rounded so that ties occur."""
    rng = np.random.default_rng(seed)
    c = rng.integers(0, clusters, n)
    q = rng.integers(0, 4, n)
    effect = rng.normal(0, 1, clusters)
    y = rng.random(n) < 1 / (1 + np.exp(-effect[c]))
    strong = np.round(effect[c] * 0.5 + rng.normal(0, 1, n), 1)
    weak = np.round(effect[c] * 0.3 + rng.normal(0, 1, n), 1)
    return rng, y, strong, weak, q, c


def test_auc_influence__the_auc_is_stratified_auc_and_the_influences_add_up_to_zero():
    _, y, s, _, q, c = _clustered()
    auc, influence = auc_influence(y, s, q, c)
    assert auc == pytest.approx(stratified_auc(y, s, q)[0], abs=1e-12)
    assert len(influence) == 60 and abs(influence.sum()) < 1e-12 and np.abs(influence).max() > 0
    assert auc_influence(y, s, np.arange(len(y)), c)[0] != auc_influence(y, s, q, c)[0]  # strata matter
    nan_auc, zero = auc_influence(np.zeros(10, dtype=bool), np.arange(10.0), np.zeros(10), np.arange(10))
    assert np.isnan(nan_auc) and not zero.any()


def test_auc_influence__squared_influences_are_the_variance_of_a_customer_bootstrap():
    """What the influences stand for: resampling the customers 4,000 times (every row weighed by how
    often its customer was drawn) spreads the AUC and the difference of two predictors' AUCs as
    the sums of squared influences say, and the share of resamples in which the stronger predictor
    wins is the normal probability of its difference."""
    from statistics import NormalDist

    rng, y, strong, weak, q, c = _clustered()
    drawn = rng.multinomial(60, np.full(60, 1 / 60), size=4000)[:, c]
    boot_strong, boot_weak = stratified_auc(y, strong, q, drawn), stratified_auc(y, weak, q, drawn)
    a_strong, g_strong = auc_influence(y, strong, q, c)
    a_weak, g_weak = auc_influence(y, weak, q, c)
    assert np.sum(g_strong ** 2) == pytest.approx(boot_strong.var(), rel=0.15)
    assert np.sum((g_strong - g_weak) ** 2) == pytest.approx((boot_strong - boot_weak).var(), rel=0.15)
    share = float(np.mean(boot_strong > boot_weak))
    assert NormalDist().cdf((a_strong - a_weak) / np.sqrt(np.sum((g_strong - g_weak) ** 2))) == \
        pytest.approx(share, abs=0.02)
