"""Call today: ranked by money at risk (overdue x score), capped per collector, the rest carried over."""

import datetime as dt

from ledgers import ledger_from_text
from planning import board, policy_of, run_after_daily_runs, stub

from arwatch.core.call_list import call_list
from arwatch.core.frame import LedgerFrame
from arwatch.worklist import worklist_text

D = dt.date.fromisoformat
TODAY = D("2024-06-01")

# four new customers 31 to 60 days past due, different amounts; run daily from 25 May (when the
# ladder enters each at its first rung, the reminder), their call opens on 1 June
LEDGER = """
customer a "Alpha" terms=30 phone="+44 20 7946 0001"
contact a ka "Ann Buyer" role=purchasing
contact a kb "Bo Ledger" role="accounts payable" phone="+44 20 7946 0002"
contact a kc "Cy Gone" role=accounts archived=2024-05-01
invoice a A1 2024-04-01 1000.00
call a 2024-05-20 unanswered
customer b "Beta" terms=30 email=ap@beta.example
invoice b B1 2024-03-03 9000.00
customer c "Gamma" terms=30
invoice c C1 2024-03-03 5000.00
invoice c C2 2024-05-20 700.00
customer d "Delta" terms=30
invoice d D1 2024-03-03 3000.00
"""


def plan_today(policy):
    ledger = ledger_from_text(LEDGER)
    desired, _ = run_after_daily_runs(ledger, D("2024-05-25"), TODAY, policy)
    return desired, board(LedgerFrame.from_ledger(ledger, TODAY), policy)


def test_call_list__ranked_by_expected_loss_and_capped_per_collector():
    policy = policy_of({"credit": {"calls_per_day": 2, "holds": {"enabled": False}}})
    desired, b = plan_today(policy)
    calls = call_list(desired, b, policy)
    assert [line.customer_id for line in calls.today] == ["b", "c"]
    assert [line.customer_id for line in calls.carried] == ["d", "a"]
    losses = [line.expected_loss for line in calls.today + calls.carried]
    assert losses == sorted(losses, reverse=True)
    score = {str(cid): float(s) for cid, s in zip(b.frame.c_id, b.score, strict=False)}
    assert calls.today[0].expected_loss == 9000.00 * score["b"] / 100


def test_call_list__each_line_says_who_how_much_since_when_and_why():
    policy = policy_of({"credit": {"holds": {"enabled": False}}})
    desired, b = plan_today(policy)
    lines = {line.customer_id: line for line in call_list(desired, b, policy).today}
    a, beta, c = lines["a"], lines["b"], lines["c"]
    assert a.contact == "Bo Ledger (accounts payable), +44 20 7946 0002, +44 20 7946 0001"  # accounts first
    assert beta.contact == "ap@beta.example" and lines["d"].contact == "no contact in the source"
    assert (c.overdue, c.currency, c.days_past_due) == (5000.00, "EUR", 60)  # C2 is not due yet
    assert a.last_contact == "20 May 2024, call, not answered" and c.last_contact == "none on record"
    assert a.reason == ("next step after the reminder due 25 May 2024: 7 days waited, nothing paid or promised "
                        "since; 31 days past due")
    assert a.assignee == "collections"


def test_worklist__call_today_lists_the_ranked_calls_and_the_carried_over():
    policy = policy_of({"credit": {"calls_per_day": 3, "holds": {"enabled": False}}})
    desired, b = plan_today(policy)
    text = worklist_text(desired, {}, TODAY, calls=call_list(desired, b, policy))
    section = text.split("Call today")[1]
    assert section.index("1. Beta") < section.index("2. Gamma") < section.index("3. Delta")
    assert "€9,000.00 overdue, oldest 60 days" in section
    assert "1 more carried over to tomorrow" in section


def test_call_list__the_largest_exposures_not_called_say_why():
    text = LEDGER + """
    customer p "Promiser" terms=30
    invoice p P1 2024-03-03 20000.00
    call p 2024-05-30 answered promise=2024-06-10:20000
    customer f "Fraudster" terms=30
    invoice f F1 2024-03-03 30000.00
    """
    policy = policy_of({"credit": {"calls_per_day": 3, "holds": {"enabled": False}}})
    ledger = ledger_from_text(text)
    stubs = (stub("fraud_suspicion", {"f"}),)
    desired, _ = run_after_daily_runs(ledger, D("2024-05-25"), TODAY, policy, stubs)
    calls = call_list(desired, board(LedgerFrame.from_ledger(ledger, TODAY), policy, stubs), policy)
    assert {line.customer_id for line in calls.today} == {"b", "c", "d"}
    assert dict(calls.not_called) == {
        "Fraudster": "under fraud investigation: automated dunning stopped",
        "Promiser": "promised to pay by 10 Jun 2024: the ladder waits until then",
        "Alpha": "carried over to tomorrow: today's calls are full"}


def test_call_list__a_promise_whose_day_has_passed_names_the_end_of_its_grace_days():
    """The demo on 16 Nov 2026 listed "Saltmarsh Kitchens S.r.l.: on credit hold; promised to pay
    by 14 Nov 2026: the ladder waits until then", a day already gone. The promise is pending for
    its grace days (two by default): the ladder waits to the day they end, which is named."""
    text = LEDGER + """
    customer p "Promiser" terms=30
    invoice p P1 2024-03-03 20000.00
    call p 2024-05-20 answered promise=2024-05-31:20000
    """
    policy = policy_of({"credit": {"calls_per_day": 3, "holds": {"enabled": False}}})
    ledger = ledger_from_text(text)
    desired, _ = run_after_daily_runs(ledger, D("2024-05-25"), TODAY, policy)
    calls = call_list(desired, board(LedgerFrame.from_ledger(ledger, TODAY), policy), policy)
    assert dict(calls.not_called)["Promiser"] == (
        "promised to pay by 31 May 2024, not yet seen paid: the ladder waits out the grace days, to 2 Jun 2024")


def test_call_list__a_call_kept_from_an_earlier_run_says_since_when_its_why_was_written():
    """A call stays open with the why it was opened with (core/ladder.py keeps it, so the task is
    not rewritten every day). The demo synced on 1 Sept and 20 Nov 2026 listed "Nettleton ... |
    €40,943.28 overdue, oldest 181 days | last contact: 12 Nov 2026 ..." and under it "why: entered
    at: phone call; 101 days past due, last contact 29 Aug 2026": two days past due and two last
    contacts for one customer, with nothing saying the second were 1 September's. Now the why of a
    call opened before today starts with the day it was opened."""
    policy = policy_of({"credit": {"holds": {"enabled": False}}})
    ledger = ledger_from_text(LEDGER)
    later = D("2024-06-05")
    desired, _ = run_after_daily_runs(ledger, D("2024-05-25"), later, policy)
    lines = {line.customer_id: line for line in call_list(desired, board(LedgerFrame.from_ledger(ledger, later),
                                                                         policy), policy).today}
    assert lines["a"].days_past_due == 35
    assert lines["a"].reason == ("open since 1 Jun 2024: next step after the reminder due 25 May 2024: 7 days "
                                 "waited, nothing paid or promised since; 31 days past due")
