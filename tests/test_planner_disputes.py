"""Disputes hold their invoice out of dunning (issue 18.5): no step about a disputed amount while
the dispute is open, no days past due from it for the ladder, the hold or delinquency; a dispute
open past the policy's limit opens a task to resolve it; a resolved note, a credit note or a
payment puts the invoice back; short payment stays a warning sign."""

import datetime as dt

from ledgers import board_at, ledger_from_text
from planning import ALPHA, NOTHING_WRITTEN, alpha_events, policy_of, run

from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators.aging import oldest_days_past_due
from arwatch.core.segments import SEGMENTS

D = dt.date.fromisoformat
events = alpha_events


def test_dispute__closes_the_open_reminder_and_no_step_comes_while_it_is_open():
    found = events('note a 2024-02-10 "dispute: A1 wrong goods"', "2024-03-10")
    assert found == [
        ("2024-02-01", "open", "a reminder episode:2024-02-01"),
        ("2024-02-10", "close", "a reminder episode:2024-02-01"),  # no call at 30 days, no plan offer
    ]


def test_dispute__open_past_the_limit_opens_a_task_and_resolved_puts_the_invoice_back():
    found = events('note a 2024-02-10 "dispute: A1 wrong goods"\nnote a 2024-03-20 "resolved: A1"')
    assert found == [
        ("2024-02-01", "open", "a reminder episode:2024-02-01"),
        ("2024-02-10", "close", "a reminder episode:2024-02-01"),
        ("2024-03-11", "open", "a dispute_review disputes"),  # 30 days open
        ("2024-03-20", "open", "a phone_call episode:2024-02-01"),  # back in the ladder, one rung up
        ("2024-03-20", "close", "a dispute_review disputes"),
        ("2024-03-27", "open", "a payment_plan_offer episode:2024-02-01"),
        ("2024-03-27", "close", "a phone_call episode:2024-02-01"),
    ]


def test_dispute__the_task_cites_the_dispute_and_the_policy_limit():
    ledger = ledger_from_text(ALPHA + 'note a 2024-02-10 "dispute: A1 350.00 two pallets missing"\n'
                                      'invoice a A2 2024-03-01 100.00')
    desired, _ = run(ledger, D("2024-03-15"), NOTHING_WRITTEN, policy_of())
    (task,) = [t for t in desired.tasks if t.step == "dispute_review"]
    assert task.title == "Resolve the dispute of Alpha about A1"
    assert task.rule == "credit.ladders.all[5]: dispute_review, on a dispute open 30 days or more"
    assert "dispute on A1 opened 10 Feb 2024, 34 days open (€350.00 disputed): two pallets missing" in task.evidence


def test_dispute__a_credit_note_ends_it_and_the_rest_is_dunned():
    found = events('note a 2024-02-10 "dispute: A1 wrong goods"\ncredit a CN1 2024-03-25 100.00 -> A1')
    assert found[-2:] == [("2024-03-25", "close", "a dispute_review disputes"),
                          ("2024-04-01", "open", "a phone_call episode:2024-02-01")]


def test_dispute__a_partial_dispute_leaves_the_rest_in_dunning():
    found = events('note a 2024-02-10 "dispute: A1 350.00 wrong goods"', "2024-03-01")
    assert ("2024-03-01", "open", "a phone_call episode:2024-02-01") in found
    assert ("2024-02-10", "close", "a reminder episode:2024-02-01") not in found


def test_dispute__no_days_past_due_for_delinquency_or_the_hold():
    late = """
customer o "Overdrawn Ltd" terms=30 limit=500
invoice o O1 2024-01-01 800.00
"""
    disputed = late + 'dispute o D1 2024-02-05 invoice=O1 reason="wrong goods"'
    assert int(oldest_days_past_due(LedgerFrame.from_ledger(ledger_from_text(late), D("2024-05-01")))[0]) == 91
    assert int(oldest_days_past_due(LedgerFrame.from_ledger(ledger_from_text(disputed), D("2024-05-01")))[0]) < 0
    assert SEGMENTS[board_at(late, "2024-05-01").segment[0]] == "delinquent"
    assert SEGMENTS[board_at(disputed, "2024-05-01").segment[0]] != "delinquent"
    held, _ = run(ledger_from_text(late), D("2024-05-01"), NOTHING_WRITTEN, policy_of())
    free, _ = run(ledger_from_text(disputed), D("2024-05-01"), NOTHING_WRITTEN, policy_of())
    assert [h.customer_id for h in held.holds] == ["o"] and free.holds == ()


def test_dispute__a_complaint_holds_nothing():
    found = events('dispute a C1 2024-02-10 complaint reason="late delivery"', "2024-03-01")
    assert ("2024-03-01", "open", "a phone_call episode:2024-02-01") in found


def test_dispute__several_open_too_long_make_one_task_citing_each():
    ledger = ledger_from_text(ALPHA + 'invoice a A2 2024-01-10 300.00\n'
                                      'note a 2024-02-10 "dispute: A1 wrong goods"\n'
                                      'note a 2024-02-12 "dispute: A2 late delivery"')
    desired, _ = run(ledger, D("2024-03-15"), NOTHING_WRITTEN, policy_of())
    (task,) = [t for t in desired.tasks if t.step == "dispute_review"]
    assert task.key == "task:a:dispute_review:disputes"
    assert task.title == "Resolve the dispute of Alpha about A1, A2"
    assert [line for line in task.evidence if line.startswith("dispute on")] == [
        "dispute on A1 opened 10 Feb 2024, 34 days open: wrong goods",
        "dispute on A2 opened 12 Feb 2024, 32 days open: late delivery"]
