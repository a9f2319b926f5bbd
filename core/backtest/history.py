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

from ..columnar import NEVER
from ..company_record import CompanyRecord
from ..frame import LedgerFrame
from ..indicators import habitual_lateness

#: decay per settled invoice of the recency-weighted (EWMA) means: the last invoice weighs 1, the
#: one before 0.7, ... (half-weight after 2 invoices); invoices beyond ``EWMA_SPAN`` are dropped
#: (0.7**12 < 1.5%)
EWMA_DECAY = 0.7
EWMA_SPAN = 12
#: pseudo-invoices at the all-customer rate added to each customer's own record (shrinkage)
PRIOR_WEIGHT = 3.0


def shrunk_rate(events: np.ndarray, count: np.ndarray, prior: np.ndarray, weight: float = PRIOR_WEIGHT) -> np.ndarray:
    """Bayesian (beta-binomial) rate: ``events`` of ``count`` pulled toward ``prior`` as if
    ``weight`` more invoices had been seen at the prior rate. With no history: the prior."""
    return (events + weight * prior) / (count + weight)


def recency_weighted(values: np.ndarray, first: np.ndarray, end: np.ndarray, fill: np.ndarray,
                     decay: float = EWMA_DECAY, span: int = EWMA_SPAN) -> np.ndarray:
    """Per query, the mean of ``values[first:end]`` (sorted-event order) weighted decay**k for the
    k-th last event (k = 0 for the last), over at most ``span`` events; ``fill`` where none."""
    num = np.zeros(len(first))
    den = np.zeros(len(first))
    for k in range(span):  # a fixed number of gathers, not a loop over rows
        at = end - 1 - k
        ok = at >= first
        w = decay ** k
        num += np.where(ok, w * values[np.maximum(at, 0)], 0.0) if len(values) else 0.0
        den += np.where(ok, w, 0.0)
    return np.where(den > 0, num / np.maximum(den, 1e-12), fill)


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
        sums: np.ndarray = np.r_[0.0, np.cumsum(np.asarray(values, dtype=np.float64)[self.order])]
        return sums


