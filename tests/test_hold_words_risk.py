"""A credit hold placed on the customer's risk level says what drove the score: its reason named
only the standing ("Good payer, sudden change: critical risk (score 82)"), which leaves the credit
controller who must explain the hold to the customer or to sales with nothing to say. It now
names the top warning signs (at most three) with the evidence its flag shows, largest first."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run

D = dt.date.fromisoformat
ON_LEVEL = {"credit": {"holds": {"segments": [], "indicators": [], "levels": ["high", "critical"],
                                 "over_limit_with_overdue": False}}}

LATE_AND_SILENT = """
customer a "Alpha" terms=30
invoice a A1 2024-01-01 500.00
invoice a A2 2024-02-01 500.00
invoice a A3 2024-03-01 500.00
invoice a A4 2024-04-01 500.00
invoice a A5 2024-05-01 500.00
invoice a A6 2024-06-01 500.00
invoice a A7 2024-07-01 2400.00
payment a P1 2024-03-01 500.00 -> A1
payment a P2 2024-04-05 500.00 -> A2
payment a P3 2024-05-10 500.00 -> A3
payment a P4 2024-06-08 500.00 -> A4
payment a P5 2024-07-12 500.00 -> A5
payment a P6 2024-08-20 500.00 -> A6
call a 2024-08-12 answered promise=2024-08-20:2400.00
call a 2024-09-02 unanswered
call a 2024-09-06 unanswered
call a 2024-09-10 unanswered
"""
DAY = D("2024-09-20")


def _planned():
    desired, _ = run(ledger_from_text(LATE_AND_SILENT), DAY, NOTHING_WRITTEN, policy_of(ON_LEVEL))
    (hold,) = desired.holds
    (flag,) = desired.flags
    return desired, hold, flag


def test_hold_words__a_hold_on_the_risk_level_names_the_signs_that_drove_the_score():
    _, hold, flag = _planned()
    assert hold.rule == "level:high/critical"
    assert [line.split(":")[0] for line in flag.reasons] == [
        "Record of paying late", "Broke a promise to pay", "Stops answering"]  # the largest first
    assert hold.reason == (
        "In arrears: high risk (score 81)"
        "; Record of paying late: paid its last 6 invoices 30-50 days late, median 39, 6 of them late "
        "(last paid 20 Aug 2024)"  # the flag's evidence up to its first "; "
        "; Broke a promise to pay: promise of 12 Aug 2024 to pay €2,400.00 by 20 Aug 2024 broken: €500.00 "
        "paid by 22 Aug 2024"
        "; Stops answering: 3 calls on 2 Sept, 6 Sept, 10 Sept 2024 went unanswered")
    assert all(flag.reasons[k].startswith(sign) for k, sign in enumerate(hold.reason.split("; ")[1:]))


def test_hold_words__the_call_telling_the_hold_names_the_signs_once():
    desired, hold, _ = _planned()
    (call,) = [t for t in desired.tasks if t.key == "task:a:phone_call:promise:2024-08-20"]
    (hold_line,) = [line for line in call.evidence if line.startswith("Credit hold since")]
    signs = hold.reason.split("; ", 1)[1]  # the signs after the standing line (the call's risk line)
    assert hold_line == f"Credit hold since 20 Sept 2024: high or critical risk; {signs}"
    assert sum(line.count("went unanswered") for line in call.evidence) == 1
