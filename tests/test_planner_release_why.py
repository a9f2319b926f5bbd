"""A released hold says why (audit log, the target's change): paid or credited with nothing
overdue, no cause for the clear-days wait, holds turned off in the policy, or a manager's lift.
Before, every release but a lift said "cause cleared", so a credit controller could not tell a
customer who paid from one whose score drifted down."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, TEMPLATES, board, policy_of
from test_planner_release_on_payment import CREDITED, OVER, PAID, until

from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan

D = dt.date.fromisoformat


def release_whys(text, first, last, policy, stubs=()):
    """Day -> the why of each hold released that day."""
    ledger, day, written, out = ledger_from_text(text), D(first), NOTHING_WRITTEN, {}
    while day <= D(last):
        changes = diff(written, plan(board(LedgerFrame.from_ledger(ledger, day), policy, stubs), written, policy, day,
                                     TEMPLATES, "Test Co"))
        whys = [c.why for c in changes.changes if c.op.value == "release_hold"]
        if whys:
            out[day.isoformat()] = whys
        written = apply_to(written, changes)
        day += dt.timedelta(days=1)
    return out


def test_release_why__a_payment_release_says_it_was_paid_and_when():
    assert release_whys(PAID, "2024-03-05", "2024-03-14", policy_of()) == {
        "2024-03-12": ["paid: nothing overdue since the payment of 12 Mar 2024"]}
    assert release_whys(CREDITED, "2024-03-05", "2024-03-14", policy_of()) == {
        "2024-03-12": ["paid: nothing overdue since the payment of 12 Mar 2024"]}


def test_release_why__a_credit_note_release_says_credited_not_paid():
    credited = OVER + "credit o R1 2024-03-13 800.00 -> O1\ncredit o R2 2024-03-13 700.00 -> O2\n"
    assert release_whys(credited, "2024-03-05", "2024-03-15", policy_of()) == {
        "2024-03-13": ["credited: nothing overdue since the credit note of 13 Mar 2024"]}


def test_release_why__a_cause_that_faded_without_payment_says_so_with_the_wait():
    unlimited = OVER.replace(" limit=1000", "")
    policy = policy_of({"credit": {"holds": {"levels": [], "segments": []}}})
    assert release_whys(unlimited, "2024-03-05", "2024-03-20", policy,
                        stubs=(until("fraud_suspicion", {"o"}, "2024-03-11"),)) == {
        "2024-03-18": ["no reason to hold for 7 days running (held since 5 Mar 2024 for: possible fraud)"]}
    one_day = policy_of({"credit": {"holds": {"levels": [], "segments": [], "clear_days": 1}}})
    assert release_whys(unlimited, "2024-03-05", "2024-03-20", one_day,
                        stubs=(until("fraud_suspicion", {"o"}, "2024-03-11"),)) == {
        "2024-03-12": ["no reason to hold for 1 day running (held since 5 Mar 2024 for: possible fraud)"]}


def test_release_why__holds_turned_off_in_the_policy_say_so():
    on = policy_of()
    ledger, day = ledger_from_text(OVER), D("2024-03-11")
    written = apply_to(NOTHING_WRITTEN, diff(NOTHING_WRITTEN, plan(board(LedgerFrame.from_ledger(ledger, day), on),
                                                                 NOTHING_WRITTEN, on, day, TEMPLATES, "Test Co")))
    assert [h.customer_id for h in written.holds] == ["o"]
    off = policy_of({"credit": {"holds": {"enabled": False}}})
    changes = diff(written, plan(board(LedgerFrame.from_ledger(ledger, day), off), written, off, day, TEMPLATES,
                                 "Test Co"))
    assert [c.why for c in changes.changes if c.op.value == "release_hold"] == [
        "credit holds are turned off in the policy"]
