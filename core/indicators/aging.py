"""aging: time past due of the oldest open invoice (seeds 001, 002, 003).

Buckets current, 1-30, 31-60, 61-90, 91+. Fires from ``fire_after_days`` past due; strength
grows linearly to 1 at ``full_at_days`` days past due beyond the customer's typical lateness
(``beyond_habit``): the lateness a customer's habit explains (``usual_lateness``) is weighed
once, by ``habitual_lateness``, and aging weighs what comes on top. A 60-day payer on 30-day terms, 30
days past due, is inside its habit (seed 001); a punctual customer 30 days past due is not. The
measure, the buckets, delinquency and the ladder keep the plain days past due.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..columnar import group_max
from ..disputed import held_by_dispute
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import settlement
from . import habitual_lateness
from .base import Indicator, IndicatorParams, IndicatorResult, RunsByCustomer, fired_result

BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("current", -(10**9), 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91+", 91, 10**9),
)


def bucket_of(days_past_due: float) -> str:
    for name, low, high in BUCKETS:
        if low <= days_past_due <= high:
            return name
    return "current"


class Params(IndicatorParams):
    weight: float = Field(default=0.55, ge=0, le=1)
    fire_after_days: int = Field(default=1, ge=0, description="days past due before it fires")
    full_at_days: int = Field(default=91, ge=1, description="days past due of full strength")
    beyond_habit: bool = Field(default=True, description="strength from the days past due beyond the "
                                                         "customer's typical lateness only")


def oldest_days_past_due(frame: LedgerFrame, among: np.ndarray | None = None) -> np.ndarray:
    """Days past due of each customer's oldest open invoice (<= 0 when nothing is overdue); an
    invoice held by an open dispute does not count (``core/disputed.py``), nor one outside
    ``among`` (a mask over invoices) when given."""
    st = settlement(frame)
    counted = st.is_open & ~held_by_dispute(frame)
    open_rows = np.flatnonzero(counted if among is None else counted & among)
    return group_max(frame.i_cust[open_rows], (frame.as_of_day - frame.i_due[open_rows]).astype(np.int64),
                     frame.n_customers, -(10**9))


def usual_lateness(frame: LedgerFrame) -> np.ndarray:
    """Per customer, the days late its habit explains: the typical lateness ``habitual_lateness``
    measures (its default settings), shrunk towards the company's norm, but never more than the
    customer's own record shows (a punctual customer is not excused the company's lateness)."""
    m = habitual_lateness.measure(frame, habitual_lateness.Params())
    usual: np.ndarray = np.minimum(np.nan_to_num(m.own, nan=0.0), m.typical)
    return usual


def overdue_rows(frame: LedgerFrame, c: int) -> list[int]:
    """Customer ``c``'s open invoices past due that count (not held by a dispute), oldest due first."""
    runs: RunsByCustomer | None = frame.extra.get("overdue_rows")
    if runs is None:  # every customer's at once, when the first is asked (cached on the frame)
        st = settlement(frame)
        rows = np.flatnonzero(st.is_open & ~held_by_dispute(frame) & (frame.i_due < frame.as_of_day))
        runs = frame.extra["overdue_rows"] = RunsByCustomer(frame.i_cust, rows, frame.i_due, frame.n_customers)
    ordered: list[int] = runs(c).tolist()
    return ordered


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    dpd = oldest_days_past_due(frame)
    fired = dpd >= max(params.fire_after_days, 1)
    habit = usual_lateness(frame) if params.beyond_habit else np.zeros(frame.n_customers)
    strength = np.maximum(dpd - habit, 0) / params.full_at_days
    st = settlement(frame)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        rows = overdue_rows(frame, c)
        shown = rows[:3]  # their columns read at once, as Python values
        parts = [f"{number} ({s.money(residual)} open) due {s.day(due)}, {wording.days(frame.as_of_day - due)} past due"
                 for number, residual, due in zip(frame.i_number[shown].tolist(), st.residual[shown].tolist(),
                                                  frame.i_due[shown].tolist(), strict=True)]
        more = f" and {len(rows) - 3} more overdue" if len(rows) > 3 else ""
        usual = (f" (on average it pays {wording.days(f'{habit[c]:.0f}')} late: only the days beyond that count here)"
                 if habit[c] >= 1 else "")
        return "; ".join(parts) + more + usual

    return fired_result("aging", fired, strength, explain, measure=np.maximum(dpd, 0))


INDICATOR = Indicator("aging", "time past due", ("001", "002", "003"), frozenset(), Params, compute)
