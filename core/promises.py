"""Payment plans and promises to pay: building a schedule, tracking it against payments.

``build_schedule`` splits an open balance into instalments whose cents add up exactly.
``track_promises`` and ``track_instalments`` say, as of the frame's day, which promises were
kept, are pending or broken and which instalments are paid, due or missed. Payments count
towards a promise from the day it was made, and towards a plan from the day it was agreed, in
due-date order (the first instalment is paid first). Only posted payments count (a payment
returned or voided by the frame's day does not). Amounts are compared in the company's
currency; a promise amount is taken as given.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

import numpy as np

from .columnar import NEVER
from .frame import PAYMENT_STATES, LedgerFrame
from .model import Instalment, PaymentPlan, PaymentState
from .settlement import TOLERANCE

Frequency = Literal["weekly", "biweekly", "monthly"]
PROMISE_STATES: tuple[str, ...] = ("none", "pending", "kept", "broken", "made_good")
INSTALMENT_STATES: tuple[str, ...] = ("paid", "due", "missed", "cancelled")
_CENT = Decimal("0.01")
DEFAULT_GRACE_DAYS = 2  # the broken_promise indicator's default; ``grace_days(policy)`` reads the policy
DEFAULT_LOOKBACK_DAYS = 180
_POSTED = PAYMENT_STATES.index(PaymentState.POSTED)


def _add_months(first: dt.date, months: int) -> dt.date:
    """``first`` moved by whole months, the day clamped to the month's end (31 Jan -> 28 Feb)."""
    year, month = divmod(first.month - 1 + months, 12)
    year, month = first.year + year, month + 1
    return dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def schedule_dates(first: dt.date, count: int, frequency: Frequency) -> tuple[dt.date, ...]:
    if frequency == "monthly":
        return tuple(_add_months(first, k) for k in range(count))
    step = {"weekly": 7, "biweekly": 14}[frequency]
    return tuple(first + dt.timedelta(days=step * k) for k in range(count))


def split_amount(amount: Decimal, count: int) -> tuple[Decimal, ...]:
    """``count`` amounts in cents, equal but for the last, which takes the remainder."""
    if count < 1:
        raise ValueError(f"count: at least one instalment, got {count}")
    total = Decimal(amount).quantize(_CENT)
    if total != Decimal(amount) or total <= 0:
        raise ValueError(f"amount: a positive amount in whole cents, got {amount}")
    part = (total / count).quantize(_CENT, rounding=ROUND_DOWN)
    if part <= 0:
        raise ValueError(f"amount: {total} cannot be split into {count} instalments of at least 0.01")
    return (part,) * (count - 1) + (total - part * (count - 1),)


def build_schedule(plan_id: str, customer_id: str, amount: Decimal, count: int, first: dt.date,
                   frequency: Frequency = "monthly", agreed_on: dt.date | None = None) -> PaymentPlan:
    """A payment plan for ``amount`` in ``count`` instalments from ``first``."""
    if frequency not in ("weekly", "biweekly", "monthly"):
        raise ValueError(f"frequency: weekly, biweekly or monthly, got {frequency!r}")
    amounts = split_amount(amount, count)
    dates = schedule_dates(first, count, frequency)
    return PaymentPlan(id=plan_id, customer_id=customer_id, agreed_on=agreed_on or first,
                       instalments=tuple(Instalment(due_date=d, amount=a)
                                         for d, a in zip(dates, amounts, strict=False)))


