"""habit_slip: a usually punctual customer pays later than its own habit (seeds 001, 004).

Fires when an open invoice is older than the customer's typical days-to-pay (amount-weighted
median of its last 12 paid invoices) plus a tolerance: ``tolerance_days``, or the spread of its
own recent days late (interquartile range) when that is wider (``spread_tolerance``): a customer
that pays anywhere from 0 to 30 days late is not slipping at 10 days past its median (seed 004:
pays later than it typically does). A customer whose habit is 60 days is not flagged 30 days
in; it is at day 60 + tolerance. An invoice held by an open dispute (``core/disputed.py``)
waits for the dispute, not for the customer's money: it does not count, as it does not for
``aging`` (the dispute itself is ``disputes``' evidence).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..columnar import group_max
from ..disputed import held_by_dispute
from ..formats import Style
from ..frame import LedgerFrame
from ..habit import habit
from ..settlement import settlement
from .base import Indicator, IndicatorParams, IndicatorResult, RunsByCustomer, fired_result


class Params(IndicatorParams):
    weight: float = Field(default=0.35, ge=0, le=1)
    last_n: int = Field(default=12, ge=1, description="paid invoices the habit is taken from")
    min_history: int = Field(default=3, ge=1, description="paid invoices needed to know a habit")
    tolerance_days: int = Field(default=7, ge=0, description="days beyond the habit before it fires")
    full_after_days: int = Field(default=45, ge=1, description="days beyond habit+tolerance of full strength")
    spread_tolerance: bool = Field(default=True, description="the tolerance is at least the spread of the "
                                                             "customer's own recent days late (interquartile range)")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    h = habit(frame, params.last_n)
    st = settlement(frame)
    held = held_by_dispute(frame)
    open_rows = np.flatnonzero(st.is_open & ~held)
    age = group_max(frame.i_cust[open_rows], (frame.as_of_day - frame.i_issue[open_rows]).astype(np.int64),
                    frame.n_customers, -1)
    spread = np.nan_to_num(h.late_spread, nan=0.0) if params.spread_tolerance else 0.0
    limit = h.days_to_pay + np.maximum(params.tolerance_days, spread)
    known = (h.paid_count >= params.min_history) & ~np.isnan(h.days_to_pay)
    beyond = np.where(known, age - limit, -1.0)
    fired = beyond > 0
    strength = 0.3 + 0.7 * beyond / params.full_after_days

    open_by_issue = RunsByCustomer(frame.i_cust, open_rows, frame.i_issue, frame.n_customers)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = open_by_issue(c)  # oldest first
        shown = mine[frame.as_of_day - frame.i_issue[mine] > limit[c]][:3]  # their columns read at once
        parts = [f"{number} ({s.money(residual)}) issued {s.day(issue)} is {wording.days(frame.as_of_day - issue)} old"
                 for number, residual, issue in zip(frame.i_number[shown].tolist(), st.residual[shown].tolist(),
                                                    frame.i_issue[shown].tolist(), strict=True)]
        return (f"usually pays in {h.days_to_pay[c]:.0f} days (last {int(h.paid_count[c])} paid invoices); "
                + "; ".join(parts))

    return fired_result("habit_slip", fired, strength, explain, measure=np.maximum(beyond, 0))


INDICATOR = Indicator("habit_slip", "pays later than its own habit", ("001", "004"), frozenset(),
                      Params, compute)
