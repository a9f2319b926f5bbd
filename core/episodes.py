"""Collection episodes: from the day a customer first has an overdue invoice until nothing is.

An invoice is overdue from the day after its due date until the day before it is settled (the
day of the allocation that closed it); one held by an open dispute today does not count
(``core/disputed.py``): when the dispute ends, it counts again from its due date. A customer's
current episode is the unbroken run of days, ending on the frame's day, on which at least one
of its invoices was overdue; a day with nothing
overdue ends an episode, and the next overdue invoice starts a new one. The episode's first day
names it in the keys of the ladder's tasks (``episode:<day>``), so the steps of one episode
neither block nor continue those of the next.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .actions import EPISODE
from .columnar import NEVER
from .disputed import held_by_dispute
from .frame import PAYMENT_STATES, LedgerFrame, date_of
from .model import PaymentState
from .settlement import settlement

_POSTED = PAYMENT_STATES.index(PaymentState.POSTED)


def episode_starts(frame: LedgerFrame) -> np.ndarray:
    """Per customer: the first day (day number) of its current episode; NEVER when nothing is
    overdue on the frame's day."""
    st = settlement(frame)
    t = int(frame.as_of_day)
    start = frame.i_due.astype(np.int64) + 1
    end = np.where(st.is_open, t, st.settled_day.astype(np.int64) - 1)
    rows = np.flatnonzero(~frame.i_credit & (start <= end) & (start <= t) & ~held_by_dispute(frame))
    rows = rows[np.lexsort((start[rows], frame.i_cust[rows]))]
    out = np.full(frame.n_customers, NEVER, dtype=np.int64)
    if not len(rows):
        return out
    cust, first, last = frame.i_cust[rows].astype(np.int64), start[rows], end[rows]
    # the last overdue day of each customer's runs so far: a running maximum within each
    # customer, as one running maximum over the rows with each customer lifted above the last
    low, span = int(last.min()), int(last.max() - last.min()) + 1
    reach = np.maximum.accumulate((last - low) + cust * span) - cust * span + low
    opens = np.r_[True, cust[1:] != cust[:-1]]  # a customer's first row
    ends = np.r_[opens[1:], True]  # its last row
    begins = opens.copy()
    begins[1:] |= first[1:] > reach[:-1] + 1  # a day with nothing overdue before it
    starts = np.flatnonzero(begins)
    latest = starts[np.r_[cust[starts][1:] != cust[starts][:-1], True]]  # each customer's last run
    today = ends & (reach >= t)  # overdue today (its runs reach today)
    overdue = cust[today]
    out[overdue] = first[latest[np.searchsorted(cust[latest], overdue)]]
    return out


def episode_cause(start_day: int) -> str:
    """The cause of the ladder's tasks in the episode that began on ``start_day``."""
    return EPISODE + date_of(start_day).isoformat()


def episode_began(cause: str) -> dt.date | None:
    """The first day of the episode a task's cause names, None for another cause."""
    if not cause.startswith(EPISODE):
        return None
    return dt.date.fromisoformat(cause[len(EPISODE):])


def last_settling_day(frame: LedgerFrame, starts: np.ndarray) -> np.ndarray:
    """Per customer: the last day since its episode began on which it paid (a posted payment) or
    had an invoice settled in part (a payment or credit note allocated); NEVER if none."""
    posted = frame.p_state == _POSTED
    days = np.r_[frame.p_day[posted], frame.a_day].astype(np.int64)
    cust = np.r_[frame.p_cust[posted], frame.i_cust[frame.a_inv]].astype(np.int64)
    return _last_since(cust, days, starts)


def last_promise_day(frame: LedgerFrame, starts: np.ndarray) -> np.ndarray:
    """Per customer: the last day since its episode began on which it promised to pay; NEVER if none."""
    made = frame.t_promise_day != NEVER
    return _last_since(frame.t_cust[made].astype(np.int64), frame.t_day[made].astype(np.int64), starts)


def _last_since(cust: np.ndarray, days: np.ndarray, starts: np.ndarray) -> np.ndarray:
    keep = (starts[cust] != NEVER) & (days >= starts[cust])
    latest = np.full(len(starts), -1, dtype=np.int64)
    np.maximum.at(latest, cust[keep], days[keep])
    return np.where(latest >= 0, latest, NEVER)
