"""What the synthetic steps share: day numbers, and drawing from numpy's generator the way the
demo draws from ``random.Random``."""

from __future__ import annotations

import datetime as dt

import numpy as np

#: a day number standing for "never" (no trouble, never stops paying)
NEVER = 2**31 - 1
#: the day number (proleptic ordinal) of 1970-01-01, day 0 of numpy's datetime64[D]
EPOCH = dt.date(1970, 1, 1).toordinal()


class Days:
    """The book's days as numbers (proleptic ordinals): ``T`` is today, ``S`` three years before;
    ``dates`` turns a number ``d`` into its date quickly (``dates[d - base]``)."""

    def __init__(self, today: dt.date) -> None:
        self.T = today.toordinal()
        self.S = self.T - 3 * 365
        self.base = self.S - 400
        self.dates = [dt.date.fromordinal(self.base + i) for i in range(self.T - self.base + 400)]

    def day(self, d: int) -> dt.date:
        return self.dates[d - self.base]


def randint(rng: np.random.Generator, bounds: tuple[int, int], size: int) -> np.ndarray:
    """``size`` integers in ``bounds`` (both ends included, as ``random.randint``)."""
    low, high = bounds
    return rng.integers(low, high + 1, size)


def pick(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """``k`` random indexes where ``mask`` is true (fewer if there are fewer), sorted."""
    where = np.flatnonzero(mask)
    k = min(k, len(where))
    return np.sort(rng.choice(where, k, replace=False)) if k else where[:0]
