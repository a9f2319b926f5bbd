"""The contact attempts on record: each customer's last one, and how a person reads it."""

from __future__ import annotations

import numpy as np

from . import formats
from .frame import CHANNELS, LedgerFrame, date_of


def last_attempt(frame: LedgerFrame, since: np.ndarray | None = None) -> np.ndarray:
    """Per customer: the row (``t_*``) of its last contact attempt on or after ``since`` (a day
    number per customer; all attempts when None), -1 when there is none."""
    keep = np.ones(len(frame.t_cust), dtype=bool) if since is None else frame.t_day >= since[frame.t_cust]
    rows = np.flatnonzero(keep)
    out = np.full(frame.n_customers, -1, dtype=np.int64)
    out[frame.t_cust[rows]] = rows  # the rows are in (customer, day) order: the last one wins
    return out


def describe_attempt(frame: LedgerFrame, row: int, locale: str = formats.DEFAULT_LOCALE) -> str:
    """'3 Nov 2026, call, not answered (voicemail left)' (the day in ``locale``)."""
    channel = CHANNELS[int(frame.t_channel[row])].value
    answered = "answered" if frame.t_answered[row] else "not answered"
    outcome = str(frame.t_outcome[row] or "").strip()
    when = formats.day(date_of(int(frame.t_day[row])), locale)
    return f"{when}, {channel}, {answered}" + (f" ({outcome})" if outcome else "")
