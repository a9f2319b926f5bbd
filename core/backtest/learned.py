"""The learned model option: trained on the business's own history, strictly in time order.

Rolling origin: at each quarter start c (after 12 whole months of history), a model is trained on the
invoices whose outcome was known by the end of day c-1 (paid in full by then, or already more
than X days late) and scores the invoices of the next quarter [c, next c). Every score is thus
made by a model that never saw the invoice or anything after it.

Model (fixed by principle, not tuned per data set): below ``BOOSTING_FROM`` training rows, a
logistic regression on standardised features (few parameters, calibrated by construction,
stable on a small business's few thousand invoices), its regularisation chosen by log-loss
in a time-ordered cross-validation on the training rows only (rows sorted by day, 3 folds each
validated on rows later than those it was fitted on: ``TimeSeriesSplit``); from there, gradient boosting calibrated
by isotonic regression on 3 folds. Fits run on one thread so results do not depend on the
machine (and small fits are faster that way).

scikit-learn is optional (``pip install 'arwatch[ml]'``); without it ``available()`` says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..frame import date_of

BOOSTING_FROM = 20_000
MIN_POSITIVES = 10
#: inverse regularisation strengths tried for the logistic regression (features standardised)
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: used when no cross-validation fold could be fitted (a fold with one class only)
C_FALLBACK = 0.1
MISSING = "scikit-learn is not installed: install it with `pip install 'arwatch[ml]'` to use the learned model"


def available() -> tuple[bool, str]:
    """(True, "") when scikit-learn can be imported, else (False, what to do)."""
    try:
        import sklearn  # noqa: F401, PLC0415
    except ImportError:
        return False, MISSING
    return True, ""


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


def make_classifier(n_rows: int) -> Any:  # a scikit-learn estimator (scikit-learn is untyped)
    """The classifier for ``n_rows`` training rows (see module docstring)."""
    from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415
    from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline  # noqa: PLC0415
    from sklearn.preprocessing import StandardScaler  # noqa: PLC0415

    if n_rows < BOOSTING_FROM:
        return GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
                            {"logisticregression__C": list(C_GRID)}, cv=TimeSeriesSplit(n_splits=3),
                            scoring="neg_log_loss", error_score=np.nan)
    return CalibratedClassifierCV(HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05),
                                  method="isotonic", cv=3)


def model_name(n_rows: int) -> str:
    return "logistic regression" if n_rows < BOOSTING_FROM else "gradient boosting (isotonic calibration)"


@dataclass(frozen=True)
class TimeOrdered:
    """Out-of-sample probabilities of a rolling-origin fit.

    Attributes:
      probability: per row, NaN where no model scored it (before the first cut-off, or a
        quarter whose training set had too few late examples).
      cutoffs: the cut-off days used; train_sizes: training rows at each.
      model: the kind of model of the last fit.
    """

    probability: np.ndarray
    cutoffs: tuple[int, ...]
    train_sizes: tuple[int, ...]
    model: str


def _fit(model: Any, x: np.ndarray, y: np.ndarray, day: np.ndarray | None = None) -> Any:
    """Fit on rows in time order (``day``, stable), so time-ordered folds see the past only."""
    import warnings  # noqa: PLC0415

    from threadpoolctl import threadpool_limits  # noqa: PLC0415 (installed with scikit-learn)

    if day is not None:
        order = np.argsort(day, kind="stable")
        x, y = x[order], y[order]
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a fold with one class is scored NaN, not fatal
        try:
            return model.fit(x, y)
        except ValueError:
            if not hasattr(model, "param_grid"):
                raise
            return model.estimator.set_params(logisticregression__C=C_FALLBACK).fit(x, y)


def time_ordered(x: np.ndarray, day: np.ndarray, label: np.ndarray, known_from: np.ndarray,
                 cutoffs: np.ndarray) -> TimeOrdered:
    """Fit at each cut-off on rows with ``known_from`` < cut-off and ``day`` < cut-off, score the
    rows with cut-off <= ``day`` < next cut-off."""
    prob = np.full(len(day), np.nan)
    used, sizes, name = [], [], ""
    bounds = np.r_[cutoffs, np.iinfo(np.int64).max]
    for c, nxt in zip(bounds[:-1], bounds[1:], strict=False):
        train = (known_from < c) & (day < c)
        test = (day >= c) & (day < nxt)
        if not test.any() or label[train].sum() < MIN_POSITIVES or (~label[train]).sum() < MIN_POSITIVES:
            continue
        model = make_classifier(int(train.sum()))
        _fit(model, x[train], label[train], day[train])
        prob[test] = model.predict_proba(x[test])[:, 1]
        used.append(int(c))
        sizes.append(int(train.sum()))
        name = model_name(int(train.sum()))
    return TimeOrdered(prob, tuple(used), tuple(sizes), name)


def fit_final(x: np.ndarray, label: np.ndarray, day: np.ndarray | None = None) -> Any:
    """A classifier on every known row (for today's open invoices); None when too few examples."""
    if label.sum() < MIN_POSITIVES or (~label).sum() < MIN_POSITIVES:
        return None
    return _fit(make_classifier(len(label)), x, label, day)


def fit_days_to_pay(x: np.ndarray, days_to_pay: np.ndarray) -> Any:
    """A median regressor of days to pay (gradient boosting, absolute error)."""
    from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: PLC0415

    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=100, learning_rate=0.1)
    return _fit(model, x, days_to_pay)
