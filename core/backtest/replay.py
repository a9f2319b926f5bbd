"""Replay: score the ledger as it was known at each week or month end, as arwatch would have.

The frame is built once from the whole ledger; each replay day T cuts it with
``frame.as_of_date(T)`` (nothing dated after T survives the cut, so no look-ahead) and runs
the normal scorer. What the scorer said is kept per customer, per open invoice, and for
"queries" (customer, day) that need the latest snapshot known on a given day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..frame import LedgerFrame, date_of
from ..indicators.aging import oldest_days_past_due
from ..policy import Policy
from ..scoring import score
from ..settlement import settlement

Progress = Callable[[int, int], None]  # (days replayed so far, days in all): told after each replay day

def replay_days(start: dt.date, end: dt.date, every: str = "week") -> tuple[dt.date, ...]:
    """Month ends or week ends (Sundays) from ``start`` to ``end``, both included; "day" = every day."""
    if every == "day":
        return tuple(date_of(d) for d in range(start.toordinal(), end.toordinal() + 1))
    if every == "week":
        first = start + dt.timedelta(days=(6 - start.weekday()) % 7)
        return tuple(first + dt.timedelta(weeks=k) for k in range(max(0, (end - first).days // 7 + 1)))
    if every == "month":
        out: list[dt.date] = []
        y, m = start.year, start.month
        while True:
            last = dt.date(y, m, calendar.monthrange(y, m)[1])
            if last > end:
                return tuple(out)
            if last >= start:
                out.append(last)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    raise ValueError(f"every: expected day, week or month, not {every!r}")


@dataclass(frozen=True)
class Replay:
    """What the scorer said on each replay day.

    Attributes:
      days: replay day numbers, ascending (n_days).
      score, level, segment, top: [day, customer] score 0-100, level and segment indexes, and the
        index of the indicator contributing most (-1 when none fired).
      dpd: [day, customer] days past due of the oldest open invoice (<= 0: nothing overdue).
      indicators: indicator ids, in the order of ``query_strength`` columns.
      query_snapshot: per query, the replay-day index it read (-1: no replay day yet).
      query_score, query_dpd, query_strength: the snapshot's values for the query's customer.
      query_measure: the snapshot's raw measure of each indicator (``IndicatorResult.measure``,
        0 for an indicator without one), columns as ``query_strength``.
      open_day, open_invoice, open_dpd, open_residual: one row per invoice open on a replay
        day (index into ``days``, invoice index of the full frame, days past due, open amount).
    """

    days: np.ndarray
    score: np.ndarray
    level: np.ndarray
    segment: np.ndarray
    top: np.ndarray
    dpd: np.ndarray
    indicators: tuple[str, ...]
    query_snapshot: np.ndarray
    query_score: np.ndarray
    query_dpd: np.ndarray
    query_strength: np.ndarray
    query_measure: np.ndarray
    open_day: np.ndarray
    open_invoice: np.ndarray
    open_dpd: np.ndarray
    open_residual: np.ndarray


def replay(full: LedgerFrame, days: tuple[dt.date, ...], policy: Policy | None = None,
           query_cust: np.ndarray | None = None, query_day: np.ndarray | None = None,
           progress: Progress | None = None) -> Replay:
    """Score ``full`` as of each of ``days``; answer queries from the latest day <= query day.
    ``progress(done, total)`` is called after each day (the CLI draws a bar with it)."""
    policy = policy or Policy()
    n_days, n_cust = len(days), full.n_customers
    q_cust = np.zeros(0, np.int64) if query_cust is None else np.asarray(query_cust, np.int64)
    q_day = np.zeros(0, np.int64) if query_day is None else np.asarray(query_day, np.int64)
    day_numbers = np.array([d.toordinal() for d in days], dtype=np.int64)
    snap = np.searchsorted(day_numbers, q_day, side="right") - 1
    out = {name: np.zeros((n_days, n_cust), dtype) for name, dtype in
           (("score", np.float32), ("level", np.int8), ("segment", np.int8), ("top", np.int8), ("dpd", np.int32))}
    indicators: tuple[str, ...] = ()
    q_score, q_dpd = np.zeros(len(q_cust)), np.zeros(len(q_cust))
    q_strength: np.ndarray | None = None
    q_measure: np.ndarray | None = None
    opened: list[tuple[np.ndarray, ...]] = []
    for k, d in enumerate(days):
        frame = full.as_of_date(d)
        board = score(frame, policy)
        indicators = tuple(r.indicator for r in board.results)
        dpd = oldest_days_past_due(frame)
        out["score"][k], out["level"][k], out["segment"][k] = board.score, board.level, board.segment
        any_fired = (board.contributions.max(axis=0, initial=0.0) > 0 if len(board.contributions)
                     else np.zeros(n_cust, bool))
        out["top"][k] = (np.where(any_fired, np.argmax(board.contributions, axis=0), -1) if len(board.contributions)
                         else -1)
        out["dpd"][k] = np.clip(dpd, -(2**31) + 1, 2**31 - 1)
        if q_strength is None or q_measure is None:
            q_strength = np.zeros((len(q_cust), len(indicators)))
            q_measure = np.zeros((len(q_cust), len(indicators)))
        asks = np.flatnonzero(snap == k)
        if len(asks):
            c = q_cust[asks]
            q_score[asks], q_dpd[asks] = board.score[c], dpd[c]
            q_strength[asks] = np.stack([r.strength[c] for r in board.results], axis=1)
            q_measure[asks] = np.stack([r.measure[c] if r.measure is not None else np.zeros(len(c))
                                        for r in board.results], axis=1)
        opened.append(_open_rows(full, frame, k))
        if progress is not None:
            progress(k + 1, n_days)
    q_strength = np.zeros((len(q_cust), 0)) if q_strength is None else q_strength
    q_measure = np.zeros((len(q_cust), 0)) if q_measure is None else q_measure
    o = ([np.concatenate(col) if opened else np.zeros(0) for col in zip(*opened, strict=False)] if opened
         else [np.zeros(0)] * 4)
    return Replay(day_numbers, out["score"], out["level"], out["segment"], out["top"], out["dpd"], indicators,
                  snap, q_score, q_dpd, q_strength, q_measure, o[0].astype(np.int32), o[1].astype(np.int64),
                  o[2].astype(np.int32), o[3].astype(np.float64))


def _open_rows(full: LedgerFrame, frame: LedgerFrame, k: int) -> tuple[np.ndarray, ...]:
    """(day index, full-frame invoice index, days past due, residual) of invoices open in ``frame``."""
    st = settlement(frame)
    rows = np.flatnonzero(st.is_open)
    full_index = np.flatnonzero(full.i_issue <= frame.as_of_day)[rows]
    return (np.full(len(rows), k, np.int32), full_index, (frame.as_of_day - frame.i_due[rows]).astype(np.int32),
            st.residual[rows])
