"""A customer missing from the data keeps what is written about it (``planner.keep_absent``):
its data is missing, not cleared, so its flag, hold and open tasks are not undone; a manager's
override still lifts the hold; customers in the data are planned as ``plan`` plans them."""

from __future__ import annotations

import datetime as dt

from ledgers import ledger_from_text

from arwatch.core.actions import Flag, Hold, Override, Task, WrittenState
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import absent_customers, keep_absent, plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score

TODAY = dt.date(2024, 6, 1)
BOOK = """
customer here "Still Here" terms=30
invoice here H-1 2024-01-02 800.00
"""


def written(override: bool = False) -> WrittenState:
    """What an earlier run wrote about ``gone`` (now missing from the data) and ``here``."""
    since = TODAY - dt.timedelta(days=10)
    return WrittenState(
        flags=(Flag(customer_id="gone", level="high", score=80.0, segment="delinquent", as_of=since),
               Flag(customer_id="here", level="high", score=80.0, segment="delinquent", as_of=since)),
        holds=(Hold(customer_id="gone", rule="segment:delinquent", reason="in arrears", since=since),),
        tasks=(Task(customer_id="gone", step="call", cause="episode:2024-02-01", title="Call", due_date=since),),
        overrides=(Override(customer_id="gone", release_until=TODAY, by="manager", reason="paid by cheque"),)
        if override else ())


def planned(state: WrittenState):
    board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), TODAY), Policy())
    desired = plan(board, state, Policy(), TODAY, {})
    return board, desired, keep_absent(desired, state, board.frame)


def test_what_is_written_about_a_customer_missing_from_the_data_is_kept():
    state = written()
    board, desired, kept = planned(state)
    assert absent_customers(board.frame, state) == ("gone",)
    undone = {(c.op.value, c.customer_id) for c in diff(state, desired).changes}
    assert {("clear_flag", "gone"), ("release_hold", "gone"), ("close_task", "gone")} <= undone  # plan alone
    assert not [c for c in diff(state, kept).changes if c.customer_id == "gone"]
    assert [c for c in diff(state, kept).changes if c.customer_id == "here"] == \
        [c for c in diff(state, desired).changes if c.customer_id == "here"]


def test_a_managers_override_still_lifts_the_hold_of_a_missing_customer():
    state = written(override=True)
    _, _, kept = planned(state)
    assert "gone" not in [h.customer_id for h in kept.holds]
    assert [c.op.value for c in diff(state, kept).changes if c.customer_id == "gone"] == ["release_hold"]
    assert [f.customer_id for f in kept.flags].count("gone") == 1 and len(kept.tasks) >= 1


def test_nothing_is_kept_when_every_customer_written_about_is_in_the_data():
    state = written().model_copy(update={"flags": written().flags[1:], "holds": (), "tasks": ()})
    _, desired, kept = planned(state)
    assert kept == desired
