"""``run_backtest(ledger, settings, policy)``: the whole backtest as one pure function.

1. Build the frame once; replay the scorer at each week (or month) end (``replay``).
2. Customers: judge the scorecard and both baselines against delinquency (``customers``).
3. Invoices: for each invoice, at its invoice date and at its due date, what each predictor
   said with what was known the day before; judged against "paid more than X days late".
   Every predictor is judged on the same invoices: those dated after the learned model's first
   time-ordered cut-off (a year of history), so the learned model is always out of sample.
4. The learned model is used only when it beats the scorecard there (``model_in_use``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..columnar import NEVER
from ..frame import LedgerFrame, date_of
from ..model import Ledger
from ..policy import LEVELS, Policy
from . import learned as ml
from .baselines import dunning_level, late_rate_level
from .customers import CustomerQuality, first_warning, judge_customers
from .features import invoice_features, paid_share
from .history import History, history, paid_in_full_day
from .metrics import CalibrationBin, average_precision, calibration_bins, roc_auc
from .outcome import InvoiceOutcome, delinquency_day, invoice_outcome, last_day
from .replay import Replay, replay, replay_days

POINTS: tuple[str, ...] = ("invoice date", "due date")
PREDICTORS: tuple[str, ...] = ("scorecard", "dunning", "late_rate", "learned")
PREDICTOR_TITLES = {"scorecard": "arwatch scorecard", "dunning": "dunning levels (days past due only)",
                    "late_rate": "customer's past late rate", "learned": "learned model"}


class BacktestSettings(BaseModel):
    """What to replay and how to judge it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every: Literal["day", "week", "month"] = Field(default="week", description="replay at each day, week or month end")
    start: dt.date | None = Field(default=None, description="first replay day (default: first invoice)")
    end: dt.date | None = Field(default=None, description="last replay day (default: last day of the ledger)")
    delinquent_days: int = Field(default=90, ge=1, description="days past due that make a customer delinquent")
    horizon_days: int = Field(default=180, ge=1, description="a flag warns of delinquency within this many days")
    late_days: tuple[int, ...] = Field(default=(0, 10, 30), description="invoice targets: paid more than X days late")
    serious_late_days: int = Field(default=30, ge=0, description="X of 'serious lateness' for the learned model")
    learned: Literal["auto", "off"] = "auto"
    min_history_months: int = Field(default=12, ge=1, description="whole months of history before the first "
                                                                   "time-ordered cut-off")
    forecast_weeks: int = Field(default=13, ge=1)
    warn_level: str = Field(default="high", description="level whose first flag counts as the warning")


@dataclass(frozen=True)
class Score:
    auc: float
    ap: float


@dataclass(frozen=True)
class InvoiceCell:
    """Predictors judged on one question: at ``point``, will the invoice be paid > ``late_days`` late?"""

    point: str
    late_days: int
    invoices: int
    positives: int
    scores: dict[str, Score]

    @property
    def base_rate(self) -> float:
        return self.positives / self.invoices if self.invoices else float("nan")


@dataclass(frozen=True)
class Delinquent:
    """A customer who went delinquent, and when the scorecard first warned."""

    customer_id: str
    name: str
    delinquent_on: dt.date
    warned_on: dt.date | None
    lead_days: int | None
    reason: str


@dataclass(frozen=True)
class ForecastRow:
    invoice: str
    customer_id: str
    open_amount: float
    expected_on: dt.date
    probability: float | None


