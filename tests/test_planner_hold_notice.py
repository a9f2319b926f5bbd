"""A held customer whose ladder step is a call is told of the hold on that call: one task, the
call, with the hold letter to send after it; no separate hold letter then or later, nor a second
telling on a later call, however the call closed (a follow-up call too)."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, TEMPLATES, board, policy_of, run, stub, walk

from arwatch.core.actions import HOLD_ON_CALL
from arwatch.core.call_list import reason
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan

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


# The instalment of 15 Feb is missed on 18 Feb (2 days' grace), the day O2 takes the balance over
# the limit with O1 overdue: the hold and the plan's follow-up call begin on the same day.
MISSED_PLAN = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
plan o PL1 2024-02-05 2024-02-15:400.00 2024-03-15:400.00
invoice o O2 2024-02-18 700.00
"""


def _told_on_the_call(call) -> None:
    assert (call.step, call.channel) == ("phone_call", "call")
    assert call.title.endswith("; tell them of the credit hold, then send the hold letter")
    script, _, letter = call.body.partition("confirm the credit hold in writing with this letter:")
    assert "Tell them the account is on credit hold" in script
    assert letter.strip().startswith("Subject: Your account: new orders with payment in advance")


def test_hold_notice__a_missed_plan_instalment_call_tells_the_hold_and_no_hold_letter_is_planned():
    events, written = walk(ledger_from_text(MISSED_PLAN), D("2024-02-06"), D("2024-03-31"), policy_of())
    assert events == [("2024-02-18", "open", "o phone_call plan:2024-02-05")]  # no o credit_hold hold
    assert [(h.customer_id, h.since) for h in written.holds] == [("o", D("2024-02-18"))]
    (call,) = written.tasks
    _told_on_the_call(call)
    assert "2. Refer to the payment plan agreed on 5 Feb 2024. Missed so far:" in call.body
    assert call.evidence[0].startswith("Credit hold since 18 Feb 2024: ")
    # the call list's why is the instalment missed (the hold is in the title), as for a ladder's
    # call; on the demo it read "Credit hold since 2 Nov 2026: In arrears: ..." for Dunmore Academy
    assert reason(call).startswith("payment plan of 5 Feb 2024: missed ")


