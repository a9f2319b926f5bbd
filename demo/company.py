"""A deterministic demo company: Northwind Supplies Ltd, a small wholesale business.

``build_demo_company(seed, today)`` simulates about 200 customers over the three years ending
at ``today``: invoices and credit notes, payments with allocations (partial, several invoices at
once, from masked bank accounts), bounced payments, disputes and complaints, dunning contact
attempts with promises to pay, payment plans, manual signals and contacts that leave.

Every customer follows one *archetype* (``ARCHETYPES``); ``ARCHETYPE_SIGNS`` names the warning
signs of the domain brief (``shared/warning-signs.md``) (table A ids) each archetype is meant to show. Troubled
customers start showing their signs months before they reach 90 days past due, so that an early
warning system can be scored against the ground truth in ``DemoCompany.truth``.

The work is done in named steps, one module each, run in this order by ``build_demo_company``:
``customers`` (roster and profiles), ``invoices`` (with ``disputes`` opened on them and the
``payments`` scheduled for them), ``plans``, then per customer ``contacts``, ``signals``,
``disputes`` (complaints) and ``attempts``; the records of each step, and ``truth``.

Only ``random.Random(seed)`` is used: the same seed and ``today`` give the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from arwatch.core.load import load_ledger
from arwatch.core.model import Ledger

from .archetypes import ARCHETYPE_SEGMENTS, ARCHETYPE_SIGNS, ARCHETYPES, ON_A_PLAN
from .attempts import attempt_rows, make_attempts
from .contacts import make_contacts
from .customers import customer_row, make_customers
from .disputes import dispute_rows, make_disputes
from .invoices import invoice_rows, make_invoices, number_invoices
from .names import SALESPEOPLE
from .payments import payment_rows
from .plans import invoices_after_plan, make_plan, plan_rows
from .signals import make_signals, signal_rows
from .simulation import Simulation
from .truth import Truth, compute_truth, first_90_days_past_due

__all__ = ["ARCHETYPES", "ARCHETYPE_SEGMENTS", "ARCHETYPE_SIGNS", "COMPANY", "DEFAULT_TODAY", "SALESPEOPLE",
           "DemoCompany", "Truth", "build_demo_company", "compute_truth", "first_90_days_past_due"]

DEFAULT_TODAY = dt.date(2026, 11, 20)
COMPANY = {"id": "northwind", "name": "Northwind Supplies Ltd", "currency": "EUR"}


@dataclass(frozen=True)
class DemoCompany:
    """The demo data set.

    Attributes:
      seed, today: what it was built from.
      data: the raw dict accepted by ``load_ledger`` (JSON-able; treat it as read-only).
      truth: one ``Truth`` per customer, in customer order.
    """

    seed: int
    today: dt.date
    data: dict[str, Any] = field(repr=False, hash=False)
    truth: tuple[Truth, ...] = field(repr=False)

    @cached_property
    def ledger(self) -> Ledger:
        """The validated ledger (source "demo"); raises if the loader reports any issue."""
        ledger, issues = load_ledger(self.data, source="demo", unavailable=("orders",))  # no sale orders
        if issues:
            raise ValueError("demo data does not load cleanly: " + "; ".join(map(str, issues[:5])))
        return ledger

    def truth_of(self, customer_id: str) -> Truth:
        for t in self.truth:
            if t.customer_id == customer_id:
                return t
        raise KeyError(customer_id)


def build_demo_company(seed: int = 7, today: dt.date = DEFAULT_TODAY) -> DemoCompany:
    """Build the Northwind Supplies demo company; the same ``seed`` and ``today`` give equal output."""
    sim = Simulation(seed, today)
    make_customers(sim)
    for c in sim.customers:
        make_invoices(sim, c)
        if c.arche in ON_A_PLAN:
            make_plan(sim, c)
            if c.resume is not None:  # life goes on after the plan: invoice again
                invoices_after_plan(sim, c)
    number_invoices(sim)
    customers = []
    for c in sim.customers:
        customers.append(customer_row(c, make_contacts(sim, c)))
        make_signals(sim, c)
        make_disputes(sim, c)
        make_attempts(sim, c)
    data = {
        "company": dict(COMPANY),
        "customers": customers,
        "invoices": invoice_rows(sim),
        "payments": payment_rows(sim),
        "disputes": dispute_rows(sim),
        "contact_attempts": attempt_rows(sim),
        "payment_plans": plan_rows(sim),
        "signals": signal_rows(sim),
    }
    truth = compute_truth(data, today, {c.id: c.arche for c in sim.customers})
    return DemoCompany(seed=seed, today=today, data=data, truth=truth)
