"""The worklist shows a hold with today's words: the reason a hold keeps is its placing day's,
and the invoice it named may be paid since (a controller on the phone must not quote it)."""

from __future__ import annotations

from kept_hold import BOOK, PLACED, TODAY, kept_hold
from ledgers import ledger_from_text

from arwatch.core.actions import DesiredState, Hold, Task, WrittenState
from arwatch.core.frame import LedgerFrame
from arwatch.core.holds import hold_words
from arwatch.core.planner import keep_absent, plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.worklist import worklist_text


def test_a_kept_hold_shows_todays_words_and_its_day_not_the_paid_invoice_it_named():
    policy, placed, _, board, desired = kept_hold()
    assert [h.customer_id for h in placed.holds] == ["late"] and "INV-1" in placed.holds[0].reason
    now = hold_words(board, policy, desired.holds)
    text = worklist_text(desired, {"late": "Late Ltd"}, TODAY, hold_now=now)
    line = text.split("On credit hold", 1)[1]
    assert "INV-2" in line and "INV-1" not in line and "on hold since 1 Jun 2024" in line


def test_a_hold_kept_for_a_customer_missing_from_the_data_says_so():
    policy = Policy()
    hold = Hold(customer_id="gone", rule="segment:delinquent", reason="In arrears: INV-9 open", since=PLACED)
    written = WrittenState(holds=(hold,))
    board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), TODAY), policy)
    desired = keep_absent(plan(board, written, policy, TODAY, {}), written, board.frame)
    text = worklist_text(desired, {}, TODAY, hold_now=hold_words(board, policy, desired.holds))
    assert "gone: In arrears: INV-9 open (on hold since 1 Jun 2024; no longer in the data)" in text


def test_a_hold_placed_today_shows_its_own_words():
    policy = Policy()
    board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), PLACED), policy)
    desired = plan(board, WrittenState(), policy, PLACED, {})
    text = worklist_text(desired, {"late": "Late Ltd"}, PLACED, hold_now=hold_words(board, policy, desired.holds))
    assert f"Late Ltd: {desired.holds[0].reason}" in text and "since" not in text.split("On credit hold", 1)[1]


def test_the_worklist_shows_the_largest_balances_first_and_says_how_many_more():
    """``arwatch plan`` listed the first 15 of the demo's 41 holds by customer id, without a word of
    the other 26: the two largest held balances (C0152 €51,282, C0122 €40,943) were not shown.
    Now holds and letters come largest balance first, and the cut says how many are left out."""
    holds = tuple(Hold(customer_id=cid, rule="segment:delinquent", reason=f"In arrears: {cid}", since=TODAY)
                  for cid in ("a1", "b2", "c3"))
    tasks = tuple(Task(customer_id=cid, step="credit_hold", channel="letter", title=f"Hold letter {cid}",
                       due_date=TODAY, cause="hold") for cid in ("a1", "b2", "c3"))
    desired = DesiredState(as_of=TODAY, holds=holds, tasks=tasks)
    exposure = {"a1": 10.0, "b2": 5000.0, "c3": 700.0}
    text = worklist_text(desired, {"a1": "Small", "b2": "Big", "c3": "Middle"}, TODAY, limit=2, exposure=exposure)
    held = text.split("On credit hold (3, largest balance first)", 1)[1].splitlines()[1:]
    assert held == ["  - Big: In arrears: b2", "  - Middle: In arrears: c3", "  ... and 1 more"]
    sent = text.split("Send (3, largest balance first):", 1)[1].splitlines()[1:4]
    assert sent == ["  - Big: Hold letter b2", "  - Middle: Hold letter c3", "  ... and 1 more"]
