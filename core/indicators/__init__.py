"""The registry of indicators: one module per warning sign of warning-signs.md table A.

``INDICATORS`` is an immutable tuple in table A order; to add one, build a new tuple
(``INDICATORS + (mine,)``) and pass it to ``score``; never mutate this one.
"""

from __future__ import annotations

from typing import Any

from . import (
    aging,
    bank_churn,
    broken_promise,
    disputes,
    external_distress,
    failed_payments,
    fraud_suspicion,
    habit_slip,
    hearsay,
    month_end_payer,
    selective_payment,
    silence,
    slowing_trend,
    staff_exodus,
    sudden_complaints,
    volume_drop,
)
from .base import Indicator, IndicatorParams, IndicatorResult

INDICATORS: tuple[Indicator[Any], ...] = (
    silence.INDICATOR,
    sudden_complaints.INDICATOR,
    hearsay.INDICATOR,
    volume_drop.INDICATOR,
    failed_payments.INDICATOR,
    bank_churn.INDICATOR,
    disputes.INDICATOR,
    staff_exodus.INDICATOR,
    habit_slip.INDICATOR,
    slowing_trend.INDICATOR,
    selective_payment.INDICATOR,
    aging.INDICATOR,
    broken_promise.INDICATOR,
    external_distress.INDICATOR,
    fraud_suspicion.INDICATOR,
    month_end_payer.INDICATOR,
)

__all__ = ["INDICATORS", "Indicator", "IndicatorParams", "IndicatorResult"]
