"""What actually happened, read from the full ledger: the answers the replay is judged against.

Outcomes use every record up to the ledger's last day on purpose (they are the future seen
from each replay day); nothing here is ever fed to a score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columnar import NEVER, group_max, group_min, group_sum
from ..frame import LedgerFrame, date_of
from ..settlement import TOLERANCE, settlement


def last_day(frame: LedgerFrame) -> int:
    """The last day the ledger knows anything about (latest invoice, allocation or payment)."""
    days = [frame.i_issue, frame.a_day, frame.p_day, frame.t_day, frame.d_open]
    known = [int(d.max()) for d in days if len(d)]
    return max(known) if known else 0


def delinquency_day(full: LedgerFrame, past_due_days: int, end_day: int) -> np.ndarray:
    """Per customer, the first day one of its invoices is ``past_due_days`` past due and still
    open (NEVER if that never happens by ``end_day``).

    Open means the allocations dated on or before that day, less those of payments returned by
    then, do not cover the invoice's total.
    """
    check_day = full.i_due.astype(np.int64) + past_due_days
    n = len(full.i_id)
    counted = np.zeros(len(full.a_inv), dtype=bool)
    if len(full.a_inv):
        at = check_day[full.a_inv]
        returned = np.where(full.a_payment >= 0, full.p_returned[np.maximum(full.a_payment, 0)], NEVER)
        counted = (full.a_day <= at) & (returned > at)
    paid = group_sum(full.a_inv, np.where(counted, full.a_amount, 0.0), n)
    bad = ~full.i_credit & (full.i_total - paid > TOLERANCE) & (check_day <= end_day)
    rows = np.flatnonzero(bad)
    return group_min(full.i_cust[rows], check_day[rows].astype(np.int32), full.n_customers, NEVER).astype(np.int64)


@dataclass(frozen=True)
class InvoiceOutcome:
    """Per invoice of the full frame: how late it was finally paid.

    Attributes:
      days_late: settled day - due day; for an invoice still open at the end, days past due then.
      settled: paid in full by the end.
      settled_day: NEVER while open.
    """

    days_late: np.ndarray
    settled: np.ndarray
    settled_day: np.ndarray

    def label(self, late_days: int) -> tuple[np.ndarray, np.ndarray]:
        """("paid more than ``late_days`` late", "that is known by the end") per invoice."""
        positive = self.days_late > late_days
        known = self.settled | positive
        return positive & known, known

    def known_from(self, late_days: int, full: LedgerFrame, covered_day: np.ndarray) -> np.ndarray:
        """Per invoice of ``full``, the first day the answer to "paid more than ``late_days`` late?"
        is known, no earlier and no later (``known_from`` < a cut-off: known by then). Settled in
        time: its settled day. Not covered at the end of its due date + ``late_days``
        (``covered_day``: the day its allocations first cover it, payments that bounce later
        counted, as ``history.paid_in_full_day``): the day after, even when it was settled later.
        Covered in time by a payment that bounced later: its settled day, or while open the day
        after the deadline or after the last bounce of its payments, whichever is later (the
        bounce was not known before it happened).
        Still open and not yet that late: the day after the deadline (nothing is known before)."""
        deadline = full.i_due.astype(np.int64) + late_days + 1
        late = self.days_late > late_days
        returned = np.full(len(full.a_inv), NEVER, dtype=np.int64)
        if len(full.a_inv):
            p = full.a_payment
            returned = np.where(p >= 0, full.p_returned[np.maximum(p, 0)].astype(np.int64), NEVER)
        bounced = group_max(full.a_inv, np.where(returned < NEVER, returned, -1), len(full.i_id), -1)
        known: np.ndarray = np.where(self.settled, self.settled_day, np.maximum(deadline, bounced + 1))
        seen_late = late & (covered_day >= deadline)
        out: np.ndarray = np.where(seen_late, np.minimum(known, deadline), known).astype(np.int64)
        return out


def invoice_outcome(full: LedgerFrame, end_day: int) -> InvoiceOutcome:
    """Outcomes of every invoice of ``full`` (which must hold nothing issued after ``end_day``)."""
    st = settlement(full.as_of_date(date_of(end_day)))
    return InvoiceOutcome(days_late=np.nan_to_num(st.days_late, nan=-(10**6)),
                          settled=st.is_settled.copy(), settled_day=st.settled_day.copy())
