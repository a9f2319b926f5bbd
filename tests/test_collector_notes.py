"""The collector's note syntax (core/notes.py): one test per line of docs/collector-notes.md,
and the malformed lines, each answered with what was expected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from arwatch.core.model import Instalment, SignalKind
from arwatch.core.notes import NoteEntry, NoteProblem, parse_line, parse_note

ON = dt.date(2026, 12, 6)


def entry(text: str, on: dt.date = ON) -> NoteEntry:
    got = parse_line(text, on)
    assert isinstance(got, NoteEntry), got
    return got


def problem(text: str, on: dt.date = ON) -> NoteProblem:
    got = parse_line(text, on)
    assert isinstance(got, NoteProblem), got
    return got


def test_call__no_answer():
    e = entry("call: no answer")
    assert (e.kind, e.on, e.answered, e.promise_date) == ("call", ON, False, None)


def test_call__voicemail_is_not_answered():
    assert entry("Call: voicemail left").answered is False


def test_call__reached_with_a_promise_dated_from_the_note():
    e = entry("call: reached Anna, promised 1,200.00 by 15 Dec")
    assert (e.answered, e.promise_date, e.amount, e.words) == (
        True, dt.date(2026, 12, 15), Decimal("1200.00"), "reached Anna, promised 1,200.00 by 15 Dec")


def test_call__a_day_without_year_after_the_notes_day_rolls_into_next_year():
    assert entry("call: reached Bo, promised 300 by 3 Jan").promise_date == dt.date(2027, 1, 3)


def test_call__reached_without_promise():
    e = entry("call: reached the CFO, will call back")
    assert (e.answered, e.promise_date, e.amount) == (True, None, None)


def test_call__a_promise_without_amount_or_day_is_a_problem():
    p = problem("call: reached Anna, promised to pay soon")
    assert p.kind == "call" and p.message.startswith("expected 'call: no answer'")


def test_call__empty_is_a_problem():
    assert problem("call:").kind == "call"


def test_promise__iso_day_and_amount():
    e = entry("promise: 2026-12-15 1200")
    assert (e.kind, e.answered, e.promise_date, e.amount) == ("promise", True, dt.date(2026, 12, 15), Decimal(1200))


def test_promise__amount_by_day():
    assert entry("promise: 1,500.50 by 20 Dec").promise_date == dt.date(2026, 12, 20)


def test_promise__relative_day_counts_from_the_note():
    assert entry("promise: in 2 weeks", on=dt.date(2026, 1, 1)).promise_date == dt.date(2026, 1, 15)


@pytest.mark.parametrize("text", ["promise: 2026-11-01 100", "promise: soon", "promise: 2026-02-30 10",
                                  "promise: 12/15/2026 100"])
def test_promise__past_impossible_or_ambiguous_day_is_a_problem(text):
    assert problem(text).message.startswith("expected 'promise: <date>")


def test_dispute__invoice_and_reason():
    e = entry("dispute: INV-1042 wrong goods")
    assert (e.kind, e.invoice, e.amount, e.words) == ("dispute", "INV-1042", None, "wrong goods")


def test_dispute__invoice_amount_and_reason():
    e = entry("dispute: INV-1042 350.00 two pallets missing")
    assert (e.invoice, e.amount, e.words) == ("INV-1042", Decimal("350.00"), "two pallets missing")


def test_dispute__the_whole_account():
    e = entry("dispute: prices do not match the contract")
    assert (e.invoice, e.words) == (None, "prices do not match the contract")


def test_dispute__empty_is_a_problem():
    assert problem("dispute:").kind == "dispute"


def test_complaint():
    assert entry("complaint: late delivery again").words == "late delivery again"


def test_resolved__an_invoice_or_every_dispute():
    assert entry("resolved: INV-1042").invoice == "INV-1042"
    assert entry("resolved").invoice is None


def test_resolved__without_invoice_number_is_a_problem():
    assert problem("resolved: yes").kind == "resolved"


def test_snooze__until_a_day_and_for_a_while():
    assert entry("snooze: until 2027-01-10").until == dt.date(2027, 1, 10)
    assert entry("snooze: for 2 weeks").until == dt.date(2026, 12, 20)
    assert entry("snooze: 10 Jan, on holiday").words == "on holiday"


@pytest.mark.parametrize("text", ["snooze: later", "snooze: until 2026-12-01", "snooze: today"])
def test_snooze__no_day_or_not_after_the_note_is_a_problem(text):
    assert problem(text).message == "expected 'snooze: until <date>' or 'snooze: for <n> days'"


def test_exclude_and_include():
    assert entry("exclude: our lawyer handles this").words == "our lawyer handles this"
    assert entry("include").kind == "include"
    assert problem("exclude:").kind == "exclude"


def test_signal__indicator_id_or_kind():
    e = entry("signal: staff_exodus CFO left")
    assert (e.signal, e.words) == (SignalKind.STAFF_LEFT, "CFO left")
    assert entry("signal: hearsay supplier says they pay nobody").signal is SignalKind.HEARSAY
    assert entry("signal: fraud_suspicion new bank account").signal is SignalKind.FRAUD_SUSPICION
    assert entry("signal: merger_acquisition bought by X").signal is SignalKind.MERGER_ACQUISITION


def test_signal__unknown_kind_is_a_problem_listing_the_kinds():
    p = problem("signal: rumour they are closing")
    assert "staff_exodus" in p.expected and "hearsay" in p.expected


def test_plan__instalments_from_a_day():
    e = entry("plan: 3 x 400.00 monthly from 2027-01-05")
    assert e.instalments == tuple(Instalment(due_date=d, amount=Decimal("400.00"))
                                  for d in (dt.date(2027, 1, 5), dt.date(2027, 2, 5), dt.date(2027, 3, 5)))
    assert e.amount == Decimal("1200.00")


@pytest.mark.parametrize("text", ["plan: 3 of 400", "plan: 3 x 400 yearly from 2027-01-05",
                                  "plan: 0 x 400 monthly from 2027-01-05", "plan: 2 x 50 weekly from 2026-01-01"])
def test_plan__malformed_is_a_problem(text):
    assert problem(text).kind == "plan"


def test_placed_and_recalled():
    assert entry("placed: Acme Collections").words == "Acme Collections"
    assert entry("recalled").kind == "recalled"
    assert problem("placed:").kind == "placed"


def test_free_text_is_not_in_the_syntax():
    assert parse_line("Note: spoke to the owner", ON) is None
    assert parse_line("Customer called about the delivery", ON) is None
    assert parse_line("call", ON) is None  # a kind that needs details, alone, is free text


def test_note__every_line_read():
    entries, problems = parse_note("arwatch task: phone call\ncall: no answer\nsnooze: soon\n"
                                   "signal: hearsay late with suppliers", ON)
    assert [e.kind for e in entries] == ["call", "signal"]
    assert [p.text for p in problems] == ["snooze: soon"]
