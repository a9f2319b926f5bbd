"""The demo company's simulation state: customers and invoices as they are being generated,
and the records collected along the way.

The steps (``customers``, ``invoices``, ``payments``, ``plans``, ``contacts``, ``signals``,
``disputes``, ``attempts``) fill these in; ``company.build_demo_company`` runs them in order.
Each customer draws from its own ``random.Random`` (seeded from the company's), in the same
order every time: the same seed and day give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .units import days


class InvoiceSim:
    """An invoice being simulated: its settlement events, dispute and, once numbered, its ids."""

    __slots__ = ("cust", "issue", "due", "total", "events", "planned", "dispute", "id",
                 "number", "plan_covered")

    def __init__(self, cust: CustomerSim, issue: dt.date, due: dt.date, total: int) -> None:
        self.cust, self.issue, self.due, self.total = cust, issue, due, total
        self.events: list[tuple[dt.date, int, str]] = []  # (day, cents, "pay"|"credit"|"plan<k>")
        self.planned: dt.date | None = None  # day the last event settles it (may be after today)
        self.dispute: dict[str, Any] | None = None
        self.id = self.number = ""
        self.plan_covered = False

    def settled(self, upto: dt.date) -> int:
        return sum(c for d, c, _ in self.events if d <= upto)


class CustomerSim:
    """A customer being simulated: its archetype, trouble dates, profile and invoices.

    ``t0`` is the day its trouble starts and ``stop`` the day it stops paying (None: never);
    the profile (``customers.profile``) sets the rest.
    """

    # the profile, set by customers.profile
    country: str
    industry: str
    terms: int
    size: int  # a typical invoice, in cents
    rate: float  # invoices per month
    sigma: float  # spread of invoice amounts around ``size``
    pay_weekday: int | None  # the weekday of its payment run, None: any working day
    answer_rate: float
    fussy: bool
    created: dt.date
    first: dt.date  # its first invoice
    accounts: list[str]  # the bank accounts it pays from, in order of use
    account_switch: list[dt.date]  # the days it moves to the next one
    salesperson: str

    def __init__(self, index: int, arche: str, rng: random.Random, t0: dt.date | None,
                 stop_lag: int | None) -> None:
        self.index, self.arche, self.rng, self.t0 = index, arche, rng, t0
        self.stop = None if (t0 is None or stop_lag is None) else t0 + days(stop_lag)
        self.resume: dt.date | None = None  # plan on track: normal life again from this day
        self.invoices: list[InvoiceSim] = []
        self.bounces: list[tuple[dt.date, int, dt.date, InvoiceSim]] = []
        self.plan: dict[str, Any] | None = None
        self.id = self.name = ""


class Simulation:
    """The company being generated: its random source, the three years ending at ``today``, the
    customers, and the disputes, contact attempts and signals collected by the steps."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.start = today.replace(year=today.year - 3) if not (today.month == 2 and today.day == 29) \
            else today.replace(year=today.year - 3, day=28)
        self.names: set[str] = set()
        self.ibans: set[str] = set()
        self.customers: list[CustomerSim] = []
        self.disputes: list[dict[str, Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.signals: list[dict[str, Any]] = []
