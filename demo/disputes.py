"""Disputes and complaints: a dispute opened on an invoice (paid short, settled later by a
credit note or a payment, or never), complaints about the service, and their records.

The synthetic book's step of the same name (``synthetic.disputes``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .archetypes import ON_A_PLAN
from .names import COMPLAINTS, DISPUTE_REASONS
from .simulation import CustomerSim, InvoiceSim, Simulation
from .units import days, money

#: a dispute is opened at least this many days after the invoice date
DISPUTE_OPENED_AFTER = 4
#: the disputed part of the invoice total
DISPUTED_PART = (0.1, 0.5)
#: days from opening to settling a dispute
DISPUTE_SETTLED_DAYS = (12, 45)


def open_dispute(c: CustomerSim, inv: InvoiceSim, cap: dt.date | None) -> int:
    """Maybe open a dispute on ``inv`` (a disputer often, a fussy customer rarely); returns the
    disputed cents, which the customer does not pay with the rest (0 without a dispute).
    ``cap`` is the latest payment day of a customer without trouble."""
    r, a, issue = c.rng, c.arche, inv.issue
    p_dispute = 0.0
    if a == "disputer":
        p_dispute = 0.35 if c.t0 is None or issue < c.t0 else 0.6
    elif c.fussy and a not in ON_A_PLAN:
        p_dispute = 0.02
    if r.random() >= p_dispute:
        return 0
    opened = issue + days(r.randint(DISPUTE_OPENED_AFTER, max(5, c.terms)))
    disputed_cents = max(500, int(inv.total * r.uniform(*DISPUTED_PART)))
    settled = opened + days(r.randint(*DISPUTE_SETTLED_DAYS))
    if cap is not None:  # good customers' disputes are settled within weeks
        settled = min(settled, inv.due + days(45))
    elif a == "disputer" and (c.t0 is None or issue < c.t0):
        settled = min(settled, inv.due + days(70))
    # nobody settles it any more once the customer has stopped paying
    resolved = None if c.stop is not None and settled >= c.stop else settled
    inv.dispute = {"opened": opened, "resolved": resolved, "amount": disputed_cents,
                   "reason": r.choice(DISPUTE_REASONS), "credit": r.random() < 0.75}
    if resolved is not None:
        kind = "credit" if inv.dispute["credit"] else "pay"
        inv.events.append((resolved, disputed_cents, kind))
    return disputed_cents


def make_disputes(sim: Simulation, c: CustomerSim) -> None:
    """Collect the customer's invoice disputes opened by ``today`` and add its complaints: a
    burst for a sudden complainer, now and then one for the others."""
    r = c.rng
    for inv in c.invoices:
        if inv.dispute and inv.dispute["opened"] <= sim.today:
            sim.disputes.append({"customer": c, "invoice": inv, "kind": "dispute", **inv.dispute})
    complaints: list[dt.date] = []
    if c.arche == "sudden_complainer":
        assert c.t0 is not None
        span = max(10, min(85, (sim.today - c.t0).days - 1))
        complaints = sorted(c.t0 + days(x) for x in r.sample(range(span), r.randint(3, 4)))
    elif c.arche not in ("new",) and r.random() < 0.15:
        complaints = [c.first + days(r.randint(0, max(1, (sim.today - c.first).days)))]
    for day in complaints:
        if day > sim.today:
            continue
        recent = [inv for inv in c.invoices if inv.issue <= day]
        about = recent[-1] if recent and r.random() < 0.6 else None
        resolved = day + days(r.randint(3, 25))
        sim.disputes.append({"customer": c, "invoice": about, "kind": "complaint",
                             "opened": day, "resolved": resolved, "amount": None,
                             "reason": r.choice(COMPLAINTS)})


def dispute_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The dispute and complaint records, numbered in order of opening; a resolution after
    ``today`` is not known yet."""
    items = sorted(sim.disputes, key=lambda d: (d["opened"], d["customer"].index, d["kind"]))
    out = []
    for n, d in enumerate(items, 1):
        out.append({"id": f"dsp-{n:04d}", "customer_id": d["customer"].id,
                    "invoice_id": d["invoice"].id if d["invoice"] is not None else None,
                    "opened_on": d["opened"].isoformat(),
                    "resolved_on": d["resolved"].isoformat() if d["resolved"] and d["resolved"] <= sim.today
                    else None,
                    "amount": money(d["amount"]) if d["amount"] is not None else None,
                    "reason": d["reason"], "kind": d["kind"]})
    return out
