"""The synthetic book, assembled: the steps in order, each drawing from one numpy generator."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import numpy as np

from arwatch.core.load import load_ledger
from arwatch.core.model import Company, Ledger

from ..company import DEFAULT_TODAY
from .attempts import attempt_records
from .columns import Days
from .customers import customer_columns, customer_ids, customer_records
from .disputes import dispute_records, short_payments
from .invoices import credit_note_count, credit_notes, invoice_columns, invoice_ids, invoice_records
from .payments import pay_days, payment_columns, payment_records
from .plans import plan_records
from .records import Records
from .signals import signal_records

COMPANY = {"id": "synthetic", "name": "Synthetic Wholesale Ltd", "currency": "EUR"}


def _generate(n_customers: int, n_invoices: int, n_payments: int, seed: int,
              today: dt.date, plain: bool) -> dict[str, Any]:
    # millions of small acyclic objects: the cyclic garbage collector would rescan them over
    # and over (it made the build several times slower), so it is paused while they are made
    # (not with core's gc_paused: its exit would run the collection the pause put off here,
    # in the build's time, where this leaves it to the caller's next allocation, as it always did)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate_records(n_customers, n_invoices, n_payments, seed, today, plain)
    finally:
        if enabled:
            gc.enable()


def _generate_records(n_customers: int, n_invoices: int, n_payments: int, seed: int,
                      today: dt.date, plain: bool) -> dict[str, Any]:
    if n_customers < 1 or n_invoices < 1 or n_payments < 0:
        raise ValueError("need at least one customer and one invoice")
    rng = np.random.default_rng(seed)
    out = Records(plain)
    days = Days(today)
    # the columns, step by step
    book = customer_columns(rng, n_customers, days)
    n_notes = credit_note_count(n_invoices)
    inv = invoice_columns(rng, book, n_invoices - n_notes, days)
    when = pay_days(rng, book, inv, days)
    notes = credit_notes(rng, inv, n_notes, days)
    short = short_payments(rng, book, inv, days)
    to_pay = inv.amount - notes.cents - short.cents
    pays = payment_columns(rng, book, inv, when, to_pay, n_payments, days)
    # the records
    cids, iids = customer_ids(book), invoice_ids(inv.n)
    customers = customer_records(rng, out, book, cids, days)
    paid_total = np.zeros(inv.n, dtype=np.int64)
    paid_total[pays.rows] = to_pay[pays.rows]
    residual = inv.amount - notes.cents - paid_total  # short-paid disputed parts stay open
    invoices = invoice_records(out, inv, notes, residual, cids, iids, days)
    payments = payment_records(out, book, inv, pays, cids, iids, days)
    assert len(payments) == n_payments, (len(payments), n_payments)
    disputes = dispute_records(rng, out, book, inv, short, cids, iids, days)
    attempts = attempt_records(rng, out, book, inv, when, to_pay, cids, days)
    plans = plan_records(out, book, cids, days)
    signals = signal_records(out, book, cids, days)
    company = dict(COMPANY) if plain else Company(**COMPANY)
    return {"company": company, "customers": customers, "invoices": invoices, "payments": payments,
            "disputes": disputes, "contact_attempts": attempts, "payment_plans": plans, "signals": signals}


def build_synthetic(n_customers: int = 100_000, n_invoices: int = 1_000_000,
                    n_payments: int = 1_000_000, seed: int = 1, *, today: dt.date = DEFAULT_TODAY,
                    validate: bool = False) -> dict[str, Any]:
    """Raw ledger data of the requested size; see the package docstring for the two paths.

    ``n_invoices`` counts every record of the ``invoices`` collection, credit notes included
    (about 2%); ``n_payments`` counts every payment record, returned ones included (about 1%).
    """
    data = _generate(n_customers, n_invoices, n_payments, seed, today, plain=validate)
    if validate:
        _validated(data)
    return data


def _validated(data: dict[str, Any]) -> Ledger:
    """``data`` through ``load_ledger``; any issue is an error (the generator makes none)."""
    ledger, issues = load_ledger(data, source="synthetic")
    if issues:
        raise ValueError(f"{len(issues)} load issues, first: {issues[0]}")
    return ledger


def synthetic_ledger(n_customers: int = 100_000, n_invoices: int = 1_000_000,
                     n_payments: int = 1_000_000, seed: int = 1, *, today: dt.date = DEFAULT_TODAY,
                     validate: bool = False) -> Ledger:
    """The same data as a ``Ledger`` (source "synthetic"), built without validation by default."""
    data = _generate(n_customers, n_invoices, n_payments, seed, today, plain=validate)
    if validate:
        return _validated(data)
    fields: dict[str, Any] = {k: (v if k == "company" else tuple(v)) for k, v in data.items()}
    return Ledger.model_construct(source="synthetic", unavailable=frozenset({"orders"}),  # as load_ledger: no orders
                                  **fields)
