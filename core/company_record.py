"""The company's payment record: every invoice of the company paid by the frame's day, for the
company-level norms a customer is measured against.

Some measures compare a customer with the company as a whole: ``habitual_lateness`` shrinks a
customer's lateness towards the company's norm, and the live model's history gives a customer
without a paid invoice the share of all the company's invoices paid late. Taken from a frame of
some customers only (the add-on scores a company in batches of customers; "score now" may score
one), those norms would be the batch's, and a customer's score would depend on which customers
it happened to be scored with. ``CompanyRecord`` holds what the norms need, for every customer of
the company; a frame of a batch carries the whole company's (``LedgerFrame.company``), and a
frame without one is the whole company (its own record, ``company_record(frame)``).

Every norm is a sum over invoices (a count, a sum of days late), so a company's record is the
concatenation of its batches' records (``CompanyRecord.merge``), in any order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .columnar import NEVER, covered_day
from .frame import LedgerFrame
from .settlement import TOLERANCE, settlement


@dataclass(frozen=True)
class CompanyRecord:
    """Two views of the company's paid invoices (credit notes excluded), each sorted by its day:

    - ``settled_day`` / ``settled_late``: the day each settled invoice was settled, as the frame's
      settlement sees it (payments that bounced by the frame's day settle nothing), and its days
      late (settled day - due day, early negative); ``habitual_lateness``'s norms.
    - ``paid_day`` / ``paid_late``: the day its allocations first covered it, bounced or not
      (``paid_in_full_day``: on the day paid, a later bounce was not known), and its days late;
      the live model's history priors.
    """

    settled_day: np.ndarray
    settled_late: np.ndarray
    paid_day: np.ndarray
    paid_late: np.ndarray

    @staticmethod
    def merge(parts: Iterable[CompanyRecord]) -> CompanyRecord:
        """The record of a company from its batches' records (each customer in one batch)."""
        parts = list(parts)
        return _sorted(np.concatenate([p.settled_day for p in parts]) if parts else np.zeros(0, np.int64),
                       np.concatenate([p.settled_late for p in parts]) if parts else np.zeros(0),
                       np.concatenate([p.paid_day for p in parts]) if parts else np.zeros(0, np.int64),
                       np.concatenate([p.paid_late for p in parts]) if parts else np.zeros(0))

    def __len__(self) -> int:
        return len(self.paid_day)


def _sorted(settled_day: np.ndarray, settled_late: np.ndarray, paid_day: np.ndarray, paid_late: np.ndarray,
            ) -> CompanyRecord:
    """Sorted by day, ties by days late: the same arrays whatever order the batches came in."""
    s = np.lexsort((settled_late, settled_day))
    p = np.lexsort((paid_late, paid_day))
    return CompanyRecord(settled_day[s].astype(np.int64), settled_late[s].astype(np.float64),
                         paid_day[p].astype(np.int64), paid_late[p].astype(np.float64))


def paid_in_full_day(full: LedgerFrame) -> np.ndarray:
    """Per invoice, the day its allocations (bounced or not) first cover the total; NEVER if never.

    Credit notes get NEVER. Allocations are sorted by (invoice, day) in the frame.
    """
    day = covered_day(full.a_inv, full.a_day, full.a_amount, full.i_total, TOLERANCE)
    day = np.where(day < NEVER, np.maximum(day, full.i_issue), NEVER)
    paid_in_full: np.ndarray = np.where(full.i_credit, NEVER, day).astype(np.int64)
    return paid_in_full


def own_record(frame: LedgerFrame) -> CompanyRecord:
    """The record of ``frame``'s own customers (cached on the frame)."""
    cached: CompanyRecord | None = frame.extra.get("own_record")
    if cached is not None:
        return cached
    st = settlement(frame)
    settled = np.flatnonzero(st.is_settled)
    pday = paid_in_full_day(frame)
    paid = np.flatnonzero(pday < NEVER)
    record = _sorted(st.settled_day[settled].astype(np.int64),
                     st.days_late[settled].astype(np.float64),
                     pday[paid], (pday[paid] - frame.i_due[paid]).astype(np.float64))
    frame.extra["own_record"] = record
    return record


def company_record(frame: LedgerFrame) -> CompanyRecord:
    """The whole company's record: the one the frame carries (a frame of some customers), else
    the frame's own (a frame of the whole company)."""
    return frame.company if frame.company is not None else own_record(frame)