def _reached_day(frame: LedgerFrame, cust: np.ndarray, start: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Per row: the first day on which the customer's posted payments from ``start`` on add up
    to ``need``; NEVER if they have not by the frame's day."""
    out = np.full(len(cust), NEVER, dtype=np.int64)
    if not len(cust) or not len(frame.p_id):
        return out
    amounts = np.where(frame.p_state == _POSTED, frame.p_amount, 0.0)
    sums = np.r_[0.0, np.cumsum(amounts)]  # sums[k]: payments of the rows before k
    key = frame.p_cust.astype(np.int64) * 2**32 + frame.p_day.astype(np.int64)
    first = np.searchsorted(key, cust.astype(np.int64) * 2**32 + start.astype(np.int64), side="left")
    block_end = np.searchsorted(frame.p_cust, cust, side="right")
    k = np.searchsorted(sums, sums[first] + need, side="left")
    found = (k >= 1) & (k <= block_end) & (k > first)
    out[found] = frame.p_day[k[found] - 1]
    return out


@dataclass(frozen=True)
class PromiseTracking:
    """Aligned with the frame's contact attempts (``t_*``).

    Attributes:
      status: index into PROMISE_STATES ("none" where the attempt holds no promise).
      deadline: promise day + grace (NEVER where none).
      kept_day: the day the promised amount was reached (NEVER if not yet).
    """

    status: np.ndarray
    deadline: np.ndarray
    kept_day: np.ndarray

    def named(self, row: int) -> str:
        return PROMISE_STATES[int(self.status[row])]


def track_promises(frame: LedgerFrame, grace_days: int = DEFAULT_GRACE_DAYS,
                   tolerance: float = TOLERANCE) -> PromiseTracking:
    """Kept, pending, broken or made good (paid after it was broken), as of the frame's day.

    Kept means the customer's payments from the day of the promise reached the promised amount
    (less ``tolerance``; more than ``tolerance`` when no amount was promised) by the promise
    date + grace.
    """
    is_promise = frame.t_promise_day != NEVER
    need = np.where(np.isnan(frame.t_promise_amount), tolerance + 1e-9, frame.t_promise_amount - tolerance)
    kept_day = _reached_day(frame, frame.t_cust, frame.t_day, np.maximum(need, 1e-9))
    deadline = np.where(is_promise, frame.t_promise_day.astype(np.int64) + grace_days, NEVER)
    t = frame.as_of_day
    status = np.select(
        [~is_promise, kept_day <= deadline, deadline >= t, kept_day <= t],
        [PROMISE_STATES.index(s) for s in ("none", "kept", "pending", "made_good")],
        default=PROMISE_STATES.index("broken"),
    ).astype(np.int8)
    return PromiseTracking(status, deadline, np.where(is_promise, kept_day, NEVER))


@dataclass(frozen=True)
class InstalmentTracking:
    """Aligned with the frame's instalments (``n_*``).

    Attributes:
      status: index into INSTALMENT_STATES; ``missed`` = not paid by due + grace.
      paid_day: the day the instalment was covered (NEVER if not yet).
      late: paid, but after due + grace (it was missed, then made good).
      plan_on_track: per row, its plan is active and has no missed instalment.
      plan_complete: per row, every instalment of its plan is paid.
    """

    status: np.ndarray
    paid_day: np.ndarray
    late: np.ndarray
    plan_on_track: np.ndarray
    plan_complete: np.ndarray


def _cumsum_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` restarting at each change of the (contiguous) ``groups``."""
    total = np.cumsum(values)
    if not len(values):
        return total
    starts = np.r_[0, np.flatnonzero(groups[1:] != groups[:-1]) + 1]
    offset = np.repeat(total[starts] - values[starts], np.diff(np.r_[starts, len(values)]))
    within: np.ndarray = total - offset
    return within


def track_instalments(frame: LedgerFrame, grace_days: int = DEFAULT_GRACE_DAYS,
                      tolerance: float = TOLERANCE) -> InstalmentTracking:
    """Each instalment paid, due or missed as of the frame's day (cancelled plans: cancelled)."""
    t = frame.as_of_day
    due_so_far = _cumsum_within(frame.n_plan, frame.n_amount)
    paid_day = _reached_day(frame, frame.n_cust, frame.n_agreed, np.maximum(due_so_far - tolerance, tolerance))
    deadline = frame.n_due.astype(np.int64) + grace_days
    cancelled = frame.n_cancelled <= t
    status = np.select(
        [cancelled, paid_day <= t, deadline < t],
        [INSTALMENT_STATES.index(s) for s in ("cancelled", "paid", "missed")],
        default=INSTALMENT_STATES.index("due"),
    ).astype(np.int8)
    n_plans = int(frame.n_plan.max()) + 1 if len(frame.n_plan) else 0
    missed = np.bincount(frame.n_plan, weights=status == INSTALMENT_STATES.index("missed"), minlength=n_plans)
    unpaid = np.bincount(frame.n_plan, weights=status != INSTALMENT_STATES.index("paid"), minlength=n_plans)
    return InstalmentTracking(
        status=status, paid_day=paid_day, late=(paid_day > deadline) & (paid_day != NEVER),
        plan_on_track=~cancelled & (missed[frame.n_plan] == 0),
        plan_complete=unpaid[frame.n_plan] == 0,
    )


def broken_by_customer(frame: LedgerFrame, grace_days: int = DEFAULT_GRACE_DAYS,
                       lookback_days: int = DEFAULT_LOOKBACK_DAYS, tolerance: float = TOLERANCE) -> np.ndarray:
    """Per customer: what the broken_promise indicator must agree with.

    A promise for a day in the last ``lookback_days`` that was not kept by its date + grace
    (even if paid since: a broken promise stays part of the customer's record for scoring), or
    an instalment of an active plan still unpaid after its due date + grace (catching up
    clears it). The planner's follow-up tasks, unlike scoring, close once the money arrived.
    """
    n = frame.n_customers
    promises = track_promises(frame, grace_days, tolerance)
    instalments = track_instalments(frame, grace_days, tolerance)
    recent = frame.t_promise_day.astype(np.int64) > frame.as_of_day - lookback_days
    broken = np.isin(promises.status, [PROMISE_STATES.index("broken"), PROMISE_STATES.index("made_good")]) & recent
    missed = instalments.status == INSTALMENT_STATES.index("missed")
    return (np.bincount(frame.t_cust, weights=broken, minlength=n) > 0) | (
        np.bincount(frame.n_cust, weights=missed, minlength=n) > 0)


def grace_days(policy: object) -> int:
    """The grace of the broken_promise indicator's parameters in ``policy`` (the default without)."""
    try:
        return int(policy.params("broken_promise").grace_days)  # type: ignore[attr-defined]
    except (AttributeError, KeyError):
        return DEFAULT_GRACE_DAYS
