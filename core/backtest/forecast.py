"""Expected payment dates, the weekly cash-in forecast, and how both did in the past.

On a day t (its end), for each invoice open then (not paid in full), two methods say when it
will be paid, never before t + 1:

* ``naive``: its due date plus the customer's mean delay (settled day - due day, early
  payments counting negative) over its invoices settled by t; the due date without any;
* ``overdue``: the naive day while it is still ahead; for an invoice already past it (and past
  due), the company's own record of invoices as far past due (``overdue_curve.UnpaidCurve``): the
  chance of being paid in each week ahead, and as its day the first by which it is paid with a
  chance of a half (none when the record never shows that: it is not expected within the
  forecast's weeks). The naive method expects every such invoice tomorrow, whatever its age;
* ``learned``: a median regressor of days to pay (from the invoice date), fitted on the
  invoices settled by t with what was known at their invoice date (``learned.fit_days_to_pay``).

Backtest: at the end of the day before each quarter cut-off, for the invoices open then,
both forecasts are compared with what happened: the mean absolute error in days against the
day each was paid in full (invoices paid by the end of the ledger), and the cash-in of the
next ``weeks`` weeks (the open amount expected in each week against the payments actually
received on those invoices that week, bounced ones left out) as a weighted absolute error:
sum |expected - received| / sum received (an invoice the ``overdue`` method gives no day counts
in days as if expected the day after the forecast's weeks). The forecast of the last day uses
the learned model only when it did better than the naive one on both, else the overdue curve
when its weekly cash-in was nearer, and says so (``_choose``).

The chance of being paid more than 30, 60 or 90 days late comes from the predictor in use for
that question: the learned model when it is in use, else the customer's share of invoices
paid that late (shrunk towards everyone's, as the past-late-rate baseline is); for the invoices
whose day the overdue curve forecasts, that curve's (``overdue_late_chances``), so that the day
and the chances of one invoice never come from two models that disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..columnar import NEVER
from ..company_record import paid_in_full_day
from ..frame import LedgerFrame, date_of
from . import learned as ml
from .features import paid_share
from .history import PRIOR_WEIGHT, history
from .overdue_curve import UnpaidCurve

LATE_BANDS: tuple[int, ...] = (30, 60, 90)
METHODS: tuple[str, ...] = ("naive", "overdue", "learned")
_REASONS = {"naive": "due date plus the customer's mean delay",
            "overdue": ("due date plus the customer's mean delay; once past that, the company's record of invoices "
                        "as far past due"),
            "learned": "the learned model"}
_NAMES = {"overdue": "the company's record of overdue invoices", "learned": "the learned model"}


@dataclass(frozen=True)
class ForecastRow:
    """An invoice open at the end: what is left to pay, when it is expected, and the chance of
    being paid more than 30/60/90 days late (``late_chance``: band -> probability)."""

    invoice: str
    customer_id: str
    open_amount: float
    expected_on: dt.date | None  # None: not expected within the forecast's weeks (the overdue method)
    late_chance: tuple[tuple[int, float], ...]

    @property
    def probability(self) -> float | None:
        """Chance of more than 30 days late (kept for the report's table)."""
        return dict(self.late_chance).get(30)


@dataclass(frozen=True)
class ForecastQuality:
    """One method's past forecasts: ``invoices`` judged (open at a cut-off, paid by the end),
    ``mae_days``, and ``cash_error`` (weighted absolute error of weekly cash-in)."""

    method: str
    cutoffs: int
    invoices: int
    mae_days: float
    cash_error: float


@dataclass(frozen=True)
class Forecast:
    rows: tuple[ForecastRow, ...]
    weeks: tuple[tuple[dt.date, float], ...]
    quality: tuple[ForecastQuality, ...]
    method: str
    reason: str


def naive_day(full: LedgerFrame, paid_day: np.ndarray, rows: np.ndarray, t: int) -> np.ndarray:
    """Due date + the customer's mean delay over its invoices paid by t (see the module docstring)."""
    inv = np.flatnonzero(~full.i_credit & (paid_day <= t))
    delay = (paid_day[inv] - full.i_due[inv]).astype(np.float64)
    n = full.n_customers
    count = np.bincount(full.i_cust[inv], minlength=n)
    mean = np.bincount(full.i_cust[inv], weights=delay, minlength=n) / np.maximum(count, 1)
    expected: np.ndarray = full.i_due[rows] + np.round(mean[full.i_cust[rows]]).astype(np.int64)
    return expected


def open_at(full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, t: int) -> np.ndarray:
    rows: np.ndarray = invoices[(full.i_issue[invoices] <= t) & (paid_day[invoices] > t)]
    return rows


class _Learned:
    """The days-to-pay regressor at day t (None when too few invoices were paid by then)."""

    def __init__(self, full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, x: np.ndarray, t: int):
        paid = paid_day[invoices] <= t
        self.model = None
        if paid.sum() >= 2 * ml.MIN_POSITIVES:
            days_to_pay = (paid_day[invoices] - full.i_issue[invoices]).astype(np.float64)
            self.model = ml.fit_days_to_pay(*ml.fit_rows(x, days_to_pay, rows=paid))  # only the rows kept copied
        self.full, self.x, self.invoices = full, x, invoices
        self.sorter = np.argsort(invoices, kind="stable")

    def day(self, rows: np.ndarray) -> np.ndarray | None:
        if self.model is None:
            return None
        at = self.sorter[np.searchsorted(self.invoices, rows, sorter=self.sorter)]  # rows' places in ``invoices``
        days: np.ndarray = self.full.i_issue[rows] + np.round(ml.predict_days(self.model, self.x[at])).astype(np.int64)
        return days


def _received(full: LedgerFrame, rows: np.ndarray, t: int, weeks: int) -> np.ndarray:
    """Payments (not bounced) received on invoices ``rows`` in each of the ``weeks`` weeks after t."""
    on = np.isin(full.a_inv, rows) & (full.a_payment >= 0)
    returned = full.p_returned[np.maximum(full.a_payment, 0)] < NEVER if len(full.a_inv) else on
    week = (full.a_day.astype(np.int64) - (t + 1)) // 7
    keep = on & ~returned & (week >= 0) & (week < weeks)
    return np.bincount(week[keep], weights=full.a_amount[keep], minlength=weeks)[:weeks]


def _expected_weeks(expected: np.ndarray, amount: np.ndarray, t: int, weeks: int) -> np.ndarray:
    week = (expected - (t + 1)) // 7
    keep = (week >= 0) & (week < weeks)
    return np.bincount(week[keep], weights=amount[keep], minlength=weeks)[:weeks]


def overdue_expected(full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, rows: np.ndarray,
                     naive: np.ndarray, amount: np.ndarray, t: int, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``overdue`` method at day t: (day per invoice, -1 where none; cash expected per week)."""
    due = full.i_due[rows].astype(np.int64)
    past = (naive <= t) & (due <= t)
    day = np.maximum(naive, t + 1).astype(np.int64)
    ahead = ~past
    cash = _expected_weeks(day[ahead], amount[ahead], t, weeks)
    if past.any():
        curve = UnpaidCurve.at(full.i_due[invoices].astype(np.int64), paid_day[invoices], t)
        k0 = t - due[past]
        edges = k0[:, None] + 7 * np.arange(weeks + 1)[None, :]
        by_end = curve.paid_between(np.repeat(k0[:, None], weeks + 1, axis=1), edges)
        cash = cash + (np.diff(by_end, axis=1) * amount[past][:, None]).sum(axis=0)
        median = curve.median_after(k0)
        day[past] = np.where(median >= 0, due[past] + median, -1)
    return day, cash


def overdue_late_chances(full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, rows: np.ndarray,
                         naive: np.ndarray, t: int, chances: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """``chances`` (band -> chance of each of ``rows`` being paid more than that many days late),
    with those of the invoices whose day the ``overdue`` method forecasts (past their naive day
    and their due date: unpaid k0 days past due) taken from the same curve that gives their day:
    still unpaid X days past due given unpaid now, S(X) / S(k0). Otherwise the report showed an
    invoice "not expected" (nothing that far past due was ever seen paid) beside a 0% chance of
    its being paid more than 90 days late, the day and the chance from two models."""
    due = full.i_due[rows].astype(np.int64)
    past = (naive <= t) & (due <= t)
    if not past.any():
        return chances
    curve = UnpaidCurve.at(full.i_due[invoices].astype(np.int64), paid_day[invoices], t)
    k0 = t - due[past]
    out = {}
    for band, chance in chances.items():
        mixed = np.array(chance, dtype=np.float64, copy=True)
        mixed[past] = np.where(k0 >= band, 1.0, 1.0 - curve.paid_between(k0, np.full_like(k0, band)))
        out[band] = mixed
    return out


def backtest_forecast(full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, x: np.ndarray | None,
                      cutoffs: np.ndarray, weeks: int) -> tuple[ForecastQuality, ...]:
    """Each method's forecasts at the end of the day before each cut-off, judged (see the module
    docstring); ``x``: invoice-date features of ``invoices`` (None: the naive method only)."""
    err: dict[str, list[float]] = {m: [] for m in METHODS}
    cash = {m: [0.0, 0.0] for m in METHODS}
    used = {m: 0 for m in METHODS}
    for c in cutoffs:
        t = int(c) - 1
        rows = open_at(full, paid_day, invoices, t)
        if not len(rows):
            continue
        amount = full.i_total[rows] * (1 - paid_share(full, rows, np.full(len(rows), t)))
        received = _received(full, rows, t, weeks)
        naive = naive_day(full, paid_day, rows, t)
        days: dict[str, tuple[np.ndarray, np.ndarray | None]] = {"naive": (np.maximum(naive, t + 1), None)}
        overdue_day, overdue_cash = overdue_expected(full, paid_day, invoices, rows, naive, amount, t, weeks)
        days["overdue"] = (np.where(overdue_day >= 0, overdue_day, t + 1 + 7 * weeks), overdue_cash)
        if x is not None:
            learned_day = _Learned(full, paid_day, invoices, x, t).day(rows)
            if learned_day is not None:
                days["learned"] = (np.maximum(learned_day, t + 1), None)
        paid = paid_day[rows] < NEVER
        for m, (day, expected) in days.items():
            err[m].append(np.abs(day[paid] - paid_day[rows][paid]))
            expected = _expected_weeks(day, amount, t, weeks) if expected is None else expected
            cash[m][0] += float(np.abs(expected - received).sum())
            cash[m][1] += float(received.sum())
            used[m] += 1
    out = []
    for m in METHODS:
        if used[m]:
            e = np.concatenate(err[m]) if err[m] else np.zeros(0)
            out.append(ForecastQuality(m, used[m], len(e), float(e.mean()) if len(e) else float("nan"),
                                       cash[m][0] / cash[m][1] if cash[m][1] > 0 else float("nan")))
    return tuple(out)


def late_chances(full: LedgerFrame, paid_day: np.ndarray, rows: np.ndarray, end: int,
                 learned: dict[int, np.ndarray] | None) -> dict[int, np.ndarray]:
    """Per band X, the chance each open invoice ``rows`` is paid more than X days late: certain for
    one already X days past due at the end (it is paid on a later day, if ever), else the learned
    model's where given (``learned``: band -> probabilities), else the customer's shrunk share."""
    out = {}
    past_due = end - full.i_due[rows].astype(np.int64)
    for band in LATE_BANDS:
        if learned and band in learned:
            chance = learned[band]
        else:
            h = history(full, paid_day, full.i_cust[rows], np.full(len(rows), end), band)
            chance = h.serious_rate(prior_weight=PRIOR_WEIGHT)
        out[band] = np.where(past_due >= band, 1.0, chance)
    return out


def forecast(full: LedgerFrame, paid_day: np.ndarray, invoices: np.ndarray, x: np.ndarray | None, end: int,
             cutoffs: np.ndarray, weeks: int, learned_chances: dict[int, np.ndarray] | None = None) -> Forecast:
    """Expected payment day of every invoice open at the end, the cash-in per week, and how
    each method did in the past (``backtest_forecast``)."""
    quality = backtest_forecast(full, paid_day, invoices, x, cutoffs, weeks)
    by = {q.method: q for q in quality}
    method, reason = _choose(by)
    rows = open_at(full, paid_day, invoices, end)
    if not len(rows):
        return Forecast((), (), quality, method, reason)
    amount = full.i_total[rows] * (1 - paid_share(full, rows, np.full(len(rows), end)))
    naive = naive_day(full, paid_day, rows, end)
    day = np.maximum(naive, end + 1).astype(np.int64)
    if method == "learned" and x is not None:
        learned_day = _Learned(full, paid_day, invoices, x, end).day(rows)
        assert learned_day is not None  # "learned" is chosen only where it forecast (see backtest_forecast)
        day = np.maximum(learned_day, end + 1).astype(np.int64)
    per_week = _expected_weeks(day, amount, end, weeks)
    if method == "overdue":
        day, per_week = overdue_expected(full, paid_day, invoices, rows, naive, amount, end, weeks)
    position = {int(r): i for i, r in enumerate(invoices)}
    at = np.array([position[int(r)] for r in rows], dtype=np.int64)
    chances = late_chances(full, paid_day, rows, end,
                           {b: p[at] for b, p in learned_chances.items()} if learned_chances else None)
    if method == "overdue":
        chances = overdue_late_chances(full, paid_day, invoices, rows, naive, end, chances)
    # plain Python values first: a numpy scalar per cell made this the backtest's slowest loop
    per_band = list(zip(*(np.asarray(chances[b], dtype=np.float64).tolist() for b in LATE_BANDS), strict=True))
    out = tuple(ForecastRow(str(n), str(c), a, date_of(d) if d >= 0 else None, tuple(zip(LATE_BANDS, p, strict=True)))
                for n, c, a, d, p in zip(full.i_number[rows].tolist(), full.c_id[full.i_cust[rows]].tolist(),
                                         np.asarray(amount, dtype=np.float64).tolist(), day.tolist(), per_band,
                                         strict=True))
    return Forecast(out, tuple((date_of(end + 1 + 7 * w), float(per_week[w])) for w in range(weeks)), quality,
                    method, reason)


def _choose(by: dict[str, ForecastQuality]) -> tuple[str, str]:
    """The method the last day's forecast uses, and why: the learned model when it did better than
    the naive method in the past on both measures; else the overdue curve when its weekly cash-in
    was nearer (it changes only invoices already past their naive day, whose "tomorrow" the days
    measure never judges when such an invoice is never paid: the weekly cash is its figure)."""
    naive = by.get("naive")
    if naive is None:
        return "naive", _REASONS["naive"]
    missed = []
    for method in ("learned", "overdue"):
        q = by.get(method)
        if q is None:
            continue
        figures = (f"({q.mae_days:.1f} against {naive.mae_days:.1f} days off, weekly cash {q.cash_error:.0%} "
                   f"against {naive.cash_error:.0%} off)")
        if method == "overdue":
            cash = (f"({q.cash_error:.0%} against {naive.cash_error:.0%} off; days {q.mae_days:.1f} against "
                    f"{naive.mae_days:.1f} off)")
            if q.cash_error < naive.cash_error:
                return method, f"{_REASONS[method]}: its weekly cash-in was nearer in the past {cash}"
            missed.append(f"{_NAMES[method]} did not forecast the weekly cash-in better in the past {cash}")
        elif q.mae_days < naive.mae_days and q.cash_error < naive.cash_error:
            return method, f"{_NAMES[method]} forecast better in the past {figures}"
        else:
            missed.append(f"{_NAMES[method]} did not forecast better in the past {figures}")
    return "naive", _REASONS["naive"] + (": " + "; ".join(missed) if missed else "")


def open_invoice_forecast(frame: LedgerFrame, weeks: int = 13, min_history_months: int = 12) -> Forecast:
    """On the frame's day (it is cut there), what the report and the export show: each open
    invoice's expected payment day (``naive``: due date plus the customer's mean delay) with its
    chances of being paid more than 30/60/90 days late (the customer's shrunk share), the
    cash-in of the next ``weeks`` weeks, and how the naive forecast did at the earlier quarter
    starts whose ``weeks`` weeks had passed by the frame's day. The learned regressor is the
    backtest's only (it did not beat the naive method on the demo's weekly cash-in)."""
    end = int(frame.as_of_day)
    invoices = np.flatnonzero(~frame.i_credit)
    first = int(frame.i_issue[invoices].min()) if len(invoices) else end
    cutoffs = ml.quarter_starts(first, end, min_history_months)
    cutoffs = cutoffs[cutoffs - 1 + 7 * weeks <= end]
    return forecast(frame, paid_in_full_day(frame), invoices, None, end, cutoffs, weeks)
