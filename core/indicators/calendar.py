"""Calendar arithmetic on day numbers (``date.toordinal()``) for whole columns at once.

Months are counted from January 1970 (month 0), as numpy's ``datetime64[M]`` does. Callers
pass real days only: ``NEVER`` (no date) must be filtered out first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ..formats import Style

EPOCH = 719163  # date(1970, 1, 1).toordinal(): day 0 of numpy's datetime64[D]


def _months_direct(days: np.ndarray) -> np.ndarray:
    return (np.asarray(days, dtype=np.int64) - EPOCH).astype("datetime64[D]").astype("datetime64[M]") \
        .astype(np.int64)


def _to_month_end_direct(days: np.ndarray) -> np.ndarray:
    next_month = _months_direct(days) + 1
    out: np.ndarray = next_month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + EPOCH - 1 - days
    return out


def _per_day(days: np.ndarray, direct: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``direct(days)``, computed once per distinct day of the column's range and looked up,
    which is an order of magnitude faster than converting a million dates one by one."""
    days = np.asarray(days, dtype=np.int64)
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > 4 * len(days) + 1000:
        return direct(days)
    out: np.ndarray = direct(np.arange(lo, hi + 1, dtype=np.int64))[days - lo]
    return out


def month_index(days: np.ndarray) -> np.ndarray:
    """Month number of each day (int64)."""
    return _per_day(days, _months_direct)


def month_of_day(day_number: int) -> int:
    """Month number of one day."""
    return int(_months_direct(np.array([day_number]))[0])


@lru_cache(maxsize=4096)  # asked for the same few months by each customer's evidence
def month_start(month: int) -> int:
    """Day number of the first day of ``month``."""
    return int(np.datetime64(int(month), "M").astype("datetime64[D]").astype(np.int64)) + EPOCH


def days_to_month_end(days: np.ndarray) -> np.ndarray:
    """Days from each day to the last day of its month (0 on the last day)."""
    return _per_day(days, _to_month_end_direct)


def month_label(month: int, style: Style) -> str:
    """A month number as the style writes a month ('Mar 2024', 'März 2024')."""
    return style.month(month_start(month))


def month_span(first: int, last: int, style: Style) -> str:
    """'Jan 2024 to Mar 2024' (or one month's label), the months as ``style`` writes them."""
    return month_label(first, style) if first == last else f"{month_label(first, style)} to {month_label(last, style)}"
