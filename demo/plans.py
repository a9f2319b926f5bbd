"""Payment plans: a customer in trouble agrees to pay its unpaid invoices in instalments, pays
them all (and buys again afterwards) or misses one; and the plan records.

The synthetic book's step of the same name (``synthetic.plans``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .invoices import make_invoices
from .simulation import CustomerSim, Simulation
from .units import days, money

#: a missed plan: this many monthly instalments, the first this many days after agreeing
MONTHLY_INSTALMENTS = 4
FIRST_INSTALMENT_DAYS = 15
#: a plan on track: three fortnightly instalments, the first 10 days after agreeing
FORTNIGHTLY_INSTALMENTS = 3


def make_plan(sim: Simulation, c: CustomerSim) -> None:
    """Agree a plan over the invoices nobody pays any more, and pay its instalments: all of a
    plan on track, one or two of a missed one."""
    r = c.rng
    assert c.t0 is not None
    agreed = c.t0 + days(40 if c.arche == "plan_missed" else 30)
    if agreed > sim.today:
        return
    open_invs = sorted((inv for inv in c.invoices
                        if inv.issue <= agreed and inv.total - inv.settled(agreed) > 0
                        and (inv.planned is None or inv.planned > agreed)),
                       key=lambda inv: inv.due)
    # only invoices nobody pays any more are covered (their planned payment was stopped)
    open_invs = [inv for inv in open_invs if inv.planned is None and
                 all(d <= agreed for d, _, _ in inv.events)]
    if not open_invs:
        return
    residual = {id(inv): inv.total - inv.settled(sim.today + days(3650)) for inv in open_invs}
    instalments: list[tuple[dt.date, int]] = []
    balance = sum(residual.values())
    if c.arche == "plan_on_track":  # three fortnightly instalments, all paid on time
        n = FORTNIGHTLY_INSTALMENTS
        part = balance // n
        instalments = [(agreed + days(10 + 14 * k), part if k < n - 1 else balance - (n - 1) * part)
                       for k in range(n)]
        paid_count = n
        c.resume = instalments[-1][0] + days(1)
    else:  # four monthly instalments; pays one or two, then misses one and stops
        n = MONTHLY_INSTALMENTS
        part = balance // n
        instalments = [(agreed + days(FIRST_INSTALMENT_DAYS + 30 * k),
                        part if k < n - 1 else balance - (n - 1) * part) for k in range(n)]
        paid_count = {330: 2, 125: 2, 95: 1}.get((sim.today - c.t0).days, 1)
    c.plan = {"agreed": agreed, "instalments": instalments, "paid": paid_count}
    # instalments paid, oldest invoice first
    queue = list(open_invs)
    for k, (due, amount) in enumerate(instalments[:paid_count]):
        pay_day = due - days(r.randint(0, 2))
        if pay_day > sim.today:
            break
        left = amount
        while left > 0 and queue:
            inv = queue[0]
            take = min(left, residual[id(inv)])
            inv.events.append((pay_day, take, f"plan{k + 1}"))
            residual[id(inv)] -= take
            left -= take
            if residual[id(inv)] == 0:
                inv.planned = pay_day
                queue.pop(0)
    sim.attempts.append({"customer": c, "on": agreed, "channel": "call", "answered": True,
                         "outcome": f"agreed a payment plan of {len(instalments)} instalments"})


def invoices_after_plan(sim: Simulation, c: CustomerSim) -> None:
    """Invoices after a completed payment plan: the normal simulation from ``resume`` on."""
    assert c.resume is not None
    older = c.invoices
    c.invoices = []
    first = c.first
    c.first = c.resume + days(c.rng.randint(3, 20))
    if c.first <= sim.today:
        make_invoices(sim, c)
    c.first = first
    c.invoices = older + c.invoices


def plan_rows(sim: Simulation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in sim.customers:
        if c.plan is None:
            continue
        out.append({"id": f"plan-{len(out) + 1:03d}", "customer_id": c.id,
                    "agreed_on": c.plan["agreed"].isoformat(),
                    "instalments": [{"due_date": d.isoformat(), "amount": money(a)}
                                    for d, a in c.plan["instalments"]],
                    "cancelled_on": None})
    return out
