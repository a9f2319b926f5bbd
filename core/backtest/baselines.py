"""The two yardsticks arwatch must beat, computed from what was known on each day.

* Dunning levels: the level depends on days past due only, as Odoo follow-ups and OCA
  credit control escalate (reminder, second reminder, final notice). Score = days past due.
* Past late rate: the customer's own share of invoices paid after the due date so far.
"""

from __future__ import annotations

import numpy as np

from ..policy import LEVELS

#: days past due from which the dunning level is medium, high, critical (1st, 2nd, final notice)
DUNNING_DAYS: tuple[int, int, int] = (1, 31, 61)
#: past late rate from which the level is medium, high, critical
LATE_RATE_LEVELS: tuple[float, float, float] = (0.25, 0.5, 0.75)


def dunning_level(dpd: np.ndarray, thresholds: tuple[int, int, int] = DUNNING_DAYS) -> np.ndarray:
    """Level index (into LEVELS) from days past due of the oldest open invoice alone."""
    return np.searchsorted(np.array(thresholds), dpd, side="right").astype(np.int8)


def late_rate_level(rate: np.ndarray, thresholds: tuple[float, float, float] = LATE_RATE_LEVELS) -> np.ndarray:
    """Level index (into LEVELS) from the past late rate."""
    return np.searchsorted(np.array(thresholds), rate, side="right").astype(np.int8)


def describe() -> dict[str, str]:
    """How each baseline sets its levels, for the report."""
    d = DUNNING_DAYS
    r = LATE_RATE_LEVELS
    return {
        "dunning": f"{LEVELS[1]} from {d[0]} day past due, {LEVELS[2]} from {d[1]}, {LEVELS[3]} from {d[2]} "
                   "(days past due of the oldest open invoice only, as dunning levels do)",
        "late_rate": f"{LEVELS[1]} from {r[0]:.0%} of past invoices paid late, {LEVELS[2]} from {r[1]:.0%}, "
                     f"{LEVELS[3]} from {r[2]:.0%} (the customer's own record up to that day)",
    }
