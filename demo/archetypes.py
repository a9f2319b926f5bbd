"""Who the generated customers are: the archetypes, the warning signs and segments each is meant
to show, and how many of each a book holds.

Both generators read these: the demo company (``arwatch.demo.company``, one customer at a time
with ``random.Random``) and the synthetic book (``arwatch.demo.synthetic``, numpy columns).
"""

from __future__ import annotations

from typing import Any

#: archetype -> the warning-sign ids (table A of the domain brief) it is meant to trigger at
#: some point. The keys, in this order, are ``ARCHETYPES``.
ARCHETYPE_SIGNS: dict[str, tuple[str, ...]] = {
    "punctual": (),
    "stable_habit": (),  # net 30, pays at 55-60 days, every time: good, not chronic late
    "chronic_late": ("aging",),
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

#: archetype -> a sentence for people (the start of ``Truth.note``).
ARCHETYPE_NOTES: dict[str, str] = {
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

#: the archetypes without trouble: their late payments are capped (``payments.GOOD_CAP_DAYS``).
GOOD: tuple[str, ...] = ("punctual", "stable_habit", "chronic_late", "new", "month_end_payer")
#: the archetypes whose habit is measured against net 30 days: they always get 30-day terms.
NET_30: tuple[str, ...] = ("stable_habit", "month_end_payer", "habit_slipper", "chronic_late")
#: the archetypes that end up on a payment plan (the demo gives them 30-day terms too).
ON_A_PLAN: tuple[str, ...] = ("plan_missed", "plan_on_track")

#: The demo company's roster: (archetype, [(days before today the trouble starts, days after
#: that when paying stops)]). A count instead of a list means that many customers without
#: trouble. 200 customers in all.
ROSTER: tuple[tuple[str, Any], ...] = (
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

#: The synthetic book's mix: archetype -> share of customers (normalised when drawn: they sum
#: to 1.005). The order is the order the synthetic book draws archetypes in: keep it.
ARCHETYPE_SHARES: dict[str, float] = {
    "punctual": 0.50, "stable_habit": 0.07, "chronic_late": 0.07, "new": 0.04,
    "month_end_payer": 0.03, "habit_slipper": 0.03, "selective_payer": 0.02, "silent": 0.03,
    "broken_promise": 0.03, "failed_payments": 0.02, "bank_churner": 0.02, "disputer": 0.03,
    "sudden_complainer": 0.02, "staff_exodus": 0.02, "volume_dropper": 0.02,
    "external_distress": 0.015, "fraud_suspicion": 0.005, "hearsay": 0.015,
    "plan_missed": 0.01, "plan_on_track": 0.01,
}
