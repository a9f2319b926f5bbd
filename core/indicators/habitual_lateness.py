"""habitual_lateness: the customer habitually pays later than its terms (seed 001: chronic late payers).

The typical lateness is the mean of the days late (settled day - due day; early counts as 0,
capped at ``cap_days``) of the customer's last ``last_n`` settled invoices, weighted by recency
(an invoice's weight halves every ``half_life`` invoices back), then shrunk towards the
company's norm, the mean lateness of every customer's invoices settled in the ``norm_months``
whole months before the current one, as if ``prior_invoices`` more invoices had been paid at
that norm: a customer with one late invoice is not taken for a habitual late payer, one with
twelve is judged on its own. The norm moves once a month, not with each payment: one
customer paying today does not rewrite every other customer's flag. It is the whole company's
even for a frame of a few customers (``company_record``): a customer's flag does not depend on
which customers it is scored with.

A habit has two sides, how late and how often. The share of those invoices paid late at all is
weighted and shrunk the same way (towards the company's share of invoices paid late): a customer
paying every invoice four days late is a habitual late payer though its typical lateness is
within the grace days, and for "will it pay this one late" it is a surer bet than one paying a
tenth of its invoices forty days late. The indicator fires when both the customer's own
weighted lateness and the shrunk one exceed ``grace_days``, or both its own and the shrunk share
paid late reach ``habit_share`` (more often than not: the norm alone never fires it). Its
strength adds the two sides as the scorecard adds its signs (noisy-or): from how late, typical /
(typical + ``half_strength_days``), half strength at 30 days late, growing ever slower after
that; from how often, ``share_strength`` x the shrunk share, half strength for a customer late
on every invoice, as for one a month late. How often ranks (who will pay this invoice late);
only how late counts towards the level (``IndicatorResult.alarm``): paying every invoice a few
days late is a habit to know, not an alarm.
``habit_slip`` stays the change on top of the habit (an open invoice older than the customer's
own usual days-to-pay); the ``chronic_late`` segment reads this measure.

``typical_lateness`` and ``company_norm`` take many (customer, day) queries at once: the scorer
asks them once per customer at T, the backtest's learned model at each invoice's date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from .. import wording
from ..company_record import company_record
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import settlement
from .base import Indicator, IndicatorParams, IndicatorResult, RowsByCustomer, fired_result
from .slowing_trend import last_settled

_EPOCH = 719163  # day number (date.toordinal) of 1970-01-01, numpy's datetime64 epoch


class Params(IndicatorParams):
    weight: float = Field(default=0.7, ge=0, le=1, description="ranks customers fully; counts towards the "
                                                                 "level at most with [scoring] level_weights")
    last_n: int = Field(default=12, ge=1, description="settled invoices the habit is taken from")
    half_life: float = Field(default=6, gt=0, description="invoices back at which an invoice weighs half")
    prior_invoices: float = Field(default=3, ge=0, description="pseudo-invoices at the company's norm "
                                                                "(shrinkage for customers with few invoices)")
    norm_months: int = Field(default=12, ge=1, description="the norm: invoices of all customers settled in "
                                                             "these whole months before the current one (all "
                                                             "settled before it when none)")
    cap_days: float = Field(default=120, gt=0, description="days late counted at most per invoice")
    grace_days: float = Field(default=5, ge=0, description="typical lateness that is no habit yet")
    habit_share: float = Field(default=0.5, gt=0, le=1, description="...unless at least this share of its "
                                                                    "invoices is paid late (recent ones weigh "
                                                                    "more): late more often than not is a habit")
    half_strength_days: float = Field(default=30, gt=0, description="typical lateness of half strength")
    share_strength: float = Field(default=0.5, ge=0, le=1, description="strength from how often alone, for a "
                                                                        "customer late on every invoice (as "
                                                                        "half_strength_days is for how late)")


@dataclass(frozen=True)
class Lateness:
    """Per query: ``typical`` (shrunk, recency-weighted days late), ``own`` (recency-weighted, NaN
    without a settled invoice), ``count`` (settled invoices it rests on, at most ``last_n``) and
    ``norm`` (the company's mean lateness); ``share``, ``own_share`` and ``share_norm`` the same
    for how often: the share of those invoices paid late at all (zeros when not asked)."""

    typical: np.ndarray
    own: np.ndarray
    count: np.ndarray
    norm: np.ndarray
    share: np.ndarray | None = None
    own_share: np.ndarray | None = None
    share_norm: np.ndarray | None = None


def _weighted(values: np.ndarray, first: np.ndarray, end: np.ndarray, params: Params,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(recency-weighted sum, sum of weights, count) of ``values[first:end]``'s last ``last_n``."""
    num = np.zeros(len(first))
    den = np.zeros(len(first))
    count = np.zeros(len(first))
    for k in range(params.last_n):  # a fixed number of gathers, not a loop over customers
        at = end - 1 - k
        ok = at >= first
        w = 0.5 ** (k / params.half_life)
        num += np.where(ok, w * values[np.maximum(at, 0)], 0.0) if len(values) else 0.0
        den += np.where(ok, w, 0.0)
        count += ok
    return num, den, count


def _shrunk(own: np.ndarray, count: np.ndarray, norm: np.ndarray, params: Params) -> np.ndarray:
    mixed = (count * np.nan_to_num(own) + params.prior_invoices * norm) / np.maximum(count + params.prior_invoices,
                                                                                      1e-12)
    return np.where(count + params.prior_invoices > 0, mixed, 0.0)


def typical_lateness(late: np.ndarray, first: np.ndarray, end: np.ndarray, norm: np.ndarray,
                     params: Params, share_norm: np.ndarray | None = None) -> Lateness:
    """Per query, from ``late[first:end]`` (one customer's settled invoices' lateness, oldest
    first, already capped): the recency-weighted mean of the last ``last_n``, shrunk to ``norm``;
    with ``share_norm`` (the company's share of invoices paid late) also the recency-weighted
    share of them paid late, shrunk to it."""
    num, den, count = _weighted(late, first, end, params)
    own = np.where(den > 0, num / np.maximum(den, 1e-12), np.nan)
    if share_norm is None:
        return Lateness(_shrunk(own, count, norm, params), own, count, norm)
    late_num = _weighted((late > 0).astype(np.float64), first, end, params)[0]
    own_share = np.where(den > 0, late_num / np.maximum(den, 1e-12), np.nan)
    return Lateness(_shrunk(own, count, norm, params), own, count, norm,
                    _shrunk(own_share, count, share_norm, params), own_share, share_norm)


def month_start(day: np.ndarray, back: int = 0) -> np.ndarray:
    """Day numbers of the first day of each day's month, ``back`` months earlier."""
    months = (np.asarray(day, dtype=np.int64) - _EPOCH).astype("datetime64[D]").astype("datetime64[M]") - back
    return months.astype("datetime64[D]").astype(np.int64) + _EPOCH


def company_norm(settled_day: np.ndarray, late: np.ndarray, q_day: np.ndarray, params: Params) -> np.ndarray:
    """Per query day, the mean capped lateness of the invoices settled in the ``norm_months`` whole
    months before its month (of all settled before its month when none; 0 when none at all).
    ``settled_day`` must be sorted."""
    cum = np.r_[0.0, np.cumsum(late)]
    end = np.searchsorted(settled_day, month_start(q_day), side="left")
    start = np.searchsorted(settled_day, month_start(q_day, params.norm_months), side="left")
    recent = end - start
    return np.where(recent > 0, (cum[end] - cum[start]) / np.maximum(recent, 1),
                    np.where(end > 0, cum[end] / np.maximum(end, 1), 0.0))


def capped(days_late: np.ndarray, params: Params) -> np.ndarray:
    clipped: np.ndarray = np.clip(days_late, 0, params.cap_days)
    return clipped


def measure(frame: LedgerFrame, params: Params) -> Lateness:
    """Each customer's lateness at the frame's day (cached per parameters)."""
    key = f"habitual_lateness:{params.model_dump_json()}"
    if key in frame.extra:
        cached: Lateness = frame.extra[key]
        return cached
    st = settlement(frame)
    rows, _ = last_settled(frame, params.last_n)  # (customer, settled day) order, last_n each
    late = capped(st.days_late[rows], params)
    bounds = np.searchsorted(frame.i_cust[rows], np.arange(frame.n_customers + 1))
    company = company_record(frame)  # the whole company's, also for a frame of a batch of customers
    settled_days = company.settled_day
    all_late = capped(company.settled_late, params)
    today = np.array([frame.as_of_day], dtype=np.int64)
    norm = company_norm(settled_days, all_late, today, params)
    share_norm = company_norm(settled_days, (all_late > 0).astype(np.float64), today, params)
    result = typical_lateness(late, bounds[:-1], bounds[1:], np.full(frame.n_customers, norm[0]), params,
                              np.full(frame.n_customers, share_norm[0]))
    frame.extra[key] = result
    return result


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    m = measure(frame, params)
    by_days = (np.nan_to_num(m.own) > params.grace_days) & (m.typical > params.grace_days)
    none = np.zeros(frame.n_customers)
    share = np.nan_to_num(m.share) if m.share is not None else none
    own_share = np.nan_to_num(m.own_share) if m.own_share is not None else none
    by_share = (own_share >= params.habit_share) & (share >= params.habit_share)
    fired = (m.count > 0) & (by_days | by_share)
    how_late = m.typical / (m.typical + params.half_strength_days)
    strength = 1 - (1 - how_late) * (1 - params.share_strength * share)
    st = settlement(frame)
    rows, _ = last_settled(frame, params.last_n)
    of_customer = RowsByCustomer(frame.i_cust[rows])

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = rows[of_customer(c)]
        days: list[float] = st.days_late[mine].tolist()  # a few invoices: Python's own arithmetic is quicker
        n = len(days)
        ordered = sorted(days)
        lo, hi = int(ordered[0]), int(ordered[-1])
        spread = _spread_words(lo, hi)
        last = "its last invoice" if n == 1 else f"its last {n} invoices"
        often = "" if n == 1 else f", {sum(d > 0 for d in days)} of them late"
        return (f"paid {last} {spread}, median {_median_words(_median(ordered))}{often} (last paid "
                f"{s.day(st.settled_day[mine[-1]])}); "
                f"on average {wording.days(f'{m.typical[c]:.0f}')} late (an invoice paid early counts as on time, "
                f"recent invoices weigh more; the company's norm of {wording.days(f'{m.norm[c]:.0f}')} counts as "
                f"{params.prior_invoices:g} more "
                f"invoices)")

    return fired_result("habitual_lateness", fired, strength, explain, measure=m.typical, alarm=how_late)


def _spread_words(lo: int, hi: int) -> str:
    """The range of days late as it reads: "1 day late", "7-35 days late", "from 1 day early to 33
    days late", "3 days early" (never "1 days", nor "-3 days late")."""
    if lo == hi:
        return f"{wording.days(hi)} late" if hi >= 0 else f"{wording.days(-hi)} early"
    if lo >= 0:
        return f"{lo}-{hi} days late"
    return f"from {wording.days(-lo)} early to {wording.days(hi)} late" if hi >= 0 else f"{-hi}-{-lo} days early"


def _median_words(days_late: float) -> str:
    """The median of days late as the range before it reads: "27" (days late), "0", or "8 days
    early" (never "-8", nor "-0" for a median of half a day early)."""
    early = f"{-days_late:.0f}"
    return f"{wording.days(early)} early" if days_late < 0 and early != "0" else f"{max(days_late, 0.0):.0f}"


def _median(ordered: list[float]) -> float:
    """``np.median`` of a sorted, non-empty list of finite numbers: the middle one, or the mean
    of the two middle ones (``(a + b) / 2``, as numpy's mean of two float64 values)."""
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


INDICATOR = Indicator("habitual_lateness", "habitually pays later than its terms", ("001",), frozenset(),
                      Params, compute)
