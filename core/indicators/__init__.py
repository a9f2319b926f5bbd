"""The registry of indicators: one module per warning sign of warning-signs.md table A.

``INDICATORS`` is an immutable tuple in report order; to add one, build a new tuple
(``INDICATORS + (mine,)``) and pass it to ``score``; never mutate this one.
"""

from __future__ import annotations

from . import aging, habit_slip
from .base import Indicator, IndicatorParams, IndicatorResult

INDICATORS: tuple[Indicator, ...] = (
    habit_slip.INDICATOR,
    aging.INDICATOR,
)

__all__ = ["INDICATORS", "Indicator", "IndicatorParams", "IndicatorResult"]
