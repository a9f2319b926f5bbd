"""external_distress: industry or country in trouble; acquisition, merger, change of leadership (seed 004).

Manual or imported signals of kinds industry_distress, country_distress, merger_acquisition
and leadership_change, each with a day and a severity. A signal counts for ``valid_days``
unless it carries its own ``expires_on``. Strength is the highest severity still counting.
It triggers a review: the segment rules put the customer "under review" and the planner opens
a review task for the account's salesperson.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..columnar import group_count, group_max
from ..formats import Style
from ..frame import LedgerFrame
from ..model import DISTRESS_KINDS
from . import signals
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.3, ge=0, le=1)
    valid_days: int = Field(default=180, ge=1, description="days a signal counts without expires_on")


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    active = signals.active_rows(frame, DISTRESS_KINDS, params.valid_days)
    rows = np.flatnonzero(active)
    fired = group_count(frame.s_cust[rows], n) > 0
    strength = group_max(frame.s_cust[rows], frame.s_severity[rows], n, 0.0)
    expires = signals.expiry_days(frame, params.valid_days)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = [r for r in rows_of(frame.s_cust, c) if active[r]]
        mine.sort(key=lambda r: -frame.s_day[r])
        owner = frame.c_salesperson[c]
        review = f"; review with {owner}" if owner else "; review needed"
        return "; ".join(signals.describe(frame, r, expires[r], s) for r in mine) + review

    return fired_result("external_distress", fired, strength, explain, measure=strength)


INDICATOR = Indicator("external_distress", "industry, country or ownership in trouble", ("004",),
                      frozenset(), Params, compute)
