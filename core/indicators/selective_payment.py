"""selective_payment: pays the small invoices, leaves the large ones (seed 004).

Fires when, in the last ``window_days``, at least ``min_small_paid`` invoices at or below the
customer's median invoice amount were settled after a larger invoice (above the median) had
fallen due, and that larger one is still open at T at least ``min_days_past_due`` past due.
The small ones must have fallen due on or after the large one: they were paid *instead of* it.
Paying older invoices first while a newer large one is overdue is paying in order (a customer
who always pays 25 days late does that every month), not leaving the large one.
The median is taken over the customer's invoices issued in the last ``median_window_days``
plus the invoices being compared. Strength grows with how long the large one is overdue.

Only customers that paid something while an invoice was overdue get a median computed, so
the sort it needs runs over a small part of the invoices.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..columnar import NEVER, group_median
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import settlement
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.35, ge=0, le=1)
    window_days: int = Field(default=90, ge=1, description="days in which the small invoices were paid")
    min_small_paid: int = Field(default=2, ge=1, description="small invoices paid while a large one was overdue")
    min_days_past_due: int = Field(default=1, ge=1, description="days past due of the large invoice left open")
    median_window_days: int = Field(default=365, ge=1, description="days of invoices the median is taken over")
    full_at_days: int = Field(default=60, ge=1, description="days past due of the large one for full strength")


def segment_reduce(ufunc: np.ufunc, cust: np.ndarray, values: np.ndarray, n: int, empty: int) -> np.ndarray:
    """``ufunc.reduce`` of ``values`` per customer, for rows already in customer order."""
    out = np.full(n, empty, dtype=np.int64)
    if len(cust):
        starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]])
        out[cust[starts]] = ufunc.reduceat(values.astype(np.int64), starts)
    return out


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, t = frame.n_customers, frame.as_of_day
    st = settlement(frame)
    overdue = np.flatnonzero(st.is_open & (t - frame.i_due >= params.min_days_past_due))
    paid = np.flatnonzero(st.is_settled & (st.settled_day > t - params.window_days))
    first_due = segment_reduce(np.minimum, frame.i_cust[overdue], frame.i_due[overdue], n, int(NEVER))
    after = paid[st.settled_day[paid] > first_due[frame.i_cust[paid]]]
    candidate = np.bincount(frame.i_cust[after], minlength=n) >= params.min_small_paid

    compared = np.zeros(len(frame.i_id), dtype=bool)
    compared[overdue] = compared[after] = True
    pool = np.flatnonzero(candidate[frame.i_cust] & ~frame.i_credit
                          & ((frame.i_issue > t - params.median_window_days) | compared))
    median = group_median(frame.i_cust[pool], frame.i_total[pool], n)

    large = overdue[frame.i_total[overdue] > median[frame.i_cust[overdue]]]
    large_due = segment_reduce(np.minimum, frame.i_cust[large], frame.i_due[large], n, int(NEVER))
    small = after[(frame.i_total[after] <= median[frame.i_cust[after]])
                  & (st.settled_day[after] > large_due[frame.i_cust[after]])
                  & (frame.i_due[after] >= large_due[frame.i_cust[after]])]  # skipped: paying in order is not
    fired = np.bincount(frame.i_cust[small], minlength=n) >= params.min_small_paid
    worst = t - large_due
    strength = 0.4 + 0.6 * np.minimum(worst / params.full_at_days, 1.0)
    is_small = np.zeros(len(frame.i_id), dtype=bool)
    is_small[small] = True
    is_large = np.zeros(len(frame.i_id), dtype=bool)
    is_large[large] = True

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = rows_of(frame.i_cust, c)
        paid_rows = sorted((r for r in mine if is_small[r]), key=lambda r: st.settled_day[r])
        left_rows = sorted((r for r in mine if is_large[r]), key=lambda r: frame.i_due[r])
        paid_txt = and_list([f"{frame.i_number[r]} ({s.money(frame.i_total[r])})" for r in paid_rows])
        left_txt = and_list([f"{frame.i_number[r]} ({s.money(frame.i_total[r])}"
                             + (f", {s.money(st.residual[r])} open" if st.paid[r] > 0 else "")
                             + f") {wording.days(t - frame.i_due[r])} past due" for r in left_rows])
        paid_on = and_list([s.day(st.settled_day[r]) for r in paid_rows])
        due_on = "; ".join(f"{frame.i_number[r]} due {s.day(frame.i_due[r])}" for r in left_rows)
        return (f"paid {paid_txt}, left {left_txt} (median invoice {s.money(median[c])}; "
                f"paid on {paid_on}; {due_on})")

    return fired_result("selective_payment", fired, strength, explain,
                        measure=np.bincount(frame.i_cust[small], minlength=n))


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


INDICATOR = Indicator("selective_payment", "pays the small invoices, leaves the large ones", ("004",),
                      frozenset(), Params, compute)
