"""Synthetic contact attempts: one reminder per invoice overdue by a week (unanswered by a
silent or fraud customer), half of the answered ones with a promise to pay, which a promise
breaker does not keep.

Same parameters as the demo's (``arwatch.demo.attempts``): the first reminder's day and when a
silent customer stops answering. The book's promise breakers (and missed plans) start 60 days
before their trouble, the demo's 50.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arwatch.core.model import Channel, ContactAttempt

from ..attempts import FIRST_REMINDER_DAYS, SILENT_FROM_DAYS
from .columns import NEVER, Days
from .customers import Customers
from .invoices import Invoices
from .payments import PayDays
from .records import Records, amounts


def attempt_records(rng: np.random.Generator, out: Records, book: Customers, inv: Invoices, when: PayDays,
                    to_pay: np.ndarray, cids: list[str], days: Days) -> list[Any]:
    T, day, t0, is_a = days.T, days.day, book.t0, book.is_a
    pay, paid = when.pay, when.paid
    reminder = inv.due + FIRST_REMINDER_DAYS
    overdue = (np.where(paid, pay, NEVER) > reminder) & (reminder <= T)
    t_rows = np.flatnonzero(overdue)
    t_day = reminder[t_rows]
    t_cust = inv.cust[t_rows]
    silent = (is_a["silent"][t_cust] | is_a["fraud_suspicion"][t_cust]) & (t_day >= t0[t_cust] - SILENT_FROM_DAYS)
    answered = ~silent & (rng.random(len(t_rows)) < 0.85)
    promising = answered & (rng.random(len(t_rows)) < 0.5)
    bp = is_a["broken_promise"][t_cust] | is_a["plan_missed"][t_cust]
    promise = np.where(bp & (t_day >= t0[t_cust] - 60), t_day + 7,  # broken: pays later or never
                       np.where(paid[t_rows], np.maximum(t_day, pay[t_rows]), t_day + 14))
    promising &= promise <= T + 60
    p_amt = amounts(to_pay[t_rows])
    channel_call, channel_email = Channel.CALL, Channel.EMAIL
    chan = rng.random(len(t_rows)) < 0.6
    attempts = []
    for n, (c, d, ans, prom, pd, call) in enumerate(zip(t_cust.tolist(), t_day.tolist(), answered.tolist(),
                                                        promising.tolist(), promise.tolist(), chan.tolist(),
                                                        strict=False)):
        attempts.append(out(ContactAttempt, {
            "id": f"T{n:08d}", "customer_id": cids[c], "on": day(d),
            "channel": channel_call if call else channel_email, "answered": ans,
            "outcome": "promised to pay" if prom else ("" if ans else "no answer"),
            "promise_date": day(pd) if prom else None, "promise_amount": p_amt[n] if prom else None}))
    return attempts