@dataclass(frozen=True)
class BacktestResult:
    settings: BacktestSettings
    company: str
    currency: str
    source: str
    days: tuple[dt.date, ...]
    last_day: dt.date
    customers: int
    invoices: int
    customer_quality: tuple[CustomerQuality, ...]
    delinquents: tuple[Delinquent, ...]
    invoice_cells: tuple[InvoiceCell, ...]
    evaluated_from: dt.date | None
    calibration: dict[str, tuple[CalibrationBin, ...]]
    learned_status: str
    learned_cutoffs: tuple[dt.date, ...]
    model_in_use: str
    model_reason: str
    forecast: tuple[ForecastRow, ...]
    forecast_weeks: tuple[tuple[dt.date, float], ...]
    replay_seconds: float

    def quality(self, predictor: str) -> CustomerQuality:
        return next(q for q in self.customer_quality if q.predictor == predictor)

    def cell(self, point: str, late_days: int) -> InvoiceCell:
        return next(c for c in self.invoice_cells if c.point == point and c.late_days == late_days)


@dataclass(frozen=True)
class _Point:
    """The invoices asked about at one point, with what was known at the end of the day before."""

    rows: np.ndarray  # full-frame invoice indexes
    day: np.ndarray  # the point's day (invoice date or due date)
    x: dict[int, np.ndarray]  # feature matrix per question (paid more than X days late)
    names: tuple[str, ...]
    hist: dict[int, History]
    score: np.ndarray
    dpd: np.ndarray


def run_backtest(ledger: Ledger, settings: BacktestSettings | None = None,
                 policy: Policy | None = None) -> BacktestResult:
    settings = settings or BacktestSettings()
    full = LedgerFrame.from_ledger(ledger)
    return backtest_frame(full, settings, policy or Policy(), ledger.company.name)


def backtest_frame(full: LedgerFrame, settings: BacktestSettings, policy: Policy, company: str = "") -> BacktestResult:
    end = last_day(full)
    invoices = np.flatnonzero(~full.i_credit)
    first = int(full.i_issue[invoices].min()) if len(invoices) else end
    start = settings.start or date_of(first)
    stop = min(settings.end or date_of(end), date_of(end))
    days = replay_days(start, stop, settings.every)
    paid_day = paid_in_full_day(full)
    targets = tuple(sorted(set(settings.late_days) | {settings.serious_late_days}))

    # queries: each invoice at its invoice date, and at its due date when still unpaid the day before
    q_issue = full.i_issue[invoices].astype(np.int64) - 1
    due_rows = invoices[(paid_day[invoices] > full.i_due[invoices] - 1)
                        & (full.i_due[invoices] > full.i_issue[invoices])]
    q_due = full.i_due[due_rows].astype(np.int64) - 1
    q_cust = np.r_[full.i_cust[invoices], full.i_cust[due_rows]]
    q_day = np.r_[q_issue, q_due]

    t0 = time.perf_counter()
    rep = replay(full, days, policy, q_cust, q_day)
    seconds = time.perf_counter() - t0

    points = {}
    for name, rows, q, sl in (("invoice date", invoices, q_issue, slice(0, len(invoices))),
                              ("due date", due_rows, q_due, slice(len(invoices), None))):
        hists = {x: history(full, paid_day, full.i_cust[rows], q, x) for x in targets}
        xmats: dict[int, np.ndarray] = {}
        names: tuple[str, ...] = ()
        for x in targets:
            xmats[x], names = invoice_features(full, rows, q, hists[x], rep.query_score[sl], rep.query_dpd[sl],
                                               rep.query_strength[sl], rep.indicators)
        points[name] = _Point(rows, q + 1, xmats, names, hists, rep.query_score[sl], rep.query_dpd[sl])

    bad_day = delinquency_day(full, settings.delinquent_days, end)
    cq = _judge_customers(full, rep, paid_day, bad_day, end, settings)
    delinquents = _delinquents(full, rep, bad_day, settings, policy)

    outcome = invoice_outcome(full, end)
    cutoffs = ml.quarter_starts(first, end, settings.min_history_months)
    ok, why = ml.available()
    use_ml = settings.learned == "auto" and ok and len(cutoffs) > 0
    status = why if not ok else ("turned off in the settings" if settings.learned == "off" else
                                 "" if len(cutoffs) else f"less than {settings.min_history_months} months of history")
    eval_from = int(cutoffs[0]) if len(cutoffs) else end + 1
    cells, calibration, model_kinds = [], {}, set()
    used_cutoffs: set[int] = set()
    for name, pt in points.items():
        for x in targets:
            label, known = outcome.label(x)
            y, k = label[pt.rows], known[pt.rows]
            prob = None
            if use_ml:
                known_from = np.where(outcome.settled[pt.rows], outcome.settled_day[pt.rows],
                                      full.i_due[pt.rows].astype(np.int64) + x + 1)
                fit = ml.time_ordered(pt.x[x][k], pt.day[k], y[k], known_from[k], cutoffs)
                prob = np.full(len(pt.rows), np.nan)
                prob[k] = fit.probability
                used_cutoffs.update(fit.cutoffs)
                if fit.model:
                    model_kinds.add(fit.model)
            cell, cal = _judge_invoices(name, x, pt, y, k, prob, eval_from)
            if x in settings.late_days:
                cells.append(cell)
            if x == settings.serious_late_days and name == "invoice date":
                calibration = cal
    in_use, reason = _choose(cells, use_ml, status, model_kinds)
    if not status and not use_ml:
        status = reason
    fc_rows, fc_weeks = _forecast(full, points["invoice date"], outcome, paid_day, end, settings,
                                  in_use == "learned")
    return BacktestResult(
        settings=settings, company=company, currency=full.currency, source=full.source, days=days,
        last_day=date_of(end), customers=full.n_customers, invoices=len(invoices), customer_quality=cq,
        delinquents=delinquents, invoice_cells=tuple(cells),
        evaluated_from=date_of(eval_from) if len(invoices) else None,
        calibration=calibration, learned_status=status or ", ".join(sorted(model_kinds)),
        learned_cutoffs=tuple(date_of(c) for c in sorted(used_cutoffs)), model_in_use=in_use, model_reason=reason,
        forecast=fc_rows, forecast_weeks=fc_weeks, replay_seconds=seconds)


