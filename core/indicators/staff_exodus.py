"""staff_exodus: key staff of the customer leave (seed 000).

Fires when at least ``min_archived`` of the customer's contacts were archived in the last
``window_days`` days up to T, or when a manual ``staff_left`` signal still counts (for
``valid_days`` unless it carries ``expires_on``). Strength is the larger of the contact part
(``base_strength`` at ``min_archived``, 1 at ``full_at_archived``) and the strongest signal's
severity * confidence.

``needs`` is empty on purpose: a source without contacts (QuickBooks) still has manual
signals, so the indicator runs on those alone. The result then stays available, names the
missing part in ``unavailable_reason``, and the evidence says the contacts were not looked at.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from ..columnar import group_count, group_max
from ..formats import Style
from ..frame import LedgerFrame
from ..model import SignalKind
from . import signals
from .base import SOURCE_NAMES, Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.25, ge=0, le=1)
    min_archived: int = Field(default=2, ge=1, description="contacts archived in the window that make an exodus")
    window_days: int = Field(default=182, ge=1, description="archivings of the last N days up to T (6 months)")
    full_at_archived: int = Field(default=4, ge=1, description="archived contacts of full strength")
    base_strength: float = Field(default=0.6, ge=0, le=1, description="strength at min_archived")
    valid_days: int = Field(default=180, ge=1, description="days a staff_left signal counts without expires_on")

    @model_validator(mode="after")
    def _full_after_min(self) -> Params:
        if self.full_at_archived < self.min_archived:
            raise ValueError("full_at_archived: must be at least min_archived")
        return self


def contact_part(frame: LedgerFrame, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """(mask over contacts archived in the window, strength per customer from them)."""
    recent = frame.k_archived > frame.as_of_day - params.window_days  # NEVER (not archived by T) excluded
    recent &= frame.k_archived <= frame.as_of_day
    count = group_count(frame.k_cust[recent], frame.n_customers)
    span = max(params.full_at_archived - params.min_archived, 1)
    strength = params.base_strength + (1 - params.base_strength) * (count - params.min_archived) / span
    return recent, np.where(count >= params.min_archived, np.clip(strength, 0, 1), 0.0)


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n = frame.n_customers
    has_contacts = "contacts" not in frame.unavailable
    if has_contacts:
        archived, from_contacts = contact_part(frame, params)
        fired = from_contacts > 0
    else:
        archived, from_contacts = np.zeros(len(frame.k_cust), dtype=bool), np.zeros(n)
        fired = np.zeros(n, dtype=bool)
    active = signals.active_rows(frame, (SignalKind.STAFF_LEFT,), params.valid_days)
    rows = np.flatnonzero(active)
    fired = fired | (group_count(frame.s_cust[rows], n) > 0)
    strength = np.maximum(from_contacts, group_max(frame.s_cust[rows],
                                                   frame.s_severity[rows] * frame.s_confidence[rows], n, 0.0))
    expires = signals.expiry_days(frame, params.valid_days)
    where = f"not available from {SOURCE_NAMES.get(frame.source, frame.source)}"
    missing = "" if has_contacts else f"{where}: contacts"

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        parts = []
        gone = sorted((r for r in rows_of(frame.k_cust, c) if archived[r]), key=lambda r: frame.k_archived[r])
        if len(gone) >= params.min_archived:
            since = s.day(frame.as_of_day - params.window_days + 1)
            who = ", ".join(f"{frame.k_name[r]} on {s.day(frame.k_archived[r])}" for r in gone)
            parts.append(f"{len(gone)} contacts archived since {since}: {who}")
        mine = sorted((r for r in rows_of(frame.s_cust, c) if active[r]), key=lambda r: -frame.s_day[r])
        parts += [signals.describe(frame, r, expires[r], s) for r in mine]
        if missing:
            parts.append(f"archived contacts {where}")
        return "; ".join(parts)

    gone = group_count(frame.k_cust[archived], n) if has_contacts else np.zeros(n)
    result = fired_result("staff_exodus", fired, strength, explain, measure=gone + strength)
    return IndicatorResult(result.indicator, result.fired, result.strength, explain, unavailable_reason=missing,
                           measure=result.measure)


INDICATOR = Indicator("staff_exodus", "key staff of the customer leave", ("000",), frozenset(), Params, compute)
