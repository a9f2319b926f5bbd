"""A deterministic demo company: Northwind Supplies Ltd, a small wholesale business.

``build_demo_company(seed, today)`` simulates about 200 customers over the three years ending
at ``today``: invoices and credit notes, payments with allocations (partial, several invoices at
once, from masked bank accounts), bounced payments, disputes and complaints, dunning contact
attempts with promises to pay, payment plans, manual signals and contacts that leave.

Every customer follows one *archetype* (``ARCHETYPES``); ``ARCHETYPE_SIGNS`` names the warning
signs of the domain brief (``shared/warning-signs.md``) (table A ids) each archetype is meant to show. Troubled
customers start showing their signs months before they reach 90 days past due, so that an early
warning system can be scored against the ground truth in ``DemoCompany.truth``.

Only ``random.Random(seed)`` is used: the same seed and ``today`` give the same data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from arwatch.core.load import load_ledger
from arwatch.core.model import Ledger

DEFAULT_TODAY = dt.date(2026, 11, 20)
COMPANY = {"id": "northwind", "name": "Northwind Supplies Ltd", "currency": "EUR"}
SALESPEOPLE = ("Anna Keller", "Marc Dubois", "Sofia Marino", "Jonas Berg", "Elena Novak")

#: archetype -> the warning-sign ids (table A) it is meant to trigger at some point.
ARCHETYPE_SIGNS: dict[str, tuple[str, ...]] = {
    "punctual": (),
    "stable_habit": ("habitual_lateness",),  # net 30, pays at 55-60 days, every time: late, but steady
    "chronic_late": ("habitual_lateness", "aging"),
    "new": (),
    "habit_slipper": ("habit_slip", "slowing_trend", "aging"),
    "selective_payer": ("selective_payment", "aging"),
    "silent": ("silence", "aging"),
    "broken_promise": ("broken_promise", "aging"),
    "failed_payments": ("failed_payments", "aging"),
    "bank_churner": ("bank_churn", "slowing_trend"),
    "disputer": ("disputes",),
    "sudden_complainer": ("sudden_complaints",),
    "staff_exodus": ("staff_exodus",),
    "volume_dropper": ("volume_drop", "slowing_trend"),
    "external_distress": ("external_distress",),
    "fraud_suspicion": ("fraud_suspicion", "aging"),
    "hearsay": ("hearsay",),
    "month_end_payer": ("month_end_payer",),
    "plan_missed": ("broken_promise", "aging"),
    "plan_on_track": ("aging",),
}
ARCHETYPES: tuple[str, ...] = tuple(ARCHETYPE_SIGNS)

#: the segment (table B) an archetype's customers are meant to be in at ``today``, where one is
#: meant at all (troubled archetypes move from good to delinquent over time).
ARCHETYPE_SEGMENTS: dict[str, str] = {
    "punctual": "good",
    "stable_habit": "good",
    "month_end_payer": "good",
    "chronic_late": "chronic late",
    "new": "new",
    "silent": "delinquent",
    "fraud_suspicion": "under review",
    "external_distress": "under review",
}

# (archetype, [(days before today the trouble starts, days after that when paying stops)])
# A count instead of a list means that many customers without trouble.
_ROSTER: tuple[tuple[str, Any], ...] = (
    ("punctual", 98),
    ("stable_habit", 12),
    ("chronic_late", 10),
    ("new", 8),
    ("month_end_payer", 5),
    ("habit_slipper", [(470, 150), (420, 150), (380, 150), (330, 150), (260, 150), (200, 150)]),
    ("selective_payer", [(380, 240), (290, None), (200, None), (110, None), (70, None)]),
    ("silent", [(330, 0), (240, 0), (150, 0), (100, 0), (70, 0)]),
    ("broken_promise", [(320, 0), (230, 0), (150, 0), (95, 0), (45, 0)]),
    ("failed_payments", [(330, 120), (150, None), (100, None), (80, None), (60, None)]),
    ("bank_churner", [(360, 150), (240, 120), (150, None), (100, None), (50, None)]),
    ("disputer", [(None, None)] * 4 + [(300, 90), (160, 60)]),
    ("sudden_complainer", [(280, 60), (75, None), (60, None), (40, None)]),
    ("staff_exodus", [(320, 90), (160, None), (110, None), (60, None)]),
    ("volume_dropper", [(330, 120), (150, None), (120, None), (105, None), (95, None)]),
    ("external_distress", [(330, 90), (70, None), (40, None), (15, None)]),
    ("fraud_suspicion", [(300, 0), (130, 0), (75, 0)]),
    ("hearsay", [(300, 60), (80, None), (45, None), (20, None)]),
    ("plan_missed", [(330, 0), (125, 0), (95, 0)]),
    ("plan_on_track", [(210, 0), (60, 0), (45, 0)]),
)

# archetype -> (min, max) extra days of delay once trouble starts (before paying stops)
_SLOW_ADD = {
    "bank_churner": (10, 25),
    "sudden_complainer": (10, 20),
    "staff_exodus": (10, 25),
    "volume_dropper": (15, 30),
    "external_distress": (5, 15),
    "disputer": (10, 20),
}
_PRE_SLOW = {"silent": (60, (12, 25)), "broken_promise": (60, (15, 25)),
             "plan_missed": (90, (10, 20)), "plan_on_track": (60, (15, 30))}
_GOOD = {"punctual", "stable_habit", "chronic_late", "new", "month_end_payer"}

# ------------------------------------------------------------------------------- names
_COUNTRIES = (("DE", "GmbH", "de", 30), ("NL", "B.V.", "nl", 20), ("FR", "SARL", "fr", 14),
              ("BE", "SRL", "be", 10), ("AT", "GmbH", "at", 8), ("IE", "Ltd", "ie", 8),
              ("ES", "S.L.", "es", 5), ("IT", "S.r.l.", "it", 5))
_TRADES = {
    "hospitality": ("Hotel", "Guesthouse", "Bistro", "Brasserie", "Inn"),
    "catering": ("Catering", "Kitchens", "Banqueting", "Canteens"),
    "retail": ("Stores", "Market", "Home & Garden", "Supplies Shop"),
    "construction": ("Construction", "Builders", "Renovations", "Roofing"),
    "healthcare": ("Care Home", "Dental Practice", "Medical Centre", "Physio"),
    "education": ("Academy", "Language School", "Training Institute"),
    "office services": ("Business Centre", "Office Services", "Coworking"),
    "cleaning": ("Cleaning Services", "Facility Services", "Hygiene"),
    "events": ("Events", "Venues", "Festival Services"),
}
_STEMS = ("Aldmoor", "Brenvik", "Castelmar", "Dornhaven", "Elsweather", "Falkenrode", "Greywick",
          "Hollingmere", "Ivarsholm", "Jarnbury", "Kestrelton", "Linderhof", "Marlowen", "Norrebrook",
          "Oakhurst", "Pelloran", "Quenby", "Rosenau", "Saltmarsh", "Thornvale", "Ulmendorf",
          "Valcourt", "Westerbeek", "Yarrowfield", "Zeldenrust", "Ambrell", "Bellacroix", "Corvana",
          "Dunmore", "Eastcliff", "Fennimore", "Goldcrest", "Harwell", "Isenbrook", "Juniper",
          "Kingsmere", "Lakeside", "Millbrook", "Northgate", "Orchard", "Pinecrest", "Redfern",
          "Silverleaf", "Tidewater", "Upland", "Vintner", "Willowby", "Brightwater", "Copperfield",
          "Driftwood", "Emberly", "Foxglove", "Glenrock", "Heatherly", "Ironbridge", "Larchmont",
          "Moorland", "Nettleton", "Oldmill", "Primrose", "Quarrystone", "Ravenhill", "Stonebridge")
_FIRST = ("Anna", "Lukas", "Marie", "Jan", "Sophie", "Pieter", "Camille", "Thomas", "Lea", "Daan",
          "Claire", "Niamh", "Jonas", "Eva", "Hugo", "Ines", "Mateo", "Giulia", "Ruben", "Emma",
          "Felix", "Sara", "Bram", "Chloe", "Liam", "Nora", "Paul", "Julia", "Sean", "Lotte")
_LAST = ("Vermeulen", "Hartmann", "Lefevre", "Brennan", "Kowalczyk", "Moreau", "Jansen", "Schreiber",
         "Fontaine", "Gallagher", "De Smet", "Hofer", "Navarro", "Ricci", "Bakker", "Lambert",
         "Weber", "Dubois", "Murphy", "Peeters", "Huber", "Castillo", "Romano", "Visser", "Maes")
_ROLES = ("Accounts payable", "Purchasing manager", "Owner", "Office manager", "Finance director",
          "Bookkeeper")
_COMPLAINTS = ("damaged goods on delivery", "late delivery", "wrong items delivered",
               "quality of cleaning products", "missing items in shipment", "rude driver",
               "price differs from quote")
_DISPUTES = ("short delivery", "price differs from quote", "damaged goods", "duplicate billing",
             "goods returned, credit not yet issued")
_DISTRESS = (
    ("industry_distress", "Regional hospitality sector hit by a wave of insolvencies", "news"),
    ("country_distress", "Payment delays reported across the country after banking restrictions", "news"),
    ("merger_acquisition", "Taken over by a holding company; purchasing moves to head office", "sales"),
    ("leadership_change", "Founder retired; new managing director replaces the finance team", "sales"),
)

_ONE_DAY = dt.timedelta(days=1)


def _d(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _is_month_end(day: dt.date) -> bool:
    return day.day > calendar.monthrange(day.year, day.month)[1] - 5


# ------------------------------------------------------------------------------- public records
@dataclass(frozen=True)
class Truth:
    """What the generator knows about a customer.

    Attributes:
      customer_id: the customer.
      archetype: one of ``ARCHETYPES``.
      goes_bad: whether some invoice reaches 90 days past due on or before ``today``.
      bad_from: the first day an invoice of the customer is 90 days past due and still open
        (computed from the generated allocations), None when it never happens.
      note: a sentence for people.
    """

    customer_id: str
    archetype: str
    goes_bad: bool
    bad_from: dt.date | None
    note: str


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


# ------------------------------------------------------------------------------- simulation
class _Inv:
    __slots__ = ("cust", "issue", "due", "total", "events", "planned", "dispute", "id",
                 "number", "plan_covered")

    def __init__(self, cust: _Cust, issue: dt.date, due: dt.date, total: int) -> None:
        self.cust, self.issue, self.due, self.total = cust, issue, due, total
        self.events: list[tuple[dt.date, int, str]] = []  # (day, cents, "pay"|"credit"|"plan")
        self.planned: dt.date | None = None  # day the last event settles it (may be after today)
        self.dispute: dict[str, Any] | None = None
        self.id = self.number = ""
        self.plan_covered = False

    def settled(self, upto: dt.date) -> int:
        return sum(c for d, c, _ in self.events if d <= upto)


class _Cust:
    def __init__(self, index: int, arche: str, rng: random.Random, t0: dt.date | None,
                 stop_lag: int | None) -> None:
        self.index, self.arche, self.rng, self.t0 = index, arche, rng, t0
        self.stop = None if (t0 is None or stop_lag is None) else t0 + _d(stop_lag)
        self.resume: dt.date | None = None  # plan on track: normal life again from this day
        self.invoices: list[_Inv] = []
        self.bounces: list[tuple[dt.date, int, dt.date, _Inv]] = []
        self.plan: dict[str, Any] | None = None
        self.id = self.name = ""


class _Builder:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.start = today.replace(year=today.year - 3) if not (today.month == 2 and today.day == 29) \
            else today.replace(year=today.year - 3, day=28)
        self.names: set[str] = set()
        self.ibans: set[str] = set()
        self.customers: list[_Cust] = []
        self.raw_customers: list[dict[str, Any]] = []
        self.disputes: list[dict[str, Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.signals: list[dict[str, Any]] = []
        self.credit_notes: list[tuple[_Inv, dt.date, int]] = []

    # ---------------------------------------------------------------- customers
    def _company_name(self, r: random.Random, industry: str, legal: str) -> str:
        while True:
            trade = r.choice(_TRADES[industry])
            stem = r.choice(_STEMS)
            name = (f"{stem} {trade} {legal}" if r.random() < 0.7
                    else f"{stem} & {r.choice(_STEMS)} {trade} {legal}")
            if name not in self.names:
                self.names.add(name)
                return name

    def _iban(self, r: random.Random, country: str) -> str:
        while True:
            iban = f"{country}{r.randint(10, 99)} **** **** **** {r.randint(1000, 9999)}"
            if iban not in self.ibans:
                self.ibans.add(iban)
                return iban

    def make_customers(self) -> None:
        plan: list[tuple[str, int | None, int | None]] = []
        for arche, spec in _ROSTER:
            if isinstance(spec, int):
                plan += [(arche, None, None)] * spec
            else:
                plan += [(arche, off, lag) for off, lag in spec]
        self.rng.shuffle(plan)
        for index, (arche, offset, lag) in enumerate(plan):
            r = random.Random(self.rng.getrandbits(64))
            t0 = None if offset is None else self.today - _d(offset)
            c = _Cust(index, arche, r, t0, lag)
            c.id = f"C{index + 1:04d}"
            self._profile(c)
            self.customers.append(c)

    def _profile(self, c: _Cust) -> None:
        r = c.rng
        country, legal, tld, _ = r.choices(_COUNTRIES, weights=[w for *_, w in _COUNTRIES])[0]
        c.country = country
        c.industry = r.choice(tuple(_TRADES))
        c.name = self._company_name(r, c.industry, legal)
        c.terms = r.choices((30, 15, 45, 60), weights=(70, 10, 12, 8))[0]
        if c.arche in ("stable_habit", "month_end_payer", "habit_slipper", "chronic_late",
                       "plan_missed", "plan_on_track"):
            c.terms = 30
        c.size = int(r.lognormvariate(6.9, 0.7) * 100)  # typical invoice in cents (~1,000 EUR)
        c.rate = r.lognormvariate(0.2, 0.5)  # invoices per month
        c.sigma = 0.5
        c.pay_weekday = None if r.random() < 0.5 else r.randint(0, 4)
        c.answer_rate = r.uniform(0.8, 0.95)
        c.fussy = c.arche not in ("sudden_complainer",) and r.random() < 0.25
        late_join = c.arche in ("punctual", "chronic_late", "stable_habit", "disputer") and r.random() < 0.12
        if c.arche == "new":
            c.created = self.today - _d(r.randint(20, 110))
        elif c.arche == "fraud_suspicion":
            c.created = c.t0 - _d(r.randint(170, 230))
        elif late_join:
            c.created = self.start + _d(r.randint(30, 700))
        else:
            c.created = self.start - _d(r.randint(30, 2500))
        c.first = max(self.start, c.created) + _d(r.randint(0, 15))
        if c.arche == "volume_dropper":
            c.rate, c.sigma = r.uniform(3.5, 5.0), 0.2
        if c.arche == "failed_payments":
            c.rate = max(c.rate, 2.0)
        if c.arche == "selective_payer":
            c.rate = max(c.rate, 2.5)
        if c.arche in ("habit_slipper", "slowing"):
            c.rate = max(c.rate, 1.8)
        if c.t0 is not None:  # troubled customers buy often enough for the trouble to show
            c.rate = max(c.rate, 1.5)
        if c.arche in ("plan_missed", "plan_on_track"):
            c.rate, c.size = max(c.rate, 3.0), max(c.size, 80000)
        if c.arche == "fraud_suspicion":
            c.rate, c.size = 1.6, min(c.size, 60000)
        # bank accounts: the main one, and for a churner the new ones it moves to
        c.accounts = [self._iban(r, country)]
        c.account_switch: list[dt.date] = []
        if c.arche == "fraud_suspicion":  # the impostor pays the small invoices from elsewhere
            c.accounts.append(self._iban(r, r.choice(("LT", "MT", "CY"))))
            c.account_switch = [c.t0 - _d(60)]
        elif c.arche == "bank_churner":
            c.accounts += [self._iban(r, r.choice(("LT", "MT", "CY", country))) for _ in range(2)]
            c.account_switch = [c.t0, c.t0 + _d(r.randint(25, 45))]
        elif r.random() < 0.06:  # a legitimate change of bank long ago
            c.accounts.append(self._iban(r, country))
            c.account_switch = [self.start + _d(r.randint(60, 500))]
        c.salesperson = r.choice(SALESPEOPLE)

    def _account(self, c: _Cust, day: dt.date) -> str | None:
        k = sum(1 for s in c.account_switch if day >= s)
        return c.accounts[k]

    # ---------------------------------------------------------------- invoices
    def _invoice_days(self, c: _Cust) -> list[dt.date]:
        r = c.rng
        days: list[dt.date] = []
        if c.arche == "month_end_payer":
            y, m = c.first.year, c.first.month
            while True:
                last = calendar.monthrange(y, m)[1]
                for day in (dt.date(y, m, r.randint(8, 15)), dt.date(y, m, last - r.randint(0, 4))):
                    if c.first <= day <= self.today:
                        days.append(day)
                if dt.date(y, m, 1) > self.today:
                    return days
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        day = c.first
        while True:
            days.append(day)
            day = day + _d(max(1, round(r.expovariate(c.rate / 30.4))))
            if day > self.today:
                return days

    def _amount(self, c: _Cust, day: dt.date) -> int:
        r = c.rng
        if c.arche == "selective_payer":
            base = c.size * (r.uniform(0.1, 0.35) if r.random() < 0.65 else r.uniform(2.5, 5.0))
        elif c.arche == "fraud_suspicion" and c.t0 <= day <= c.t0 + _d(25):
            base = c.size * r.uniform(6, 10)
        else:
            base = c.size * r.lognormvariate(0, c.sigma)
        return max(2500, int(base))

    def _held(self, c: _Cust, day: dt.date) -> bool:
        """Credit hold: no new invoice while one is open 90+ days past due; plans pause it too."""
        a = c.arche
        if a in ("plan_missed", "plan_on_track") and day >= c.t0 and (c.resume is None or day < c.resume):
            return True
        if a == "fraud_suspicion" and day > c.t0 + _d(25):
            return True
        if a == "volume_dropper" and day >= c.t0 and c.rng.random() > 0.28:
            return True
        limit = day - _d(90)
        for inv in c.invoices:
            if inv.due < limit and (inv.planned is None or inv.planned > day):
                return True
        return False

    def _pay_day(self, c: _Cust, day: dt.date, before: bool = False) -> dt.date:
        """The customer's payment run on or after ``day`` (on or before it when ``before``)."""
        if c.pay_weekday is None:
            wd = day.weekday()
            if wd < 5:
                return day
            return day - _d(wd - 4) if before else day + _d(7 - wd)
        if before:
            return day - _d((day.weekday() - c.pay_weekday) % 7)
        return day + _d((c.pay_weekday - day.weekday()) % 7)

    def _delay(self, c: _Cust, issue: dt.date) -> int:
        r, a, t = c.rng, c.arche, c.terms
        if a == "stable_habit":
            d = r.randint(55, 60)
        elif a == "chronic_late":
            d = t + max(35, min(78, int(r.gauss(55, 12))))
        elif a == "month_end_payer":
            d = t + r.randint(12, 25) if _is_month_end(issue) else t - r.randint(0, 6)
        elif a == "new":
            d = t - r.randint(0, 5)
        else:
            d = t - r.randint(0, 8)
            x = r.random()
            if x < 0.04:
                d = t + r.randint(3, 12)  # one slip is a slip
            elif x < 0.12:
                d = max(2, t - r.randint(10, 20))
        if a == "habit_slipper" and issue >= c.t0:
            d = t + 3 + int((issue - c.t0).days * 0.4) + r.randint(-3, 3)
        if c.t0 is not None and a in _SLOW_ADD and issue + _d(d) >= c.t0:
            d += r.randint(*_SLOW_ADD[a])
        if a in _PRE_SLOW and issue + _d(d) >= c.t0 - _d(_PRE_SLOW[a][0]):
            d += r.randint(*_PRE_SLOW[a][1])
        return max(1, d)

    def _stopped(self, c: _Cust, inv: _Inv, day: dt.date) -> bool:
        """Whether a payment planned on ``day`` for ``inv`` never happens."""
        if c.arche == "selective_payer" and c.t0 is not None and day >= c.t0 and inv.total > c.size:
            return True
        if c.stop is None or day < c.stop:
            return False
        return c.resume is None or inv.issue < c.resume

    def make_invoices(self, c: _Cust) -> None:
        r, a = c.rng, c.arche
        for issue in self._invoice_days(c):
            if self._held(c, issue):
                continue
            inv = _Inv(c, issue, issue + _d(c.terms), self._amount(c, issue))
            c.invoices.append(inv)
            total, due = inv.total, inv.due
            cap = due + _d(80) if a in _GOOD else None
            pay_total = total
            # goods returned: a credit note applied to the invoice
            if r.random() < 0.025 and a not in ("plan_missed", "plan_on_track", "fraud_suspicion"):
                credit = max(100, int(total * r.uniform(0.05, 0.3)))
                inv.events.append((issue + _d(r.randint(3, 12)), credit, "credit"))
                pay_total -= credit
            # disputes and short payments
            p_dispute = 0.0
            if a == "disputer":
                p_dispute = 0.35 if c.t0 is None or issue < c.t0 else 0.6
            elif c.fussy and a not in ("plan_missed", "plan_on_track"):
                p_dispute = 0.02
            disputed_cents = 0
            if pay_total == total and r.random() < p_dispute:
                opened = issue + _d(r.randint(4, max(5, c.terms)))
                disputed_cents = max(500, int(total * r.uniform(0.1, 0.5)))
                resolved = opened + _d(r.randint(12, 45))
                if cap is not None:  # good customers' disputes are settled within weeks
                    resolved = min(resolved, due + _d(45))
                elif a == "disputer" and (c.t0 is None or issue < c.t0):
                    resolved = min(resolved, due + _d(70))
                if c.stop is not None and resolved >= c.stop:
                    resolved = None  # nobody settles it any more
                inv.dispute = {"opened": opened, "resolved": resolved, "amount": disputed_cents,
                               "reason": r.choice(_DISPUTES), "credit": r.random() < 0.75}
                pay_total -= disputed_cents
                if resolved is not None:
                    kind = "credit" if inv.dispute["credit"] else "pay"
                    inv.events.append((resolved, disputed_cents, kind))
            # the payment itself
            day = issue + _d(self._delay(c, issue))
            if a == "failed_payments" and c.t0 is not None and day >= c.t0 and r.random() < 0.8:
                bounce = self._pay_day(c, day)
                c.bounces.append((bounce, pay_total, bounce + _d(r.randint(2, 6)), inv))
                day = bounce + _d(r.randint(10, 25))
            early = self._pay_day(c, day, before=True)
            day = early if day <= due and early > issue else self._pay_day(c, day)
            if cap is not None and day > cap:
                day = cap
            if pay_total > 0 and not self._stopped(c, inv, day):
                if r.random() < 0.05 and pay_total > 5000:  # paid in two parts
                    first = int(pay_total * r.uniform(0.4, 0.8))
                    first_day = self._pay_day(c, day - _d(r.randint(7, 20)), before=True)
                    if first_day <= issue:
                        first_day = issue + _ONE_DAY
                    inv.events.append((first_day, first, "pay"))
                    inv.events.append((day, pay_total - first, "pay"))
                else:
                    inv.events.append((day, pay_total, "pay"))
            inv.events.sort(key=lambda e: e[0])
            if sum(e[1] for e in inv.events) == total:
                inv.planned = inv.events[-1][0]
        if a == "new":  # fewer than 3 paid invoices by today
            kept, paid = [], 0
            for inv in c.invoices:
                done = inv.planned is not None and inv.planned <= self.today
                if done and paid == 2:
                    break
                paid += done
                kept.append(inv)
            c.invoices = kept

    # ---------------------------------------------------------------- payment plans
    def make_plan(self, c: _Cust) -> None:
        r = c.rng
        agreed = c.t0 + _d(40 if c.arche == "plan_missed" else 30)
        if agreed > self.today:
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
        residual = {id(inv): inv.total - inv.settled(self.today + _d(3650)) for inv in open_invs}
        instalments: list[tuple[dt.date, int]] = []
        balance = sum(residual.values())
        if c.arche == "plan_on_track":  # three fortnightly instalments, all paid on time
            part = balance // 3
            instalments = [(agreed + _d(10 + 14 * k), part if k < 2 else balance - 2 * part)
                           for k in range(3)]
            paid_count = 3
            c.resume = instalments[-1][0] + _d(1)
        else:  # four monthly instalments; pays one or two, then misses one and stops
            part = balance // 4
            instalments = [(agreed + _d(15 + 30 * k), part if k < 3 else balance - 3 * part)
                           for k in range(4)]
            paid_count = {330: 2, 125: 2, 95: 1}.get((self.today - c.t0).days, 1)
        c.plan = {"agreed": agreed, "instalments": instalments, "paid": paid_count}
        # instalments paid, oldest invoice first
        queue = list(open_invs)
        for k, (due, amount) in enumerate(instalments[:paid_count]):
            pay_day = due - _d(r.randint(0, 2))
            if pay_day > self.today:
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
        self.attempts.append({"customer": c, "on": agreed, "channel": "call", "answered": True,
                              "outcome": f"agreed a payment plan of {len(instalments)} instalments"})

    # ---------------------------------------------------------------- people and signals
    def make_contacts(self, c: _Cust) -> list[dict[str, Any]]:
        r = c.rng
        n = r.randint(3, 4) if c.arche == "staff_exodus" else r.randint(1, 3)
        roles = r.sample(_ROLES, n)
        people = []
        for k in range(n):
            people.append({"id": f"{c.id}-P{k + 1}", "name": f"{r.choice(_FIRST)} {r.choice(_LAST)}",
                           "role": roles[k], "created_on": c.created.isoformat(), "archived_on": None})
        leaving: list[dt.date] = []
        if c.arche == "staff_exodus":
            room = max(21, min(70, (self.today - c.t0).days - 3))
            leaving = [c.t0, c.t0 + _d(r.randint(20, room))]
            if n == 4:
                leaving.append(leaving[1] + _d(r.randint(5, 40)))
            leaving = [d for d in leaving if d <= self.today]
        elif r.random() < 0.12:
            leaving = [max(c.first, self.start + _d(r.randint(0, 1000)))]
        for k, day in enumerate(leaving):
            people[k]["archived_on"] = day.isoformat()
            replaced = day + _d(r.randint(0, 30))
            if replaced <= self.today:
                people.append({"id": f"{c.id}-P{len(people) + 1}",
                               "name": f"{r.choice(_FIRST)} {r.choice(_LAST)}",
                               "role": people[k]["role"], "created_on": replaced.isoformat(),
                               "archived_on": None})
        if c.arche == "staff_exodus" and leaving:
            self._signal(c, "staff_left", leaving[0] + _d(5), "sales",
                         f"{people[0]['name']} ({people[0]['role']}) has left the company", 0.5, 0.9)
        return people

    def _signal(self, c: _Cust, kind: str, on: dt.date, source: str, note: str,
                severity: float, confidence: float, expires: dt.date | None = None) -> None:
        if on <= self.today:
            self.signals.append({"customer": c, "kind": kind, "on": on, "source": source,
                                 "note": note, "severity": severity, "confidence": confidence,
                                 "expires_on": expires})

    def make_signals(self, c: _Cust) -> None:
        r, a = c.rng, c.arche
        if a == "external_distress":
            kind, note, source = r.choice(_DISTRESS)
            self._signal(c, kind, c.t0, source, note, round(r.uniform(0.6, 0.8), 2),
                         round(r.uniform(0.8, 1.0), 2), c.t0 + _d(365))
        elif a == "fraud_suspicion":
            on = min(self.today, c.t0 + _d(r.randint(35, 50)))
            self._signal(c, "fraud_suspicion", on, "collections",
                         "Registered office says nobody placed these orders; delivery address was "
                         "changed by phone. Suspected identity theft.", 0.9, 0.6)
        elif a == "hearsay":
            self._signal(c, "hearsay", c.t0, "another customer",
                         "A customer in the same street says they are behind on rent",
                         0.4, round(r.uniform(0.2, 0.35), 2), c.t0 + _d(90))
        elif a == "sudden_complainer" and r.random() < 0.5:
            self._signal(c, "complaint", c.t0 + _d(2), "service desk",
                         "Unhappy about recent deliveries, threatens to change supplier", 0.3, 0.9)

    def make_disputes(self, c: _Cust) -> None:
        r = c.rng
        for inv in c.invoices:
            if inv.dispute and inv.dispute["opened"] <= self.today:
                self.disputes.append({"customer": c, "invoice": inv, "kind": "dispute", **inv.dispute})
        complaints: list[dt.date] = []
        if c.arche == "sudden_complainer":
            span = max(10, min(85, (self.today - c.t0).days - 1))
            complaints = sorted(c.t0 + _d(x) for x in r.sample(range(span), r.randint(3, 4)))
        elif c.arche not in ("new",) and r.random() < 0.15:
            complaints = [c.first + _d(r.randint(0, max(1, (self.today - c.first).days)))]
        for day in complaints:
            if day > self.today:
                continue
            recent = [inv for inv in c.invoices if inv.issue <= day]
            inv = recent[-1] if recent and r.random() < 0.6 else None
            resolved = day + _d(r.randint(3, 25))
            self.disputes.append({"customer": c, "invoice": inv, "kind": "complaint",
                                  "opened": day, "resolved": resolved, "amount": None,
                                  "reason": r.choice(_COMPLAINTS)})

    # ---------------------------------------------------------------- contact attempts
    def make_attempts(self, c: _Cust) -> None:
        r, a, today = c.rng, c.arche, self.today
        special_from = None
        if a == "silent":
            special_from = c.t0 - _d(45)
        elif a == "broken_promise":
            special_from = c.t0 - _d(50)
        candidates: list[tuple[dt.date, str]] = []
        for inv in c.invoices:
            start = inv.issue + _d(70) if a == "stable_habit" else inv.due + _d(7 if a != "chronic_late" else 12)
            end = inv.planned if inv.planned is not None else today + _ONE_DAY
            day, channel, n = start, "email", 0
            while day < end and day <= today and n < 8:
                candidates.append((day, channel))
                day, channel, n = day + _d(14), "call", n + 1
        candidates.sort()
        kept: list[tuple[dt.date, str]] = []
        for day, channel in candidates:
            if special_from is not None and day >= special_from:
                continue
            if kept and (day - kept[-1][0]).days < 5:
                continue
            kept.append((day, channel))
        unanswered = 0
        for day, channel in kept:
            answered = r.random() < c.answer_rate or unanswered >= 2
            unanswered = 0 if answered else unanswered + 1
            rec: dict[str, Any] = {"customer": c, "on": day, "channel": channel, "answered": answered,
                                   "outcome": "" if answered else ("no reply" if channel == "email" else "no answer")}
            if answered and channel == "call":
                soon = [inv for inv in c.invoices if inv.due < day and inv.planned is not None
                        and day < inv.planned <= day + _d(21)]
                if soon:
                    when = min(inv.planned for inv in soon)
                    rec["promise_date"] = when
                    rec["promise_amount"] = sum(e[1] for inv in soon for e in inv.events if e[0] == when)
                    rec["outcome"] = "promised to pay"
                else:
                    rec["outcome"] = "will check with accounts"
            elif answered:
                rec["outcome"] = "replied: payment is scheduled"
            self.attempts.append(rec)
        if special_from is None:
            return
        day = special_from
        while day <= today:
            owed = [inv for inv in c.invoices if inv.due < day and inv.settled(day) < inv.total]
            if owed:
                if a == "silent":
                    channel = "email" if r.random() < 0.25 else "call"
                    self.attempts.append({"customer": c, "on": day, "channel": channel, "answered": False,
                                          "outcome": "voicemail left" if channel == "call" else "no reply"})
                else:
                    oldest = min(owed, key=lambda inv: inv.due)
                    promise = day + _d(r.randint(5, 10))
                    amount = oldest.total - oldest.settled(day)
                    self.attempts.append({"customer": c, "on": day, "channel": "call", "answered": True,
                                          "outcome": f"promised to pay {oldest.number or 'the oldest invoice'}",
                                          "promise_date": promise, "promise_amount": amount,
                                          "_invoice": oldest})
            day += _d(r.randint(4, 9) if a == "silent" else r.randint(12, 18))

    # ---------------------------------------------------------------- assemble
    def build(self) -> tuple[dict[str, Any], tuple[Truth, ...]]:
        self.make_customers()
        for c in self.customers:
            self.make_invoices(c)
            if c.arche in ("plan_missed", "plan_on_track"):
                self.make_plan(c)
                if c.resume is not None:  # life goes on after the plan: invoice again
                    before = len(c.invoices)
                    self.make_invoices_after(c)
                    assert len(c.invoices) >= before
        self.number_invoices()
        for c in self.customers:
            contacts = self.make_contacts(c)
            self.raw_customers.append({
                "id": c.id, "name": c.name, "currency": "EUR", "terms_days": c.terms,
                "credit_limit": _money(max(200000, int(round(c.size * max(c.rate, 1) * 3, -5)))),
                "salesperson": c.salesperson,
                "email": f"accounts@{c.name.split()[0].lower()}.{dict((k, t) for k, _, t, _ in _COUNTRIES)[c.country]}",
                "country": c.country, "industry": c.industry, "created_on": c.created.isoformat(),
                "active": True, "contacts": contacts})
            self.make_signals(c)
            self.make_disputes(c)
            self.make_attempts(c)
        data = {
            "company": dict(COMPANY),
            "customers": self.raw_customers,
            "invoices": self.raw_invoices(),
            "payments": self.raw_payments(),
            "disputes": self.raw_disputes(),
            "contact_attempts": self.raw_attempts(),
            "payment_plans": self.raw_plans(),
            "signals": self.raw_signals(),
        }
        return data, compute_truth(data, self.today, {c.id: c.arche for c in self.customers})

    def make_invoices_after(self, c: _Cust) -> None:
        """Invoices after a completed payment plan: the normal simulation from ``resume`` on."""
        older = c.invoices
        c.invoices = []
        first = c.first
        c.first = c.resume + _d(c.rng.randint(3, 20))
        if c.first <= self.today:
            self.make_invoices(c)
        c.first = first
        c.invoices = older + c.invoices

    def number_invoices(self) -> None:
        everything = [inv for c in self.customers for inv in c.invoices]
        everything.sort(key=lambda inv: (inv.issue, inv.cust.index))
        per_year: dict[int, int] = defaultdict(int)
        for n, inv in enumerate(everything, 1):
            per_year[inv.issue.year] += 1
            inv.id = f"in-{n:05d}"
            inv.number = f"INV/{inv.issue.year}/{per_year[inv.issue.year]:05d}"

    def raw_invoices(self) -> list[dict[str, Any]]:
        rows: list[tuple[tuple, dict[str, Any]]] = []
        notes: list[tuple[dt.date, int, _Inv, str]] = []
        for c in self.customers:
            for inv in c.invoices:
                settled_today = inv.settled(self.today)
                disputed = bool(inv.dispute and inv.dispute["opened"] <= self.today and
                                (inv.dispute["resolved"] is None or inv.dispute["resolved"] > self.today))
                rows.append(((inv.issue, 0, inv.id), {
                    "id": inv.id, "number": inv.number, "customer_id": c.id, "kind": "invoice",
                    "state": "posted", "issue_date": inv.issue.isoformat(),
                    "due_date": inv.due.isoformat(), "total": _money(inv.total),
                    "residual": _money(inv.total - settled_today), "currency": "EUR",
                    "disputed": disputed}))
                for day, cents, kind in inv.events:
                    if kind == "credit" and day <= self.today:
                        reason = "dispute settled" if inv.dispute and inv.dispute["resolved"] == day \
                            else "goods returned"
                        notes.append((day, c.index, inv, reason + f": {_money(cents)}"))
        notes.sort(key=lambda n: (n[0], n[1], n[2].id))
        per_year: dict[int, int] = defaultdict(int)
        for n, (day, _, inv, reason) in enumerate(notes, 1):
            per_year[day.year] += 1
            cents = next(cc for d, cc, k in inv.events if d == day and k == "credit")
            rows.append(((day, 1, n), {
                "id": f"cn-{n:05d}", "number": f"RINV/{day.year}/{per_year[day.year]:05d}",
                "customer_id": inv.cust.id, "kind": "credit_note", "state": "posted",
                "issue_date": day.isoformat(), "due_date": day.isoformat(), "total": _money(cents),
                "residual": "0.00", "currency": "EUR", "disputed": False,
                "allocations": [{"invoice_id": inv.id, "amount": _money(cents), "date": day.isoformat()}]}))
        rows.sort(key=lambda row: row[0])
        return [row for _, row in rows]

    def raw_payments(self) -> list[dict[str, Any]]:
        groups: dict[tuple[int, dt.date, str], list[tuple[_Inv, int]]] = defaultdict(list)
        for c in self.customers:
            for inv in c.invoices:
                for day, cents, kind in inv.events:
                    if kind != "credit" and day <= self.today:
                        groups[(c.index, day, kind if kind.startswith("plan") else "pay")].append((inv, cents))
        items: list[tuple[dt.date, int, int, dict[str, Any]]] = []
        for (ci, day, kind), pairs in groups.items():
            merged: dict[str, list] = {}
            for inv, cents in pairs:
                merged.setdefault(inv.id, [inv, 0])[1] += cents
            allocs = [(inv, cents) for inv, cents in merged.values()]
            c = self.customers[ci]
            numbers = [inv.number for inv, _ in allocs]
            ref = ", ".join(numbers[:3]) + (f" +{len(numbers) - 3} more" if len(numbers) > 3 else "")
            if kind.startswith("plan"):
                ref = f"Payment plan instalment {kind[4:]}: {ref}"
            items.append((day, ci, 0, {
                "customer_id": c.id, "date": day.isoformat(), "amount": _money(sum(a for _, a in allocs)),
                "currency": "EUR", "state": "posted", "returned_on": None,
                "payer_account": self._account(c, day), "reference": ref,
                "allocations": [{"invoice_id": inv.id, "amount": _money(a)}
                                for inv, a in sorted(allocs, key=lambda x: x[0].id)]}))
        for c in self.customers:
            for day, cents, returned, inv in c.bounces:
                if returned <= self.today:
                    items.append((day, c.index, 1, {
                        "customer_id": c.id, "date": day.isoformat(), "amount": _money(cents),
                        "currency": "EUR", "state": "returned", "returned_on": returned.isoformat(),
                        "payer_account": self._account(c, day),
                        "reference": f"{inv.number} (returned: insufficient funds)", "allocations": []}))
        items.sort(key=lambda it: it[:3])
        out = []
        for n, (*_, row) in enumerate(items, 1):
            out.append({"id": f"pay-{n:05d}", **row})
        return out

    def raw_disputes(self) -> list[dict[str, Any]]:
        items = sorted(self.disputes, key=lambda d: (d["opened"], d["customer"].index, d["kind"]))
        out = []
        for n, d in enumerate(items, 1):
            out.append({"id": f"dsp-{n:04d}", "customer_id": d["customer"].id,
                        "invoice_id": d["invoice"].id if d["invoice"] is not None else None,
                        "opened_on": d["opened"].isoformat(),
                        "resolved_on": d["resolved"].isoformat() if d["resolved"] and d["resolved"] <= self.today else None,
                        "amount": _money(d["amount"]) if d["amount"] is not None else None,
                        "reason": d["reason"], "kind": d["kind"]})
        return out

    def raw_attempts(self) -> list[dict[str, Any]]:
        items = sorted(self.attempts, key=lambda a: (a["on"], a["customer"].index))
        out = []
        for n, a in enumerate(items, 1):
            outcome = a["outcome"]
            if "_invoice" in a:
                outcome = f"promised to pay {a['_invoice'].number}"
            out.append({"id": f"act-{n:05d}", "customer_id": a["customer"].id, "on": a["on"].isoformat(),
                        "channel": a["channel"], "answered": a["answered"], "outcome": outcome,
                        "promise_date": a["promise_date"].isoformat() if a.get("promise_date") else None,
                        "promise_amount": _money(a["promise_amount"]) if a.get("promise_amount") else None})
        return out

    def raw_plans(self) -> list[dict[str, Any]]:
        out = []
        for c in self.customers:
            if c.plan is None:
                continue
            out.append({"id": f"plan-{len(out) + 1:03d}", "customer_id": c.id,
                        "agreed_on": c.plan["agreed"].isoformat(),
                        "instalments": [{"due_date": d.isoformat(), "amount": _money(a)}
                                        for d, a in c.plan["instalments"]],
                        "cancelled_on": None})
        return out

    def raw_signals(self) -> list[dict[str, Any]]:
        items = sorted(self.signals, key=lambda s: (s["on"], s["customer"].index))
        return [{"id": f"sig-{n:03d}", "customer_id": s["customer"].id, "kind": s["kind"],
                 "on": s["on"].isoformat(), "source": s["source"], "note": s["note"],
                 "severity": s["severity"], "confidence": s["confidence"],
                 "expires_on": s["expires_on"].isoformat() if s["expires_on"] else None}
                for n, s in enumerate(items, 1)]


