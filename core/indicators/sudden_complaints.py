"""sudden_complaints: an easy client suddenly complains about products or service (seed 000).

Fires when the customer opened a dispute or complaint (Dispute records of either kind, and
manual ``complaint`` signals) in the last ``recent_days`` days up to T, had none in the
``quiet_days`` before that, and has been a customer long enough for that quiet to mean
something: its first invoice was issued at least ``recent_days`` + ``quiet_days`` days
before T. Signals count by their day; their expiry plays no part (the windows are the expiry).
Strength grows from ``base_strength`` by ``extra_strength`` per further complaint.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..columnar import NEVER, group_count
from ..formats import Style
from ..frame import SIGNAL_KINDS, LedgerFrame
from ..model import SignalKind
from .base import Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of

COMPLAINT = SIGNAL_KINDS.index(SignalKind.COMPLAINT)


class Params(IndicatorParams):
    weight: float = Field(default=0.3, ge=0, le=1)
    recent_days: int = Field(default=90, ge=1, description="complaints in the last N days up to T")
    quiet_days: int = Field(default=365, ge=1, description="...after none in the N days before those")
    base_strength: float = Field(default=0.6, ge=0, le=1, description="strength for one complaint")
    extra_strength: float = Field(default=0.2, ge=0, le=1, description="added per further complaint")


def complaint_events(frame: LedgerFrame) -> tuple[np.ndarray, np.ndarray]:
    """(customer, day) of every dispute, complaint and complaint signal known at T."""
    signal = frame.s_kind == COMPLAINT
    return (np.concatenate([frame.d_cust, frame.s_cust[signal]]),
            np.concatenate([frame.d_open, frame.s_day[signal]]))


def first_invoice_day(frame: LedgerFrame) -> np.ndarray:
    """Issue day of each customer's first invoice (NEVER without one).

    Uses that the frame keeps a customer's invoices contiguous (``np.minimum.at`` is far slower).
    """
    rows = np.flatnonzero(~frame.i_credit)
    out = np.full(frame.n_customers, NEVER, dtype=np.int32)
    if len(rows):
        cust = frame.i_cust[rows]
        starts = np.r_[0, np.flatnonzero(cust[1:] != cust[:-1]) + 1]
        out[cust[starts]] = np.minimum.reduceat(frame.i_issue[rows], starts)
    return out


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, t = frame.n_customers, frame.as_of_day
    cust, days = complaint_events(frame)
    recent_from = t - params.recent_days  # recent: recent_from < day <= t
    quiet_from = recent_from - params.quiet_days
    recent = group_count(cust[days > recent_from], n)
    before = group_count(cust[(days > quiet_from) & (days <= recent_from)], n)
    first_invoice = first_invoice_day(frame)
    fired = (recent > 0) & (before == 0) & (first_invoice <= quiet_from)
    strength = params.base_strength + params.extra_strength * (recent - 1)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        items = [(frame.d_open[r], _dispute_text(frame, r, s))
                 for r in rows_of(frame.d_cust, c) if frame.d_open[r] > recent_from]
        items += [(frame.s_day[r], _signal_text(frame, r, s)) for r in rows_of(frame.s_cust, c)
                  if frame.s_kind[r] == COMPLAINT and frame.s_day[r] > recent_from]
        items.sort(key=lambda item: item[0])
        return ("; ".join(text for _, text in items)
                + f"; none from {s.day(quiet_from + 1)} to {s.day(recent_from)}"
                + f" (customer since {s.day(first_invoice[c])})")

    return fired_result("sudden_complaints", fired, strength, explain, measure=recent)


def _dispute_text(frame: LedgerFrame, r: int, s: Style) -> str:
    kind = "complaint" if frame.d_complaint[r] else "dispute"
    on = f" on {frame.i_number[frame.d_inv[r]]}" if frame.d_inv[r] >= 0 else ""
    reason = f' ("{frame.d_reason[r]}")' if frame.d_reason[r] else ""
    return f"{kind}{on} opened {s.day(frame.d_open[r])}{reason}"


def _signal_text(frame: LedgerFrame, r: int, s: Style) -> str:
    note = f' ("{frame.s_note[r]}")' if frame.s_note[r] else ""
    return f"complaint logged {s.day(frame.s_day[r])} by {frame.s_source[r]}{note}"


INDICATOR = Indicator("sudden_complaints", "an easy client suddenly complains", ("000",),
                      frozenset({"disputes"}), Params, compute)
