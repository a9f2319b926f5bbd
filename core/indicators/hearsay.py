"""hearsay: you hear about the customer's trouble from other clients (seed 000).

A manual signal of kind ``hearsay`` with its source and confidence. It weighs little and
fades: it counts for ``valid_days`` after the day it was logged unless the signal carries its
own ``expires_on``. Strength is severity * confidence of the strongest signal still counting.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..columnar import group_count, group_max
from ..formats import Style
from ..frame import LedgerFrame
from ..model import SignalKind
from . import signals
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.15, ge=0, le=1, description="low: it is hearsay")
    valid_days: int = Field(default=90, ge=1, description="days a hearsay signal counts without expires_on")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    active = signals.active_rows(frame, (SignalKind.HEARSAY,), params.valid_days)
    rows = np.flatnonzero(active)
    fired = group_count(frame.s_cust[rows], n) > 0
    strength = group_max(frame.s_cust[rows], frame.s_severity[rows] * frame.s_confidence[rows], n, 0.0)
    expires = signals.expiry_days(frame, params.valid_days)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = [r for r in rows_of(frame.s_cust, c) if active[r]]
        mine.sort(key=lambda r: -frame.s_day[r])
        return "; ".join(signals.describe(frame, r, expires[r], s) for r in mine)

    return fired_result("hearsay", fired, strength, explain, measure=strength)


INDICATOR = Indicator("hearsay", "trouble heard from other clients", ("000",), frozenset(), Params, compute)
