"""The learned model: trained on the business's own history, strictly in time order.

Rolling origin: at each quarter start c (after 12 whole months of history), a model is trained on the
invoices whose outcome was known by the end of day c-1 (paid in full by then, or already more
than X days late) and scores the invoices of the next quarter [c, next c). Every score is thus
made by a model that never saw the invoice or anything after it.

What is fitted at c is itself chosen on earlier periods only (``select``): the candidates are
logistic regressions fitted on top of the baseline (``offset_logistic``: the customer's shrunk
past late rate as log odds is an offset, the other standardised features a residual whose
coefficients an L2 penalty of 1 / C shrinks towards 0) with C in ``C_GRID``, C = 0 being the
baseline itself (and, from ``BOOSTING_FROM`` training rows, gradient boosting); each is fitted at the start of each of
the ``INNER_MONTHS`` whole months before c on what was known then, and predicts that month's
invoices (those whose outcome was known by c). The candidate with the lowest log-loss over
those months wins; its out-of-sample predictions of those months also fit the calibration
(Platt scaling: a logistic curve on the log-odds), used when they hold ``MIN_POSITIVES`` of each
outcome. Nothing about the quarter being scored, nor anything learned after c, enters the choice.
Fits run on one thread so results do not depend on the machine (and small fits are faster);
a fit on more than ``MAX_FIT_ROWS`` rows uses that many, thinned evenly in time.
Where the features add nothing to the past late rate, the months before c choose a small C and
the model ranks as the baseline does; where they add, a larger C lets them.

scikit-learn is a dependency of arwatch; ``available()`` only guards against a broken install.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..frame import date_of
from .offset_logistic import OffsetLogistic

BOOSTING_FROM = 20_000
MIN_POSITIVES = 10
#: a fit uses at most this many rows: beyond it, the rows known by then thinned evenly in time
#: (``_thinned``). Enough for a model of a few dozen features; it keeps a fit to seconds, and a
#: backtest's cost flat in size, for a company with a million invoices.
MAX_FIT_ROWS = 50_000
#: inverse regularisation strengths tried for the residual on top of the baseline (features
#: standardised); 0: no residual, the baseline's log odds and an intercept
C_GRID = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: used when no earlier month could validate a candidate (too few outcomes of one kind): the
#: baseline alone when there is one (an offset), else a moderate regularisation
C_FALLBACK = 0.1
#: whole months before a cut-off, each validating candidates fitted at its start: half of the
#: minimum history of 12 months, so that the choice rests on many months, not on one quarter
INNER_MONTHS = 6
#: the model a company runs (``linear_only``, ``live``) is fitted often and stored as numbers: a
#: coarser grid and three validation months keep a fit of three years of history to seconds
LIVE_C_GRID = (0.0, 0.01, 0.1, 1.0)
LIVE_INNER_MONTHS = 3
MISSING = ("scikit-learn could not be imported, although arwatch depends on it: reinstall arwatch "
           "(`pip install --force-reinstall arwatch`) to use the learned model")


def available() -> tuple[bool, str]:
    """(True, "") when scikit-learn can be imported, else (False, what to do)."""
    try:
        import sklearn  # noqa: F401, PLC0415
    except ImportError:
        return False, MISSING
    return True, ""


def _months_back(day: int, months: int) -> int:
    """The first day of the month ``months`` before the month of ``day``."""
    d = date_of(day)
    m = d.year * 12 + d.month - 1 - months
    return dt.date(m // 12, m % 12 + 1, 1).toordinal()


def quarter_starts(first_day: int, last_day: int, min_history_months: int = 12) -> np.ndarray:
    """Quarter starts (1 Jan, 1 Apr, 1 Jul, 1 Oct) up to ``last_day`` that come at least
    ``min_history_months`` whole months after the month of ``first_day``."""
    first = date_of(first_day)
    months = first.year * 12 + first.month - 1 + min_history_months
    y, m = divmod(months, 12)
    m = ((m // 3) * 3 + (3 if m % 3 else 0))
    y, m = (y + 1, m - 12) if m >= 12 else (y, m)
    out = []
    d = dt.date(y, m + 1, 1)
    while d.toordinal() <= last_day:
        out.append(d.toordinal())
        d = dt.date(d.year + 1, 1, 1) if d.month == 10 else dt.date(d.year, d.month + 3, 1)
    return np.array(out, dtype=np.int64)


@dataclass(frozen=True)
class Candidate:
    """A model kind and its setting: ``kind`` "logistic regression" (``c``: inverse regularisation
    of the residual; ``offset``: the feature column of the baseline's log odds, None without one)
    or "gradient boosting"."""

    kind: str
    c: float = C_FALLBACK
    offset: int | None = None

    @property
    def name(self) -> str:
        if self.kind != "logistic regression":
            return self.kind
        if self.offset is None:
            return f"logistic regression (C={self.c:g})"
        return f"logistic regression on the past late rate (C={self.c:g}{': the rate alone' if self.c == 0 else ''})"


def candidates(n_rows: int, linear_only: bool = False, offset: int | None = None) -> tuple[Candidate, ...]:
    """The candidates for a training set of ``n_rows``; ``linear_only``: logistic regressions on the
    ``LIVE_C_GRID`` only (a model that is stored and applied without scikit-learn: ``live.LinearModel``).
    Without an ``offset`` column there is no baseline to keep, and C = 0 is left out."""
    grid = tuple(c for c in (LIVE_C_GRID if linear_only else C_GRID) if c > 0 or offset is not None)
    out = tuple(Candidate("logistic regression", c, offset) for c in grid)
    if linear_only:
        return out
    return out + ((Candidate("gradient boosting"),) if n_rows >= BOOSTING_FROM else ())


def make_classifier(candidate: Candidate) -> Any:  # a scikit-learn estimator (scikit-learn is untyped)
    """An unfitted scikit-learn classifier for ``candidate``."""
    if candidate.kind == "gradient boosting":
        from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: PLC0415

        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
    return OffsetLogistic(candidate.c, candidate.offset)


_CONTROLLER: list[Any] = []  # one threadpoolctl controller, made on first use


def _one_thread() -> Any:
    """A context in which the numerical libraries run on one thread, for every fit and prediction:
    results do not depend on the machine, and small fits run faster than threads waiting on each
    other. The controller is made once (finding the libraries to limit takes milliseconds, as
    long as a small fit), after scikit-learn's own OpenMP runtime is loaded, so it covers it."""
    if not _CONTROLLER:
        import sklearn.ensemble  # noqa: F401, PLC0415 (loads the OpenMP runtime gradient boosting uses)
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415 (installed with scikit-learn)

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


def predict_days(model: Any, x: np.ndarray) -> np.ndarray:
    """A ``fit_days_to_pay`` regressor's days to pay for each row of ``x``, on one thread."""
    with _one_thread():
        days: np.ndarray = model.predict(x)
    return days


def _proba(model: Any, x: np.ndarray) -> np.ndarray:
    """The fitted ``model``'s probability of the positive class for each row of ``x``, on one thread."""
    with _one_thread():
        p: np.ndarray = model.predict_proba(x)[:, 1]
    return p


def _thinned(n: int) -> np.ndarray:
    """Indexes of ``MAX_FIT_ROWS`` of ``n`` rows (all when fewer), evenly spread over them: every
    part of the history keeps its share, and the same rows give the same fit, with no seed."""
    if n <= MAX_FIT_ROWS:
        return np.arange(n)
    kept: np.ndarray = np.unique(np.linspace(0, n - 1, MAX_FIT_ROWS).round().astype(np.int64))
    return kept


def fit_rows(x: np.ndarray, y: np.ndarray, day: np.ndarray | None = None,
              rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) a fit uses: of the ``rows`` given (a mask or indexes; all by default), in time
    order (``day``, stable), at most ``MAX_FIT_ROWS`` of them (``_thinned``). Only the rows kept
    are copied out of ``x``: a mask would copy every row known, hundreds of megabytes at a million
    invoices, for the fifty thousand a fit uses."""
    at = np.arange(len(y)) if rows is None else np.flatnonzero(rows) if rows.dtype == bool else rows
    order = at[np.argsort(day[at], kind="stable")] if day is not None else at
    if len(order) > MAX_FIT_ROWS:
        thin = order[_thinned(len(order))]
        # a rare outcome could fall between the rows kept: then every row is used, as below the cap
        order = thin if y.dtype != bool or _enough(y[thin]) or not _enough(y[at]) else order
    return x[order], y[order]


def _fit(model: Any, x: np.ndarray, y: np.ndarray, day: np.ndarray | None = None,
         rows: np.ndarray | None = None) -> Any:
    """Fit on ``fit_rows``, on one thread; the single place models are fitted."""
    return _fit_on(model, *fit_rows(x, y, day, rows))


def _fit_on(model: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """Fit on exactly the rows given (``fit_rows``'), on one thread."""
    with _one_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on tiny folds is not an error
        return model.fit(x, y)


def _enough(y: np.ndarray) -> bool:
    return int(y.sum()) >= MIN_POSITIVES and int((~y).sum()) >= MIN_POSITIVES


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    odds: np.ndarray = np.log(p / (1 - p))
    return odds


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(np.where(y, np.log(p), np.log(1 - p))))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: probability = 1 / (1 + exp(-(a * logit(p) + b))); identity when a=1, b=0."""

    a: float = 1.0
    b: float = 0.0

    def apply(self, p: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * _logit(p) + self.b)))

    @classmethod
    def fit(cls, y: np.ndarray, p: np.ndarray) -> Calibration:
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        if not _enough(y):
            return cls()
        model = _fit(LogisticRegression(C=1e4, max_iter=1000), _logit(p)[:, None], y)
        return cls(float(model.coef_[0, 0]), float(model.intercept_[0]))


@dataclass(frozen=True)
class Fitted:
    """A model chosen and fitted at a cut-off, with its calibration.

    Attributes:
      candidate: the model kind and setting that won on the months before the cut-off.
      validation_loss: its log-loss there (NaN when no month could judge: then C_FALLBACK).
      months: the validation months used (their first days).
    """

    model: Any  # a fitted scikit-learn estimator
    candidate: Candidate
    calibration: Calibration
    validation_loss: float
    months: tuple[int, ...]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.calibration.apply(_proba(self.model, x))


class MonthPredictions:
    """Each candidate's predictions of a validation month, made once and kept.

    What ``select`` fits at the start ``lo`` of an inner month depends on ``lo`` alone (the rows
    known before it), never on the cut-off being chosen for: consecutive quarter cut-offs share
    half their six inner months, and the final choice shares the last cut-off's. Kept here, each
    month's candidates are fitted once per question instead of once per cut-off that looks back
    on it. A month's predictions cover all its rows; a cut-off takes those whose outcome it knew.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[int, int, Candidate], np.ndarray] = {}
        # the rows every candidate of the month last asked for is fitted on (``fit_rows``): the
        # months are asked for one after the other, each for all its candidates
        self._rows: tuple[int, np.ndarray, np.ndarray] | None = None
        # the month's last logistic regression: the next, at a larger C, starts from its solution
        self._last_linear: OffsetLogistic | None = None

    def of(self, x: np.ndarray, y: np.ndarray, day: np.ndarray, known_from: np.ndarray, lo: int, hi: int,
           candidate: Candidate) -> np.ndarray:
        """``candidate`` fitted on the rows known before ``lo``, predicting every row dated in [lo, hi)."""
        key = (lo, hi, candidate)
        if key not in self._kept:
            if self._rows is None or self._rows[0] != lo:
                self._rows = (lo, *fit_rows(x, y, day, (known_from < lo) & (day < lo)))
                self._last_linear = None
            model = make_classifier(candidate)
            if isinstance(model, OffsetLogistic):  # warm start along the C grid (``OffsetLogistic.start``)
                model.start, self._last_linear = self._last_linear, model
            model = _fit_on(model, *self._rows[1:])
            self._kept[key] = _proba(model, x[(day >= lo) & (day < hi)])
        return self._kept[key]


def select(x: np.ndarray, y: np.ndarray, day: np.ndarray, known_from: np.ndarray, cutoff: int,
           linear_only: bool = False, offset: int | None = None,
           months: MonthPredictions | None = None) -> Fitted | None:
    """The model to use from ``cutoff`` on, chosen and fitted on rows known before it only (see the
    module docstring); None when those rows hold too few outcomes of one kind. ``offset``: the
    column of ``x`` holding the baseline's log odds (``offset_logistic``). ``months``: validation
    predictions kept from other cut-offs of the same rows, options and labels (``MonthPredictions``)."""
    known = (known_from < cutoff) & (day < cutoff)
    if not _enough(y[known]):
        return None
    months = months if months is not None else MonthPredictions()
    cands = candidates(int(known.sum()), linear_only, offset)
    inner = LIVE_INNER_MONTHS if linear_only else INNER_MONTHS
    starts = [_months_back(cutoff, k) for k in range(inner, 0, -1)] + [cutoff]
    preds: dict[Candidate, list[np.ndarray]] = {c: [] for c in cands}
    truth, used = [], []
    for lo, hi in zip(starts[:-1], starts[1:], strict=False):
        fit_rows = (known_from < lo) & (day < lo)
        in_month = (day >= lo) & (day < hi)
        val_rows = known & in_month
        if not val_rows.any() or not _enough(y[fit_rows]):
            continue
        judged = known[in_month]  # of the month's rows, those whose outcome was known by the cut-off
        for c in cands:
            preds[c].append(months.of(x, y, day, known_from, lo, hi, c)[judged])
        truth.append(y[val_rows])
        used.append(lo)
    if truth:
        yv = np.concatenate(truth)
        losses = {c: log_loss(yv, np.concatenate(p)) for c, p in preds.items()}
        best = min(cands, key=lambda c: (losses[c], cands.index(c)))
        calibration, loss = Calibration.fit(yv, np.concatenate(preds[best])), losses[best]
    else:
        best = Candidate("logistic regression", 0.0 if offset is not None else C_FALLBACK, offset)
        calibration, loss = Calibration(), float("nan")
    model = _fit(make_classifier(best), x, y, day, known)
    return Fitted(model, best, calibration, loss, tuple(used))


@dataclass(frozen=True)
class TimeOrdered:
    """Out-of-sample probabilities of a rolling-origin fit.

    Attributes:
      probability: per row, NaN where no model scored it (before the first cut-off, or a
        quarter whose training set had too few late examples).
      cutoffs: the cut-off days used; train_sizes: training rows at each; chosen: the model
        chosen at each (``Candidate.name``).
      model: the kind of model of the last fit.
      months: the validation months' predictions made on the way, for a final choice on the
        same rows (``fit_final``).
    """

    probability: np.ndarray
    cutoffs: tuple[int, ...]
    train_sizes: tuple[int, ...]
    model: str
    chosen: tuple[str, ...] = ()
    months: MonthPredictions | None = None


def time_ordered(x: np.ndarray, day: np.ndarray, label: np.ndarray, known_from: np.ndarray,
                 cutoffs: np.ndarray, linear_only: bool = False, offset: int | None = None) -> TimeOrdered:
    """At each cut-off, ``select`` on rows with ``known_from`` < cut-off and ``day`` < cut-off, and
    score the rows with cut-off <= ``day`` < next cut-off."""
    prob = np.full(len(day), np.nan)
    used, sizes, chosen, kind = [], [], [], ""
    months = MonthPredictions()
    bounds = np.r_[cutoffs, np.iinfo(np.int64).max]
    for c, nxt in zip(bounds[:-1], bounds[1:], strict=False):
        test = (day >= c) & (day < nxt)
        if not test.any():
            continue
        fitted = select(x, label, day, known_from, int(c), linear_only, offset, months)
        if fitted is None:
            continue
        prob[test] = fitted.predict(x[test])
        used.append(int(c))
        sizes.append(int(((known_from < c) & (day < c)).sum()))
        chosen.append(fitted.candidate.name)
        kind = fitted.candidate.kind
    return TimeOrdered(prob, tuple(used), tuple(sizes), kind, tuple(chosen), months)


def fit_final(x: np.ndarray, label: np.ndarray, day: np.ndarray, known_from: np.ndarray, end: int,
              linear_only: bool = False, offset: int | None = None,
              months: MonthPredictions | None = None) -> Fitted | None:
    """The model for today's open invoices: chosen and fitted on every row known by the end of day
    ``end``; None when too few examples. ``months``: those of a ``time_ordered`` run on the same
    rows, labels and options."""
    return select(x, label, day, known_from, end + 1, linear_only, offset, months)


def fit_days_to_pay(x: np.ndarray, days_to_pay: np.ndarray) -> Any:
    """A median regressor of days to pay (gradient boosting, absolute error)."""
    from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: PLC0415

    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=100, learning_rate=0.1, random_state=0)
    return _fit(model, x, days_to_pay)
