"""Contact attempts: the dunning e-mails and calls about overdue invoices, answered or not,
the promises to pay made on them, and a silent or promise-breaking customer's own pattern.

The synthetic book's step of the same name (``synthetic.attempts``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .simulation import CustomerSim, Simulation
from .units import ONE_DAY, days, money

#: the first reminder goes out this many days after the due date (12 for a chronic late payer)
FIRST_REMINDER_DAYS = 7
#: a silent customer stops answering this many days before its trouble starts
SILENT_FROM_DAYS = 45
#: a promise-breaking customer starts breaking them this many days before its trouble starts
BROKEN_PROMISES_FROM_DAYS = 50


def make_attempts(sim: Simulation, c: CustomerSim) -> None:
    """Reminders every two weeks while an invoice is overdue (an e-mail, then calls), at most
    eight per invoice and one every five days; then, from its pattern's start, a silent
    customer's unanswered calls or a promise breaker's promises."""
    r, a, today = c.rng, c.arche, sim.today
    special_from = None
    if a == "silent":
        assert c.t0 is not None
        special_from = c.t0 - days(SILENT_FROM_DAYS)
    elif a == "broken_promise":
        assert c.t0 is not None
        special_from = c.t0 - days(BROKEN_PROMISES_FROM_DAYS)
    kept = _reminder_days(c, today, special_from)
    unanswered = 0
    for day, channel in kept:
        answered = r.random() < c.answer_rate or unanswered >= 2
        unanswered = 0 if answered else unanswered + 1
        rec: dict[str, Any] = {"customer": c, "on": day, "channel": channel, "answered": answered,
                               "outcome": "" if answered else ("no reply" if channel == "email" else "no answer")}
        if answered and channel == "call":
            soon = [inv for inv in c.invoices if inv.due < day and inv.planned is not None
                    and day < inv.planned <= day + days(21)]
            if soon:
                when = min(inv.planned for inv in soon if inv.planned is not None)
                rec["promise_date"] = when
                rec["promise_amount"] = sum(e[1] for inv in soon for e in inv.events if e[0] == when)
                rec["outcome"] = "promised to pay"
            else:
                rec["outcome"] = "will check with accounts"
        elif answered:
            rec["outcome"] = "replied: payment is scheduled"
        sim.attempts.append(rec)
    if special_from is not None:
        _pattern(sim, c, special_from)


def _reminder_days(c: CustomerSim, today: dt.date, special_from: dt.date | None) -> list[tuple[dt.date, str]]:
    """(day, channel) of each reminder, before ``special_from`` when there is one."""
    a = c.arche
    candidates: list[tuple[dt.date, str]] = []
    for inv in c.invoices:
        start = inv.issue + days(70) if a == "stable_habit" \
            else inv.due + days(FIRST_REMINDER_DAYS if a != "chronic_late" else 12)
        end = inv.planned if inv.planned is not None else today + ONE_DAY
        day, channel, n = start, "email", 0
        while day < end and day <= today and n < 8:
            candidates.append((day, channel))
            day, channel, n = day + days(14), "call", n + 1
    candidates.sort()
    kept: list[tuple[dt.date, str]] = []
    for day, channel in candidates:
        if special_from is not None and day >= special_from:
            continue
        if kept and (day - kept[-1][0]).days < 5:
            continue
        kept.append((day, channel))
    return kept


def _pattern(sim: Simulation, c: CustomerSim, special_from: dt.date) -> None:
    """While something is overdue: a silent customer's calls and e-mails go unanswered every
    4-9 days; a promise breaker promises every 12-18 days to pay its oldest invoice."""
    r, a, today = c.rng, c.arche, sim.today
    day = special_from
    while day <= today:
        owed = [inv for inv in c.invoices if inv.due < day and inv.settled(day) < inv.total]
        if owed:
            if a == "silent":
                channel = "email" if r.random() < 0.25 else "call"
                sim.attempts.append({"customer": c, "on": day, "channel": channel, "answered": False,
                                     "outcome": "voicemail left" if channel == "call" else "no reply"})
            else:
                oldest = min(owed, key=lambda inv: inv.due)
                promise = day + days(r.randint(5, 10))
                amount = oldest.total - oldest.settled(day)
                sim.attempts.append({"customer": c, "on": day, "channel": "call", "answered": True,
                                     "outcome": f"promised to pay {oldest.number or 'the oldest invoice'}",
                                     "promise_date": promise, "promise_amount": amount,
                                     "_invoice": oldest})
        day += days(r.randint(4, 9) if a == "silent" else r.randint(12, 18))


def attempt_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The contact-attempt records, numbered in date order."""
    items = sorted(sim.attempts, key=lambda a: (a["on"], a["customer"].index))
    out = []
    for n, a in enumerate(items, 1):
        outcome = a["outcome"]
        if "_invoice" in a:
            outcome = f"promised to pay {a['_invoice'].number}"
        out.append({"id": f"act-{n:05d}", "customer_id": a["customer"].id, "on": a["on"].isoformat(),
                    "channel": a["channel"], "answered": a["answered"], "outcome": outcome,
                    "promise_date": a["promise_date"].isoformat() if a.get("promise_date") else None,
                    "promise_amount": money(a["promise_amount"]) if a.get("promise_amount") else None})
    return out
