"""Customer segments of warning-signs.md table B (seed 001).

Precedence, first match wins: under_review (fraud suspicion or external distress awaiting a
person), delinquent (91+ days past due, or broken promises together with silence), new (too
little history to know a habit), chronic_late (habit itself beyond terms: the typical lateness
that ``habitual_lateness`` measures, whether or not it is weighted in the score, above
``chronic_late_days``, late in at least ``chronic_late_share`` of its recent paid invoices),
good.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .frame import LedgerFrame
from .habit import habit
from .indicators import habitual_lateness
from .indicators.aging import oldest_days_past_due
from .indicators.base import IndicatorResult
from .policy import SegmentPolicy

SEGMENTS: tuple[str, ...] = ("good", "new", "chronic_late", "delinquent", "under_review")


def _fired(results: Mapping[str, IndicatorResult], indicator: str, n: int) -> np.ndarray:
    result = results.get(indicator)
    return result.fired if result is not None else np.zeros(n, dtype=bool)


def segment(frame: LedgerFrame, results: Mapping[str, IndicatorResult], rules: SegmentPolicy,
            lateness: habitual_lateness.Params | None = None) -> np.ndarray:
    """Segment index (into ``SEGMENTS``) per customer; ``lateness``: the policy's
    ``habitual_lateness`` parameters (its defaults when None)."""
    n = frame.n_customers
    h = habit(frame)
    typical = habitual_lateness.measure(frame, lateness or habitual_lateness.Params()).typical
    late_beyond_terms = (typical > rules.chronic_late_days) & (h.late_share >= rules.chronic_late_share)
    conditions = [  # highest precedence first
        ("under_review", _fired(results, "fraud_suspicion", n) | _fired(results, "external_distress", n)),
        ("delinquent", (oldest_days_past_due(frame) >= rules.delinquent_days)
         | (_fired(results, "broken_promise", n) & _fired(results, "silence", n))),
        ("new", h.paid_count < rules.new_below_paid),
        ("chronic_late", late_beyond_terms),
    ]
    out = np.full(n, SEGMENTS.index("good"), dtype=np.int8)
    for name, condition in reversed(conditions):
        out[condition] = SEGMENTS.index(name)
    return out