# ------------------------------------------------------------------------------- ground truth
_NOTES = {
    "punctual": "pays within its terms",
    "stable_habit": "net 30 but pays at a stable 55-60 days: good, leave alone inside its habit",
    "chronic_late": "always pays 35-80 days past due; habit beyond terms",
    "new": "new customer, fewer than 3 paid invoices",
    "habit_slipper": "punctual for years, then pays later and later, then stops",
    "selective_payer": "pays the small invoices, leaves the large ones open",
    "silent": "stops answering calls and emails, then stops paying",
    "broken_promise": "promises to pay on a date and does not",
    "failed_payments": "payments bounce month after month",
    "bank_churner": "pays from new bank accounts, and more slowly",
    "disputer": "disputes many invoices, pays short; settled by credit notes",
    "sudden_complainer": "no complaints for a year, then several in a short time",
    "staff_exodus": "key contacts leave the customer",
    "volume_dropper": "orders drop sharply while payments slow down",
    "external_distress": "industry, country or ownership trouble; under review",
    "fraud_suspicion": "large orders never paid; suspected identity fraud",
    "hearsay": "other customers say it is in trouble (low confidence)",
    "month_end_payer": "pays late only the invoices issued at month end",
    "plan_missed": "on a payment plan and missed an instalment",
    "plan_on_track": "on a payment plan, every instalment paid on time",
}


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def first_90_days_past_due(data: dict[str, Any], today: dt.date) -> dict[str, tuple[dt.date, str]]:
    """Customer id -> (first day some invoice is 90 days past due and still open, its number).

    An invoice is open at the end of a day when the posted payments and credit notes allocated
    to it on or before that day do not cover its total.
    """
    settled: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for pay in data["payments"]:
        if pay["state"] != "posted":
            continue
        for al in pay["allocations"]:
            settled[al["invoice_id"]].append((_date(al.get("date") or pay["date"]), Decimal(al["amount"])))
    for note in data["invoices"]:
        if note["kind"] == "credit_note":
            for al in note.get("allocations", ()):
                settled[al["invoice_id"]].append((_date(al.get("date") or note["issue_date"]),
                                                  Decimal(al["amount"])))
    out: dict[str, tuple[dt.date, str]] = {}
    for inv in data["invoices"]:
        if inv["kind"] != "invoice" or inv["state"] != "posted":
            continue
        day = _date(inv["due_date"]) + _d(90)
        if day > today:
            continue
        paid = sum((a for d, a in settled[inv["id"]] if d <= day), Decimal(0))
        if paid < Decimal(inv["total"]):
            cid = inv["customer_id"]
            if cid not in out or day < out[cid][0]:
                out[cid] = (day, inv["number"])
    return out


def compute_truth(data: dict[str, Any], today: dt.date, archetypes: dict[str, str]) -> tuple[Truth, ...]:
    bad = first_90_days_past_due(data, today)
    truth = []
    for cust in data["customers"]:
        cid = cust["id"]
        arche = archetypes[cid]
        note = _NOTES[arche]
        if cid in bad:
            note += f"; {bad[cid][1]} 90 days past due on {bad[cid][0].isoformat()}"
        truth.append(Truth(cid, arche, cid in bad, bad[cid][0] if cid in bad else None, note))
    return tuple(truth)


def build_demo_company(seed: int = 7, today: dt.date = DEFAULT_TODAY) -> DemoCompany:
    """Build the Northwind Supplies demo company; the same ``seed`` and ``today`` give equal output."""
    data, truth = _Builder(seed, today).build()
    return DemoCompany(seed=seed, today=today, data=data, truth=truth)
