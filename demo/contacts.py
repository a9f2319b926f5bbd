"""The customer's contact people: who they are, who leaves (and is replaced), and the signal
a salesperson records when key staff leave.

The roles are shared with the synthetic book (``synthetic.contacts``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .names import FIRST_NAMES, LAST_NAMES, ROLES
from .signals import STAFF_LEFT, add_signal
from .simulation import CustomerSim, Simulation
from .units import days


def make_contacts(sim: Simulation, c: CustomerSim) -> list[dict[str, Any]]:
    """The customer's contact records (archived when they left, as of ``today``)."""
    r = c.rng
    n = r.randint(3, 4) if c.arche == "staff_exodus" else r.randint(1, 3)
    roles = r.sample(ROLES, n)
    people = []
    for k in range(n):
        people.append({"id": f"{c.id}-P{k + 1}", "name": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
                       "role": roles[k], "created_on": c.created.isoformat(), "archived_on": None})
    leaving: list[dt.date] = []
    if c.arche == "staff_exodus":
        assert c.t0 is not None
        room = max(21, min(70, (sim.today - c.t0).days - 3))
        leaving = [c.t0, c.t0 + days(r.randint(20, room))]
        if n == 4:
            leaving.append(leaving[1] + days(r.randint(5, 40)))
        leaving = [d for d in leaving if d <= sim.today]
    elif r.random() < 0.12:
        leaving = [max(c.first, sim.start + days(r.randint(0, 1000)))]
    for k, day in enumerate(leaving):
        people[k]["archived_on"] = day.isoformat()
        replaced = day + days(r.randint(0, 30))
        if replaced <= sim.today:
            people.append({"id": f"{c.id}-P{len(people) + 1}",
                           "name": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
                           "role": people[k]["role"], "created_on": replaced.isoformat(),
                           "archived_on": None})
    if c.arche == "staff_exodus" and leaving:
        add_signal(sim, c, "staff_left", leaving[0] + days(5), "sales",
                   f"{people[0]['name']} ({people[0]['role']}) has left the company", *STAFF_LEFT)
    return people
