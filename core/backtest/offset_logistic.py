"""A logistic regression fitted on top of a baseline: the baseline's log odds are an offset.

probability = 1 / (1 + exp(-(offset + intercept + sum_j coef_j * (x_j - mean_j) / scale_j)))

The offset is one column of ``x`` (the customer's shrunk past late rate as log odds: the
baseline the learned model has to beat) and enters with a fixed coefficient of 1; the other
columns are standardised and their coefficients are shrunk towards 0 by an L2 penalty of
1 / ``c`` (as scikit-learn's ``C``: the penalty is against the summed log-loss). The intercept is
not penalised. With ``c`` = 0 every coefficient is 0: the baseline itself, shifted, which ranks
exactly as the baseline does; the larger ``c``, the more the other features may move it. The
learner (``learned.select``) picks ``c`` on earlier months only, so where the features add
nothing the residual stays near 0 and the model ranks as the baseline.

Fitted by Newton's method with step halving (a few dense solves of the features' size): a
fit of 20,000 invoices and 60 features takes a fraction of a second, and needs no scikit-learn.
"""

from __future__ import annotations

import numpy as np

MAX_STEPS = 50
TOLERANCE = 1e-8


def _loss(y: np.ndarray, eta: np.ndarray) -> float:
    # sum of log(1 + exp(eta)) - y * eta, computed stably
    return float(np.sum(np.logaddexp(0.0, eta) - np.where(y, eta, 0.0)))


class OffsetLogistic:
    """``fit(x, y)`` and ``predict_proba(x)`` as a scikit-learn classifier; ``offset``: the
    column of ``x`` read as the baseline's log odds (None: no offset, a plain L2 logistic
    regression). After fitting, ``mean_``, ``scale_`` and ``coef_`` cover every column of ``x``
    (the offset column with mean 0, scale 1, coefficient 0) and ``intercept_`` is a float."""

    def __init__(self, c: float, offset: int | None = None, start: OffsetLogistic | None = None):
        self.c = c
        self.offset = offset
        self.start = start
        self.mean_ = np.zeros(0)
        self.scale_ = np.ones(0)
        self.coef_ = np.zeros(0)
        self.intercept_ = 0.0

    def _split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(offset per row, the other columns)."""
        if self.offset is None:
            return np.zeros(len(x)), x
        keep = np.arange(x.shape[1]) != self.offset
        return x[:, self.offset], x[:, keep]

    def fit(self, x: np.ndarray, y: np.ndarray) -> OffsetLogistic:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=bool)
        off, rest = self._split(x)
        mean = rest.mean(axis=0) if len(rest) else np.zeros(rest.shape[1])
        scale = rest.std(axis=0) if len(rest) else np.ones(rest.shape[1])
        scale = np.where(scale > 1e-12, scale, 1.0)
        z = (rest - mean) / scale if self.c > 0 else np.zeros((len(rest), 0))
        design = np.column_stack([np.ones(len(z)), z])
        penalty = np.r_[0.0, np.full(z.shape[1], 1.0 / self.c if self.c > 0 else 0.0)]
        beta = np.zeros(design.shape[1])
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6)) if len(y) else 0.5
        beta[0] = np.log(rate / (1 - rate)) - float(np.mean(off)) if len(y) else 0.0
        beta, self.start = self._warm(beta, mean, scale), None  # a start is used once, not kept

        def objective(b: np.ndarray) -> float:
            return _loss(y, off + design @ b) + 0.5 * float(np.sum(penalty * b * b))

        current = objective(beta)
        for _ in range(MAX_STEPS):
            p = 1.0 / (1.0 + np.exp(-(off + design @ beta)))
            grad = design.T @ (p - y) + penalty * beta
            hess = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(beta))
            step = np.linalg.solve(hess, grad)
            t = 1.0
            while True:  # halve the step until the penalised loss goes down
                trial = beta - t * step
                value = objective(trial)
                if value <= current or t < 1e-6:
                    break
                t /= 2
            done = current - value <= TOLERANCE * max(abs(current), 1.0)
            beta, current = (trial, value) if value <= current else (beta, current)
            if done:
                break
        coef = np.zeros(x.shape[1])
        full_mean, full_scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
        keep = np.arange(x.shape[1]) != (self.offset if self.offset is not None else -1)
        full_mean[keep], full_scale[keep] = mean, scale
        if self.c > 0:
            coef[keep] = beta[1:]
        self.mean_, self.scale_, self.coef_, self.intercept_ = full_mean, full_scale, coef, float(beta[0])
        return self

    def _warm(self, beta: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Where Newton starts: ``start``'s coefficients when it was fitted on the same rows with
        a residual (the same standardisation), else ``beta`` (the base rate's intercept)."""
        s = self.start
        if s is None or s.c <= 0 or self.c <= 0 or s.offset != self.offset or len(s.coef_) != len(mean) + (
                self.offset is not None):
            return beta
        keep = np.arange(len(s.coef_)) != (self.offset if self.offset is not None else -1)
        if not (np.array_equal(s.mean_[keep], mean) and np.array_equal(s.scale_[keep], scale)):
            return beta
        warm: np.ndarray = np.r_[s.intercept_, s.coef_[keep]]
        return warm

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        off = x[:, self.offset] if self.offset is not None else 0.0
        eta: np.ndarray = off + ((x - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        return eta

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.log_odds(x)))
        return np.column_stack([1 - p, p])
