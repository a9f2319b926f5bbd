"""``run_backtest(ledger, settings, policy)``: the whole backtest as one pure function.

1. Build the frame once; replay the scorer at each week (or month) end (``replay``).
2. Customers: judge the scorecard and both baselines against delinquency (``customers``).
3. Invoices: for each invoice, at its invoice date and at its due date, what each predictor
   said with what was known the day before; judged against "paid more than X days late".
   At the invoice date the population is every invoice; at the due date, the invoices still
   open (not paid in full) at the start of their due date. Every predictor is judged on the
   same invoices: those dated (at that point) from the learned model's first time-ordered
   cut-off (a year of history), so the learned model is always out of sample.
4. Which predictor is in use is chosen nested and time-ordered, per question (``choice``):
   each quarter on the quarters before it only, a baseline unless something beat it there;
   the printed margin over the best baseline is that of the chosen stream, with an interval
   that takes the customer as the unit. ``model_in_use`` is the final choice at the invoice date for
   ``serious_late_days`` (the question the forecast uses).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..columnar import NEVER
from ..company_record import paid_in_full_day
from ..frame import LedgerFrame, date_of
from ..model import Ledger
from ..policy import LEVELS, Policy
from ..segments import SEGMENTS
from . import learned as ml
from .baselines import dunning_level, late_rate_level
from .choice import InUse, nested
from .customers import CustomerQuality, first_warning, judge_customers
from .features import point_features
from .forecast import LATE_BANDS, Forecast, ForecastQuality, ForecastRow, forecast
from .history import History, history
from .metrics import CalibrationBin, average_precision, calibration_bins, roc_auc
from .outcome import InvoiceOutcome, delinquency_day, invoice_outcome, last_day
from .replay import Progress, Replay, replay, replay_days

POINTS: tuple[str, ...] = ("invoice date", "due date")
#: the feature the learned model adds its residual to (``baseline_column``)
BASELINE_FEATURE = "serious_rate_log_odds"
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
    linear_only: bool = Field(default=False, description="the learned model is a logistic regression only (as "
                                                         "the model a company runs: ``live``)")
    headline_only: bool = Field(default=False, description="judge only the invoice-date question of "
                                                           "serious_late_days and skip the forecast (a live fit)")
    last_quarters: int | None = Field(default=None, ge=1, description="judge only the invoices of the last this "
                                                                      "many quarter cut-offs (a live fit)")


@dataclass(frozen=True)
class Score:
    auc: float
    ap: float


@dataclass(frozen=True)
class InvoiceCell:
    """Predictors judged on one question: at ``point``, will the invoice be paid > ``late_days`` late?

    ``population`` says which invoices are asked (``invoices`` of them, ``positives`` late);
    ``in_use`` is the nested choice for this question (None without evaluated invoices)."""

    point: str
    late_days: int
    invoices: int
    positives: int
    scores: dict[str, Score]
    population: str = ""
    in_use: InUse | None = None

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
    forecast_quality: tuple[ForecastQuality, ...]
    forecast_method: str
    forecast_reason: str
    replay_seconds: float
    false_alarm_segments: tuple[tuple[str, int], ...] = ()  # segment when first flagged -> false alarms
    final_model: ml.Fitted | None = None  # the learned model fitted on everything, when it is in use
    feature_names: tuple[str, ...] = ()

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
                 policy: Policy | None = None, progress: Progress | None = None) -> BacktestResult:
    """``progress(done, total)``: told after each replayed day (see ``replay``)."""
    settings = settings or BacktestSettings()
    full = LedgerFrame.from_ledger(ledger)
    return backtest_frame(full, settings, policy or Policy(), ledger.company.name, progress)


def backtest_frame(full: LedgerFrame, settings: BacktestSettings, policy: Policy, company: str = "",
                   progress: Progress | None = None) -> BacktestResult:
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
    rep = replay(full, days, policy, q_cust, q_day, progress)
    seconds = time.perf_counter() - t0

    points = {}
    asked: list[tuple[str, np.ndarray, np.ndarray, slice]] = [
        ("invoice date", invoices, q_issue, slice(0, len(invoices))),
        ("due date", due_rows, q_due, slice(len(invoices), None))]
    if settings.headline_only:
        targets = (settings.serious_late_days,)
        asked = asked[:1]
    for name, rows, q, sl in asked:
        xmats, names, hists = point_features(full, paid_day, rows, q, rep.query_measure[sl], rep.indicators,
                                             targets, policy.params("habitual_lateness"),
                                             matrices=settings.learned == "auto")
        points[name] = _Point(rows, q + 1, xmats, names, hists, rep.query_score[sl], rep.query_dpd[sl])

    bad_day = delinquency_day(full, settings.delinquent_days, end)
    cq = _judge_customers(full, rep, paid_day, bad_day, end, settings)
    delinquents = _delinquents(full, rep, bad_day, settings, policy)

    outcome = invoice_outcome(full, end)
    cutoffs = ml.quarter_starts(first, end, settings.min_history_months)
    if settings.last_quarters is not None:
        cutoffs = cutoffs[-settings.last_quarters:]
    ok, why = ml.available() if settings.learned == "auto" else (True, "")  # scikit-learn takes seconds to import
    use_ml = settings.learned == "auto" and ok and len(cutoffs) > 0
    status = why if not ok else ("turned off in the settings" if settings.learned == "off" else
                                 "" if len(cutoffs) else f"less than {settings.min_history_months} months of history")
    eval_from = int(cutoffs[0]) if len(cutoffs) else end + 1
    cells, calibration, headline = [], {}, None
    final_fit: tuple[np.ndarray, np.ndarray, np.ndarray, ml.MonthPredictions | None] | None = None
    used_cutoffs: set[int] = set()
    model_kinds: set[str] = set()
    for name, pt in points.items():
        for x in targets:
            label, known = outcome.label(x)
            y, k = label[pt.rows], known[pt.rows]
            known_from = outcome.known_from(x, full, paid_day)[pt.rows]
            prob, months = None, None
            if use_ml:
                fit = ml.time_ordered(pt.x[x][k], pt.day[k], y[k], known_from[k], cutoffs, settings.linear_only,
                                      baseline_column(pt.names))
                prob = np.full(len(pt.rows), np.nan)
                prob[k] = fit.probability
                used_cutoffs.update(fit.cutoffs)
                model_kinds.update(fit.chosen)
                months = fit.months
            cell, cal = _judge_invoices(full, name, x, pt, y, k, prob, eval_from, known_from, cutoffs)
            if x == settings.serious_late_days and name == "invoice date":
                final_fit = (y, k, known_from, months)
            if x in settings.late_days:
                cells.append(cell)
            if x == settings.serious_late_days and name == "invoice date":
                calibration, headline = cal, cell
    in_use, reason = _in_use(headline, settings, use_ml, status)
    final_model = None
    if in_use == "learned" and final_fit is not None:  # what runs from the end on (``live``): fitted on all known
        pt, (y, k, known_from, months) = points["invoice date"], final_fit
        final_model = ml.fit_final(pt.x[settings.serious_late_days][k], y[k], pt.day[k], known_from[k], end,
                                   settings.linear_only, baseline_column(pt.names), months)
    fc = (Forecast((), (), (), "naive", "not forecast (a live fit)") if settings.headline_only else
          _forecast(full, points["invoice date"], outcome, paid_day, end, settings, cutoffs, in_use == "learned"))
    return BacktestResult(
        settings=settings, company=company, currency=full.currency, source=full.source, days=days,
        last_day=date_of(end), customers=full.n_customers, invoices=len(invoices), customer_quality=cq,
        delinquents=delinquents, invoice_cells=tuple(cells),
        evaluated_from=date_of(eval_from) if len(invoices) else None,
        calibration=calibration,
        learned_status=status or "chosen at the cut-offs: " + ", ".join(sorted(model_kinds)),
        learned_cutoffs=tuple(date_of(c) for c in sorted(used_cutoffs)), model_in_use=in_use, model_reason=reason,
        forecast=fc.rows, forecast_weeks=fc.weeks, forecast_quality=fc.quality, forecast_method=fc.method,
        forecast_reason=fc.reason, replay_seconds=seconds, final_model=final_model,
        false_alarm_segments=_false_alarm_segments(rep, bad_day, end, settings),
        feature_names=points["invoice date"].names)


def baseline_column(names: tuple[str, ...]) -> int | None:
    """The feature column the learned model is fitted on top of (``offset_logistic``): the
    customer's past share of invoices paid more than X days late, shrunk, as log odds (the
    question's X: the share paid late at all for X = 0), the baseline it has to beat."""
    return names.index(BASELINE_FEATURE) if BASELINE_FEATURE in names else None


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


