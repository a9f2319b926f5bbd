"""slowing_trend: time to pay is creeping up (seed 004).

Takes each customer's last ``recent_n + before_n`` paid invoices (by the day they were
settled, as the habit does) and fires when the mean days-to-pay of the last ``recent_n``
exceeds that of the ``before_n`` before them by at least ``min_increase_days``. Customers
with fewer paid invoices are not judged. Strength reaches 1 at ``full_increase_days``.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import settlement
from .base import Indicator, IndicatorParams, IndicatorResult, RowsByCustomer, fired_result


class Params(IndicatorParams):
    weight: float = Field(default=0.3, ge=0, le=1)
    recent_n: int = Field(default=3, ge=1, description="last paid invoices whose mean is compared")
    before_n: int = Field(default=9, ge=1, description="paid invoices before them, the baseline")
    min_increase_days: float = Field(default=10, gt=0, description="increase of the mean that fires")
    full_increase_days: float = Field(default=30, gt=0, description="increase of full strength")


def last_settled(frame: LedgerFrame, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's last ``count`` settled invoices: (invoice rows, rank from last, 0 = latest).

    Invoices are in (customer, issue day) order and settle roughly in that order, so the stable
    sort by (customer, settled day) runs over nearly sorted keys and costs little.
    """
    st = settlement(frame)
    paid = np.flatnonzero(st.is_settled)
    key = (frame.i_cust[paid].astype(np.int64) << 32) | st.settled_day[paid].astype(np.int64)
    ordered = paid[np.argsort(key, kind="stable")]
    cust = frame.i_cust[ordered]
    ends = np.cumsum(np.bincount(cust, minlength=frame.n_customers))
    rank = ends[cust] - 1 - np.arange(len(ordered))
    keep = rank < count
    return ordered[keep], rank[keep]


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, total = frame.n_customers, params.recent_n + params.before_n
    st = settlement(frame)
    rows, rank = last_settled(frame, total)
    cust, days = frame.i_cust[rows], st.days_to_pay[rows]
    recent = rank < params.recent_n
    count = np.bincount(cust, minlength=n)
    recent_mean = np.bincount(cust[recent], weights=days[recent], minlength=n) / params.recent_n
    before_mean = np.bincount(cust[~recent], weights=days[~recent], minlength=n) / params.before_n
    increase = np.where(count >= total, recent_mean - before_mean, 0.0)
    fired = increase >= params.min_increase_days
    of_customer = RowsByCustomer(cust)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = rows[of_customer(c)]  # oldest first
        last = mine[-params.recent_n:]
        shown = "; ".join(f"{frame.i_number[r]} ({s.money(frame.i_total[r])}) issued {s.day(frame.i_issue[r])}, "
                          f"paid {s.day(st.settled_day[r])} after {wording.days(f'{st.days_to_pay[r]:.0f}')}"
                          for r in last)
        return (f"last {params.recent_n} paid invoices took {s.number(recent_mean[c], 1)} days on average, the "
                f"{params.before_n} before them {s.number(before_mean[c], 1)} days (+{s.number(increase[c], 1)}): "
                f"{shown}")

    return fired_result("slowing_trend", fired, increase / params.full_increase_days, explain,
                        measure=increase)


INDICATOR = Indicator("slowing_trend", "time to pay is creeping up", ("004",), frozenset(), Params, compute)
