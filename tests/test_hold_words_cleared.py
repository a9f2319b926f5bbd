"""A kept hold whose cause no longer fires is not worded with its rule's words as of today.

Seen on the demo synced on 2 and 16 Nov 2026: `arwatch plan`, the report's hold table and the
export said "Willowby & Hollingmere Kitchens GmbH: Open balance €1,508.41 above the credit limit
€2,000.00, with invoices overdue" (and Upland Renovations "€6,440.22 above the credit limit
€7,000.00"): the balance had fallen under the limit, the hold was kept for its clear days, and its
words were made from today's balance as if it were still over. A controller reading it would tell
the customer something false, or lift the hold by hand.
"""

from __future__ import annotations

import datetime as dt

from ledgers import ledger_from_text

from arwatch.core.actions import WrittenState
from arwatch.core.frame import LedgerFrame
from arwatch.core.holds import hold_words
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.worklist import worklist_text

BOOK = """
customer o "Over Ltd" terms=30 limit=1000
invoice o O1 2024-04-01 800.00
invoice o O2 2024-05-01 700.00
payment o P1 2024-05-10 600.00 -> O1
"""
PLACED, TODAY = dt.date(2024, 5, 2), dt.date(2024, 5, 12)


def _kept(book: str = BOOK):
    policy = Policy()
    placed = plan(score(LedgerFrame.from_ledger(ledger_from_text(book), PLACED), policy), WrittenState(), policy,
                  PLACED, {})
    board = score(LedgerFrame.from_ledger(ledger_from_text(book), TODAY), policy)
    desired = plan(board, WrittenState(holds=placed.holds), policy, TODAY, {})
    return policy, placed, board, desired


def test_a_hold_kept_after_the_balance_fell_under_the_limit_does_not_say_it_is_above():
    policy, placed, board, desired = _kept()
    (hold,) = placed.holds
    assert hold.rule == "over_limit" and "€1,500.00 above the credit limit €1,000.00" in hold.reason
    assert desired.holds == placed.holds  # kept: a cause fired in the last clear days, O1 still overdue
    words = hold_words(board, policy, desired.holds)["o"]
    assert "above the credit limit" not in words
    assert words == ("Held for: over the credit limit, which no longer applies: open balance €900.00, "
                     "credit limit €1,000.00; held until there has been no reason to hold for 7 days running")
    text = worklist_text(desired, {"o": "Over Ltd"}, TODAY, hold_now=hold_words(board, policy, desired.holds))
    assert "Over Ltd: Held for: over the credit limit, which no longer applies" in text
    assert "(on hold since 2 May 2024)" in text


def test_a_hold_still_over_the_limit_keeps_its_rules_words_as_of_today():
    book = BOOK.replace("600.00 -> O1", "100.00 -> O1")  # 1,400.00 open: still over the limit
    policy, _, board, desired = _kept(book)
    assert hold_words(board, policy, desired.holds)["o"] == (
        "Open balance €1,400.00 above the credit limit €1,000.00, with invoices overdue")


def test_a_hold_whose_own_cause_cleared_is_worded_by_a_cause_firing_today():
    policy = Policy()
    placed = plan(score(LedgerFrame.from_ledger(ledger_from_text(BOOK), PLACED), policy), WrittenState(), policy,
                  PLACED, {})
    later = dt.date(2024, 8, 5)  # under the limit, but O1 96 days past due: in arrears
    board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), later), policy)
    desired = plan(board, WrittenState(holds=placed.holds), policy, later, {})
    assert desired.holds == placed.holds
    assert hold_words(board, policy, desired.holds)["o"].startswith(
        "In arrears: oldest invoice 96 days past due (O1, €200.00 open, due 1 May 2024")
