"""A hold placed because the open balance is over the credit limit says so in its letter: the
open balance, the limit and the overdue part (a review of demo C0067, C0133, C0164 found the
letter naming only the overdue amount)."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run, stub

D = dt.date.fromisoformat

OVER = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
"""


def hold_letter(text, day, policy=None):
    desired, _ = run(ledger_from_text(text), D(day), NOTHING_WRITTEN, policy or policy_of(),
                     (stub("month_end_payer", {"o"}),))
    assert [h.rule for h in desired.holds] == ["over_limit"]
    (letter,) = [t for t in desired.tasks if t.customer_id == "o" and t.step == "credit_hold"]
    return " ".join(letter.body.split())


def test_over_limit_hold_letter_names_balance_limit_and_overdue_part():
    body = hold_letter(OVER, "2024-02-10")
    assert ("Your account shows an open balance of €1,500.00, above your credit limit of €1,000.00, "
            "and €800.00 of it is overdue.") in body


def test_over_limit_hold_letter_uses_the_policy_default_limit_where_the_customer_has_none():
    text = OVER.replace(" limit=1000", "")
    body = hold_letter(text, "2024-02-10", policy_of({"credit": {"default_credit_limit": 1000}}))
    assert "above your credit limit of €1,000.00" in body
