"""Synthetic disputes and complaints: disputed parts of invoices paid short (a disputer
disputes 30% of its invoices, others rarely), a burst of complaints from each sudden
complainer and a few from anyone; then their records.

Same parameters as the demo's (``arwatch.demo.disputes``): the disputed part, the earliest
opening day, the days to settle; the reasons are the demo's first of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from arwatch.core.model import Dispute

from ..disputes import DISPUTE_OPENED_AFTER, DISPUTE_SETTLED_DAYS, DISPUTED_PART
from ..names import COMPLAINTS, DISPUTE_REASONS
from .columns import Days, randint
from .customers import Customers
from .invoices import Invoices
from .records import Records, amounts


@dataclass
class ShortPaid:
    rows: np.ndarray  # the disputed invoices
    cents: np.ndarray  # per invoice: the disputed part, left open (0: none)


def short_payments(rng: np.random.Generator, book: Customers, inv: Invoices, days: Days) -> ShortPaid:
    p_disp = np.where(book.is_a["disputer"][inv.cust], 0.3, 0.005)
    rows = np.flatnonzero((rng.random(inv.n) < p_disp) & (inv.issue + DISPUTE_OPENED_AFTER <= days.T))
    cents = np.zeros(inv.n, dtype=np.int64)
    cents[rows] = np.maximum(1, (inv.amount[rows] * rng.uniform(*DISPUTED_PART, len(rows))).astype(np.int64))
    return ShortPaid(rows, cents)


def dispute_records(rng: np.random.Generator, out: Records, book: Customers, inv: Invoices, short: ShortPaid,
                    cids: list[str], iids: list[str], days: Days) -> list[Any]:
    """One dispute per short-paid invoice (settled after today: still open), then the complaints."""
    T, day, d_rows = days.T, days.day, short.rows
    disputes = []
    d_open = np.minimum(T, inv.issue[d_rows] + rng.integers(DISPUTE_OPENED_AFTER, 31, len(d_rows)))
    d_res = d_open + randint(rng, DISPUTE_SETTLED_DAYS, len(d_rows))
    d_amt = amounts(short.cents[d_rows])
    for n, (i, o, res) in enumerate(zip(d_rows.tolist(), d_open.tolist(), d_res.tolist(), strict=False)):
        disputes.append(out(Dispute, {
            "id": f"D{n:08d}", "customer_id": cids[int(inv.cust[i])], "invoice_id": iids[i], "opened_on": day(o),
            "resolved_on": day(res) if res <= T else None, "amount": d_amt[n], "reason": DISPUTE_REASONS[0],
            "kind": "dispute"}))
    nc = book.n
    sc = np.flatnonzero(book.is_a["sudden_complainer"] & (book.t0 <= T - 10))
    c_cust = np.r_[np.repeat(sc, 3), rng.choice(nc, nc // 20)]
    c_day = np.r_[np.minimum(T, np.repeat(book.t0[sc], 3) + rng.integers(0, 80, 3 * len(sc))),
                  book.start[c_cust[3 * len(sc):]] + rng.integers(0, 365, nc // 20)]
    c_day = np.minimum(c_day, T)
    for n, (c, o) in enumerate(zip(c_cust.tolist(), c_day.tolist(), strict=False)):
        disputes.append(out(Dispute, {
            "id": f"K{n:08d}", "customer_id": cids[c], "opened_on": day(o),
            "resolved_on": day(o + 10) if o + 10 <= T else None, "reason": COMPLAINTS[1],
            "kind": "complaint"}))
    return disputes
