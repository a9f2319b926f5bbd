"""Synthetic step 2, invoices: invoices spread over each customer's years by its weight, with
their amounts; credit notes for goods returned; then the invoice and credit-note records.

Same parameters as the demo's step (``arwatch.demo.invoices``): the minimum invoice, the
amounts' spread, the selective payer's share of large invoices, the credited part and day of
a credit note, the month-end window.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from arwatch.core.model import Allocation, Invoice, InvoiceKind

from ..customers import AMOUNT_SIGMA
from ..invoices import CREDIT_MIN, CREDIT_NOTE_DAYS, CREDIT_PART, MIN_INVOICE, SELECTIVE_LARGE_SHARE
from ..units import MONTH_END_DAYS
from .columns import EPOCH, Days, pick, randint
from .customers import Customers
from .records import Records, amounts

#: the share of the invoice records that are credit notes
CREDIT_NOTE_SHARE = 0.02


@dataclass
class Invoices:
    """The invoices as columns, one row each (credit notes are ``CreditNotes``)."""

    n: int
    cust: np.ndarray  # customer row, ascending
    issue: np.ndarray
    due: np.ndarray
    amount: np.ndarray  # cents
    month_end: np.ndarray  # issued in the last days of its month
    selective: np.ndarray  # of a selective payer


@dataclass
class CreditNotes:
    rows: np.ndarray  # the invoices credited, one note each
    day: np.ndarray  # the notes' days
    cents: np.ndarray  # per invoice (0: none)


def invoice_ids(n: int) -> list[str]:
    return [f"I{i:08d}" for i in range(n)]


def credit_note_count(n_invoices: int) -> int:
    """How many of ``n_invoices`` invoice records are to be credit notes."""
    return min(int(round(n_invoices * CREDIT_NOTE_SHARE)), n_invoices - 1) if n_invoices > 1 else 0


def invoice_columns(rng: np.random.Generator, book: Customers, n: int, days: Days) -> Invoices:
    """``n`` invoices: customers drawn by weight, days uniform over each one's years (a volume
    dropper's mostly before its trouble, a month-end payer's half at month end)."""
    T, start, t0, size = days.T, book.start, book.t0, book.size
    cust = rng.choice(book.n, n, p=book.weight / book.weight.sum())
    cust.sort(kind="stable")
    span = T - start[cust] + 1
    issue = start[cust] + (rng.random(n) * span).astype(np.int64)
    vd = book.is_a["volume_dropper"][cust] & (issue >= t0[cust]) & (rng.random(n) < 0.75)
    before_trouble = np.maximum(1, t0[cust][vd] - start[cust][vd])
    issue[vd] = start[cust][vd] + (rng.random(vd.sum()) * before_trouble).astype(np.int64)
    me = book.is_a["month_end_payer"][cust] & (rng.random(n) < 0.5)
    if me.any():
        month = (issue[me] - EPOCH).astype("datetime64[D]").astype("datetime64[M]")
        last = ((month + 1).astype("datetime64[D]") - 1).astype(np.int64) + EPOCH
        issue[me] = np.minimum(T, last - rng.integers(0, MONTH_END_DAYS, me.sum()))
    month_end = ((issue - EPOCH + MONTH_END_DAYS).astype("datetime64[D]").astype("datetime64[M]")
                 != (issue - EPOCH).astype("datetime64[D]").astype("datetime64[M]"))
    amount = np.maximum(MIN_INVOICE, size[cust] * rng.lognormal(0.0, AMOUNT_SIGMA, n)).astype(np.int64)
    sel = book.is_a["selective_payer"][cust]
    big = sel & (rng.random(n) < SELECTIVE_LARGE_SHARE)
    amount[sel] = np.maximum(MIN_INVOICE, size[cust][sel] * 0.25).astype(np.int64)
    amount[big] = size[cust][big] * 3
    due = issue + book.terms[cust]
    return Invoices(n, cust, issue, due, amount, month_end, sel)


def credit_notes(rng: np.random.Generator, inv: Invoices, n_notes: int, days: Days) -> CreditNotes:
    """Part of ``n_notes`` invoices settled by a credit note, the rest by payment."""
    rows = pick(rng, inv.amount > 1000, n_notes)
    if len(rows) < n_notes:  # too few invoices to credit: issue more invoices instead
        raise ValueError("too few invoices for the credit-note share")
    n_notes = len(rows)
    cents = np.zeros(inv.n, dtype=np.int64)
    cents[rows] = np.maximum(CREDIT_MIN, (inv.amount[rows] * rng.uniform(*CREDIT_PART, n_notes)).astype(np.int64))
    day = np.minimum(days.T, inv.issue[rows] + randint(rng, CREDIT_NOTE_DAYS, n_notes))
    return CreditNotes(rows, day, cents)


def invoice_records(out: Records, inv: Invoices, notes: CreditNotes, residual: np.ndarray, cids: list[str],
                    iids: list[str], days: Days) -> list[Any]:
    """The invoice records (``residual``: cents left open), then one credit note each."""
    dates, base, day = days.dates, days.base, days.day
    records = []
    inv_kind, note_kind = InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE
    totals, residuals = amounts(inv.amount), amounts(residual)
    for i, c, d_issue, d_due in zip(range(inv.n), inv.cust.tolist(), inv.issue.tolist(), inv.due.tolist(),
                                    strict=False):
        records.append(out(Invoice, {
            "id": iids[i], "number": f"INV/{dates[d_issue - base].year}/{i:07d}", "customer_id": cids[c],
            "kind": inv_kind, "issue_date": dates[d_issue - base], "due_date": dates[d_due - base],
            "total": totals[i], "residual": residuals[i]}))
    del totals, residuals
    cents_l = amounts(notes.cents[notes.rows])
    for n, (i, d, cents) in enumerate(zip(notes.rows.tolist(), notes.day.tolist(), cents_l, strict=False)):
        alloc = out(Allocation, {"invoice_id": iids[i], "amount": cents, "date": day(d)})
        records.append(out(Invoice, {
            "id": f"R{n:08d}", "number": f"RINV/{day(d).year}/{n:07d}", "customer_id": cids[int(inv.cust[i])],
            "kind": note_kind, "issue_date": day(d), "due_date": day(d), "total": cents,
            "residual": Decimal(0), "allocations": out.many([alloc])}))
    return records
