"""failed_payments: payments bounce month after month (seed 000).

A failed payment is one returned by the bank or voided (``p_state`` returned/voided) on or
before T; it counts in the calendar month of its return. Fires when returns fall in at least
``min_months`` of the last ``window_months`` calendar months (T's month included, since a
return this month is already a fact). Strength: the share of those months with a return.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..formats import Style
from ..frame import PAYMENT_STATES, LedgerFrame
from ..model import PaymentState
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of
from .calendar import month_index, month_of_day, month_span, month_start

POSTED = PAYMENT_STATES.index(PaymentState.POSTED)


class Params(IndicatorParams):
    weight: float = Field(default=0.4, ge=0, le=1)
    window_months: int = Field(default=3, ge=1, le=24, description="calendar months looked at, T's included")
    min_months: int = Field(default=2, ge=1, description="months with a returned payment needed to fire")


def failed_rows(frame: LedgerFrame, since_day: int) -> np.ndarray:
    """Payments returned or voided between ``since_day`` and T."""
    return np.flatnonzero((frame.p_state != POSTED) & (frame.p_returned >= since_day)
                          & (frame.p_returned <= frame.as_of_day))


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, window = frame.n_customers, params.window_months
    first = month_of_day(frame.as_of_day) - window + 1
    rows = failed_rows(frame, month_start(first))
    slots = frame.p_cust[rows].astype(np.int64) * window + (month_index(frame.p_returned[rows]) - first)
    months = (np.bincount(slots, minlength=n * window) > 0).reshape(n, window).sum(axis=1)
    fired = months >= params.min_months
    is_failed = np.zeros(len(frame.p_id), dtype=bool)
    is_failed[rows] = True

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = [r for r in rows_of(frame.p_cust, c) if is_failed[r]]
        return (f"payments returned in {months[c]} of the last {window} months "
                f"({month_span(first, first + window - 1, s)}): "
                + "; ".join(describe(frame, r, s) for r in mine))

    return fired_result("failed_payments", fired, months / window, explain, measure=months)


def describe(frame: LedgerFrame, p: int, s: Style) -> str:
    """'€500.00 paid 2 Feb 2024 for INV/2, returned 6 Feb 2024' (no record id: the amount and days
    are what a person checks)."""
    allocs = np.flatnonzero(frame.b_payment == p)  # a returned payment's allocations no longer settle
    invoices = ", ".join(dict.fromkeys(str(frame.i_number[frame.b_inv[a]]) for a in allocs))
    what = PAYMENT_STATES[frame.p_state[p]].value
    return (f"{s.money(frame.p_amount[p])} paid {s.day(frame.p_day[p])}"
            f"{' for ' + invoices if invoices else ''}, {what} {s.day(frame.p_returned[p])}")


INDICATOR = Indicator("failed_payments", "payments fail month after month", ("000",),
                      frozenset({"payment_returns"}), Params, compute)