def _false_alarm_segments(rep: Replay, bad_day: np.ndarray, end: int,
                          settings: BacktestSettings) -> tuple[tuple[str, int], ...]:
    """The customers that never went delinquent but were flagged at ``warn_level`` (on a replay
    day whose horizon had passed by the end, as ``judge_customers`` counts them), by their
    segment on the day of that first flag: a chronic late payer is flagged for its habit."""
    if not len(rep.days):
        return ()
    known = (rep.days + settings.horizon_days <= end)[:, None] & (bad_day == NEVER)[None, :]
    flag = (rep.level >= LEVELS.index(settings.warn_level)) & known
    flagged = np.flatnonzero(flag.any(axis=0))
    first = flag[:, flagged].argmax(axis=0)
    counts = np.bincount(rep.segment[first, flagged].astype(np.int64), minlength=len(SEGMENTS))
    return tuple((SEGMENTS[k], int(n)) for k, n in sorted(enumerate(counts), key=lambda kv: -kv[1]) if n)


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


def _judge_invoices(full: LedgerFrame, point: str, x: int, pt: _Point, y: np.ndarray, known: np.ndarray,
                    prob: np.ndarray | None, eval_from: int, known_from: np.ndarray, cutoffs: np.ndarray,
                    ) -> tuple[InvoiceCell, dict[str, tuple[CalibrationBin, ...]]]:
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
    since = date_of(eval_from) if eval_from < NEVER else None
    population = (f"every invoice dated from {since}" if point == "invoice date" else
                  f"the invoices still open (not paid in full) at the start of their due date, due from {since}")
    in_use = nested({k: v[mask] for k, v in preds.items()}, y[mask], pt.day[mask], known_from[mask],
                    full.i_cust[pt.rows][mask], cutoffs) if mask.any() and len(cutoffs) else None
    return InvoiceCell(point, x, int(mask.sum()), int(y[mask].sum()), scores, population, in_use), cal


