"""disputes: too many disputes, short payment ("paid only half") (seed 000).

Three measures over invoices issued in the last ``window_days`` (12 months), any of which fires:
- rate: the share of the invoices issued in the window that were disputed by T (a dispute record
  on the invoice, or its flag known by T; an invoice disputed twice counts once; at least
  ``min_disputes`` invoices), and more than the company's other customers' rate explains.
  Numerator and denominator count the same invoices: the rate is never over 100%, and a dispute
  opened in the window on an invoice issued before it counts for neither. A dispute on the
  account (no invoice) is no invoice disputed: only the open measure sees it. "Too many"
  disputes is many for this company. Where a fifth of all invoices is disputed (a business whose
  customers query invoices as routine), a customer disputing a fifth of its own is its norm, not
  a warning sign; where disputes are rare, two in ten is one. The test is one-sided and binomial:
  the chance of at least the customer's count of disputed invoices among its invoices at the
  other customers' rate (their share of invoices issued in the same window that were disputed)
  must be below ``norm_significance`` (5%). Without other customers' invoices in the window
  there is nothing to compare with, and the rate alone decides;
- open: disputes unresolved at T and opened more than ``open_after_days`` ago;
- short: share of those invoices settled short (a credit note applied, ``short_paid``) or
  partly paid and past due at T (at least ``min_short`` invoices).

Complaints (``kind == complaint``) are left to ``sudden_complaints``. An invoice flagged
``disputed`` by the source (a file column) without a dispute record counts as a dispute opened
on the day the flag became known (``i_disputed_day``: the source's date, else the day the
invoice was settled, else the snapshot's day; never the invoice day, which would be looking
ahead: IBM's Disputed yes/no is only written once the invoice is closed): its invoice counts as
disputed from that day on, and the dispute is open while the invoice is open. Missing dispute
data (no records, no flags) means the rate and open measures see no dispute: only the
short-payment measure can fire, and when the ledger declares "disputes" unavailable the evidence
says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import Field

from .. import wording
from ..formats import Style
from ..frame import LedgerFrame
from ..settlement import TOLERANCE, Settlement, settlement
from .base import SOURCE_NAMES, Indicator, IndicatorParams, IndicatorResult, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.3, ge=0, le=1)
    window_days: int = Field(default=365, ge=1, description="days of invoices and disputes measured")
    min_rate: float = Field(default=0.2, gt=0, le=10, description="share of the invoices issued that were disputed "
                                                                   "that fires")
    min_disputes: int = Field(default=2, ge=1, description="...with at least this many invoices disputed")
    norm_significance: float = Field(default=0.05, gt=0, le=1,
                                     description="...and at least this many invoices disputed are less likely than "
                                                 "this at the other customers' share disputed (1: the rate alone "
                                                 "decides)")
    open_after_days: int = Field(default=30, ge=0, description="age from which an open dispute counts")
    min_open: int = Field(default=1, ge=1, description="open disputes older than that which fire")
    short_share: float = Field(default=0.25, gt=0, le=1, description="share of invoices settled short that fires")
    min_short: int = Field(default=2, ge=1, description="...with at least this many invoices")


@dataclass(frozen=True)
class Measures:
    """Per-customer counts, and the row masks the evidence is rendered from."""

    issued: np.ndarray
    disputes: np.ndarray  # of the invoices issued in the window, those disputed by T
    open_old: np.ndarray
    short: np.ndarray
    d_window: np.ndarray  # dispute rows on the invoices issued in the window, opened by T
    d_open_old: np.ndarray  # dispute rows open and old
    flag_window: np.ndarray  # invoice rows issued in the window flagged disputed (no record), known by T
    flag_open_old: np.ndarray  # ... still open and known for long
    short_rows: np.ndarray  # invoice rows settled short or partly paid past due
    others_rate: np.ndarray  # per customer, the other customers' share of invoices in the window disputed (NaN: none)


def measures(frame: LedgerFrame, params: Params) -> Measures:
    n, t = frame.n_customers, frame.as_of_day
    st = settlement(frame)
    invoice = ~frame.i_credit
    in_window = invoice & (frame.i_issue > t - params.window_days)
    dispute = ~frame.d_complaint
    d_window = dispute & (frame.d_inv >= 0) & (frame.d_open <= t)
    d_window[d_window] = in_window[frame.d_inv[d_window]]  # on an invoice issued in the window
    d_open_old = dispute & (frame.d_resolved > t) & (t - frame.d_open > params.open_after_days)
    recorded = np.zeros(len(frame.i_id), dtype=bool)
    recorded[frame.d_inv[dispute & (frame.d_inv >= 0)]] = True
    flagged = invoice & frame.i_disputed & ~recorded
    known = frame.i_disputed_day.astype(np.int64)
    flag_window = flagged & in_window & (known <= t)  # no look-ahead: counted from the day the flag became known
    flag_open_old = flagged & st.is_open & (t - known > params.open_after_days)
    partly = st.is_open & (st.paid > TOLERANCE) & (t > frame.i_due)
    short_rows = in_window & (st.short_paid | partly)
    issued = np.bincount(frame.i_cust[in_window], minlength=n)
    disputed = flag_window.copy()
    disputed[frame.d_inv[d_window]] = True
    counted = np.bincount(frame.i_cust[disputed], minlength=n)
    others_issued = issued.sum() - issued
    others_rate = np.where(others_issued > 0, (counted.sum() - counted) / np.maximum(others_issued, 1), np.nan)
    return Measures(
        issued=issued,
        disputes=counted,
        open_old=np.bincount(frame.d_cust[d_open_old], minlength=n)
        + np.bincount(frame.i_cust[flag_open_old], minlength=n),
        short=np.bincount(frame.i_cust[short_rows], minlength=n),
        d_window=d_window, d_open_old=d_open_old, flag_window=flag_window, flag_open_old=flag_open_old,
        short_rows=short_rows, others_rate=others_rate,
    )


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed exactly (in logs) over k..n."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    head = math.lgamma(n + 1)
    terms = [head - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_p + (n - j) * log_q for j in range(k, n + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms))


def beyond_norm(m: Measures, candidates: np.ndarray, significance: float) -> np.ndarray:
    """Per customer: its disputes are improbably many at the other customers' rate (True where
    there is no other customer's invoice to compare with). Only ``candidates`` are tested, each
    distinct (disputes, invoices, rate) once."""
    out = np.ones(len(m.issued), dtype=bool)
    if significance >= 1:
        return out
    rows = np.flatnonzero(candidates & np.isfinite(m.others_rate))
    cache: dict[tuple[int, int, float], bool] = {}
    for c in rows:
        key = (int(m.disputes[c]), int(m.issued[c]), float(m.others_rate[c]))
        if key not in cache:
            cache[key] = binomial_tail(*key) < significance
        out[c] = cache[key]
    return out


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    m = measures(frame, params)
    issued = np.maximum(m.issued, 1)
    rate, share = m.disputes / issued, m.short / issued
    by_rate = (m.disputes >= params.min_disputes) & (rate >= params.min_rate)
    by_rate &= beyond_norm(m, by_rate, params.norm_significance)
    by_open = m.open_old >= params.min_open
    by_short = (m.short >= params.min_short) & (share >= params.short_share)
    strength = np.maximum.reduce([
        np.where(by_rate, rate / (2 * params.min_rate), 0.0),
        np.where(by_open, 0.5 + 0.25 * (m.open_old - params.min_open), 0.0),
        np.where(by_short, share / (2 * params.short_share), 0.0),
    ])
    st = settlement(frame)
    no_records = "disputes" in frame.unavailable

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        parts = []
        if by_rate[c]:
            parts.append(f"{m.disputes[c]} of {m.issued[c]} invoices issued in the last {params.window_days} days "
                         f"disputed ({s.percent(rate[c])}): "
                         + "; ".join(dispute_lines(frame, c, m.d_window, m.flag_window, s)))
        if by_open[c]:
            parts.append(f"{wording.plural(m.open_old[c], 'open dispute')} older than {params.open_after_days} days: "
                         + "; ".join(dispute_lines(frame, c, m.d_open_old, m.flag_open_old, s, open_at=True)))
        if by_short[c]:
            rows = [r for r in rows_of(frame.i_cust, c) if m.short_rows[r]]
            parts.append(f"{m.short[c]} of {m.issued[c]} invoices ({s.percent(share[c])}) settled short or partly "
                         f"paid past due: " + "; ".join(short_line(frame, st, r, s) for r in rows[:5]))
        if no_records:
            parts.append(f"dispute records not available from {SOURCE_NAMES.get(frame.source, frame.source)}")
        return "; ".join(parts)

    return fired_result("disputes", by_rate | by_open | by_short, strength, explain,
                        measure=m.disputes + m.open_old + m.short)


def dispute_lines(frame: LedgerFrame, c: int, d_rows: np.ndarray, flag_rows: np.ndarray, s: Style,
                  open_at: bool = False) -> list[str]:
    """Evidence lines for the customer's dispute records and flagged invoices in the masks."""
    t, lines = frame.as_of_day, []
    for d in rows_of(frame.d_cust, c):
        if d_rows[d]:
            inv = frame.d_inv[d]
            on = f" on {frame.i_number[inv]} ({s.money(frame.i_total[inv])})" if inv >= 0 else " on the account"
            reason = f" \"{frame.d_reason[d]}\"" if frame.d_reason[d] else ""
            since = f", {wording.days(t - frame.d_open[d])} open" if open_at else ""
            lines.append(f"dispute{on} opened {s.day(frame.d_open[d])}{since}{reason}")
    for r in rows_of(frame.i_cust, c):
        if flag_rows[r]:
            known = int(frame.i_disputed_day[r])
            since = f", {wording.days(t - known)} open" if open_at else ""
            lines.append(f"{frame.i_number[r]} ({s.money(frame.i_total[r])}) issued {s.day(frame.i_issue[r])} "
                         f"flagged disputed, known {s.day(known)}{since}")
    return lines


def short_line(frame: LedgerFrame, st: Settlement, r: int, s: Style) -> str:
    """'INV/5 (€1,000.00) issued 2 Jan 2024: credited €500.00' or '...: paid €400.00, €400.00 open, 20 days
    past due'."""
    head = f"{frame.i_number[r]} ({s.money(frame.i_total[r])}) issued {s.day(frame.i_issue[r])}"
    if st.short_paid[r]:
        allocs = rows_of(frame.a_inv, r)
        credited = float(frame.a_amount[allocs][frame.a_payment[allocs] < 0].sum())
        return f"{head}: credited {s.money(credited)}"
    return (f"{head}: paid {s.money(st.paid[r])}, {s.money(st.residual[r])} open, "
            f"{wording.days(frame.as_of_day - frame.i_due[r])} past due")


INDICATOR = Indicator("disputes", "too many disputes, short payment", ("000",), frozenset(), Params, compute)
