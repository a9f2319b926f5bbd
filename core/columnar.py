"""Grouped operations on numpy arrays: the scorer's replacement for per-record loops.

Keys are small non-negative integers (customer or invoice indexes); ``n`` is the number of
groups. Every function is O(len(keys) log len(keys)) at worst and has no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

NEVER = np.int32(2**31 - 1)  # day number standing for "no date" (never happened)


def group_sum(keys: np.ndarray, values: np.ndarray | None, n: int) -> np.ndarray:
    """Sum of ``values`` per key (count when ``values`` is None), as float64 of length n."""
    if values is None:
        return np.bincount(keys, minlength=n).astype(np.float64)
    return np.bincount(keys, weights=values, minlength=n)


def group_count(keys: np.ndarray, n: int) -> np.ndarray:
    """Number of rows per key, as int64 of length n."""
    return np.bincount(keys, minlength=n)


def group_max(keys: np.ndarray, values: np.ndarray, n: int, empty: float | int) -> np.ndarray:
    """Maximum of ``values`` per key; ``empty`` where a key has no row."""
    out = np.full(n, empty, dtype=np.result_type(values.dtype, np.min_scalar_type(empty)))
    np.maximum.at(out, keys, values)
    return out


def group_min(keys: np.ndarray, values: np.ndarray, n: int, empty: float | int) -> np.ndarray:
    """Minimum of ``values`` per key; ``empty`` where a key has no row."""
    out = np.full(n, empty, dtype=np.result_type(values.dtype, np.min_scalar_type(empty)))
    np.minimum.at(out, keys, values)
    return out


def covered_day(keys: np.ndarray, day: np.ndarray, amount: np.ndarray, total: np.ndarray,
                tolerance: float) -> np.ndarray:
    """Per group (length ``len(total)``), the first ``day`` on which the running sum of ``amount``
    reaches ``total`` - ``tolerance``; NEVER when it never does. Rows must be sorted by (key, day)."""
    n = len(total)
    if not len(keys):
        return np.full(n, NEVER, dtype=np.int64)
    cum = np.cumsum(amount)
    starts = np.r_[0, np.flatnonzero(np.diff(keys)) + 1]
    before = np.repeat(np.r_[0.0, cum][starts], np.diff(np.r_[starts, len(cum)]))
    rows = np.flatnonzero((cum - before) >= total[keys] - tolerance)
    return group_min(keys[rows], day[rows].astype(np.int64), n, int(NEVER)).astype(np.int64)


def order_by(keys: np.ndarray, values: np.ndarray, stable: bool = True) -> np.ndarray:
    """Indexes sorting rows by (key, value); ties in input order when ``stable``.

    Integer-valued ``values`` are packed with the key into one int64 and sorted once, about
    four times faster than ``np.lexsort`` on two columns; other values fall back to lexsort.
    """
    if len(keys) and np.issubdtype(values.dtype, np.number):
        finite = values if values.dtype.kind in "iu" else np.nan_to_num(values, nan=0.0)
        low, high = finite.min(), finite.max()
        integral = values.dtype.kind in "iu" or bool(np.all(np.floor(values) == values))
        if integral and high - low < 2**31 and keys.max() < 2**31:
            packed = (keys.astype(np.int64) << 32) | (finite.astype(np.int64) - int(low))
            return np.argsort(packed, kind="stable" if stable else "quicksort")
    return np.lexsort((values, keys))


def rank_from_last(keys: np.ndarray, time: np.ndarray) -> np.ndarray:
    """For each row, how many rows of the same key come after it in ``time`` order (0 = latest).

    Ties are broken by position, so ranks within a key are distinct.
    """
    order = order_by(keys, time)
    k = keys[order]
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    ends = np.r_[starts[1:], len(k)]
    sizes = ends - starts
    end_of_row = np.repeat(ends, sizes)
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[order] = end_of_row - 1 - np.arange(len(k))
    return ranks


def group_weighted_median(
    keys: np.ndarray, values: np.ndarray, weights: np.ndarray, n: int
) -> np.ndarray:
    """Weighted median of ``values`` per key (the lowest value reaching half the weight).

    NaN where a key has no row or zero total weight.
    """
    out = np.full(n, np.nan)
    if not len(keys):
        return out
    order = order_by(keys, values, stable=False)  # equal values: any order gives the same median
    k, v, w = keys[order], values[order], weights[order].astype(np.float64)
    cum = np.cumsum(w)
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    before = np.r_[0.0, cum][starts]  # weight before each group
    totals = np.bincount(k, weights=w, minlength=n)
    group_of_row = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(k)]))
    half = before[group_of_row] + totals[k] / 2.0
    reached = cum >= half - 1e-9
    # first row in each group that reaches half its weight
    candidate = np.where(reached, np.arange(len(k)), len(k))
    first = np.minimum.reduceat(candidate, starts)
    valid = (first < len(k)) & (totals[k[starts]] > 0)
    out[k[starts][valid]] = v[first[valid]]
    return out


def group_median(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Unweighted (lower) median per key; NaN where a key has no row."""
    return group_weighted_median(keys, values, np.ones(len(values)), n)


def group_quantile(keys: np.ndarray, values: np.ndarray, n: int, q: float) -> np.ndarray:
    """The ``q`` quantile (0..1, the lower of two neighbours: no interpolation) of ``values`` per
    key; NaN where a key has no row."""
    out = np.full(n, np.nan)
    if not len(keys):
        return out
    order = order_by(keys, values, stable=False)
    k, v = keys[order], values[order]
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(k)])
    out[k[starts]] = v[starts + np.floor(q * (counts - 1) + 1e-9).astype(np.int64)]
    return out


def group_distinct_count(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct ``values`` per key."""
    if not len(keys):
        return np.zeros(n, dtype=np.int64)
    pairs = np.unique(np.stack([keys.astype(np.int64), values.astype(np.int64)]), axis=1)
    return np.bincount(pairs[0], minlength=n)


def among(ids: np.ndarray, wanted: Iterable[str]) -> np.ndarray:
    """Per row of ``ids`` (an object array of ids), whether it is one of ``wanted``: what
    ``np.isin(ids, list(wanted))`` gives, by one set lookup per row (``np.isin`` on object arrays
    may compare every id with every wanted one: customers times holds on a large company)."""
    chosen = frozenset(wanted)
    return np.fromiter((i in chosen for i in ids.tolist()), dtype=bool, count=len(ids))
