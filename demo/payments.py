"""Step 3, payments: when each customer pays an invoice (its habit, its trouble), bounced and
split payments, and the payment records grouped by customer, day and kind.

The synthetic book's step of the same name (``synthetic.payments``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .customers import payer_account
from .simulation import CustomerSim, InvoiceSim, Simulation
from .units import ONE_DAY, days, is_month_end, money

#: a punctual payer pays up to this many days before the due date (inclusive range)
EARLY_DAYS = (0, 8)
#: one payment in this many is a slip: paid this many days after the due date
SLIP_SHARE = 0.04
SLIP_DAYS = (3, 12)
#: a stable habit: paid this many days after the invoice date, whatever the terms
STABLE_HABIT_DAYS = (55, 60)
#: a chronic late payer: days past due ~ normal(mean, sd), clipped to (low, high)
CHRONIC_LATE_DAYS = (55, 12, 35, 78)
#: a month-end payer pays its month-end invoices this many days past due
MONTH_END_LATE_DAYS = (12, 25)
#: a habit slipper, from the day its trouble starts: days past due = 3 + this share of the days
#: since then
HABIT_SLIP_RATE = 0.4
#: customers without trouble pay at the latest this many days after the due date
GOOD_CAP_DAYS = 80

#: archetype -> (min, max) extra days of delay once trouble starts (before paying stops)
SLOW_ADD = {
    "bank_churner": (10, 25),
    "sudden_complainer": (10, 20),
    "staff_exodus": (10, 25),
    "volume_dropper": (15, 30),
    "external_distress": (5, 15),
    "disputer": (10, 20),
}
#: archetype -> (days before the trouble starts, (min, max) extra days of delay from then on)
PRE_SLOW = {"silent": (60, (12, 25)), "broken_promise": (60, (15, 25)),
            "plan_missed": (90, (10, 20)), "plan_on_track": (60, (15, 30))}


def delay(c: CustomerSim, issue: dt.date) -> int:
    """Days from the invoice date to the day the customer means to pay it."""
    r, a, t = c.rng, c.arche, c.terms
    if a == "stable_habit":
        d = r.randint(*STABLE_HABIT_DAYS)
    elif a == "chronic_late":
        mean, sd, low, high = CHRONIC_LATE_DAYS
        d = t + max(low, min(high, int(r.gauss(mean, sd))))
    elif a == "month_end_payer":
        d = t + r.randint(*MONTH_END_LATE_DAYS) if is_month_end(issue) else t - r.randint(0, 6)
    elif a == "new":
        d = t - r.randint(0, 5)
    else:
        d = t - r.randint(*EARLY_DAYS)
        x = r.random()
        if x < SLIP_SHARE:
            d = t + r.randint(*SLIP_DAYS)  # one slip is a slip
        elif x < 0.12:
            d = max(2, t - r.randint(10, 20))
    if a == "habit_slipper" and c.t0 is not None and issue >= c.t0:
        d = t + 3 + int((issue - c.t0).days * HABIT_SLIP_RATE) + r.randint(-3, 3)
    if c.t0 is not None and a in SLOW_ADD and issue + days(d) >= c.t0:
        d += r.randint(*SLOW_ADD[a])
    if a in PRE_SLOW and c.t0 is not None and issue + days(d) >= c.t0 - days(PRE_SLOW[a][0]):
        d += r.randint(*PRE_SLOW[a][1])
    return max(1, d)


def pay_day(c: CustomerSim, day: dt.date, before: bool = False) -> dt.date:
    """The customer's payment run on or after ``day`` (on or before it when ``before``)."""
    if c.pay_weekday is None:
        wd = day.weekday()
        if wd < 5:
            return day
        return day - days(wd - 4) if before else day + days(7 - wd)
    if before:
        return day - days((day.weekday() - c.pay_weekday) % 7)
    return day + days((c.pay_weekday - day.weekday()) % 7)


