"""A deterministic slice of the demo company small enough to push into a real Odoo over RPC.

The whole demo (200 customers, 10,785 invoices, 9,200 payments) takes tens of thousands of
calls to load. The slice keeps the first customers (by id) of a few archetypes, chosen so that
the real planner holds some of them (``failed_payments``, ``silent``, ``selective_payer`` and
``fraud_suspicion`` customers reach delinquent or critical) and leaves others alone
(``punctual``, ``stable_habit``), and keeps their last ``MONTHS`` of history plus every invoice
still open. Payments keep their allocations to kept invoices (amount = their sum); returned
payments are left out (the loader does not bounce payments). Disputes, contact attempts, plans
and signals are not pushed: Odoo Community has no disputes, and the rest is not what the
scenario tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from arwatch.demo.company import build_demo_company

TODAY = dt.date(2026, 11, 20)
MONTHS = 6
PICK = {"punctual": 4, "stable_habit": 1, "chronic_late": 1, "month_end_payer": 1, "habit_slipper": 1,
        "broken_promise": 1, "failed_payments": 1, "silent": 1, "selective_payer": 1, "fraud_suspicion": 1}


def chosen_customers(truth: Any, scale: int = 1) -> list[str]:
    left = {archetype: n * scale for archetype, n in PICK.items()}
    ids = []
    for t in sorted(truth, key=lambda t: t.customer_id):
        if left.get(t.archetype, 0) > 0:
            left[t.archetype] -= 1
            ids.append(t.customer_id)
    return ids


def _kept_invoices(data: dict[str, Any], customers: set[str], since: str) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in data["invoices"] if i["customer_id"] in customers
            and (i["issue_date"] >= since or Decimal(i["residual"]) != 0)}


def demo_subset(today: dt.date = TODAY, scale: int = 1) -> dict[str, Any]:
    """``load_ledger``'s raw shape: the slice described above (``scale`` times as many customers
    of each archetype, as far as the demo has them)."""
    demo = build_demo_company(today=today)
    data = demo.data
    customers = chosen_customers(demo.truth, scale)
    since = (today - dt.timedelta(days=30 * MONTHS)).isoformat()
    invoices = _kept_invoices(data, set(customers), since)
    notes = [i for i in invoices.values() if i["kind"] == "credit_note"]
    for note in notes:  # a credit note whose invoice was cut is left out with it
        if any(a["invoice_id"] not in invoices for a in note.get("allocations", ())):
            invoices.pop(note["id"])
    payments = []
    for p in data["payments"]:
        if p["customer_id"] not in customers or p["state"] != "posted":
            continue
        allocs = [a for a in p["allocations"] if a["invoice_id"] in invoices]
        if allocs:
            amount = sum((Decimal(a["amount"]) for a in allocs), Decimal(0))
            payments.append(dict(p, allocations=allocs, amount=str(amount)))
    return {"company": data["company"], "customers": [c for c in data["customers"] if c["id"] in customers],
            "invoices": list(invoices.values()), "payments": payments}
