"""The registry of indicators: one module per warning sign of warning-signs.md table A.

``INDICATORS`` is an immutable tuple in report order; to add one, build a new tuple
(``INDICATORS + (mine,)``) and pass it to ``score``; never mutate this one.
"""

from __future__ import annotations

from . import (
    aging,
    bank_churn,
    disputes,
    failed_payments,
    habit_slip,
    month_end_payer,
    selective_payment,
    slowing_trend,
    volume_drop,
)
from .base import Indicator, IndicatorParams, IndicatorResult

INDICATORS: tuple[Indicator, ...] = (
    volume_drop.INDICATOR,
    failed_payments.INDICATOR,
    bank_churn.INDICATOR,
    disputes.INDICATOR,
    habit_slip.INDICATOR,
    slowing_trend.INDICATOR,
    selective_payment.INDICATOR,
    aging.INDICATOR,
    month_end_payer.INDICATOR,
)

__all__ = ["INDICATORS", "Indicator", "IndicatorParams", "IndicatorResult"]