def _judge_customers(full: LedgerFrame, rep: Replay, paid_day: np.ndarray, bad_day: np.ndarray, end: int,
                     settings: BacktestSettings) -> tuple[CustomerQuality, ...]:
    n_days, n = rep.score.shape
    cust = np.tile(np.arange(n, dtype=np.int64), n_days)
    day = np.repeat(rep.days, n)
    rate = history(full, paid_day, cust, day, 0).late_rate().reshape(n_days, n) if n_days else rep.score
    h = settings.horizon_days
    return (
        judge_customers("scorecard", rep.days, rep.score, rep.level, bad_day, end, h),
        judge_customers("dunning", rep.days, rep.dpd, dunning_level(rep.dpd), bad_day, end, h),
        judge_customers("late_rate", rep.days, rate, late_rate_level(rate), bad_day, end, h),
    )


def _delinquents(full: LedgerFrame, rep: Replay, bad_day: np.ndarray, settings: BacktestSettings,
                 policy: Policy) -> tuple[Delinquent, ...]:
    if not len(rep.days):
        return ()
    level = LEVELS.index(settings.warn_level)
    warned = first_warning(rep.days, rep.level, bad_day, settings.horizon_days, level)
    out = []
    for c in np.flatnonzero((bad_day < NEVER) & (bad_day > rep.days[0])):
        w = int(warned[c])
        reason = ""
        if w < NEVER:
            k = int(np.searchsorted(rep.days, w))
            top = int(rep.top[k, c])
            reason = rep.indicators[top] if top >= 0 else ""
        out.append(Delinquent(str(full.c_id[c]), str(full.c_name[c]), date_of(int(bad_day[c])),
                              date_of(w) if w < NEVER else None, int(bad_day[c] - w) if w < NEVER else None, reason))
    return tuple(sorted(out, key=lambda d: d.delinquent_on))