def stopped(c: CustomerSim, inv: InvoiceSim, day: dt.date) -> bool:
    """Whether a payment planned on ``day`` for ``inv`` never happens."""
    if c.arche == "selective_payer" and c.t0 is not None and day >= c.t0 and inv.total > c.size:
        return True
    if c.stop is None or day < c.stop:
        return False
    return c.resume is None or inv.issue < c.resume


def schedule_payment(c: CustomerSim, inv: InvoiceSim, pay_total: int, cap: dt.date | None) -> None:
    """Add the payment of ``pay_total`` cents of ``inv`` to its events: bounced first for a
    failing payer, on the customer's payment run, at the latest on ``cap``, sometimes in two
    parts, never when the customer has stopped paying."""
    r, a, issue, due = c.rng, c.arche, inv.issue, inv.due
    day = issue + days(delay(c, issue))
    if a == "failed_payments" and c.t0 is not None and day >= c.t0 and r.random() < 0.8:
        bounce = pay_day(c, day)
        c.bounces.append((bounce, pay_total, bounce + days(r.randint(2, 6)), inv))
        day = bounce + days(r.randint(10, 25))
    early = pay_day(c, day, before=True)
    day = early if day <= due and early > issue else pay_day(c, day)
    if cap is not None and day > cap:
        day = cap
    if pay_total > 0 and not stopped(c, inv, day):
        if r.random() < 0.05 and pay_total > 5000:  # paid in two parts
            first = int(pay_total * r.uniform(0.4, 0.8))
            first_day = pay_day(c, day - days(r.randint(7, 20)), before=True)
            if first_day <= issue:
                first_day = issue + ONE_DAY
            inv.events.append((first_day, first, "pay"))
            inv.events.append((day, pay_total - first, "pay"))
        else:
            inv.events.append((day, pay_total, "pay"))


def payment_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The payment records up to ``today``: one per customer, day and kind (a plain payment or a
    plan instalment) with its allocations, then the returned ones, numbered in date order."""
    groups: dict[tuple[int, dt.date, str], list[tuple[InvoiceSim, int]]] = defaultdict(list)
    for c in sim.customers:
        for inv in c.invoices:
            for day, cents, kind in inv.events:
                if kind != "credit" and day <= sim.today:
                    groups[(c.index, day, kind if kind.startswith("plan") else "pay")].append((inv, cents))
    items: list[tuple[dt.date, int, int, dict[str, Any]]] = []
    for (ci, day, kind), pairs in groups.items():
        merged: dict[str, list[Any]] = {}
        for inv, cents in pairs:
            merged.setdefault(inv.id, [inv, 0])[1] += cents
        allocs = [(inv, cents) for inv, cents in merged.values()]
        c = sim.customers[ci]
        numbers = [inv.number for inv, _ in allocs]
        ref = ", ".join(numbers[:3]) + (f" +{len(numbers) - 3} more" if len(numbers) > 3 else "")
        if kind.startswith("plan"):
            ref = f"Payment plan instalment {kind[4:]}: {ref}"
        items.append((day, ci, 0, {
            "customer_id": c.id, "date": day.isoformat(), "amount": money(sum(a for _, a in allocs)),
            "currency": "EUR", "state": "posted", "returned_on": None,
            "payer_account": payer_account(c, day), "reference": ref,
            "allocations": [{"invoice_id": inv.id, "amount": money(a)}
                            for inv, a in sorted(allocs, key=lambda x: x[0].id)]}))
    for c in sim.customers:
        for day, cents, returned, inv in c.bounces:
            if returned <= sim.today:
                items.append((day, c.index, 1, {
                    "customer_id": c.id, "date": day.isoformat(), "amount": money(cents),
                    "currency": "EUR", "state": "returned", "returned_on": returned.isoformat(),
                    "payer_account": payer_account(c, day),
                    "reference": f"{inv.number} (returned: insufficient funds)", "allocations": []}))
    items.sort(key=lambda it: it[:3])
    out = []
    for n, (*_, row) in enumerate(items, 1):
        out.append({"id": f"pay-{n:05d}", **row})
    return out
