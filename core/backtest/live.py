"""The model a company runs: the one its own backtest chose, fitted on its own history.

``fit_in_use(full, policy, fit_day)`` cuts the ledger at the end of the day before ``fit_day``
(nothing known on or after the fit day enters), counts the settled invoices, and when there are
at least the policy's minimum (``[model] min_settled_invoices``) runs the backtest on that cut
for one question: at the invoice date, will the invoice be paid more than ``[model] late_days``
late? The predictor that backtest puts in use (nested, time-ordered: ``choice``) is what runs:

* ``learned``: a logistic regression on top of the customer's past late rate (its log odds an offset,
  ``offset_logistic``), with the indicators' raw measures and the customer's record as the residual
  (``features``), its regularisation and calibration chosen on earlier months only
  (``learned.select``), fitted on every outcome known before the fit day (above
  ``learned.MAX_FIT_ROWS`` of them, those thinned evenly in time). Only the linear kind
  is tried here (and in the backtest that chooses it), so the model is kept as numbers
  (``LinearModel``) and applied without scikit-learn;
* ``late_rate``: the customer's own share of invoices paid that late (the baseline);
* ``dunning``: days past due of the oldest open invoice;
* ``scorecard``: the explained scorecard, also used without enough history (said plainly).

``apply_in_use(board, model, policy)`` then turns the predictor into each customer's score on
the board's day: 100 x the chance that the customer's next invoice (issued the day after, like
its latest one) is paid more than X days late. The level follows from the score with the
policy's thresholds; the reasons stay the indicators' evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..columnar import NEVER
from ..company_record import paid_in_full_day
from ..credit_policy import LEVEL_NAMES, SEGMENT_NAMES
from ..frame import LedgerFrame
from ..indicators.aging import oldest_days_past_due
from ..policy import Policy
from ..scoring import ScoreBoard, levels
from . import learned as ml
from .baselines import dunning_level
from .choice import MIN_EVIDENCE
from .features import invoice_features, month_end_flag
from .history import History, history
from .run import BacktestSettings, backtest_frame

#: bump when what is stored or how it is applied changes: an older stored model is fitted again
FORMAT = 1  # a model stored before the offset existed has offset "" and applies as it did
PREDICTOR_TITLES = {"learned": "learned model (logistic regression)", "late_rate": "customer's past late rate",
                    "dunning": "dunning levels (days past due)", "scorecard": "arwatch scorecard"}
#: the predictors' names inside a sentence (``PREDICTOR_TITLES`` without their brackets, which
#: would stand in the sentence's own)
PREDICTOR_NAMES = {"late_rate": "customer's past late rate", "learned": "learned model", "dunning": "dunning levels",
                   "scorecard": "arwatch scorecard"}
_CHOICE = re.compile(r"(\d{4}-\d\d-\d\d): ([a-z_]+)")


def predictor_name(predictor: str) -> str:
    """A predictor's name inside a sentence ("customer's past late rate" for ``late_rate``)."""
    return PREDICTOR_NAMES.get(predictor, predictor)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")


