"""A fit of the learned model uses at most ``MAX_FIT_ROWS`` rows, thinned evenly in time; below
that, every row in date order, as always."""

import numpy as np

from arwatch.core.backtest import learned as ml


class Recorder:
    """A classifier that keeps what it was fitted on."""

    def __init__(self) -> None:
        self.x = np.zeros((0, 0))
        self.y = np.zeros(0, dtype=bool)

    def fit(self, x, y):
        self.x, self.y = x.copy(), y.copy()
        return self


def rows(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    day = rng.permutation(np.arange(n)) + 700_000  # out of order, one row per day
    x = np.c_[day.astype(float), rng.normal(size=n)]
    return x, rng.random(n) < 0.3, day


def test_fit_rows__below_the_cap_every_row_in_date_order(monkeypatch):
    monkeypatch.setattr(ml, "MAX_FIT_ROWS", 1000)
    x, y, day = rows(1000)
    fitted = ml._fit(Recorder(), x, y, day)
    order = np.argsort(day, kind="stable")
    assert np.array_equal(fitted.x, x[order]) and np.array_equal(fitted.y, y[order])


def test_fit_rows__above_the_cap_rows_thinned_evenly_over_the_whole_history(monkeypatch):
    monkeypatch.setattr(ml, "MAX_FIT_ROWS", 1000)
    x, y, day = rows(10_000)
    fitted = ml._fit(Recorder(), x, y, day)
    kept_days = fitted.x[:, 0]
    assert len(kept_days) == 1000
    assert np.all(np.diff(kept_days) > 0)  # date order, no row twice
    assert kept_days[0] == day.min() and kept_days[-1] == day.max()  # the oldest and the newest kept
    assert np.histogram(kept_days, bins=10)[0].tolist() == [100] * 10  # every tenth of history its share
    rows_of = {d: i for i, d in enumerate(x[:, 0])}
    assert all(fitted.y[j] == y[rows_of[d]] for j, d in enumerate(kept_days))  # labels stay with their rows
    again = ml._fit(Recorder(), x, y, day)
    assert np.array_equal(again.x, fitted.x)  # the same rows give the same fit


def test_fit_rows__a_rare_outcome_missed_by_the_thinning_keeps_every_row(monkeypatch):
    monkeypatch.setattr(ml, "MAX_FIT_ROWS", 1000)
    x, _, day = rows(10_000)
    order = np.argsort(day, kind="stable")
    kept = set(order[ml._thinned(10_000)].tolist())
    y = np.zeros(10_000, dtype=bool)
    y[[i for i in order if i not in kept][:ml.MIN_POSITIVES]] = True  # the only late ones, all between kept rows
    fitted = ml._fit(Recorder(), x, y, day)
    assert len(fitted.y) == 10_000 and int(fitted.y.sum()) == ml.MIN_POSITIVES


def test_fit_rows__a_regressor_is_thinned_too(monkeypatch):
    monkeypatch.setattr(ml, "MAX_FIT_ROWS", 1000)
    x, _, day = rows(10_000)
    fitted = ml._fit(Recorder(), x, day.astype(float), day)
    assert len(fitted.y) == 1000
