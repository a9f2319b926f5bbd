"""Step 1, customers: who they are (from the roster), their profile and bank accounts, and
their customer record.

The synthetic book's step of the same name (``synthetic.customers``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .archetypes import NET_30, ON_A_PLAN, ROSTER
from .names import COUNTRIES, DOMAINS, SALESPEOPLE, STEMS, TRADES
from .simulation import CustomerSim, Simulation
from .units import days, money

#: payment terms in days, and how many customers in a hundred have them
TERMS = (30, 15, 45, 60)
TERMS_WEIGHTS = (70, 10, 12, 8)
#: a customer's typical invoice: exp(normal(mu, sigma)) euros
INVOICE_SIZE = (6.9, 0.7)
#: spread of a customer's invoice amounts around its typical one (lognormal sigma)
AMOUNT_SIGMA = 0.5


def make_customers(sim: Simulation) -> None:
    """The roster, shuffled; each customer gets its id, its own random source and its profile."""
    plan: list[tuple[str, int | None, int | None]] = []
    for arche, spec in ROSTER:
        if isinstance(spec, int):
            plan += [(arche, None, None)] * spec
        else:
            plan += [(arche, off, lag) for off, lag in spec]
    sim.rng.shuffle(plan)
    for index, (arche, offset, lag) in enumerate(plan):
        r = random.Random(sim.rng.getrandbits(64))
        t0 = None if offset is None else sim.today - days(offset)
        c = CustomerSim(index, arche, r, t0, lag)
        c.id = f"C{index + 1:04d}"
        profile(sim, c)
        sim.customers.append(c)


def profile(sim: Simulation, c: CustomerSim) -> None:
    """Country, name, terms, buying and paying habits, history, bank accounts, salesperson."""
    r = c.rng
    country, legal, _, _ = r.choices(COUNTRIES, weights=[w for *_, w in COUNTRIES])[0]
    c.country = country
    c.industry = r.choice(tuple(TRADES))
    c.name = _company_name(sim, r, c.industry, legal)
    c.terms = r.choices(TERMS, weights=TERMS_WEIGHTS)[0]
    if c.arche in NET_30 or c.arche in ON_A_PLAN:
        c.terms = 30
    c.size = int(r.lognormvariate(*INVOICE_SIZE) * 100)  # typical invoice in cents (~1,000 EUR)
    c.rate = r.lognormvariate(0.2, 0.5)  # invoices per month
    c.sigma = AMOUNT_SIGMA
    c.pay_weekday = None if r.random() < 0.5 else r.randint(0, 4)
    c.answer_rate = r.uniform(0.8, 0.95)
    c.fussy = c.arche not in ("sudden_complainer",) and r.random() < 0.25
    _history(sim, c)
    _volume(c)
    _bank_accounts(sim, c)
    c.salesperson = r.choice(SALESPEOPLE)


def _history(sim: Simulation, c: CustomerSim) -> None:
    """When the customer was created and first invoiced."""
    r = c.rng
    late_join = c.arche in ("punctual", "chronic_late", "stable_habit", "disputer") and r.random() < 0.12
    if c.arche == "new":
        c.created = sim.today - days(r.randint(20, 110))
    elif c.arche == "fraud_suspicion":
        assert c.t0 is not None
        c.created = c.t0 - days(r.randint(170, 230))
    elif late_join:
        c.created = sim.start + days(r.randint(30, 700))
    else:
        c.created = sim.start - days(r.randint(30, 2500))
    c.first = max(sim.start, c.created) + days(r.randint(0, 15))


def _volume(c: CustomerSim) -> None:
    """Archetypes that need a steady flow of invoices (or a given size) for their signs to show."""
    if c.arche == "volume_dropper":
        c.rate, c.sigma = c.rng.uniform(3.5, 5.0), 0.2
    if c.arche == "failed_payments":
        c.rate = max(c.rate, 2.0)
    if c.arche == "selective_payer":
        c.rate = max(c.rate, 2.5)
    if c.arche == "habit_slipper":
        c.rate = max(c.rate, 1.8)
    if c.t0 is not None:  # troubled customers buy often enough for the trouble to show
        c.rate = max(c.rate, 1.5)
    if c.arche in ON_A_PLAN:
        c.rate, c.size = max(c.rate, 3.0), max(c.size, 80000)
    if c.arche == "fraud_suspicion":
        c.rate, c.size = 1.6, min(c.size, 60000)


def _bank_accounts(sim: Simulation, c: CustomerSim) -> None:
    """The main account, and for a churner (or an impostor) the new ones it moves to."""
    r, country = c.rng, c.country
    c.accounts = [_iban(sim, r, country)]
    c.account_switch = []
    if c.arche == "fraud_suspicion":  # the impostor pays the small invoices from elsewhere
        assert c.t0 is not None
        c.accounts.append(_iban(sim, r, r.choice(("LT", "MT", "CY"))))
        c.account_switch = [c.t0 - days(60)]
    elif c.arche == "bank_churner":
        assert c.t0 is not None
        c.accounts += [_iban(sim, r, r.choice(("LT", "MT", "CY", country))) for _ in range(2)]
        c.account_switch = [c.t0, c.t0 + days(r.randint(25, 45))]
    elif r.random() < 0.06:  # a legitimate change of bank long ago
        c.accounts.append(_iban(sim, r, country))
        c.account_switch = [sim.start + days(r.randint(60, 500))]


def _company_name(sim: Simulation, r: random.Random, industry: str, legal: str) -> str:
    while True:
        trade = r.choice(TRADES[industry])
        stem = r.choice(STEMS)
        name = (f"{stem} {trade} {legal}" if r.random() < 0.7
                else f"{stem} & {r.choice(STEMS)} {trade} {legal}")
        if name not in sim.names:
            sim.names.add(name)
            return name


def _iban(sim: Simulation, r: random.Random, country: str) -> str:
    while True:
        iban = f"{country}{r.randint(10, 99)} **** **** **** {r.randint(1000, 9999)}"
        if iban not in sim.ibans:
            sim.ibans.add(iban)
            return iban


def payer_account(c: CustomerSim, day: dt.date) -> str:
    """The (masked) account the customer pays from on ``day``."""
    k = sum(1 for s in c.account_switch if day >= s)
    return c.accounts[k]


def customer_row(c: CustomerSim, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """The customer record, as ``load_ledger`` reads it."""
    return {
        "id": c.id, "name": c.name, "currency": "EUR", "terms_days": c.terms,
        "credit_limit": money(max(200000, int(round(c.size * max(c.rate, 1) * 3, -5)))),
        "salesperson": c.salesperson,
        "email": f"accounts@{c.name.split()[0].lower()}.{DOMAINS[c.country]}",
        "country": c.country, "industry": c.industry, "created_on": c.created.isoformat(),
        "active": True, "contacts": contacts}
