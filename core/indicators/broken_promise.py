"""broken_promise: promises to pay or payment-plan instalments missed (seeds 001, 004).

A promise (a contact attempt with ``promise_date``) made for a day in the last
``lookback_days`` is broken when ``grace_days`` after its date have passed and the customer's
payments from the attempt's day to the promise date + grace total less than the promised
amount (any payment at all when no amount was promised). It is judged only once the grace
is over, so a promise still inside its grace never fires.

A payment-plan instalment is missed when its due date + grace has passed and the customer's
payments since the plan was agreed (up to T) are below the plan's instalments due so far;
catching up clears it. Cancelled plans do not count. Payments returned or voided by T do not
count. Strength: ``base_strength`` for one break, ``extra_strength`` more per further one.

``needs`` is empty: promises come from ``contact_attempts`` and instalments from
``payment_plans``, and either half runs without the other. When the source lacks one, the
result stays available, names the missing kind in ``unavailable_reason`` and the evidence says
so; only when both are missing is the result "not available".
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .. import wording
from ..columnar import NEVER, group_count
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import TOLERANCE
from .base import (
    SOURCE_NAMES,
    Indicator,
    IndicatorParams,
    IndicatorResult,
    fired_result,
    quiet,
    rows_of,
)

PARTS: tuple[str, ...] = ("contact_attempts", "payment_plans")


class Params(IndicatorParams):
    weight: float = Field(default=0.5, ge=0, le=1)
    grace_days: int = Field(default=2, ge=0, description="days after a promise or instalment before it is missed")
    lookback_days: int = Field(default=180, ge=1, description="only promises for days in the last N days count")
    base_strength: float = Field(default=0.6, ge=0, le=1, description="strength for one break")
    extra_strength: float = Field(default=0.2, ge=0, le=1, description="added per further break")


class PaidBetween:
    """Sum of a customer's good payments (posted, not returned by T) between two days, vectorised."""

    def __init__(self, frame: LedgerFrame):
        keys = (frame.p_cust.astype(np.int64) << 32) | frame.p_day.astype(np.int64)
        amounts = np.where(frame.p_state == 0, frame.p_amount, 0.0)
        if len(keys) and np.any(keys[1:] < keys[:-1]):
            order = np.argsort(keys, kind="stable")
            keys, amounts = keys[order], amounts[order]
        self.keys, self.cum, self.last_day = keys, np.r_[0.0, np.cumsum(amounts)], frame.as_of_day

    def __call__(self, cust: np.ndarray, first_day: np.ndarray, last_day: np.ndarray) -> np.ndarray:
        base = cust.astype(np.int64) << 32
        lo = np.searchsorted(self.keys, base | first_day.astype(np.int64), side="left")
        hi = np.searchsorted(self.keys, base | np.minimum(last_day, self.last_day).astype(np.int64), side="right")
        paid: np.ndarray = self.cum[hi] - self.cum[lo]
        return paid


def broken_promises(frame: LedgerFrame, params: Params,
                    paid_between: PaidBetween) -> tuple[np.ndarray, np.ndarray]:
    """(mask over contact attempts: a broken promise, amount paid by each attempt's deadline)."""
    t = frame.as_of_day
    promised = ((frame.t_promise_day != NEVER) & (frame.t_promise_day.astype(np.int64) + params.grace_days < t)
                & (frame.t_promise_day > t - params.lookback_days))
    paid = np.zeros(len(frame.t_day))
    rows = np.flatnonzero(promised)
    paid[rows] = paid_between(frame.t_cust[rows], frame.t_day[rows], frame.t_promise_day[rows] + params.grace_days)
    amount = frame.t_promise_amount
    short = np.where(np.isnan(amount), paid <= TOLERANCE, paid < np.nan_to_num(amount) - TOLERANCE)
    return promised & short, paid


