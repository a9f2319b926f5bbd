"""Features of an invoice known at the end of day q (the day before the invoice date or the due
date): what the indicators measure, the invoice itself and the optional columns the source
maps. Chosen on principle, not on one data set:

* history (``History``, as of q, exactly): how many invoices were paid (log); the share paid
  late and the share paid more than X days late (X = the question asked), each shrunk toward
  the all-customer share by ``PRIOR_WEIGHT`` pseudo-invoices so a customer with two invoices is
  not taken for certain, and each also recency-weighted (EWMA); days late: mean,
  recency-weighted, of the last three paid, the trend (last three minus earlier: the measure of
  ``slowing_trend``) and the typical lateness ``habitual_lateness`` measures; days to pay; dated
  disputes and complaints opened; open and overdue invoices now (count and amount, log); days
  since the customer's previous invoice (log; the first invoice gets a flag instead);
* the invoice: amount (log, and against the customer's usual amount: minus the mean log
  amount, a geometric mean), terms, issued at month end, share already paid, an open dispute
  on it dated on or before q;
* every indicator's raw measure (``IndicatorResult.measure``: days past due, unanswered calls,
  returned payments, signals' severity...) on the latest replay day <= q, as sign(m) log(1+|m|);
  never the scorecard's derived columns (score, strengths), which only re-threshold them;
* optional mapped columns, one-hot: the customer's country and how the invoice was delivered,
  when the source gives them (the first ``MAX_CATEGORIES`` values seen, in the order of the
  invoices' dates; later ones count as none of them). A value first seen after day q only adds
  a column that is 0 for every invoice known by q; a column with one value is constant, and a
  constant tells the model nothing;
* how far the invoice's delivery departs from that of the customer's invoices paid by q
  (``mix_columns``): the past late rate was earned under that mix, and a customer moved from
  paper to electronic invoices is not the customer its paper years describe.

Days are capped at 120 and divided by 30. An invoice's undated "disputed" flag is read by no
feature, not even from the day it became known (the scorecard's ``disputes`` reads it then): only
dated dispute records count here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..columnar import NEVER
from ..frame import LedgerFrame, date_of
from ..indicators import habitual_lateness
from .history import PRIOR_WEIGHT, AsOf, History, history

#: categories of one mapped column used at most (the first seen, by invoice date)
MAX_CATEGORIES = 20


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


def log_odds(rate: np.ndarray) -> np.ndarray:
    """A share on the scale a logistic model adds up (log odds), kept finite."""
    p = np.clip(rate, 0.01, 0.99)
    odds: np.ndarray = np.log(p / (1 - p))
    return odds


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
        "typical_days_late": _days(hist.typical_late),
        "own_days_late": _days(hist.own_late),
        "late_rate_log_odds": log_odds(hist.late_rate(prior_weight=PRIOR_WEIGHT)),
        "serious_rate_log_odds": log_odds(hist.serious_rate(prior_weight=PRIOR_WEIGHT)),
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


def point_features(full: LedgerFrame, paid_day: np.ndarray, rows: np.ndarray, q_day: np.ndarray,
                   snap_measure: np.ndarray, indicator_ids: tuple[str, ...], targets: tuple[int, ...],
                   lateness: habitual_lateness.Params | None = None, matrices: bool = True,
                   ) -> tuple[dict[int, np.ndarray], tuple[str, ...], dict[int, History]]:
    """Everything the learned model reads about invoices ``rows`` asked on days ``q_day`` (end of
    day), per question X in ``targets``: (feature matrix per X, column names, history per X).
    ``snap_measure``: [row, indicator] raw measures of the latest replay day <= q. Without
    ``matrices`` (no learned model to feed) only the histories are built."""
    hists = {x: history(full, paid_day, full.i_cust[rows], q_day, x, lateness) for x in targets}
    xmats: dict[int, np.ndarray] = {}
    names: tuple[str, ...] = ()
    for x in targets if matrices else ():
        xmats[x], names = invoice_features(full, rows, q_day, hists[x], snap_measure, indicator_ids, paid_day)
    return xmats, names, hists


def signed_log(values: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.sign(values) * np.log1p(np.abs(values))
    return out


def first_seen(full: LedgerFrame, per_invoice: np.ndarray) -> list[str]:
    """The values of a mapped column (one per invoice), the first ``MAX_CATEGORIES`` seen in the
    order of the invoices' dates; empty values left out."""
    by_date = np.argsort(full.i_issue, kind="stable")
    return [v for v in dict.fromkeys(per_invoice[by_date].tolist()) if v][:MAX_CATEGORIES]


def mapped_columns(full: LedgerFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """One-hot columns of the optional attributes a source maps (see the module docstring)."""
    out = {}
    for name, per_invoice in (("country", full.c_country[full.i_cust] if len(full.c_country) else None),
                              ("delivery", full.i_delivery if len(full.i_delivery) else None)):
        if per_invoice is None:
            continue
        for value in first_seen(full, per_invoice):
            out[f"{name}={value}"] = (per_invoice[rows] == value).astype(np.float64)
    return out


def mix_columns(full: LedgerFrame, paid_day: np.ndarray, rows: np.ndarray, q_day: np.ndarray) -> dict[str, np.ndarray]:
    """Per value v of an invoice-level mapped column (how the invoice was delivered): 1 when the
    invoice has v, minus the share of the customer's invoices paid by the end of ``q_day`` that
    had v (0 with none paid). The customer's past late rate was earned under that mix; this
    says how far the invoice asked about departs from it (a customer moved to electronic
    invoices after years of paper ones)."""
    seen = first_seen(full, full.i_delivery) if len(full.i_delivery) else []
    if not seen:
        return {}
    paid = np.flatnonzero(~full.i_credit & (paid_day < NEVER))
    q_cust = full.i_cust[rows].astype(np.int64)
    first, end = AsOf(full.i_cust[paid], paid_day[paid]).window(q_cust, q_day)
    count = end - first
    out = {}
    for value in seen:
        has = paid[full.i_delivery[paid] == value]
        a, b = AsOf(full.i_cust[has], paid_day[has]).window(q_cust, q_day)
        share = (b - a) / np.maximum(count, 1)
        now = (full.i_delivery[rows] == value).astype(np.float64)
        out[f"delivery={value} vs paid before"] = np.where(count > 0, now - share, 0.0)
    return out


def invoice_features(full: LedgerFrame, rows: np.ndarray, q_day: np.ndarray, hist: History,
                     snap_measure: np.ndarray, indicator_ids: tuple[str, ...],
                     paid_day: np.ndarray | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
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
        **{f"measure:{i}": signed_log(snap_measure[:, k]) for k, i in enumerate(indicator_ids)},
        **mapped_columns(full, rows),
        **(mix_columns(full, paid_day, rows, q_day) if paid_day is not None else {}),
    }
    names = tuple(cols)
    matrix = np.column_stack(list(cols.values())) if len(rows) else np.zeros((0, len(names)))
    return matrix.astype(np.float64), names
