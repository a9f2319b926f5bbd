"""Synthetic signals: one per external-distress, fraud, hearsay and staff-exodus customer whose
trouble has started (fraud suspected 30 days in).

Same kinds and values as the demo's (``arwatch.demo.signals``) where the demo's are fixed; the
distress signal takes the middle of the demo's ranges and does not expire.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arwatch.core.model import Signal, SignalKind

from ..signals import FRAUD_SUSPICION, HEARSAY_EXPIRES_DAYS, HEARSAY_SEVERITY, STAFF_LEFT
from .columns import Days
from .customers import Customers
from .records import Records

#: archetype -> (kind, severity, confidence, days it counts for or None)
SIGNALS: dict[str, tuple[SignalKind, float, float, int | None]] = {
    "external_distress": (SignalKind.INDUSTRY_DISTRESS, 0.7, 0.9, None),
    "fraud_suspicion": (SignalKind.FRAUD_SUSPICION, *FRAUD_SUSPICION, None),
    "hearsay": (SignalKind.HEARSAY, HEARSAY_SEVERITY, 0.3, HEARSAY_EXPIRES_DAYS),
    "staff_exodus": (SignalKind.STAFF_LEFT, *STAFF_LEFT, None),
}


def signal_records(out: Records, book: Customers, cids: list[str], days: Days) -> list[Any]:
    T, day = days.T, days.day
    signals = []
    n = 0
    for name, (kind, severity, confidence, expires) in SIGNALS.items():
        for c in np.flatnonzero(book.is_a[name] & (book.t0 <= T)).tolist():
            on = int(book.t0[c]) + (30 if name == "fraud_suspicion" else 0)
            if on > T:
                continue
            signals.append(out(Signal, {"id": f"S{n:07d}", "customer_id": cids[c], "kind": kind, "on": day(on),
                                        "source": "manual", "note": name.replace("_", " "),
                                        "severity": severity, "confidence": confidence,
                                        "expires_on": day(on + expires) if expires else None}))
            n += 1
    return signals
