"""volume_drop: the customer orders much less than it used to (seed 000).

Compares whole calendar months before T's month (the month of T is still running, so it
would understate the recent volume): the mean invoiced amount a month over the last
``recent_months`` against the mean over the ``baseline_months`` before them. Fires when the
recent mean is below ``ratio`` times the baseline mean, for customers that invoiced in at
least ``min_active_months`` of the baseline months. Invoices only: credit notes correct old
invoices and are not a measure of new business.

A drop alone is no reason for collection (seed 000): the scorer counts it only together with
a payment problem (``ScoringPolicy.only_with``); the evidence here is complete either way.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..frame import LedgerFrame
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, fmt_day, fmt_money, rows_of
from .calendar import month_index, month_of_day, month_span, month_start


class Params(IndicatorParams):
    weight: float = Field(default=0.2, ge=0, le=1)
    recent_months: int = Field(default=3, ge=1, le=24, description="whole months before T's month compared")
    baseline_months: int = Field(default=12, ge=1, le=60, description="months before those, the customer's norm")
    ratio: float = Field(default=0.6, gt=0, le=1,
                         description="fires when the recent monthly mean is below this share of the norm")
    min_active_months: int = Field(default=6, ge=1,
                                   description="baseline months with an invoice needed to know the norm")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    this_month = month_of_day(frame.as_of_day)
    first = this_month - params.recent_months - params.baseline_months
    split = this_month - params.recent_months
    rows = np.flatnonzero(~frame.i_credit & (frame.i_issue >= month_start(first))
                          & (frame.i_issue < month_start(this_month)))
    cust, total, month = frame.i_cust[rows], frame.i_total[rows], month_index(frame.i_issue[rows])
    recent = month >= split
    recent_mean = np.bincount(cust[recent], weights=total[recent], minlength=n) / params.recent_months
    base_mean = np.bincount(cust[~recent], weights=total[~recent], minlength=n) / params.baseline_months
    slots = cust[~recent].astype(np.int64) * params.baseline_months + (month[~recent] - first)
    active = (np.bincount(slots, minlength=n * params.baseline_months) > 0) \
        .reshape(n, params.baseline_months).sum(axis=1)
    known = (active >= params.min_active_months) & (base_mean > 0)
    level = np.divide(recent_mean, base_mean, out=np.ones(n), where=known)
    fired = known & (level < params.ratio)

    def explain(c: int) -> str:
        mine = [r for r in rows_of(frame.i_cust, c) if not frame.i_credit[r]]
        recent_rows = [r for r in mine if month_start(split) <= frame.i_issue[r] < month_start(this_month)]
        before = [r for r in mine if month_start(first) <= frame.i_issue[r] < month_start(split)]
        text = (f"invoiced {fmt_money(recent_mean[c] * params.recent_months)} in "
                f"{month_span(split, this_month - 1)} ({fmt_money(recent_mean[c])} a month), "
                f"{level[c]:.0%} of the {fmt_money(base_mean[c])} a month invoiced in "
                f"{month_span(first, split - 1)} (invoices in {active[c]} of {params.baseline_months} months)")
        shown = "; ".join(f"{frame.i_number[r]} ({fmt_money(frame.i_total[r])}) on {fmt_day(frame.i_issue[r])}"
                          for r in recent_rows[-3:])
        text += f"; recent: {shown}" if shown else "; no invoice in those months"
        if before:
            r = before[-1]
            text += f"; last before: {frame.i_number[r]} ({fmt_money(frame.i_total[r])}) on {fmt_day(frame.i_issue[r])}"
        return text

    return fired_result("volume_drop", fired, 1.0 - level, explain)


INDICATOR = Indicator("volume_drop", "reduction in order volume", ("000",), frozenset(), Params, compute)
