"""A task's evidence lists its first five invoices and counts the rest as its title does: the
overdue ones, and apart from them those not yet overdue.

Seen on the demo: C0052's call ended its evidence with "and 1 more invoices"; C0170's agency
referral (a month's syncs) was titled "... INV/2026/01971 and 8 more" (11 overdue) while its
evidence ended "and 9 more invoices", 3 of them not yet due.
"""

from __future__ import annotations

import datetime as dt

from ledgers import board_at
from planning import TEMPLATES, policy_of

from arwatch.core.actions import WrittenState
from arwatch.core.planner import plan

OVERDUE_SIX = """
customer n "Newco Ltd" terms=30
invoice n N1 2024-01-01 100.00
invoice n N2 2024-01-02 100.00
invoice n N3 2024-01-03 100.00
invoice n N4 2024-01-04 100.00
invoice n N5 2024-01-05 100.00
invoice n N6 2024-01-06 100.00
"""
NOT_YET_DUE = "invoice n N7 2024-02-01 100.00\ninvoice n N8 2024-02-02 100.00\n"
CALM = policy_of({"indicators": {"aging": {"weight": 0.1}, "habit_slip": {"weight": 0.1}}})


def _reminder(text: str):
    day = "2024-02-10"
    desired = plan(board_at(text, day, CALM), WrittenState(), CALM, dt.date.fromisoformat(day), TEMPLATES)
    (task,) = [t for t in desired.tasks if t.step == "reminder"]
    return task


def test_one_more_overdue_invoice_is_one_invoice():
    task = _reminder(OVERDUE_SIX)
    assert task.title.endswith("about N1, N2, N3 and 3 more")
    assert "and 1 more overdue invoice" in task.evidence


def test_the_invoices_not_yet_overdue_are_counted_apart():
    task = _reminder(OVERDUE_SIX + NOT_YET_DUE)
    assert task.title.endswith("about N1, N2, N3 and 3 more")  # the overdue ones
    assert "and 1 more overdue invoice, 2 not yet overdue" in task.evidence