class LinearModel(_Frozen):
    """A fitted logistic regression on standardised features, with its Platt calibration; with an
    ``offset`` (a name of ``names``), fitted on top of that column, the baseline's log odds
    (``offset_logistic``): it is added to the linear part as it is."""

    setting: str
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    calibration_a: float = 1.0
    calibration_b: float = 0.0
    offset: str = ""

    @classmethod
    def from_fitted(cls, fitted: ml.Fitted, names: tuple[str, ...]) -> LinearModel:
        model = fitted.model
        offset = names[model.offset] if model.offset is not None else ""
        return cls(setting=fitted.candidate.name, names=names, mean=tuple(map(float, model.mean_)),
                   scale=tuple(map(float, model.scale_)), coef=tuple(map(float, model.coef_)),
                   intercept=float(model.intercept_), calibration_a=fitted.calibration.a,
                   calibration_b=fitted.calibration.b, offset=offset)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of the rows of ``x`` (columns in ``names`` order)."""
        z: np.ndarray = ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.coef) + self.intercept
        if self.offset:
            z = z + x[:, self.names.index(self.offset)]
        raw = 1.0 / (1.0 + np.exp(-z))
        return ml.Calibration(self.calibration_a, self.calibration_b).apply(raw)


class BacktestFigures(_Frozen):
    """How the predictor in use did in the backtest that chose it (``choice.InUse``)."""

    question: str
    invoices: int
    positives: int
    auc: float
    baseline: str
    baseline_auc: float
    margin: float
    interval: tuple[float, float]
    evaluated_from: dt.date | None
    choices: str
    #: the predictor chosen on all the evidence, had it been used in every quarter: its name, AUC,
    #: margin over the best baseline and that margin's interval (None for a baseline)
    final: tuple[str, float, float, float, float] | None = None

    def sentence(self, day: Callable[[dt.date], str] = dt.date.isoformat, count: Callable[[int], str] = str,
                 name: Callable[[str], str] = predictor_name) -> str:
        """The stream of quarter-by-quarter choices (what would have run), then the final choice
        used in every quarter: two figures that differ when the early quarters chose otherwise.
        ``day``, ``count`` and ``name`` write its days, numbers of invoices and predictors: by
        default ISO days, plain numbers and the predictors' names (the log, the add-on's record);
        the report passes its page's (``arwatch.report.forecast``)."""
        choices = _CHOICE.sub(lambda m: f"from {day(dt.date.fromisoformat(m[1]))} the {name(m[2])}", self.choices)
        since = f" from {day(self.evaluated_from)}" if self.evaluated_from else ""
        text = (f"{self.question}: {count(self.invoices)} invoices{since}, {count(self.positives)} of them late. "
                f"The predictors chosen quarter by quarter on the earlier quarters only ({choices}) scored AUC "
                f"{self.auc:.3f} against {self.baseline_auc:.3f} for the best baseline, the {name(self.baseline)}: "
                f"margin {_margin(self.margin, self.interval)}")
        if self.final is not None:
            final, auc, margin, low, high = self.final
            text += f"; the {name(final)} in every quarter: AUC {auc:.3f}, margin {_margin(margin, (low, high))}"
        return text


def _margin(margin: float, interval: tuple[float, float]) -> str:
    return f"{margin:+.3f} (95% interval {interval[0]:+.3f} to {interval[1]:+.3f})"


class ModelInUse(_Frozen):
    """What scores a company, stored in the state store (``sync.store.models``).

    Attributes:
      predictor: learned, late_rate, dunning or scorecard; version: format, predictor and a hash
        of the fitted numbers; fitted_on: the fit day (only what was known before it was used);
      late_days: the question (the next invoice paid more than X days late); policy: a hash of
        the policy it was fitted under (another policy fits again); reason: why, in words.
    """

    predictor: str
    version: str = ""
    fitted_on: dt.date
    late_days: int
    policy: str
    reason: str
    settled_invoices: int
    linear: LinearModel | None = None
    backtest: BacktestFigures | None = None

    @property
    def title(self) -> str:
        return PREDICTOR_TITLES.get(self.predictor, self.predictor)

    def sentence(self) -> str:
        """One line for a report or a terminal."""
        return f"scored by the {self.title}, fitted on {self.fitted_on} ({self.version}): {self.reason}"

    def summary(self) -> dict[str, object]:
        """The JSON a scored customer carries (``arwatch score --json``)."""
        return {"predictor": self.predictor, "version": self.version, "fitted_on": self.fitted_on.isoformat(),
                "question": f"next invoice paid more than {self.late_days} days late", "reason": self.reason,
                "backtest": self.backtest.model_dump(mode="json") if self.backtest else None}


def policy_key(policy: Policy) -> str:
    """A short hash of the parts of the policy a fit depends on (indicators, segments, model)."""
    text = policy.model_dump_json(include={"indicators", "segments", "model"})
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _versioned(model: ModelInUse) -> ModelInUse:
    digest = hashlib.sha256(json.dumps(model.model_dump(mode="json", exclude={"version", "reason", "backtest"}),
                                       sort_keys=True).encode()).hexdigest()[:10]
    return model.model_copy(update={"version": f"{FORMAT}:{model.predictor}:{digest}"})


