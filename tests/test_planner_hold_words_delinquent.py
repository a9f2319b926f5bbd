"""A customer held as delinquent for broken promises with silence, before 91 days past due, is
held with those words: before, its hold said only "In arrears: oldest invoice 34 days past due
(...)", which reads like a wrong rule (delinquent is 91+ days) to the credit controller who must
explain the hold to the customer."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run

BROKEN_AND_SILENT = """
customer a "Alpha" terms=30
invoice a A1 2024-01-01 800.00
call a 2024-02-10 answered promise=2024-02-20:800.00
call a 2024-02-25 unanswered
call a 2024-02-27 unanswered
call a 2024-03-01 unanswered
"""


def test_hold_words__delinquent_by_broken_promise_and_silence_says_so():
    desired, _ = run(ledger_from_text(BROKEN_AND_SILENT), dt.date(2024, 3, 5), NOTHING_WRITTEN, policy_of())
    (hold,) = desired.holds
    assert hold.rule == "segment:delinquent"
    assert hold.reason.startswith("In arrears: oldest invoice 34 days past due (A1, ")
    assert "; Broke a promise to pay: promise of 10 Feb 2024 to pay €800.00 by 20 Feb 2024 broken" in hold.reason
    assert "; Stops answering: 3 calls on 25 Feb, 27 Feb, 1 Mar 2024 went unanswered" in hold.reason


def test_hold_words__delinquent_by_days_past_due_names_only_the_arrears():
    desired, _ = run(ledger_from_text(BROKEN_AND_SILENT), dt.date(2024, 5, 5), NOTHING_WRITTEN, policy_of())
    (hold,) = desired.holds
    assert hold.reason == "In arrears: oldest invoice 95 days past due (A1, €800.00 open, due 31 Jan 2024)"
