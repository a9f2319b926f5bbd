"""silence: the customer stops answering (seed 000).

Counts the days of the customer's most recent contact attempts that went unanswered: those
after its last answered attempt (an answered one on the same day breaks the run) and within the
last ``window_days`` days up to T. Attempts count by day: three calls unanswered on one morning
are one day of trying, not three of silence. Fires from ``min_attempts`` such days; strength
grows from ``base_strength`` to 1 at ``full_at_attempts``. A run older than the window fades away
even when nobody has called since.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from ..columnar import group_count, group_max
from ..formats import Style
from ..frame import CHANNELS, LedgerFrame
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of

NOUNS = {"call": ("call", "calls"), "email": ("email", "emails"), "visit": ("visit", "visits"),
         "letter": ("letter", "letters")}


class Params(IndicatorParams):
    weight: float = Field(default=0.4, ge=0, le=1)
    min_attempts: int = Field(default=3, ge=1, description=(
        "days with an unanswered attempt, in a row, that make silence (attempts count by day)"))
    window_days: int = Field(default=30, ge=1, description="only attempts of the last N days up to T count")
    full_at_attempts: int = Field(default=6, ge=1, description="days with an unanswered attempt of full strength")
    base_strength: float = Field(default=0.6, ge=0, le=1, description="strength at min_attempts")

    @model_validator(mode="after")
    def _full_after_min(self) -> Params:
        if self.full_at_attempts < self.min_attempts:
            raise ValueError("full_at_attempts: must be at least min_attempts")
        return self


def unanswered_run(frame: LedgerFrame, window_days: int) -> np.ndarray:
    """Mask over attempts: unanswered, after the customer's last answered day, inside the window."""
    n = frame.n_customers
    answered = np.flatnonzero(frame.t_answered)
    last_answered = group_max(frame.t_cust[answered], frame.t_day[answered], n, -1)
    run: np.ndarray = (~frame.t_answered & (frame.t_day > last_answered[frame.t_cust])
                       & (frame.t_day > frame.as_of_day - window_days))
    return run


def attempt_days(frame: LedgerFrame, rows: np.ndarray) -> np.ndarray:
    """Per customer: the distinct days of the attempts ``rows`` (a mask) marks."""
    cust, days = frame.t_cust[rows].astype(np.int64), frame.t_day[rows].astype(np.int64)
    pairs = np.unique(np.stack((cust, days)), axis=1) if len(cust) else np.zeros((2, 0), dtype=np.int64)
    return group_count(pairs[0], frame.n_customers)


def _what(channels: list[str]) -> str:
    count = len(channels)
    kinds = sorted(set(channels))
    if len(kinds) == 1:
        singular, plural = NOUNS[kinds[0]]
        return f"{count} {singular if count == 1 else plural}"
    parts = ", ".join(f"{channels.count(k)} {NOUNS[k][0] if channels.count(k) == 1 else NOUNS[k][1]}"
                      for k in kinds)
    return f"{count} contact attempts ({parts})"


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    run = unanswered_run(frame, params.window_days)
    count = attempt_days(frame, run)
    fired = count >= params.min_attempts
    span = max(params.full_at_attempts - params.min_attempts, 1)
    strength = params.base_strength + (1 - params.base_strength) * (count - params.min_attempts) / span

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        rows = [r for r in rows_of(frame.t_cust, c) if run[r]]
        rows.sort(key=lambda r: frame.t_day[r])
        channels = [CHANNELS[frame.t_channel[r]].value for r in rows]
        text = f"{_what(channels)} on {s.days([int(frame.t_day[r]) for r in rows])} went unanswered"
        answered = [frame.t_day[r] for r in rows_of(frame.t_cust, c) if frame.t_answered[r]]
        last = f"; last answered {s.day(max(answered))}" if answered else "; no answered attempt on record"
        return text + last

    return fired_result("silence", fired, strength, explain, measure=count)


INDICATOR = Indicator("silence", "customer stops answering", ("000",), frozenset({"contact_attempts"}),
                      Params, compute)
