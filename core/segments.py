"""Customer segments of warning-signs.md table B (seed 001).

Precedence, first match wins: under_review (fraud suspicion or external distress awaiting a
person), delinquent (91+ days past due, or broken promises together with silence), new (too
little history to know a habit), chronic_late (habit itself beyond terms: the typical lateness
that ``habitual_lateness`` measures, whether or not it is weighted in the score, above
``chronic_late_days``, late in at least ``chronic_late_share`` of its recent paid invoices, and
not a patient case), good.

A patient case pays a little beyond its terms, steadily: its own (unshrunk) lateness is at most
``patient_days`` and the middle half of its recent days late spans at most
``stable_spread_days`` (``Habit.late_spread``). Table B of the domain brief counts a customer
paying "within its terms or its stable habit" as good, and seed 001's example of a good customer
pays within sixty days (on thirty-day terms: a month late, every time); seed 002 gives a month
past due before anything beyond reminders. The default of 35 days is that month and the days a
weekly payment run adds to it. Late by more than that, or erratically late, is a habit beyond
terms: chronic late.
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
    m = habitual_lateness.measure(frame, lateness or habitual_lateness.Params())
    typical = m.typical
    # judged on its own lateness, not the shrunk one: three invoices 50 days late are no patient case
    patient = ((np.nan_to_num(m.own, nan=np.inf) <= rules.patient_days)
               & (np.nan_to_num(h.late_spread, nan=np.inf) <= rules.stable_spread_days))
    late_beyond_terms = (typical > rules.chronic_late_days) & (h.late_share >= rules.chronic_late_share) & ~patient
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