def due_for_fit(model: ModelInUse | None, day: dt.date, policy: Policy) -> bool:
    """Whether ``model`` may not score ``day``: none yet, an older format or another policy or
    question, fitted ``refit_days`` or more before, or fitted after ``day`` (it saw later data)."""
    if model is None or not model.version.startswith(f"{FORMAT}:") or model.policy != policy_key(policy):
        return True
    if model.late_days != policy.model.late_days:
        return True
    age = (day - model.fitted_on).days
    return age < 0 or age >= policy.model.refit_days


def settled_invoices(frame: LedgerFrame) -> int:
    """Invoices of ``frame`` paid in full (as the frame knows them)."""
    return int(((paid_in_full_day(frame) < NEVER) & ~frame.i_credit).sum())


def live_settings(policy: Policy) -> BacktestSettings:
    """The backtest a fit runs: monthly, the policy's question only, the linear model, the last
    ``[model] backtest_quarters`` quarters judged."""
    rules = policy.model
    return BacktestSettings(every="month", late_days=(rules.late_days,), serious_late_days=rules.late_days,
                            min_history_months=rules.min_history_months, linear_only=True, headline_only=True,
                            delinquent_days=policy.segments.delinquent_days, last_quarters=rules.backtest_quarters)


def fit_in_use(full: LedgerFrame, policy: Policy, fit_day: dt.date) -> ModelInUse:
    """The model chosen and fitted for ``fit_day`` on what was known before it (module docstring)."""
    known = full.as_of_date(fit_day - dt.timedelta(days=1))
    rules = policy.model
    settled = settled_invoices(known)
    base = {"fitted_on": fit_day, "late_days": rules.late_days, "policy": policy_key(policy),
            "settled_invoices": settled}
    if rules.use == "scorecard":
        return _versioned(ModelInUse(predictor="scorecard", reason="the policy asks for the scorecard "
                                     "([model] use = \"scorecard\")", **base))
    if settled < rules.min_settled_invoices:
        return _versioned(ModelInUse(predictor="scorecard", reason=(
            f"not enough history to choose a model: {settled} settled invoices known before {fit_day}, the "
            f"policy's minimum is {rules.min_settled_invoices}, so the scorecard scores"), **base))
    result = backtest_frame(known, live_settings(policy), policy)
    cell = next((c for c in result.invoice_cells if c.point == "invoice date"), None)
    if cell is None or cell.in_use is None:
        return _versioned(ModelInUse(predictor="scorecard", reason=(
            f"not enough history to choose a model: no invoice before {fit_day} could be judged after "
            f"{rules.min_history_months} months of history, so the scorecard scores"), **base))
    u = cell.in_use
    if min(cell.positives, cell.invoices - cell.positives) < MIN_EVIDENCE:
        return _versioned(ModelInUse(predictor="scorecard", reason=(
            f"too little evidence to choose a model: {cell.positives} of {cell.invoices} invoices judged were paid "
            f"more than {rules.late_days} days late (at least {MIN_EVIDENCE} of each outcome are needed), so the "
            f"scorecard scores"), **base))
    figures = BacktestFigures(
        question=f"at the invoice date, paid more than {rules.late_days} days late", invoices=cell.invoices,
        positives=cell.positives, auc=u.auc, baseline=u.baseline, baseline_auc=u.baseline_auc, margin=u.margin,
        interval=u.interval, evaluated_from=result.evaluated_from,
        choices=", ".join(f"{day}: {pick}" for day, pick in u.choices),
        final=next(((k, auc, m, lo, hi) for k, auc, m, lo, hi in u.every_quarter if k == u.final), None))
    predictor, reason = u.final, u.final_reason
    linear = None
    if predictor == "learned":
        if result.final_model is None:
            predictor, reason = "late_rate", "the learned model could not be fitted on all the history: the baseline"
        else:
            linear = LinearModel.from_fitted(result.final_model, result.feature_names)
            reason += f"; {linear.setting}, calibrated"
    return _versioned(ModelInUse(predictor=predictor, reason=f"chosen by the company's backtest: {reason}",
                                 linear=linear, backtest=figures, **base))


def _take(hist: History, rows: np.ndarray) -> History:
    return History(**{f.name: getattr(hist, f.name)[rows] for f in dataclasses.fields(History)})


