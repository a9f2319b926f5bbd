"""Features of an invoice known at the end of day q (the day before the invoice date or the due
date): the customer's history, the invoice itself and what the scorecard said at its latest
replay day. Chosen on principle, not on one data set:

* history (``History``, as of q): how many invoices were paid (log); the share paid late and
  the share paid more than X days late (X = the question asked), each shrunk toward the
  all-customer share by ``PRIOR_WEIGHT`` pseudo-invoices so a customer with two invoices is not
  taken for certain, and each also recency-weighted (EWMA); days late: mean, recency-weighted,
  of the last three paid, and the trend (last three minus earlier); days to pay; dated
  disputes and complaints opened; open and overdue invoices now (count and amount, log); days
  since the customer's previous invoice (log; the first invoice gets a flag instead);
* the invoice: amount (log, and against the customer's usual amount: minus the mean log
  amount, a geometric mean), terms, issued at month end, share already paid, an open dispute
  on it dated on or before q;
* the scorecard: score and each indicator's strength on the latest replay day <= q.

Days are capped at 120 and divided by 30. An invoice's "disputed" flag carries no date (a file
export only says that the invoice was disputed at some time), so no feature reads it, not even
for invoices already paid: only dated dispute records count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..frame import LedgerFrame, date_of
from .history import PRIOR_WEIGHT, AsOf, History


def _month_end(days: np.ndarray) -> np.ndarray:
    """True for days in the last 5 days of their month."""
    out = np.zeros(len(days), dtype=bool)
    for i, d in enumerate(days):  # only distinct days are looked at; see caller
        x = date_of(int(d))
        nxt = x + dt.timedelta(days=5)
        out[i] = nxt.month != x.month
    return out


def month_end_flag(days: np.ndarray) -> np.ndarray:
    uniq, inverse = np.unique(days, return_inverse=True)
    return _month_end(uniq)[inverse]


def paid_share(full: LedgerFrame, rows: np.ndarray, q_day: np.ndarray) -> np.ndarray:
    """Share of each invoice ``rows`` paid by the end of ``q_day`` (every allocation counted)."""
    ev = AsOf(full.a_inv, full.a_day)
    first, end = ev.window(rows, q_day)
    c = ev.cumsum(full.a_amount)
    share: np.ndarray = np.clip((c[end] - c[first]) / np.maximum(full.i_total[rows], 1e-9), 0, 1)
    return share


def open_disputes(full: LedgerFrame, rows: np.ndarray, q_day: np.ndarray) -> np.ndarray:
    """Disputes on each invoice opened by the end of ``q_day`` and not resolved by then."""
    on = full.d_inv >= 0
    opened = AsOf(full.d_inv[on], full.d_open[on])
    resolved = AsOf(full.d_inv[on], full.d_resolved[on])
    a, b = opened.window(rows, q_day)
    c, d = resolved.window(rows, q_day)
    still_open: np.ndarray = ((b - a) - (d - c)).astype(np.float64)
    return still_open


def _days(values: np.ndarray) -> np.ndarray:
    months: np.ndarray = np.clip(values, 0, 120) / 30
    return months


def history_features(hist: History) -> dict[str, np.ndarray]:
    """Columns about the customer's record, from ``hist`` (whose ``late_days`` is the question's X)."""
    first_invoice = hist.issued == 0
    return {
        "paid_invoices_log": np.log1p(hist.paid),
        "late_rate_shrunk": hist.late_rate(prior_weight=PRIOR_WEIGHT),
        "serious_rate_shrunk": hist.serious_rate(prior_weight=PRIOR_WEIGHT),
        "late_rate_recent": hist.ewma_late,
        "serious_rate_recent": hist.ewma_serious,
        "mean_days_late": _days(hist.mean_late),
        "recent_days_late": _days(hist.ewma_days_late),
        "last_days_late": _days(hist.last_late[:, 0]),
        "second_last_days_late": _days(hist.last_late[:, 1]),
        "third_last_days_late": _days(hist.last_late[:, 2]),
        "days_late_trend": np.clip(hist.trend, -120, 120) / 30,
        "mean_days_to_pay": np.minimum(hist.mean_days_to_pay, 240) / 30,
        "disputes_log": np.log1p(hist.disputes),
        "open_invoices_log": np.log1p(np.maximum(hist.open, 0)),
        "overdue_invoices_log": np.log1p(np.maximum(hist.overdue, 0)),
        "open_amount_log": np.log1p(np.maximum(hist.open_amount, 0)),
        "overdue_amount_log": np.log1p(np.maximum(hist.overdue_amount, 0)),
        "first_invoice": first_invoice.astype(np.float64),
        "days_since_last_invoice_log": np.where(first_invoice, 0.0,
                                                np.log1p(np.nan_to_num(hist.since_last_issue, nan=0.0))),
    }


def invoice_features(full: LedgerFrame, rows: np.ndarray, q_day: np.ndarray, hist: History,
                     snap_score: np.ndarray, snap_dpd: np.ndarray, snap_strength: np.ndarray,
                     indicator_ids: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Feature matrix (one row per invoice in ``rows``) and the column names."""
    amount = np.log1p(np.maximum(full.i_total[rows], 0))
    cols = {
        **history_features(hist),
        "amount_log": amount,
        "amount_vs_usual": np.where(hist.issued > 0, amount - hist.mean_log_amount, 0.0),
        "terms_days": (full.i_due[rows] - full.i_issue[rows]) / 30,
        "issued_month_end": month_end_flag(full.i_issue[rows]).astype(np.float64),
        "paid_share": paid_share(full, rows, q_day),
        "open_disputes": open_disputes(full, rows, q_day),
        "score": snap_score / 100,
        "oldest_days_past_due": np.clip(snap_dpd, 0, 365) / 30,
    }
    names = tuple(cols) + tuple(f"strength:{i}" for i in indicator_ids)
    matrix = np.column_stack([*cols.values(), snap_strength]) if len(rows) else np.zeros((0, len(names)))
    return matrix.astype(np.float64), names
