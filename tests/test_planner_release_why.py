"""A released hold says why (audit log, the target's change): paid, the causes clear for the
clear-days wait, or a manager's lift. Before, every release but a lift said "cause cleared",
so a credit controller could not tell a customer who paid from one whose score drifted down."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, TEMPLATES, board, policy_of
from test_planner_release_on_payment import OVER, PAID, until

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
        "2024-03-12": ["paid: nothing overdue after the payment or credit of 12 Mar 2024"]}


def test_release_why__a_cause_that_faded_without_payment_says_so_with_the_wait():
    unlimited = OVER.replace(" limit=1000", "")
    policy = policy_of({"credit": {"holds": {"levels": [], "segments": []}}})
    assert release_whys(unlimited, "2024-03-05", "2024-03-20", policy,
                        stubs=(until("fraud_suspicion", {"o"}, "2024-03-11"),)) == {
        "2024-03-18": ["no hold rule has fired for 7 days (held since 5 Mar 2024 for: possible fraud)"]}
