"""Step 2, invoices: the days a customer buys, the amounts, credit holds, goods returned
(credit notes), and for each invoice its dispute and payment; then numbering and the invoice
and credit-note records.

The synthetic book's step of the same name (``synthetic.invoices``) takes the parameters they share from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from .archetypes import GOOD, ON_A_PLAN
from .disputes import open_dispute
from .payments import GOOD_CAP_DAYS, schedule_payment
from .simulation import CustomerSim, InvoiceSim, Simulation
from .units import days, money

#: no invoice below this many cents
MIN_INVOICE = 2500
#: a selective payer's invoices: most small, this share large (parts of its typical size)
SELECTIVE_LARGE_SHARE = 0.35
SELECTIVE_SMALL = (0.1, 0.35)
SELECTIVE_LARGE = (2.5, 5.0)
#: goods returned: the share of invoices, the part credited (at least CREDIT_MIN cents), and
#: the days after the invoice date the credit note is issued
GOODS_RETURNED_SHARE = 0.025
CREDIT_PART = (0.05, 0.3)
CREDIT_MIN = 100
CREDIT_NOTE_DAYS = (3, 12)


def make_invoices(sim: Simulation, c: CustomerSim) -> None:
    """The customer's invoices from its first day to ``today``, each with its events."""
    a = c.arche
    for issue in invoice_days(sim, c):
        if held(c, issue):
            continue
        inv = InvoiceSim(c, issue, issue + days(c.terms), amount(c, issue))
        c.invoices.append(inv)
        cap = inv.due + days(GOOD_CAP_DAYS) if a in GOOD else None
        pay_total = inv.total - goods_returned(c, inv)
        if pay_total == inv.total:
            pay_total -= open_dispute(c, inv, cap)
        schedule_payment(c, inv, pay_total, cap)
        inv.events.sort(key=lambda e: e[0])
        if sum(e[1] for e in inv.events) == inv.total:
            inv.planned = inv.events[-1][0]
    if a == "new":  # fewer than 3 paid invoices by today
        kept, paid = [], 0
        for inv in c.invoices:
            done = inv.planned is not None and inv.planned <= sim.today
            if done and paid == 2:
                break
            paid += done
            kept.append(inv)
        c.invoices = kept


def invoice_days(sim: Simulation, c: CustomerSim) -> list[dt.date]:
    """The days the customer is invoiced: a Poisson stream at its rate, or for a month-end payer
    one invoice mid-month and one in the last days of each month."""
    r = c.rng
    out: list[dt.date] = []
    if c.arche == "month_end_payer":
        y, m = c.first.year, c.first.month
        while True:
            last = calendar.monthrange(y, m)[1]
            for day in (dt.date(y, m, r.randint(8, 15)), dt.date(y, m, last - r.randint(0, 4))):
                if c.first <= day <= sim.today:
                    out.append(day)
            if dt.date(y, m, 1) > sim.today:
                return out
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    day = c.first
    while True:
        out.append(day)
        day = day + days(max(1, round(r.expovariate(c.rate / 30.4))))
        if day > sim.today:
            return out


def amount(c: CustomerSim, day: dt.date) -> int:
    """The invoice's total in cents."""
    r = c.rng
    if c.arche == "selective_payer":
        small = r.random() < 1 - SELECTIVE_LARGE_SHARE
        base = c.size * (r.uniform(*SELECTIVE_SMALL) if small else r.uniform(*SELECTIVE_LARGE))
    elif c.arche == "fraud_suspicion" and c.t0 is not None and c.t0 <= day <= c.t0 + days(25):
        base = c.size * r.uniform(6, 10)
    else:
        base = c.size * r.lognormvariate(0, c.sigma)
    return max(MIN_INVOICE, int(base))


def held(c: CustomerSim, day: dt.date) -> bool:
    """Credit hold: no new invoice while one is open 90+ days past due; plans pause it too."""
    a = c.arche
    if a in ON_A_PLAN and c.t0 is not None and day >= c.t0 and (c.resume is None or day < c.resume):
        return True
    if a == "fraud_suspicion" and c.t0 is not None and day > c.t0 + days(25):
        return True
    if a == "volume_dropper" and c.t0 is not None and day >= c.t0 and c.rng.random() > 0.28:
        return True
    limit = day - days(90)
    for inv in c.invoices:
        if inv.due < limit and (inv.planned is None or inv.planned > day):
            return True
    return False


def goods_returned(c: CustomerSim, inv: InvoiceSim) -> int:
    """Cents credited on the invoice for goods returned (a credit note event), mostly 0."""
    r = c.rng
    if r.random() < GOODS_RETURNED_SHARE and c.arche not in (*ON_A_PLAN, "fraud_suspicion"):
        credit = max(CREDIT_MIN, int(inv.total * r.uniform(*CREDIT_PART)))
        inv.events.append((inv.issue + days(r.randint(*CREDIT_NOTE_DAYS)), credit, "credit"))
        return credit
    return 0


def number_invoices(sim: Simulation) -> None:
    """Ids and numbers (INV/<year>/<n>) in order of invoice date, then customer."""
    everything = [inv for c in sim.customers for inv in c.invoices]
    everything.sort(key=lambda inv: (inv.issue, inv.cust.index))
    per_year: dict[int, int] = defaultdict(int)
    for n, inv in enumerate(everything, 1):
        per_year[inv.issue.year] += 1
        inv.id = f"in-{n:05d}"
        inv.number = f"INV/{inv.issue.year}/{per_year[inv.issue.year]:05d}"


def invoice_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The invoice and credit-note records as of ``today``, in date order."""
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    notes: list[tuple[dt.date, int, InvoiceSim, str]] = []
    for c in sim.customers:
        for inv in c.invoices:
            settled_today = inv.settled(sim.today)
            disputed = bool(inv.dispute and inv.dispute["opened"] <= sim.today and
                            (inv.dispute["resolved"] is None or inv.dispute["resolved"] > sim.today))
            rows.append(((inv.issue, 0, inv.id), {
                "id": inv.id, "number": inv.number, "customer_id": c.id, "kind": "invoice",
                "state": "posted", "issue_date": inv.issue.isoformat(),
                "due_date": inv.due.isoformat(), "total": money(inv.total),
                "residual": money(inv.total - settled_today), "currency": "EUR",
                "disputed": disputed}))
            for day, cents, kind in inv.events:
                if kind == "credit" and day <= sim.today:
                    reason = "dispute settled" if inv.dispute and inv.dispute["resolved"] == day \
                        else "goods returned"
                    notes.append((day, c.index, inv, reason + f": {money(cents)}"))
    notes.sort(key=lambda n: (n[0], n[1], n[2].id))
    per_year: dict[int, int] = defaultdict(int)
    for n, (day, _, inv, _reason) in enumerate(notes, 1):
        per_year[day.year] += 1
        cents = next(cc for d, cc, k in inv.events if d == day and k == "credit")
        rows.append(((day, 1, n), {
            "id": f"cn-{n:05d}", "number": f"RINV/{day.year}/{per_year[day.year]:05d}",
            "customer_id": inv.cust.id, "kind": "credit_note", "state": "posted",
            "issue_date": day.isoformat(), "due_date": day.isoformat(), "total": money(cents),
            "residual": "0.00", "currency": "EUR", "disputed": False,
            "allocations": [{"invoice_id": inv.id, "amount": money(cents), "date": day.isoformat()}]}))
    rows.sort(key=lambda row: row[0])
    return [row for _, row in rows]
