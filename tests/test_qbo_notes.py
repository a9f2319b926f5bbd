"""arwatch's block in Customer.Notes and the task notes on Attachables (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from arwatch.adapters.quickbooks import notes_block as nb
from arwatch.adapters.quickbooks import task_note
from arwatch.core.actions import Flag, Hold, Task

DAY = dt.date(2024, 1, 5)


def flag(*reasons: str) -> Flag:
    return Flag(customer_id="7", level="high", score=72.4, segment="slipping", reasons=reasons,
                as_of=DAY)


HOLD = Hold(customer_id="7", rule="delinquent", reason="91+ days past due", since=DAY)


def test_compose__keeps_the_users_text_byte_for_byte():
    user = "Prefers calls.\n  Gate code 1234  "
    notes = nb.compose(user, nb.Block(flag("aging: 1001 61 days past due"), HOLD, "3"))
    assert notes.startswith(user + "\n\n" + nb.BEGIN)
    assert nb.split_notes(notes).user_text == user
    assert nb.compose(notes, nb.Block()) == user


def test_compose__round_trips_flag_and_hold():
    notes = nb.compose("", nb.Block(flag("a", "b"), HOLD, "3"))
    block = nb.parse_block(nb.split_notes(notes).block, "7")
    assert block.flag == flag("a", "b").model_copy(update={"score": 72.0})
    assert block.hold == HOLD and block.previous_term == "3"
    assert block.ref == nb.flag_digest(flag("a", "b"))


def test_compose__replaces_the_block_in_place_and_keeps_text_after_it():
    first = nb.compose("before", nb.Block(flag("old")))
    edited = first + "\nwritten after by a person"
    again = nb.compose(edited, nb.Block(flag("new")))
    split = nb.split_notes(again)
    assert (split.before, split.after) == ("before", "written after by a person")
    assert "Why: new" in again and "old" not in again


def test_compose__shortens_reasons_to_stay_within_1024():
    user = "u" * 600
    notes = nb.compose(user, nb.Block(flag("r" * 300, "s" * 300, "t" * 300), HOLD, ""))
    assert len(notes) <= nb.NOTES_LIMIT
    assert nb.split_notes(notes).user_text == user
    assert "Why: " + "r" * 50 in notes and "t" * 300 not in notes


def test_compose__no_room_is_an_error_not_a_cut_of_the_users_text():
    with pytest.raises(nb.BlockTooLong):
        nb.compose("u" * 1000, nb.Block(flag("a")))


def test_split_notes__without_a_block_everything_is_the_users():
    split = nb.split_notes("--- arwatch risk --- but no end marker")
    assert split.block is None and split.user_text == "--- arwatch risk --- but no end marker"


def test_task_note__key_first_and_parsed_back():
    task = Task(customer_id="7", step="reminder_1", cause="invoice:42", title="Remind  now",
                body="Dear customer,\nplease pay.", channel="email", due_date=DAY,
                assignee="alice", invoice_id="42")
    text = task_note.render(task)
    assert text.splitlines()[0] == "arwatch task task:7:reminder_1:invoice:42 [open]"
    parsed = task_note.parse(text, "42")
    assert parsed.open and parsed.key == task.key
    assert parsed.task == task.model_copy(update={"title": "Remind now"})
    done = task_note.parse(task_note.mark_done(text, DAY), "42")
    assert not done.open and done.key == task.key
    assert task_note.parse("a note a person wrote") is None

