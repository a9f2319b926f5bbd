"""diff(written, desired) and apply_to: keyed, ordered, and empty on a rerun."""

import datetime as dt

from arwatch.core.actions import DesiredState, Flag, Hold, Op, Task, WrittenState
from arwatch.core.diffing import apply_to, diff

T = dt.date(2026, 11, 20)
FLAG = Flag(customer_id="c1", level="high", score=61.2, segment="good", reasons=("aging: x",), as_of=T)
HOLD = Hold(customer_id="c1", rule="delinquent", reason="INV/1 95 days past due", since=T)
TASK = Task(customer_id="c1", step="phone_call", cause="invoice:INV/1", title="Call Acme", due_date=T)


def test_diff__creates_everything_then_nothing_on_rerun():
    desired = DesiredState(as_of=T, flags=(FLAG,), holds=(HOLD,), tasks=(TASK,))
    first = diff(WrittenState(), desired)
    assert [c.op for c in first.changes] == [Op.SET_FLAG, Op.PLACE_HOLD, Op.OPEN_TASK]
    assert not diff(apply_to(WrittenState(), first), desired)


def test_diff__releases_closes_and_clears_what_is_no_longer_desired():
    written = WrittenState(flags=(FLAG,), holds=(HOLD,), tasks=(TASK,))
    changes = diff(written, DesiredState(as_of=T)).changes
    assert [(c.op, c.key) for c in changes] == [
        (Op.CLEAR_FLAG, "flag:c1"), (Op.RELEASE_HOLD, "hold:c1"), (Op.CLOSE_TASK, "task:c1:phone_call:invoice:INV/1")]
    assert changes[1].before == HOLD


def test_diff__flag_rewritten_only_when_what_a_person_reads_changes():
    later = FLAG.model_copy(update={"as_of": T + dt.timedelta(days=1), "score": 61.4})
    assert not diff(WrittenState(flags=(FLAG,)), DesiredState(as_of=T, flags=(later,)))
    worse = FLAG.model_copy(update={"level": "critical", "score": 80})
    (change,) = diff(WrittenState(flags=(FLAG,)), DesiredState(as_of=T, flags=(worse,))).changes
    assert change.op is Op.SET_FLAG and change.before == FLAG


def test_diff__a_flag_is_rewritten_for_a_new_level_segment_or_reason_not_for_moved_days_or_score():
    aged = FLAG.model_copy(update={"reasons": ("aging: INV/1 96 days past due",), "score": 66.0,
                                   "as_of": T + dt.timedelta(days=1)})
    written = WrittenState(flags=(FLAG.model_copy(update={"reasons": ("aging: INV/1 95 days past due",)}),))
    assert not diff(written, DesiredState(as_of=T, flags=(aged,)))
    for changed in (aged.model_copy(update={"segment": "delinquent"}),
                    aged.model_copy(update={"reasons": (*aged.reasons, "silence: 3 calls unanswered")}),
                    aged.model_copy(update={"reasons": ("silence: 3 calls unanswered",)})):
        (change,) = diff(written, DesiredState(as_of=T, flags=(changed,))).changes
        assert change.op is Op.SET_FLAG


def test_diff__a_task_done_recently_is_neither_reopened_nor_closed_again():
    other = TASK.model_copy(update={"step": "reminder"})
    written = WrittenState(done_tasks=(TASK, other))
    assert not diff(written, DesiredState(as_of=T, tasks=(TASK,)))  # its cause lasts: not reopened
    assert not diff(written, DesiredState(as_of=T))  # its cause is gone: nothing to close
    reopened = WrittenState(tasks=(TASK,), done_tasks=(TASK,))  # an open one of the same key wins
    assert [c.op for c in diff(reopened, DesiredState(as_of=T)).changes] == [Op.CLOSE_TASK]
    assert [c.key for c in diff(WrittenState(done_tasks=(other,)), DesiredState(as_of=T, tasks=(TASK,))).changes] \
        == [TASK.key]  # only the done key is spared