def _judge_invoices(point: str, x: int, pt: _Point, y: np.ndarray, known: np.ndarray, prob: np.ndarray | None,
                    eval_from: int) -> tuple[InvoiceCell, dict[str, tuple[CalibrationBin, ...]]]:
    h = pt.hist[x]
    rate = h.late_rate() if x == 0 else h.serious_rate()
    preds = {"scorecard": pt.score, "dunning": pt.dpd.astype(np.float64), "late_rate": rate}
    mask = known & (pt.day >= eval_from)
    if prob is not None and np.isfinite(prob[mask]).any():
        mask &= np.isfinite(prob)
        preds["learned"] = prob
    scores = {k: Score(roc_auc(y[mask], v[mask]), average_precision(y[mask], v[mask])) for k, v in preds.items()}
    cal = {"scorecard": calibration_bins(y[mask], np.clip(pt.score[mask] / 100, 0, 1))}
    if "learned" in preds:
        cal["learned"] = calibration_bins(y[mask], preds["learned"][mask])
    return InvoiceCell(point, x, int(mask.sum()), int(y[mask].sum()), scores), cal


def _choose(cells: list[InvoiceCell], use_ml: bool, status: str, kinds: set[str]) -> tuple[str, str]:
    """("learned" | "scorecard", why): the learned model only when it wins most comparisons."""
    if not use_ml:
        return "scorecard", f"the learned model was not tried: {status}"
    tests = [c for c in cells if "learned" in c.scores and c.positives >= ml.MIN_POSITIVES]
    if not tests:
        return "scorecard", "the learned model could not be judged: too few late invoices out of sample"
    wins = [c for c in tests if c.scores["learned"].ap > c.scores["scorecard"].ap]
    detail = (f"the learned model ({', '.join(sorted(kinds))}) had a higher average precision than the "
              f"scorecard in {len(wins)} of {len(tests)} time-ordered tests")
    if len(wins) * 2 > len(tests):
        return "learned", detail
    return "scorecard", detail


def _forecast(full: LedgerFrame, pt: _Point, outcome: InvoiceOutcome, paid_day: np.ndarray, end: int,
              settings: BacktestSettings,
              use_learned: bool) -> tuple[tuple[ForecastRow, ...], tuple[tuple[dt.date, float], ...]]:
    """Expected payment day of every invoice open at the end, and the cash-in per week."""
    open_now = ~outcome.settled[pt.rows]
    if not open_now.any():
        return (), ()
    rows = pt.rows[open_now]
    residual = full.i_total[rows] * (1 - paid_share(full, rows, np.full(len(rows), end)))
    prob = None
    xs = pt.x[settings.serious_late_days]
    if use_learned:
        label, known = outcome.label(settings.serious_late_days)
        k = known[pt.rows]
        model = ml.fit_final(xs[k], label[pt.rows][k], pt.day[k])
        prob = model.predict_proba(xs[open_now])[:, 1] if model is not None else None
        paid = outcome.settled[pt.rows]
        reg = ml.fit_days_to_pay(xs[paid], (outcome.settled_day[pt.rows][paid] - full.i_issue[pt.rows][paid]))
        expected = full.i_issue[rows] + np.round(reg.predict(xs[open_now]))
    else:
        h = history(full, paid_day, full.i_cust[rows], np.full(len(rows), end), 0)
        habit = np.where(h.paid > 0, h.mean_days_to_pay, full.i_due[rows] - full.i_issue[rows])
        expected = full.i_issue[rows] + np.round(habit)
    expected = np.maximum(expected, end + 1).astype(np.int64)
    out = tuple(ForecastRow(str(full.i_number[r]), str(full.c_id[full.i_cust[r]]), float(a), date_of(int(e)),
                            None if prob is None else float(p))
                for r, a, e, p in zip(rows, residual, expected, prob if prob is not None else [None] * len(rows),
                                      strict=False))
    week = (expected - (end + 1)) // 7
    weeks = tuple((date_of(end + 1 + 7 * w), float(residual[week == w].sum())) for w in range(settings.forecast_weeks))
    return out, weeks
