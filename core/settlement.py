"""Per-invoice settlement as of the frame's day: paid, residual, settled day, days late.

Computed once per frame and cached, since most payment-behaviour indicators read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columnar import NEVER, group_max, group_sum
from .frame import LedgerFrame

TOLERANCE = 0.01  # an invoice with less than this left open (company currency) is settled


@dataclass(frozen=True)
class Settlement:
    """Arrays aligned with the frame's invoices (``i_*``).

    Attributes:
      paid: amount settled by payments and credit notes up to the frame's day.
      residual: total - paid.
      is_open: a posted invoice (not a credit note) with a residual above the tolerance.
      settled_day: day of the allocation that closed it; NEVER while open.
      days_to_pay: settled_day - issue day (NaN while open or for credit notes).
      days_late: settled_day - due day for settled ones; for open ones, days past due today.
      short_paid: settled partly by a credit note (the customer paid less than invoiced).
    """

    paid: np.ndarray
    residual: np.ndarray
    is_open: np.ndarray
    is_settled: np.ndarray
    settled_day: np.ndarray
    days_to_pay: np.ndarray
    days_late: np.ndarray
    short_paid: np.ndarray


def settlement(frame: LedgerFrame) -> Settlement:
    """The settlement view of ``frame`` (cached on the frame)."""
    cached: Settlement | None = frame.extra.get("settlement")
    if cached is not None:
        return cached
    n = len(frame.i_id)
    paid = group_sum(frame.a_inv, frame.a_amount, n)
    residual = frame.i_total - paid
    invoice = ~frame.i_credit
    is_open = invoice & (residual > TOLERANCE)
    is_settled = invoice & ~is_open
    last_alloc = group_max(frame.a_inv, frame.a_day, n, 0)
    settled_day = np.where(is_settled, np.maximum(last_alloc, frame.i_issue), NEVER).astype(np.int32)
    days_to_pay = np.where(is_settled, settled_day - frame.i_issue, np.nan)
    days_late = np.where(is_settled, settled_day - frame.i_due,
                         np.where(is_open, frame.as_of_day - frame.i_due, np.nan))
    from_credit = group_sum(frame.a_inv, np.where(frame.a_payment < 0, frame.a_amount, 0.0), n)
    short_paid = invoice & (from_credit > TOLERANCE)
    result = Settlement(paid, residual, is_open, is_settled, settled_day, days_to_pay,
                        days_late, short_paid)
    frame.extra["settlement"] = result
    return result
