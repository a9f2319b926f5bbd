"""A held customer whose ladder step is a call is told of the hold on that call: one task, the
call, with the hold letter to send after it; no separate hold letter then or later."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run, stub, walk

D = dt.date.fromisoformat

OVER = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
"""


def test_hold_notice__first_run_at_a_call_gives_one_task_that_tells_the_hold_and_carries_the_letter():
    desired, _ = run(ledger_from_text(OVER), D("2024-03-05"), NOTHING_WRITTEN, policy_of())
    assert [h.customer_id for h in desired.holds] == ["o"]
    (call,) = [t for t in desired.tasks if t.customer_id == "o"]
    assert (call.step, call.channel) == ("phone_call", "call")
    assert "credit hold" in call.title and "hold letter" in call.title
    script, _, letter = call.body.partition("confirm the credit hold in writing with this letter:")
    assert "Tell them the account is on credit hold" in script
    assert letter.strip().startswith("Subject: Your account: new orders with payment in advance")
    assert "Total overdue: €800.00" in letter and "Kind regards," in letter
    told = "Credit hold since 5 Mar 2024: Open balance €1,500.00 above the credit limit €1,000.00"
    assert any(line.startswith(told) for line in call.evidence)


def test_hold_notice__when_the_call_closes_for_the_agency_no_late_hold_letter_follows():
    events, written = walk(ledger_from_text(OVER), D("2024-03-05"), D("2024-05-31"), policy_of(),
                           stubs=(stub("silence", {"o"}),))
    assert ("2024-03-05", "open", "o phone_call episode:2024-02-01") in events
    assert ("2024-05-01", "open", "o agency_referral episode:2024-02-01") in events
    assert ("2024-05-01", "close", "o phone_call episode:2024-02-01") in events
    assert not [e for e in events if "credit_hold" in e[2]]
    assert [h.customer_id for h in written.holds] == ["o"]  # the hold itself stays


def test_hold_notice__a_hold_letter_already_written_stays_when_the_call_opens():
    events, _ = walk(ledger_from_text(OVER), D("2024-02-01"), D("2024-03-05"), policy_of())
    assert ("2024-02-05", "open", "o credit_hold hold") in events
    assert ("2024-03-01", "open", "o phone_call episode:2024-02-01") in events
    assert not [e for e in events if e[1] == "close" and "credit_hold" in e[2]]