BROKEN_PROMISE_AND_PLAN = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
plan o PL1 2024-02-05 2024-02-15:400.00 2024-03-15:400.00
call o 2024-02-06 answered promise=2024-02-12:700.00
"""


def test_hold_notice__of_a_broken_promise_call_and_a_missed_plan_call_one_tells_the_hold():
    desired, _ = run(ledger_from_text(BROKEN_PROMISE_AND_PLAN), D("2024-02-20"), NOTHING_WRITTEN, policy_of())
    assert [h.customer_id for h in desired.holds] == ["o"]
    assert [t.key for t in desired.tasks] == ["task:o:phone_call:plan:2024-02-05",
                                               "task:o:phone_call:promise:2024-02-12"]  # no hold letter
    plan_call, promise_call = desired.tasks
    _told_on_the_call(plan_call)  # due the same day: the first by key
    assert "credit hold" not in promise_call.title and "hold letter" not in promise_call.body


def test_hold_notice__a_broken_promise_call_tells_the_hold():
    book = BROKEN_PROMISE_AND_PLAN.replace("plan o PL1", "# plan o PL1")
    desired, _ = run(ledger_from_text(book), D("2024-02-20"), NOTHING_WRITTEN, policy_of())
    (call,) = desired.tasks
    assert call.cause == "promise:2024-02-12"
    _told_on_the_call(call)


def test_hold_notice__a_hold_told_on_the_ladders_call_is_not_told_again_on_a_later_promise_call():
    book = OVER + "call o 2024-03-06 answered promise=2024-03-10:800.00\n"
    events, written = walk(ledger_from_text(book), D("2024-03-05"), D("2024-03-20"), policy_of())
    assert events == [("2024-03-05", "open", "o phone_call episode:2024-02-01"),  # tells the hold
                      ("2024-03-06", "close", "o phone_call episode:2024-02-01"),  # the promise pauses it
                      ("2024-03-13", "open", "o phone_call promise:2024-03-10")]  # no hold letter either
    (call,) = written.tasks
    assert "credit hold" not in call.title and "hold letter" not in call.body


# MISSED_PLAN, with the missed instalment paid on 24 Feb: the plan is back on track (its call
# closes), the hold stays (€1,100.00 open above the limit, O1 overdue); the instalment of 15 Mar
# is missed in turn (the call of the same key opens again on 18 Mar).
PAID_LATE = MISSED_PLAN + "payment o P1 2024-02-24 400.00 -> O1\n"


def _rerun_writes_nothing(book: str, day: dt.date, written) -> None:
    """A second run on ``day`` over what the first left changes nothing (idempotent)."""
    b = board(LedgerFrame.from_ledger(ledger_from_text(book), day), policy_of())
    assert not diff(written, plan(b, written, policy_of(), day, TEMPLATES, "Test Co")), day


def test_hold_notice__a_hold_told_on_a_plan_call_is_not_told_again_after_the_call_closes():
    """The credit controller told the hold on the missed instalment's call; the call closes when
    the plan is back on track: no hold letter follows, and the call opened again for the next
    missed instalment does not tell it again (before: the hold letter opened on 24 Feb)."""
    events, written = walk(ledger_from_text(PAID_LATE), D("2024-02-06"), D("2024-03-31"), policy_of())
    assert events == [("2024-02-18", "open", "o phone_call plan:2024-02-05"),  # tells the hold
                      ("2024-02-24", "close", "o phone_call plan:2024-02-05"),  # back on track: no hold letter
                      ("2024-03-18", "open", "o phone_call plan:2024-02-05")]  # missed again: told already
    assert [(h.customer_id, h.since) for h in written.holds] == [("o", D("2024-02-18"))]
    (call,) = written.tasks
    assert "credit hold" not in call.title and "hold letter" not in call.body
    assert not any(line.startswith("Credit hold since") for line in call.evidence)
    (told,) = written.told  # the call that told it, as opened
    assert (told.key, told.due_date) == (call.key, D("2024-02-18"))
    _told_on_the_call(told)


def test_hold_notice__a_rerun_on_the_day_a_call_tells_closes_or_opens_again_writes_nothing():
    for day in ("2024-02-18", "2024-02-24", "2024-03-18"):
        _, written = walk(ledger_from_text(PAID_LATE), D("2024-02-06"), D(day), policy_of())
        _rerun_writes_nothing(PAID_LATE, D(day), written)


def test_hold_notice__a_call_that_told_is_remembered_when_the_target_forgets_it_done():
    """A target that forgets a done task (Odoo reports it for a fortnight): the call a person
    closed is neither open nor done any more; kept as told, the hold is not told again by the
    call of the same cause opened anew, nor by a hold letter."""
    _, written = walk(ledger_from_text(MISSED_PLAN), D("2024-02-06"), D("2024-02-18"), policy_of())
    (call,) = written.tasks
    forgotten = written.model_copy(update={"tasks": (), "done_tasks": ()})
    assert forgotten.told == (call,)
    desired, _ = run(ledger_from_text(MISSED_PLAN), D("2024-03-05"), forgotten, policy_of())
    assert [t.key for t in desired.tasks] == [call.key]  # its cause lasts: opened anew, no hold letter
    (again,) = desired.tasks
    assert "credit hold" not in again.title and again.due_date == D("2024-03-05")
    # without the memory (the old behaviour) the hold was told again on it
    unknown, _ = run(ledger_from_text(MISSED_PLAN), D("2024-03-05"), forgotten.model_copy(update={"told": ()}),
                     policy_of())
    _told_on_the_call(unknown.tasks[0])


def test_hold_notice__a_hold_placed_again_after_a_release_is_told_again():
    """A call told the hold of 18 Feb; it is released when all is paid on 5 Mar, and placed again
    on 10 Apr (O3 over the limit and overdue): the new hold is told (here by its letter: no call
    is due), the earlier telling does not count for it."""
    book = PAID_LATE + "payment o P2 2024-03-05 1100.00 -> O1 O2\ninvoice o O3 2024-03-10 1500.00\n"
    events, written = walk(ledger_from_text(book), D("2024-02-06"), D("2024-04-30"), policy_of())
    assert events[:2] == [("2024-02-18", "open", "o phone_call plan:2024-02-05"),
                          ("2024-02-24", "close", "o phone_call plan:2024-02-05")]
    assert ("2024-04-10", "open", "o credit_hold hold") in events
    assert [(h.customer_id, h.since) for h in written.holds] == [("o", D("2024-04-10"))]
    assert [t.key for t in written.told] == ["task:o:phone_call:plan:2024-02-05"]


def test_hold_notice__a_call_of_the_same_cause_tells_a_hold_placed_after_it_told_an_earlier_one():
    """The call that told an earlier hold (due before the current hold began) tells nothing of the
    current one: the call of the same key firing now tells it."""
    _, written = walk(ledger_from_text(MISSED_PLAN), D("2024-02-06"), D("2024-02-18"), policy_of())
    (call,) = written.tasks
    earlier = call.model_copy(update={"due_date": D("2024-02-10")})
    for told, tells in ((earlier, True), (call, False)):
        state = written.model_copy(update={"tasks": (), "done_tasks": (), "told": (told,)})
        desired, _ = run(ledger_from_text(MISSED_PLAN), D("2024-02-20"), state, policy_of())
        (task,) = desired.tasks
        assert task.key == call.key and task.title.endswith(HOLD_ON_CALL) is tells


def test_hold_notice__an_open_call_that_told_closing_now_is_remembered_though_its_opening_was_not():
    """A call that told the hold open on record with no memory of it (opened before calls that
    told were kept): its title says it told; when it closes, it is kept as told then, so neither
    the run that closes it nor a rerun plans the hold letter."""
    _, written = walk(ledger_from_text(PAID_LATE), D("2024-02-06"), D("2024-02-23"), policy_of())
    before = written.model_copy(update={"told": ()})
    desired, after = run(ledger_from_text(PAID_LATE), D("2024-02-24"), before, policy_of())
    assert desired.tasks == () and after.tasks == ()  # closed, no hold letter
    assert [t.key for t in after.told] == ["task:o:phone_call:plan:2024-02-05"]
    _rerun_writes_nothing(PAID_LATE, D("2024-02-24"), after)
