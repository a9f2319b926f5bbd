"""volume_drop: the customer orders much less than it used to (seed 000).

Compares whole calendar months before T's month (the month of T is still running, so it
would understate the recent volume): the mean volume a month over the last ``recent_months``
against the mean over the ``baseline_months`` before them. Fires when the recent mean is below
``ratio`` times the baseline mean, for customers active in at least ``min_active_months`` of
the baseline months.

The volume is the confirmed sale orders (by order date, order totals) when the source has
orders (``frame.orders_available``), even for a customer without any; otherwise the invoiced
amounts (by issue date). Invoices only: credit notes correct old invoices and are not a
measure of new business. Invoiced volume lags orders by the invoicing delay.

A drop alone is no reason for collection (seed 000): the scorer counts it only together with
a payment problem (``ScoringPolicy.only_with``); the evidence here is complete either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from ..formats import Style
from ..frame import LedgerFrame
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of
from .calendar import month_index, month_of_day, month_span, month_start


class Params(IndicatorParams):
    weight: float = Field(default=0.2, ge=0, le=1)
    recent_months: int = Field(default=3, ge=1, le=24, description="whole months before T's month compared")
    baseline_months: int = Field(default=12, ge=1, le=60, description="months before those, the customer's norm")
    ratio: float = Field(default=0.6, gt=0, le=1,
                         description="fires when the recent monthly mean is below this share of the norm")
    min_active_months: int = Field(default=6, ge=1,
                                   description="baseline months with an invoice (with a sale order when the "
                                               "source has orders) needed to know the norm")


@dataclass(frozen=True)
class _Basis:
    """The rows volume is measured on (customer-sorted columns) and the words for them."""

    cust: np.ndarray
    day: np.ndarray
    total: np.ndarray
    number: np.ndarray
    counted: np.ndarray  # bool per row: part of the volume
    verb: str  # "invoiced" / "ordered"
    plural: str  # "invoices" / "sale orders"
    singular: str  # "invoice" / "sale order"


def _basis(frame: LedgerFrame) -> _Basis:
    if frame.orders_available:
        return _Basis(frame.o_cust, frame.o_day, frame.o_total, frame.o_number, np.ones(len(frame.o_cust), bool),
                      "ordered", "sale orders", "sale order")
    return _Basis(frame.i_cust, frame.i_issue, frame.i_total, frame.i_number, ~frame.i_credit,
                  "invoiced", "invoices", "invoice")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    b = _basis(frame)
    this_month = month_of_day(frame.as_of_day)
    first = this_month - params.recent_months - params.baseline_months
    split = this_month - params.recent_months
    rows = np.flatnonzero(b.counted & (b.day >= month_start(first)) & (b.day < month_start(this_month)))
    cust, total, month = b.cust[rows], b.total[rows], month_index(b.day[rows])
    recent = month >= split
    recent_mean = np.bincount(cust[recent], weights=total[recent], minlength=n) / params.recent_months
    base_mean = np.bincount(cust[~recent], weights=total[~recent], minlength=n) / params.baseline_months
    slots = cust[~recent].astype(np.int64) * params.baseline_months + (month[~recent] - first)
    active = (np.bincount(slots, minlength=n * params.baseline_months) > 0) \
        .reshape(n, params.baseline_months).sum(axis=1)
    known = (active >= params.min_active_months) & (base_mean > 0)
    level = np.divide(recent_mean, base_mean, out=np.ones(n), where=known)
    fired = known & (level < params.ratio)

    first_day, split_day, this_day = month_start(first), month_start(split), month_start(this_month)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = rows_of(b.cust, c)
        mine = mine[b.counted[mine]]
        day = b.day[mine]
        recent_rows = mine[(day >= split_day) & (day < this_day)]
        before = mine[(day >= first_day) & (day < split_day)]
        text = (f"{b.verb} {s.money(recent_mean[c] * params.recent_months)} in "
                f"{month_span(split, this_month - 1, s)} ({s.money(recent_mean[c])} a month), "
                f"{s.percent(level[c])} of the {s.money(base_mean[c])} a month {b.verb} in "
                f"{month_span(first, split - 1, s)} ({b.plural} in {active[c]} of {params.baseline_months} months)")
        shown = "; ".join(f"{b.number[r]} ({s.money(b.total[r])}) on {s.day(b.day[r])}"
                          for r in recent_rows[-3:])
        text += f"; recent: {shown}" if shown else f"; no {b.singular} in those months"
        if len(before):
            r = before[-1]
            text += f"; last before: {b.number[r]} ({s.money(b.total[r])}) on {s.day(b.day[r])}"
        return text

    return fired_result("volume_drop", fired, 1.0 - level, explain, measure=1.0 - level)


INDICATOR = Indicator("volume_drop", "reduction in order volume", ("000",), frozenset(), Params, compute)