@dataclass(frozen=True)
class History:
    """Per query: what was known about the customer at the end of the query day.

    Attributes:
      paid: invoices paid in full so far; late: of them, paid after the due date.
      serious: paid more than ``late_days`` late; mean_late: mean days late (early = 0).
      recent_late: mean days late of the last 3 paid; mean_days_to_pay; disputed: invoices
      whose dispute flag was known by the query day (``i_disputed_day``: for an undated flag the
      day its invoice was settled), per paid invoice;
      issued: invoices issued so far; open, overdue: of them not paid in full, and past due;
      open_amount, overdue_amount: their totals; mean_log_amount: mean log(1+amount) of those
      issued; prior_late, prior_serious, prior_days_late: share paid late, more than
      ``late_days`` late, and mean days late over all customers so far (the prior for
      customers without history).
      ewma_late, ewma_serious, ewma_days_late: recency-weighted share late, share more than
      ``late_days`` late and days late (``recency_weighted``; the prior with no history).
      last_late: (n, 3) days late of the last, second and third last paid (the prior mean
      where there are fewer); trend: mean days late of the last 3 minus that of the earlier
      ones (0 until there are earlier ones).
      since_last_issue: days from the customer's latest invoice dated on or before the query
      day to the day after it (NaN with none). disputes: dated disputes and complaints the
      customer opened by the query day.
      typical_late: the customer's typical lateness as ``habitual_lateness`` measures it
      (recency-weighted days late of its last settled invoices, shrunk to the company's norm);
      own_late: the same before shrinking (the prior mean days late with no history).
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
    open_amount: np.ndarray
    overdue_amount: np.ndarray
    mean_log_amount: np.ndarray
    prior_late: np.ndarray
    prior_serious: np.ndarray
    prior_days_late: np.ndarray
    ewma_late: np.ndarray
    ewma_serious: np.ndarray
    ewma_days_late: np.ndarray
    last_late: np.ndarray
    trend: np.ndarray
    since_last_issue: np.ndarray
    disputes: np.ndarray
    typical_late: np.ndarray
    own_late: np.ndarray

    def late_rate(self, prior_weight: float = 0.0) -> np.ndarray:
        """Share paid late; with no history (and weight 0) the all-customer share."""
        if prior_weight > 0:
            return shrunk_rate(self.late, self.paid, self.prior_late, prior_weight)
        return np.where(self.paid > 0, self.late / np.maximum(self.paid, 1), self.prior_late)

    def serious_rate(self, prior_weight: float = 0.0) -> np.ndarray:
        """Share paid more than ``late_days`` late; with no history the all-customer share."""
        if prior_weight > 0:
            return shrunk_rate(self.serious, self.paid, self.prior_serious, prior_weight)
        return np.where(self.paid > 0, self.serious / np.maximum(self.paid, 1), self.prior_serious)


def _priors(pday: np.ndarray, q_day: np.ndarray, *events: np.ndarray) -> list[np.ndarray]:
    """Mean of each event array over every invoice paid (by ``pday``) on or before each query day."""
    by_day = np.argsort(pday, kind="stable")
    seen = np.searchsorted(pday[by_day], q_day, side="right")
    out = []
    for event in events:
        cum = np.r_[0.0, np.cumsum(np.asarray(event, dtype=np.float64)[by_day])]
        out.append(np.where(seen > 0, cum[seen] / np.maximum(seen, 1), 0.0))
    return out


def _open_and_overdue(full: LedgerFrame, inv: np.ndarray, pday: np.ndarray, q_cust: np.ndarray,
                      q_day: np.ndarray) -> tuple[np.ndarray, ...]:
    """(issued, open, overdue, open amount, overdue amount, mean log amount, since last issue)."""
    cust, due, issue = full.i_cust[inv], full.i_due[inv].astype(np.int64), full.i_issue[inv].astype(np.int64)
    amount = np.maximum(full.i_total[inv], 0).astype(np.float64)
    issued_ev = AsOf(cust, issue)
    i_first, i_end = issued_ev.window(q_cust, q_day)
    paid_ev = AsOf(cust, pday)  # NEVER for unpaid: never inside a window
    p_first, p_end = paid_ev.window(q_cust, q_day)
    overdue_from = due + 1  # past due at the end of this day
    od_ev = AsOf(cust, overdue_from)
    od_first, od_end = od_ev.window(q_cust, q_day)
    cleared_ev = AsOf(cust, np.maximum(overdue_from, pday))
    cl_first, cl_end = cleared_ev.window(q_cust, q_day)

    def total(ev: AsOf, values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        c = ev.cumsum(values)
        between: np.ndarray = c[b] - c[a]
        return between
    issued = (i_end - i_first).astype(np.float64)
    last_issue = issue[issued_ev.order][np.maximum(i_end - 1, 0)] if len(inv) else np.zeros(len(q_day))
    return (issued,
            issued - (p_end - p_first),
            ((od_end - od_first) - (cl_end - cl_first)).astype(np.float64),
            total(issued_ev, amount, i_first, i_end) - total(paid_ev, amount, p_first, p_end),
            total(od_ev, amount, od_first, od_end) - total(cleared_ev, amount, cl_first, cl_end),
            total(issued_ev, np.log1p(amount), i_first, i_end) / np.maximum(issued, 1),
            np.where(issued > 0, q_day + 1 - last_issue, np.nan))


def _known_flags(full: LedgerFrame, q_cust: np.ndarray, q_day: np.ndarray) -> np.ndarray:
    """Invoices of the customer whose dispute flag was known by the end of the query day."""
    flagged = full.i_disputed_day < NEVER
    a, b = AsOf(full.i_cust[flagged], full.i_disputed_day[flagged]).window(q_cust, q_day)
    between: np.ndarray = (b - a).astype(np.float64)
    return between


def history(full: LedgerFrame, paid_day: np.ndarray, q_cust: np.ndarray, q_day: np.ndarray,
            late_days: int, habit_params: habitual_lateness.Params | None = None,
            company: CompanyRecord | None = None) -> History:
    """History of customers ``q_cust`` as known at the end of days ``q_day`` (arrays of one length);
    ``habit_params``: the policy's ``habitual_lateness`` parameters (its defaults when None);
    ``company``: the whole company's record when ``full`` holds some of its customers only (the
    priors and the lateness norm are the company's; by default ``full``'s own)."""
    q_cust = np.asarray(q_cust, dtype=np.int64)
    q_day = np.asarray(q_day, dtype=np.int64)
    inv = np.flatnonzero(~full.i_credit)
    due, issue = full.i_due[inv].astype(np.int64), full.i_issue[inv].astype(np.int64)
    pday = paid_day[inv]
    was_paid = pday < NEVER
    p = inv[was_paid]
    paid_ev = AsOf(full.i_cust[p], pday[was_paid])
    first, end = paid_ev.window(q_cust, q_day)
    count = (end - first).astype(np.float64)

    def total(values: np.ndarray, lo: np.ndarray = first) -> np.ndarray:
        c = paid_ev.cumsum(values)
        between: np.ndarray = c[end] - c[lo]
        return between

    days_late = (pday[was_paid] - due[was_paid]).astype(np.float64)
    is_late, is_serious, lateness = days_late > 0, days_late > late_days, np.maximum(days_late, 0)
    recent_first = np.maximum(first, end - 3)
    recent_n = end - recent_first
    # the company-level priors and norm: the whole company's (``company``) or the frame's own
    c_day, c_late = (pday[was_paid], days_late) if company is None else (company.paid_day, company.paid_late)
    prior_late, prior_serious, prior_days = _priors(c_day, q_day, c_late > 0, c_late > late_days,
                                                     np.minimum(np.maximum(c_late, 0), 120))
    # values in sorted-event order, for gathers by position
    sorted_late = np.minimum(lateness, 120)[paid_ev.order]
    gather = (lambda at: sorted_late[np.maximum(at, 0)]) if len(p) else (lambda at: np.zeros(len(at)))
    last = np.column_stack([np.where(end - k >= first, gather(end - k), prior_days) for k in (1, 2, 3)])
    recent_sum = total(lateness, recent_first)
    older_n = recent_first - first
    older_mean = (total(lateness) - recent_sum) / np.maximum(older_n, 1)
    trend = np.where(older_n > 0, recent_sum / np.maximum(recent_n, 1) - older_mean, 0.0)
    issued, n_open, overdue, open_amount, overdue_amount, mean_log_amount, since = _open_and_overdue(
        full, inv, pday, q_cust, q_day)
    lp = habit_params or habitual_lateness.Params()
    capped = habitual_lateness.capped(days_late, lp)
    by_day = np.argsort(c_day, kind="stable")
    norm = habitual_lateness.company_norm(c_day[by_day], habitual_lateness.capped(c_late, lp)[by_day], q_day, lp)
    lateness_now = habitual_lateness.typical_lateness(capped[paid_ev.order], first, end, norm, lp)
    d_ev = AsOf(full.d_cust, full.d_open)
    d_first, d_end = d_ev.window(q_cust, q_day)
    safe = np.maximum(count, 1)
    return History(
        paid=count, late=total(is_late), serious=total(is_serious),
        mean_late=total(lateness) / safe,
        recent_late=recent_sum / np.maximum(recent_n, 1),
        mean_days_to_pay=total((pday[was_paid] - issue[was_paid]).astype(np.float64)) / safe,
        disputed=_known_flags(full, q_cust, q_day) / safe,
        issued=issued, open=n_open, overdue=overdue, open_amount=open_amount, overdue_amount=overdue_amount,
        mean_log_amount=mean_log_amount,
        prior_late=prior_late, prior_serious=prior_serious, prior_days_late=prior_days,
        ewma_late=recency_weighted(is_late[paid_ev.order].astype(np.float64), first, end, prior_late),
        ewma_serious=recency_weighted(is_serious[paid_ev.order].astype(np.float64), first, end, prior_serious),
        ewma_days_late=recency_weighted(sorted_late, first, end, prior_days),
        last_late=last, trend=trend, since_last_issue=since,
        disputes=(d_end - d_first).astype(np.float64), typical_late=lateness_now.typical,
        own_late=np.where(np.isnan(lateness_now.own), prior_days, lateness_now.own),
    )
