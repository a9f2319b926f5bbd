"""The registry of indicators: one module per warning sign of warning-signs.md table A.

``INDICATORS`` is an immutable tuple in report order; to add one, build a new tuple
(``INDICATORS + (mine,)``) and pass it to ``score``; never mutate this one.
"""

from __future__ import annotations

from . import (aging, broken_promise, external_distress, fraud_suspicion, habit_slip, hearsay, silence,
               staff_exodus, sudden_complaints)
from .base import Indicator, IndicatorParams, IndicatorResult

INDICATORS: tuple[Indicator, ...] = (
    silence.INDICATOR,
    sudden_complaints.INDICATOR,
    hearsay.INDICATOR,
    staff_exodus.INDICATOR,
    habit_slip.INDICATOR,
    aging.INDICATOR,
    broken_promise.INDICATOR,
    external_distress.INDICATOR,
    fraud_suspicion.INDICATOR,
)

__all__ = ["INDICATORS", "Indicator", "IndicatorParams", "IndicatorResult"]
