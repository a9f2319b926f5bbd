"""A customer's payment history as known on a given day, for many (customer, day) pairs at once.

Each query asks "what did we know about customer c at the end of day q?". Events (an invoice
issued, an invoice paid in full) are sorted by (customer, day) once; every count or sum is then
a difference of cumulative sums found with one ``searchsorted``: no loop per query.

Paid in full here counts every allocation, including payments that bounce later: on day q a
payment that will bounce on a later day still looks like a payment, and reading the bounce
would be looking ahead. (Bounces reach the scorecard through ``failed_payments``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columnar import NEVER, group_min
from ..frame import LedgerFrame
from ..settlement import TOLERANCE


def paid_in_full_day(full: LedgerFrame) -> np.ndarray:
    """Per invoice, the day its allocations (bounced or not) first cover the total; NEVER if never.

    Credit notes get NEVER. Allocations are sorted by (invoice, day) in the frame.
    """
    n = len(full.i_id)
    if not len(full.a_inv):
        return np.full(n, NEVER, dtype=np.int64)
    cum = np.cumsum(full.a_amount)
    starts = np.r_[0, np.flatnonzero(np.diff(full.a_inv)) + 1]
    before = np.repeat(np.r_[0.0, cum][starts], np.diff(np.r_[starts, len(cum)]))
    covered = (cum - before) >= full.i_total[full.a_inv] - TOLERANCE
    rows = np.flatnonzero(covered)
    day = group_min(full.a_inv[rows], full.a_day[rows].astype(np.int64), n, int(NEVER))
    day = np.where(day < NEVER, np.maximum(day, full.i_issue), NEVER)
    return np.where(full.i_credit, NEVER, day).astype(np.int64)


class AsOf:
    """Events of one kind sorted by (customer, day), ready for as-of queries."""

    def __init__(self, cust: np.ndarray, day: np.ndarray):
        self.key = (cust.astype(np.int64) << 32) | day.astype(np.int64)
        self.order = np.argsort(self.key, kind="stable")
        self.key = self.key[self.order]
        self.cust_key = self.key >> 32

    def window(self, q_cust: np.ndarray, q_day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first, end) sorted-event positions of the customer's events dated <= q_day."""
        first = np.searchsorted(self.cust_key, q_cust, side="left")
        end = np.searchsorted(self.key, (q_cust.astype(np.int64) << 32) | np.maximum(q_day, 0), side="right")
        return first, end

    def cumsum(self, values: np.ndarray) -> np.ndarray:
        """Cumulative sums of ``values`` (event order) in sorted order, with a leading 0."""
        return np.r_[0.0, np.cumsum(np.asarray(values, dtype=np.float64)[self.order])]


@dataclass(frozen=True)
class History:
    """Per query: what was known about the customer at the end of the query day.

    Attributes:
      paid: invoices paid in full so far; late: of them, paid after the due date.
      serious: paid more than ``late_days`` late; mean_late: mean days late (early = 0).
      recent_late: mean days late of the last 3 paid; mean_days_to_pay; disputed: share of
      paid invoices flagged disputed; issued: invoices issued so far; open, overdue: of them
      not paid in full, and past due; mean_log_amount: mean log(1+amount) of those issued;
      prior_late, prior_serious: shares paid late / more than ``late_days`` late over all
      customers so far (the prior for customers without history).
    """

    paid: np.ndarray
    late: np.ndarray
    serious: np.ndarray
    mean_late: np.ndarray
    recent_late: np.ndarray
    mean_days_to_pay: np.ndarray
    disputed: np.ndarray
    issued: np.ndarray
    open: np.ndarray
    overdue: np.ndarray
    mean_log_amount: np.ndarray
    prior_late: np.ndarray
    prior_serious: np.ndarray

    def late_rate(self, prior_weight: float = 0.0) -> np.ndarray:
        """Share paid late; with no history (and weight 0) the all-customer share."""
        if prior_weight > 0:
            return (self.late + prior_weight * self.prior_late) / (self.paid + prior_weight)
        return np.where(self.paid > 0, self.late / np.maximum(self.paid, 1), self.prior_late)

    def serious_rate(self) -> np.ndarray:
        """Share paid more than ``late_days`` late; with no history the all-customer share."""
        return np.where(self.paid > 0, self.serious / np.maximum(self.paid, 1), self.prior_serious)


def history(full: LedgerFrame, paid_day: np.ndarray, q_cust: np.ndarray, q_day: np.ndarray,
            late_days: int) -> History:
    """History of customers ``q_cust`` as known at the end of days ``q_day`` (arrays of one length)."""
    inv = np.flatnonzero(~full.i_credit)
    cust, due, issue = full.i_cust[inv], full.i_due[inv].astype(np.int64), full.i_issue[inv].astype(np.int64)
    pday = paid_day[inv]
    was_paid = pday < NEVER
    p = inv[was_paid]
    paid_ev = AsOf(full.i_cust[p], pday[was_paid])
    first, end = paid_ev.window(q_cust, q_day)
    count = (end - first).astype(np.float64)

    def total(values: np.ndarray, lo: np.ndarray = first) -> np.ndarray:
        c = paid_ev.cumsum(values)
        return c[end] - c[lo]

    days_late = (pday[was_paid] - due[was_paid]).astype(np.float64)
    late = total(days_late > 0)
    recent_first = np.maximum(first, end - 3)
    recent_n = np.maximum(end - recent_first, 1)

    issued_ev = AsOf(cust, issue)
    i_first, i_end = issued_ev.window(q_cust, q_day)
    issued = (i_end - i_first).astype(np.float64)
    log_amount = issued_ev.cumsum(np.log1p(np.maximum(full.i_total[inv], 0)))
    overdue_from = due + 1  # past due at the end of this day
    od_ev = AsOf(cust, overdue_from)
    od_first, od_end = od_ev.window(q_cust, q_day)
    cleared_ev = AsOf(cust, np.maximum(overdue_from, pday))
    cl_first, cl_end = cleared_ev.window(q_cust, q_day)

    by_day = np.argsort(pday[was_paid], kind="stable")
    seen = np.searchsorted(pday[was_paid][by_day], q_day, side="right")

    def prior(event: np.ndarray) -> np.ndarray:
        cum = np.r_[0, np.cumsum(event[by_day])]
        return np.where(seen > 0, cum[seen] / np.maximum(seen, 1), 0.0)
    safe = np.maximum(count, 1)
    return History(
        paid=count, late=late, serious=total(days_late > late_days),
        mean_late=total(np.maximum(days_late, 0)) / safe,
        recent_late=total(np.maximum(days_late, 0), recent_first) / recent_n,
        mean_days_to_pay=total((pday[was_paid] - issue[was_paid]).astype(np.float64)) / safe,
        disputed=total(full.i_disputed[p]) / safe,
        issued=issued, open=issued - count,
        overdue=((od_end - od_first) - (cl_end - cl_first)).astype(np.float64),
        mean_log_amount=(log_amount[i_end] - log_amount[i_first]) / np.maximum(issued, 1),
        prior_late=prior(days_late > 0), prior_serious=prior(days_late > late_days),
    )
