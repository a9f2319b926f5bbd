"""Ranking and calibration metrics written with numpy (no scikit-learn needed).

``roc_auc`` and ``average_precision`` follow the usual definitions (ties in the score count
half for AUC; average precision is the step-wise area under the precision-recall curve, as
scikit-learn computes it), so results can be checked by hand on small cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _checked(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape:
        raise ValueError(f"labels {y.shape} and scores {s.shape} differ in shape")
    if np.isnan(s).any():
        raise ValueError("scores contain NaN")
    return y, s


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count 1/2).

    NaN when there is no positive or no negative.
    """
    y, s = _checked(labels, scores)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    # average rank of tied scores (1-based)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    avg_rank = (starts + ends + 1) / 2.0
    ranks = np.empty(len(s))
    ranks[order] = np.repeat(avg_rank, ends - starts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def auc_influence(labels: np.ndarray, scores: np.ndarray, strata: np.ndarray, cluster: np.ndarray,
                  ) -> tuple[float, np.ndarray]:
    """AUC over the (positive, negative) pairs within the same stratum only (e.g. the same
    quarter), pooled, of one predictor, and every cluster's influence on it, in one sort. Scores
    of different strata need not be comparable, so a stream made of several predictors' scores,
    one per stratum, can be judged.

    ``cluster`` holds codes 0..C-1 (e.g. the customer of each row). The influence of cluster c is
    the derivative of the AUC with respect to c's weight, taken at weight 1 (the infinitesimal
    jackknife): resampling the clusters with replacement moves the AUC by about the sum of
    influence x (times drawn - 1), so its variance is about the sum of squared influences (they
    add up to 0), and the difference of two predictors' influences, judged on the same rows, gives
    the variance of their AUC difference. O(n log n), where a bootstrap weighs every row once per
    resample. Returns (AUC, influence per cluster); the AUC is NaN and the influences 0 when no
    stratum has a pair."""
    y, s = _checked(labels, scores)
    q = np.asarray(strata)
    c = np.asarray(cluster, dtype=np.int64)
    n_clusters = int(c.max()) + 1 if len(c) else 0
    if not len(y):
        return float("nan"), np.zeros(n_clusters)
    order = np.lexsort((s, q))
    ys, ss, qs, cs = y[order], s[order], q[order], c[order]
    pos = ys.astype(np.float64)
    neg = 1.0 - pos
    new_stratum = np.r_[True, qs[1:] != qs[:-1]]
    starts = np.flatnonzero(new_stratum | np.r_[True, ss[1:] != ss[:-1]])  # tie groups
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ys)]))
    neg_in, pos_in = np.add.reduceat(neg, starts), np.add.reduceat(pos, starts)
    neg_before, pos_before = np.cumsum(neg_in) - neg_in, np.cumsum(pos_in) - pos_in
    stratum_of_group = np.cumsum(new_stratum[starts]) - 1
    first_group = np.flatnonzero(new_stratum[starts])
    neg_base, pos_base = neg_before[first_group], pos_before[first_group]
    n_pos = np.add.reduceat(pos, np.flatnonzero(new_stratum))
    n_neg = np.add.reduceat(neg, np.flatnonzero(new_stratum))
    # a positive beats every negative below it in its stratum and ties half of those of its score;
    # a negative is beaten by every positive above it and half of those of its score
    below = neg_before - neg_base[stratum_of_group] + 0.5 * neg_in
    above = n_pos[stratum_of_group] - (pos_before - pos_base[stratum_of_group]) - 0.5 * pos_in
    credit = np.where(ys, below[group], above[group])
    stratum = stratum_of_group[group]
    pairs_of_row = np.where(ys, n_neg[stratum], n_pos[stratum])
    numerator = float(np.sum(credit[ys]))
    denominator = float(np.sum(n_pos * n_neg))
    if denominator == 0:
        return float("nan"), np.zeros(n_clusters)
    auc = numerator / denominator
    influence = (np.bincount(cs, credit, n_clusters) - auc * np.bincount(cs, pairs_of_row, n_clusters)) / denominator
    return auc, influence


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Sum over score thresholds of (recall increase) x precision, highest scores first.

    Tied scores form one threshold. NaN when there is no positive.
    """
    y, s = _checked(labels, scores)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s) - 1]
    tp = np.cumsum(y_sorted)[last_of_tie]
    seen = last_of_tie + 1
    precision = tp / seen
    recall_gain = np.diff(np.r_[0, tp]) / n_pos
    return float(np.sum(recall_gain * precision))


def base_rate(labels: np.ndarray) -> float:
    """Share of positives: the average precision of a random ranking."""
    y = np.asarray(labels, dtype=bool)
    return float(y.mean()) if len(y) else float("nan")


@dataclass(frozen=True)
class CalibrationBin:
    """Predictions within [low, high): how many, their mean, and how often the event happened."""

    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float


def calibration_bins(labels: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Equal-width bins of predicted probability (0..1); empty bins are left out."""
    y, p = _checked(labels, probabilities)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    mean_p = np.bincount(which, weights=p, minlength=bins)
    hits = np.bincount(which, weights=y.astype(float), minlength=bins)
    return tuple(CalibrationBin(float(edges[b]), float(edges[b + 1]), int(count[b]),
                                float(mean_p[b] / count[b]), float(hits[b] / count[b]))
                 for b in range(bins) if count[b])


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean squared error of probabilities against outcomes (lower is better)."""
    y, p = _checked(labels, probabilities)
    return float(np.mean((p - y) ** 2)) if len(y) else float("nan")


def distribution(values: np.ndarray, edges: tuple[int, ...]) -> tuple[tuple[str, int], ...]:
    """Counts of ``values`` per bin [edges[i], edges[i+1]) with labels like "30-59"; last bin open."""
    v = np.asarray(values, dtype=np.float64)
    out = []
    for i, low in enumerate(edges):
        high = edges[i + 1] if i + 1 < len(edges) else None
        inside = (v >= low) & (v < high) if high is not None else v >= low
        out.append((f"{low}-{high - 1}" if high is not None else f"{low}+", int(inside.sum())))
    return tuple(out)
