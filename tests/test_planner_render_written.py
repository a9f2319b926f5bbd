"""``plan(..., render_written=False)``: tasks already written are not rendered again.

The diff must be exactly the one of the fully rendered plan; new tasks are rendered in full;
flags (whose reasons the diff compares) are the same either way.
"""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from ledgers import ledger_from_text
from planning import TEMPLATES, board, policy_of, stub, walk
from test_planner_properties import SETTINGS, ledgers, scored

from arwatch.core import wording
from arwatch.core.actions import Op, WrittenState
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan

OVERDUE = """
customer a "Alpha" terms=30 salesperson=ann
invoice a A1 2024-01-01 1000.00
invoice a A2 2024-02-01 2000.00
invoice a A3 2024-03-01 500.00
customer b "Beta" terms=30
invoice b B1 2024-02-15 700.00
payment b PB 2024-03-01 700.00 -> B1
"""


def _board(text, day, stubs=()):
    policy = policy_of()
    frame = LedgerFrame.from_ledger(ledger_from_text(text), dt.date.fromisoformat(day))
    return board(frame, policy, stubs), policy


def test_plan__render_written_false_reuses_written_tasks_and_renders_new_ones():
    b, policy = _board(OVERDUE, "2024-05-01")
    today = b.frame.as_of
    first = plan(b, WrittenState(), policy, today, TEMPLATES, "Co")
    assert first.tasks, "the scenario must plan tasks"
    kept = first.tasks[:1]  # pretend only the first task was written, without its body
    stored = kept[0].model_copy(update={"body": "", "evidence": ()})
    written = WrittenState(tasks=(stored,))
    lazy = plan(b, written, policy, today, TEMPLATES, "Co", render_written=False)
    full = plan(b, written, policy, today, TEMPLATES, "Co")
    assert lazy.tasks[0] == stored  # the written task stands for itself
    assert lazy.tasks[1:] == full.tasks[1:]  # the others are rendered as before
    assert all(t.body for t in lazy.tasks[1:])
    assert lazy.flags == full.flags and lazy.holds == full.holds
    assert diff(written, lazy) == diff(written, full)


def test_plan__flags_carry_each_customers_rendered_reasons():
    b, policy = _board(OVERDUE, "2024-05-01")
    desired = plan(b, WrittenState(), policy, b.frame.as_of, TEMPLATES, "Co", render_written=False)
    for flag in desired.flags:
        c = list(b.frame.c_id).index(flag.customer_id)
        expected = tuple(wording.reason(r.indicator, r.evidence) for r in b.customer(c).reasons)
        assert flag.reasons == expected and flag.score == b.customer(c).score


@SETTINGS
@given(ledgers(), st.integers(0, 40))
def test_plan__render_written_false_gives_the_same_diff_days_later(case, later):
    text, stubs, offset = case
    b, policy = scored(text, stubs, offset)
    first = plan(b, WrittenState(), policy, b.frame.as_of, TEMPLATES)
    written = apply_to(WrittenState(), diff(WrittenState(), first))
    b2, _ = scored(text, stubs, offset + later, policy)
    today = b2.frame.as_of
    full = plan(b2, written, policy, today, TEMPLATES)
    lazy = plan(b2, written, policy, today, TEMPLATES, render_written=False)
    assert diff(written, lazy) == diff(written, full)
    opened = {c.key: c.task for c in diff(written, full).changes if c.op is Op.OPEN_TASK}
    assert {t.key: t for t in lazy.tasks if t.key in opened} == opened


def test_plan__render_written_false_still_closes_tasks_whose_cause_is_gone():
    # run daily since a's episode began (1 Feb): its ladder, its hold and the hold's letter on record
    _, written = walk(ledger_from_text(OVERDUE), dt.date(2024, 2, 1), dt.date(2024, 5, 1), policy_of(),
                      (stub("silence", ["a"]),))
    policy = policy_of()
    paid = OVERDUE + "payment a PA 2024-05-02 3500.00 -> A1:1000.00 A2:2000.00 A3:500.00\n"
    b2, _ = _board(paid, "2024-05-03", (stub("silence", ["a"]),))
    lazy = plan(b2, written, policy, b2.frame.as_of, TEMPLATES, render_written=False)
    closed = {c.key for c in diff(written, lazy).changes if c.op is Op.CLOSE_TASK}
    # everything paid: the ladder's steps close, and the hold is released at once (release_on_payment)
    # with its letter
    assert closed and closed == {t.key for t in written.tasks
                                 if t.customer_id == "a" and (t.cause.startswith("episode:") or t.cause == "hold")}
    assert any(key.endswith(":credit_hold:hold") for key in closed)
