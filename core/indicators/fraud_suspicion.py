"""fraud_suspicion: identity theft or other fraud behind the non-payment (seed 002).

A manual signal of kind ``fraud_suspicion`` that has not expired (by default it never expires
on its own: a person clears it by setting ``expires_on``). Strength is 1, or the signal's
severity when ``strength_from_severity`` is set. The planner stops automated dunning for a
customer on which this fired and opens an investigation task.
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
    weight: float = Field(default=0.6, ge=0, le=1)
    valid_days: int = Field(default=0, ge=0,
                            description="days a signal counts without expires_on (0: until expires_on is set)")
    strength_from_severity: bool = Field(default=False, description="strength = severity instead of 1")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    valid_days = params.valid_days or None
    active = signals.active_rows(frame, (SignalKind.FRAUD_SUSPICION,), valid_days)
    rows = np.flatnonzero(active)
    fired = group_count(frame.s_cust[rows], n) > 0
    strength = (group_max(frame.s_cust[rows], frame.s_severity[rows], n, 0.0)
                if params.strength_from_severity else np.ones(n))
    expires = signals.expiry_days(frame, valid_days)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = [r for r in rows_of(frame.s_cust, c) if active[r]]
        mine.sort(key=lambda r: -frame.s_day[r])
        return "; ".join(signals.describe(frame, r, expires[r], s) for r in mine) + "; automated dunning stopped"

    severity = group_max(frame.s_cust[rows], frame.s_severity[rows], n, 0.0)
    return fired_result("fraud_suspicion", fired, strength, explain, measure=np.where(fired, severity, 0.0))


INDICATOR = Indicator("fraud_suspicion", "fraud behind the non-payment", ("002",), frozenset(),
                      Params, compute)