def _in_use(headline: InvoiceCell | None, settings: BacktestSettings, use_ml: bool, status: str) -> tuple[str, str]:
    """(predictor, why) in use from the end on: the final nested choice of the headline question."""
    question = f"at the invoice date, paid more than {settings.serious_late_days} days late"
    tried = "" if use_ml else f" (the learned model was not tried: {status})"
    if headline is None or headline.in_use is None:
        return "late_rate", f"{question}: no invoice could be judged, so the baseline is used{tried}"
    u = headline.in_use
    return u.final, (f"{question}: {u.final_reason}{tried}; chosen each quarter on the earlier quarters only, "
                     f"the model in use scored AUC {u.auc:.3f} against {u.baseline_auc:.3f} for the best "
                     f"baseline ({u.baseline}): margin {u.margin:+.3f}, 95% interval {u.interval[0]:+.3f} to "
                     f"{u.interval[1]:+.3f} (customers as the unit)")


def _forecast(full: LedgerFrame, pt: _Point, outcome: InvoiceOutcome, paid_day: np.ndarray, end: int,
              settings: BacktestSettings,
              cutoffs: np.ndarray, use_learned: bool) -> Forecast:
    """Expected payment day of every invoice open at the end, the cash-in per week, the chances of
    30/60/90 days late (the learned model's when it is in use), and the forecasts' own backtest."""
    xs = pt.x[settings.serious_late_days] if settings.learned == "auto" and ml.available()[0] else None
    chances = None
    if use_learned and xs is not None:
        chances = {}
        for band in LATE_BANDS:
            label, known = outcome.label(band)
            k = known[pt.rows]
            known_from = outcome.known_from(band, full, paid_day)[pt.rows]
            model = ml.fit_final(xs[k], label[pt.rows][k], pt.day[k], known_from[k], end)
            if model is not None:
                chances[band] = model.predict(xs)
    return forecast(full, paid_day, pt.rows, xs, end, cutoffs, settings.forecast_weeks, chances)
