"""month_end_payer: pays late when bills land at month end (seed 001).

Looks at the invoices settled late (more than ``grace_days`` after due) in the last
``window_days``. Fires when there are at least ``min_late`` of them and at least
``min_share`` were issued in the last ``month_end_days`` days of their month. The planner
uses it to suggest moving the customer's billing to mid-month; its weight is low.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import settlement
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of
from .calendar import days_to_month_end


class Params(IndicatorParams):
    weight: float = Field(default=0.1, ge=0, le=1)
    window_days: int = Field(default=365, ge=1, description="days of late payments looked at")
    month_end_days: int = Field(default=5, ge=1, le=28, description="last days of a month that count as month end")
    min_late: int = Field(default=3, ge=1, description="late payments needed to see a pattern")
    min_share: float = Field(default=0.6, gt=0, le=1, description="share of them on month-end invoices that fires")
    grace_days: int = Field(default=0, ge=0, description="days after due still not late")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, t = frame.n_customers, frame.as_of_day
    st = settlement(frame)
    late = np.flatnonzero(st.is_settled & (st.settled_day > t - params.window_days))
    late = late[st.days_late[late] > params.grace_days]
    at_end = days_to_month_end(frame.i_issue[late]) < params.month_end_days
    count = np.bincount(frame.i_cust[late], minlength=n)
    share = np.bincount(frame.i_cust[late[at_end]], minlength=n) / np.maximum(count, 1)
    fired = (count >= params.min_late) & (share >= params.min_share)
    is_end_late = np.zeros(len(frame.i_id), dtype=bool)
    is_end_late[late[at_end]] = True

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = rows_of(frame.i_cust, c)
        rows = mine[is_end_late[mine]]
        shown = "; ".join(f"{frame.i_number[r]} ({s.money(frame.i_total[r])}) issued {s.day(frame.i_issue[r])}, "
                          f"paid {s.day(st.settled_day[r])}, {wording.days(f'{st.days_late[r]:.0f}')} late"
                          for r in rows[-5:])
        return (f"{len(rows)} of {count[c]} late payments in the last {params.window_days} days were on invoices "
                f"issued in the last {params.month_end_days} days of a month: {shown}")

    return fired_result("month_end_payer", fired, share, explain, measure=share)


INDICATOR = Indicator("month_end_payer", "pays late when bills land at month end", ("001",), frozenset(),
                      Params, compute)
