"""Manual and imported signals (``s_*`` rows): which count at T, and how to show one.

Shared by the signal-driven indicators (hearsay, staff_exodus, external_distress,
fraud_suspicion). A signal counts from its day ``on`` through its ``expires_on`` day
inclusive; without ``expires_on`` it counts for the indicator's default number of days
(or forever when that default is None).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..columnar import NEVER
from ..formats import Style
from ..frame import SIGNAL_KINDS, LedgerFrame
from ..model import SignalKind


def kind_codes(kinds: Iterable[SignalKind]) -> np.ndarray:
    """The ``s_kind`` codes of ``kinds``."""
    return np.asarray(sorted(SIGNAL_KINDS.index(k) for k in kinds), dtype=np.int8)


def expiry_days(frame: LedgerFrame, default_valid_days: int | None) -> np.ndarray:
    """Last day each signal counts: ``expires_on``, else ``on`` + default (NEVER if None)."""
    fallback = (frame.s_day.astype(np.int64) + default_valid_days if default_valid_days is not None
                else np.full(len(frame.s_day), int(NEVER), dtype=np.int64))
    return np.where(frame.s_expires != NEVER, frame.s_expires.astype(np.int64), fallback)


def active_rows(frame: LedgerFrame, kinds: Iterable[SignalKind], default_valid_days: int | None) -> np.ndarray:
    """Boolean mask over signal rows: of one of ``kinds`` and not expired at the frame's day.

    The frame already holds only signals dated on or before T, so no later signal counts.
    """
    wanted = np.isin(frame.s_kind, kind_codes(kinds))
    return wanted & (frame.as_of_day <= expiry_days(frame, default_valid_days))


def describe(frame: LedgerFrame, row: int, expires: int, s: Style) -> str:
    """One signal as checkable evidence: kind, day, source, note, severity, confidence, expiry."""
    kind = SIGNAL_KINDS[frame.s_kind[row]].value.replace("_", " ")
    note = f': "{frame.s_note[row]}"' if frame.s_note[row] else ""
    until = "" if expires >= NEVER else f", counts until {s.day(expires)}"
    return (f"{kind} logged {s.day(frame.s_day[row])} by {frame.s_source[row]}{note} "
            f"(severity {s.number(frame.s_severity[row], 2)}, "
            f"confidence {s.number(frame.s_confidence[row], 2)}{until})")