def next_invoice_features(board: ScoreBoard, policy: Policy, late_days: int, names: tuple[str, ...],
                          ) -> tuple[np.ndarray, np.ndarray, History]:
    """(customers with an invoice, their feature rows in ``names`` order, every customer's history)
    for a next invoice issued the day after the board's day, like the customer's latest one
    (its amount, terms and delivery): what the learned model was trained on, at the invoice date."""
    frame = board.frame
    t = frame.as_of_day
    everyone = np.arange(frame.n_customers, dtype=np.int64)
    paid_day = paid_in_full_day(frame)
    hist = history(frame, paid_day, everyone, np.full(frame.n_customers, t, np.int64), late_days,
                   policy.params("habitual_lateness"), company=frame.company)
    inv = np.flatnonzero(~frame.i_credit)
    latest = np.full(frame.n_customers, -1, np.int64)
    by_day = inv[np.lexsort((inv, frame.i_issue[inv]))]
    latest[frame.i_cust[by_day]] = by_day  # the last write per customer is its latest invoice
    custs = np.flatnonzero(latest >= 0)
    rows = latest[custs]
    measure = np.column_stack([r.measure[custs] if r.measure is not None else np.zeros(len(custs))
                               for r in board.results]) if board.results else np.zeros((len(custs), 0))
    x, have = invoice_features(frame, rows, np.full(len(rows), t, np.int64), _take(hist, custs), measure,
                               tuple(r.indicator for r in board.results), paid_day)
    cols = dict(zip(have, x.T, strict=True))
    cols["paid_share"] = np.zeros(len(rows))
    cols["open_disputes"] = np.zeros(len(rows))
    cols["issued_month_end"] = np.full(len(rows), float(month_end_flag(np.array([t + 1]))[0]))
    matrix = np.column_stack([cols.get(n, np.zeros(len(rows))) for n in names]) if names else \
        np.zeros((len(rows), 0))
    return custs, matrix, hist


def probabilities(board: ScoreBoard, model: ModelInUse, policy: Policy) -> np.ndarray | None:
    """Per customer, the predictor's chance (or score, for dunning: days past due) on the board's
    day; None for the scorecard."""
    if model.predictor == "scorecard":
        return None
    if model.predictor == "dunning":
        dpd: np.ndarray = oldest_days_past_due(board.frame).astype(np.float64)
        return dpd
    names = model.linear.names if model.linear is not None else ()
    custs, x, hist = next_invoice_features(board, policy, model.late_days, names)
    rate = hist.late_rate() if model.late_days == 0 else hist.serious_rate()
    if model.predictor == "late_rate" or model.linear is None:
        chance: np.ndarray = rate
        return chance
    p: np.ndarray = rate.copy()  # a customer without any invoice: the all-customer share
    p[custs] = model.linear.predict(x)
    return p


def apply_in_use(board: ScoreBoard, model: ModelInUse, policy: Policy) -> ScoreBoard:
    """``board`` with its score and level from ``model`` (module docstring); indicators, evidence
    and segments unchanged."""
    p = probabilities(board, model, policy)
    if p is None:
        return dataclasses.replace(board, scored_by=model.predictor, model=model)
    if model.predictor == "dunning":
        return dataclasses.replace(board, score=np.clip(p, 0, 100), level=dunning_level(p), scored_by="dunning",
                                   model=model, alarm=None, chance=p)
    score = 100.0 * np.clip(p, 0.0, 1.0)
    level = levels(score, policy.scoring)
    # A model learned from how invoices were paid ranks customers by habit; a customer already in
    # arrears (the delinquent segment: long overdue now) keeps at least its scorecard score and
    # level, so a good past record never hides 150 days overdue from the controller.
    arrears = board.segment == SEGMENT_NAMES.index("delinquent")
    score = np.where(arrears, np.maximum(score, board.score), score)
    level = np.where(arrears, np.maximum(level, board.level), level)
    # A habit ranks, it does not alarm (as in the scorecard's level): a chronic late payer, whose
    # lateness its habit explains, keeps the model's rank but is raised above medium only as far
    # as the scorecard's own level goes (a chance of paying late is its habit, not news).
    chronic = board.segment == SEGMENT_NAMES.index("chronic_late")
    level = np.where(chronic, np.minimum(level, np.maximum(board.level, LEVEL_NAMES.index("medium"))), level)
    level = level.astype(board.level.dtype)
    return dataclasses.replace(board, score=score, level=level, scored_by=model.predictor, model=model, alarm=None,
                               chance=p)