def missed_instalments(frame: LedgerFrame, params: Params, paid_between: PaidBetween
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mask over instalments: missed, cumulative due through each within its plan, paid since agreed).

    Relies on the frame keeping each plan's instalments contiguous and in due-date order.
    """
    m = len(frame.n_plan)
    if not m:
        return np.zeros(0, dtype=bool), np.zeros(0), np.zeros(0)
    passed = (frame.n_cancelled == NEVER) & (frame.n_due.astype(np.int64) + params.grace_days < frame.as_of_day)
    cum = np.cumsum(np.where(passed, frame.n_amount, 0.0))
    starts = np.r_[0, np.flatnonzero(frame.n_plan[1:] != frame.n_plan[:-1]) + 1]
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, m]))
    cum_due = cum - np.r_[0.0, cum][starts][group]
    paid = paid_between(frame.n_cust, frame.n_agreed, np.full(m, frame.as_of_day))
    return passed & (cum_due > paid + TOLERANCE), cum_due, paid


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    missing = [kind for kind in PARTS if kind in frame.unavailable]
    where = f"not available from {SOURCE_NAMES.get(frame.source, frame.source)}"
    reason = f"{where}: " + ", ".join(kind.replace("_", " ") for kind in missing) if missing else ""
    if len(missing) == len(PARTS):
        nothing = quiet("broken_promise", frame)
        return IndicatorResult("broken_promise", nothing.fired, nothing.strength, nothing.explain,
                               available=False, unavailable_reason=reason)
    paid_between = PaidBetween(frame)
    promise, promise_paid = broken_promises(frame, params, paid_between)
    instalment, cum_due, plan_paid = missed_instalments(frame, params, paid_between)
    promise &= "contact_attempts" not in missing
    instalment &= "payment_plans" not in missing
    breaks = group_count(frame.t_cust[promise], n) + group_count(frame.n_cust[instalment], n)
    fired = breaks > 0
    strength = params.base_strength + params.extra_strength * (breaks - 1)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        broken = [r for r in rows_of(frame.t_cust, c) if promise[r]]
        parts = [_promise_text(frame, r, promise_paid[r], params.grace_days, s) for r in broken[-SHOWN:]]
        if len(broken) > SHOWN:  # the latest ones say enough; the count says how often
            parts[0] = f"{len(broken)} promises broken, the latest: {parts[0]}"
        missed: dict[int, list[int]] = {}  # plan -> its missed instalment rows, in due order
        for r in rows_of(frame.n_cust, c):
            if instalment[r]:
                missed.setdefault(int(frame.n_plan[r]), []).append(int(r))
        for rows in missed.values():
            first, last = rows[0], rows[-1]
            each = [f"{s.money(frame.n_amount[r])} due {s.day(frame.n_due[r])}" for r in rows]
            what = (f"instalment of {each[0]} missed" if len(rows) == 1  # every one missed, as the call says
                    else f"{len(rows)} instalments missed, {wording.and_list(each)}")
            parts.append(f"plan agreed {s.day(frame.n_agreed[first])}: {what}; "
                         f"{s.money(plan_paid[first])} paid of {s.money(cum_due[last])} due by "
                         f"{s.day(frame.n_due[last])}")
        return "; ".join(parts + ([reason] if reason else []))

    result = fired_result("broken_promise", fired, strength, explain, measure=breaks)
    return IndicatorResult("broken_promise", result.fired, result.strength, explain, unavailable_reason=reason,
                           measure=result.measure)


SHOWN = 3  # broken promises quoted in the evidence


def _promise_text(frame: LedgerFrame, r: int, paid: float, grace: int, s: Style) -> str:
    amount = frame.t_promise_amount[r]
    what = "to pay" if np.isnan(amount) else f"to pay {s.money(amount)}"
    got = "nothing" if paid <= TOLERANCE else s.money(paid)
    return (f"promise of {s.day(frame.t_day[r])} {what} by {s.day(frame.t_promise_day[r])} broken: "
            f"{got} paid by {s.day(frame.t_promise_day[r] + grace)}")


INDICATOR = Indicator("broken_promise", "promises to pay or plan instalments missed", ("001", "004"),
                      frozenset(), Params, compute)
