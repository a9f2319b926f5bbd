"""A customer's own payment habit: how long it usually takes to pay (seeds 001, 004).

The habit is the amount-weighted median days-to-pay of the customer's last N paid invoices,
so one small slow invoice does not move it and one large one does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columnar import group_count, group_quantile, group_weighted_median, rank_from_last
from .credit_policy import SEGMENT_NAMES, CreditPolicy
from .frame import LedgerFrame
from .settlement import settlement


@dataclass(frozen=True)
class Habit:
    """Per customer: ``days_to_pay`` and ``days_late`` medians (NaN without history) and
    ``paid_count``, the number of paid invoices the habit is based on (at most N)."""

    days_to_pay: np.ndarray
    days_late: np.ndarray
    paid_count: np.ndarray
    late_share: np.ndarray  # share of those invoices paid after their due date
    late_spread: np.ndarray  # interquartile range of their days late (early counts as 0); NaN without history


def habit(frame: LedgerFrame, last_n: int = 12) -> Habit:
    """The habit over each customer's last ``last_n`` settled invoices (cached per N)."""
    key = f"habit:{last_n}"
    if key in frame.extra:
        cached: Habit = frame.extra[key]
        return cached
    st = settlement(frame)
    paid = np.flatnonzero(st.is_settled)
    cust = frame.i_cust[paid]
    recent = rank_from_last(cust, st.settled_day[paid]) < last_n if len(paid) else np.zeros(0, bool)
    rows, cust = paid[recent], cust[recent]
    n = frame.n_customers
    weights = frame.i_total[rows]
    result = Habit(
        days_to_pay=group_weighted_median(cust, st.days_to_pay[rows], weights, n),
        days_late=group_weighted_median(cust, st.days_late[rows], weights, n),
        paid_count=group_count(cust, n),
        late_share=np.divide(group_count(cust[st.days_late[rows] > 0], n), np.maximum(group_count(cust, n), 1)),
        late_spread=(group_quantile(cust, np.maximum(st.days_late[rows], 0), n, 0.75)
                     - group_quantile(cust, np.maximum(st.days_late[rows], 0), n, 0.25)),
    )
    frame.extra[key] = result
    return result


@dataclass(frozen=True)
class HabitWindow:
    """The credit policy's habitual window (seed 001: a 60-day payer 30 days in gets nothing).

    ``known`` per customer: its habit is respected (its segment is one of ``habit_segments`` and
    it has ``habit_min_history`` paid invoices); ``window_end`` per invoice: the last day inside
    the habit (issue day + days to pay + ``habit_grace_days``); ``beyond`` per invoice: past that
    day, or its customer's habit is not respected."""

    habit: Habit
    known: np.ndarray
    window_end: np.ndarray
    beyond: np.ndarray


def habit_window(frame: LedgerFrame, segment: np.ndarray, credit: CreditPolicy) -> HabitWindow:
    """The habitual window of each customer of ``frame`` in its ``segment`` (ids of SEGMENT_NAMES)."""
    h = habit(frame, credit.habit_last_n)
    in_segment = np.isin(segment, [SEGMENT_NAMES.index(s) for s in credit.habit_segments])
    known = in_segment & (h.paid_count >= credit.habit_min_history) & ~np.isnan(h.days_to_pay)
    window = np.where(known, np.nan_to_num(h.days_to_pay) + credit.habit_grace_days, -1e9)
    window_end = frame.i_issue + window[frame.i_cust]
    return HabitWindow(h, known, window_end, ~known[frame.i_cust] | (frame.as_of_day > window_end))
