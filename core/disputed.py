"""Disputes hold their invoice out of dunning (issue 18.5).

An invoice is held by a dispute while a dispute on it (not a complaint) is open on the frame's
day and covers what is open: a dispute without an amount covers the whole invoice, one with an
amount covers it once the open amount is no more than the disputed one (the rest of a partly
disputed invoice is dunned as usual: the letters and calls ask for its undisputed part and name
the disputed one, ``under_dispute``). A held invoice is not overdue for the ladder, the hold or
delinquency (``indicators.aging.oldest_days_past_due``) and no step is about it. A dispute ends
on its resolution day, or on the first payment or credit note applied to the invoice after it
was opened (the customer was credited, or paid: either settles the argument). Short payment
stays a warning sign (``selective_payment``, ``disputes``).
"""

from __future__ import annotations

import numpy as np

from .columnar import NEVER
from .frame import LedgerFrame
from .settlement import TOLERANCE, settlement


def _settled_after_opening(frame: LedgerFrame) -> np.ndarray:
    """Per dispute row: the day of the first allocation to its invoice on or after it was opened
    (NEVER when none, or for a dispute on the account)."""
    out = np.full(len(frame.d_inv), NEVER, dtype=np.int64)
    on_invoice = np.flatnonzero(frame.d_inv >= 0)
    if not len(on_invoice) or not len(frame.a_inv):
        return out
    key = frame.a_inv.astype(np.int64) * 2**32 + frame.a_day.astype(np.int64)  # allocations by (invoice, day)
    wanted = frame.d_inv[on_invoice].astype(np.int64) * 2**32 + frame.d_open[on_invoice].astype(np.int64)
    k = np.searchsorted(key, wanted, side="left")
    found = (k < len(key)) & (frame.a_inv[np.minimum(k, len(key) - 1)] == frame.d_inv[on_invoice])
    out[on_invoice[found]] = frame.a_day[k[found]]
    return out


def open_disputes(frame: LedgerFrame) -> np.ndarray:
    """Per dispute row: a dispute (not a complaint) still open on the frame's day."""
    ended = np.minimum(frame.d_resolved.astype(np.int64), _settled_after_opening(frame))
    still: np.ndarray = ~frame.d_complaint & (ended > frame.as_of_day)
    return still


def _disputed(frame: LedgerFrame) -> np.ndarray:
    """Per invoice (``i_*``): what its open disputes dispute (inf for one without an amount: all
    of it; 0: none), cached on the frame."""
    cached: np.ndarray | None = frame.extra.get("disputed")
    if cached is not None:
        return cached
    rows = np.flatnonzero(open_disputes(frame) & (frame.d_inv >= 0))
    disputed = np.zeros(len(frame.i_id), dtype=np.float64)
    np.add.at(disputed, frame.d_inv[rows], np.where(np.isnan(frame.d_amount[rows]), np.inf, frame.d_amount[rows]))
    frame.extra["disputed"] = disputed
    return disputed


def held_by_dispute(frame: LedgerFrame) -> np.ndarray:
    """Per invoice (``i_*``): open, and covered by an open dispute on it (cached on the frame)."""
    cached: np.ndarray | None = frame.extra.get("held_by_dispute")
    if cached is not None:
        return cached
    st, disputed = settlement(frame), _disputed(frame)
    held: np.ndarray = st.is_open & (disputed > 0) & (disputed >= st.residual - TOLERANCE)
    frame.extra["held_by_dispute"] = held
    return held


def under_dispute(frame: LedgerFrame) -> np.ndarray:
    """Per invoice (``i_*``): the part of its open amount an open dispute holds, not asked for
    while it is open (all of it for an invoice ``held_by_dispute``; 0 for one not open)."""
    st = settlement(frame)
    held: np.ndarray = np.where(st.is_open, np.minimum(_disputed(frame), st.residual), 0.0)
    return held
