"""The customer bootstrap that ``arwatch.core.backtest.metrics.auc_influence`` stands in for:
AUC with a weight per row, for many weightings at once, computed directly (a pass over every
row per weighting). The backtest used these until the influences replaced them; the tests keep
them as the reference the influences are checked against."""

from __future__ import annotations

import numpy as np

from arwatch.core.backtest.metrics import _checked


def roc_auc_weighted(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``roc_auc`` with a weight per row, for many weightings at once: ``weights`` is (B, n), the
    result (B,). Integer weights give the AUC of the sample with each row repeated that often
    (a bootstrap resample). NaN where a weighting leaves no positive or no negative."""
    y, s = _checked(labels, scores)
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    order = np.argsort(s, kind="mergesort")
    s_sorted, y_sorted, w_sorted = s[order], y[order], w[:, order]
    neg = np.where(y_sorted, 0.0, w_sorted)
    pos = np.where(y_sorted, w_sorted, 0.0)
    starts = np.r_[0, np.flatnonzero(np.diff(s_sorted)) + 1] if len(s) else np.zeros(0, dtype=np.int64)
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(s)]))
    neg_in_group = np.add.reduceat(neg, starts, axis=1) if len(s) else neg
    neg_before_group = np.cumsum(neg_in_group, axis=1) - neg_in_group
    # a positive beats every negative of a lower score and ties half of those of its own score
    credit = neg_before_group[:, group] + 0.5 * neg_in_group[:, group]
    n_pos, n_neg = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n_pos > 0) & (n_neg > 0), (pos * credit).sum(axis=1) / (n_pos * n_neg), np.nan)


def stratified_auc(labels: np.ndarray, scores: np.ndarray, strata: np.ndarray,
                   weights: np.ndarray | None = None) -> np.ndarray:
    """AUC over the (positive, negative) pairs within the same stratum only (e.g. the same quarter),
    pooled: each stratum's AUC weighted by its pairs. ``weights`` (B, n) as in ``roc_auc_weighted``
    (default one weighting of ones); returns (B,). Scores of different strata need not be
    comparable, so a stream made of several predictors' scores, one per stratum, can be judged."""
    y, s = _checked(labels, scores)
    w = np.ones((1, len(y))) if weights is None else np.atleast_2d(np.asarray(weights, dtype=np.float64))
    num = np.zeros(len(w))
    den = np.zeros(len(w))
    for q in np.unique(strata):
        at = strata == q
        auc = roc_auc_weighted(y[at], s[at], w[:, at])
        pairs = (w[:, at] * y[at]).sum(axis=1) * (w[:, at] * ~y[at]).sum(axis=1)
        ok = np.isfinite(auc)
        num += np.where(ok, auc * pairs, 0.0)
        den += np.where(ok, pairs, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)
