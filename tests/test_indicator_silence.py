"""silence: >= 3 consecutive unanswered contact attempts within 30 days."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import silence
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
call c1 2026-10-20 answered
call c1 2026-11-02 unanswered
call c1 2026-11-09 unanswered
call c1 2026-11-16 unanswered
call c2 2026-11-02 unanswered
call c2 2026-11-09 answered
call c2 2026-11-12 unanswered
call c2 2026-11-16 unanswered
"""


def run(text, as_of, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, silence.INDICATOR.run(frame, Policy().params("silence"))


def test_silence__three_unanswered_calls_fire_with_their_dates():
    frame, result = run(LEDGER, "2026-11-20")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.6)
    assert result.evidence(c1) == ("3 calls on 2 Nov, 9 Nov, 16 Nov 2026 went unanswered; "
                                   "last answered 20 Oct 2026")


def test_silence__an_answered_call_in_between_breaks_the_run():
    frame, result = run(LEDGER, "2026-11-20")  # c2: 3 unanswered, but one answered on 9 Nov
    assert not result.fired[customer_index(frame, "c2")]
    assert result.evidence(customer_index(frame, "c2")) == ""


def test_silence__two_unanswered_attempts_are_not_enough():
    frame, result = run(LEDGER, "2026-11-15")  # c1: only 2 Nov and 9 Nov so far
    assert not result.fired.any()


def test_silence__attempts_older_than_the_window_do_not_count():
    frame, result = run(LEDGER, "2026-12-02")  # 2 Nov is 30 days back: outside (T-30, T]
    assert not result.fired[customer_index(frame, "c1")]
    frame, result = run(LEDGER, "2026-12-01")  # 2 Nov is 29 days back: inside
    assert result.fired[customer_index(frame, "c1")]


def test_silence__mixed_channels_and_strength_grows_with_the_run():
    text = LEDGER + """
    call c1 2026-11-17 unanswered channel=email
    call c1 2026-11-18 unanswered channel=email
    call c1 2026-11-19 unanswered channel=visit
    """
    frame, result = run(text, "2026-11-20")
    c1 = customer_index(frame, "c1")
    assert result.strength[c1] == pytest.approx(1.0)
    assert result.evidence(c1).startswith(
        "6 contact attempts (3 calls, 2 emails, 1 visit) on 2 Nov, 9 Nov, 16 Nov, 17 Nov, 18 Nov, 19 Nov 2026 "
        "went unanswered")


def test_silence__answered_the_same_day_is_not_silent():
    frame, result = run(LEDGER + "call c1 2026-11-16 answered\n", "2026-11-20")
    assert not result.fired[customer_index(frame, "c1")]


def test_silence__not_available_from_quickbooks_without_contact_attempts():
    frame, result = run(LEDGER, "2026-11-20", source="quickbooks", unavailable=("contact_attempts",))
    c1 = customer_index(frame, "c1")
    assert not result.available
    assert not result.fired.any()
    assert result.evidence(c1) == "not available from QuickBooks: contact attempts"


def test_silence__later_answered_call_does_not_change_the_result_at_T():
    later = LEDGER + """
    call c1 2026-11-21 answered
    call c2 2026-11-21 unanswered
    call c2 2026-11-22 unanswered
    """
    _, before = run(LEDGER, "2026-11-20")
    frame, after = run(later, "2026-11-20")
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)


def test_silence__three_unanswered_calls_on_one_day_are_one_day_of_silence():
    """A collector who rings three times on one morning has tried on one day: that is one
    attempt-day, not the three of a customer who stopped answering over weeks."""
    text = """
    customer c1 "Acme" terms=30
    call c1 2026-11-16 unanswered
    call c1 2026-11-16 unanswered
    call c1 2026-11-16 unanswered
    """
    frame, result = run(text, "2026-11-20")
    c1 = customer_index(frame, "c1")
    assert not result.fired[c1]
    assert result.measure[c1] == 1


def test_silence__attempts_count_by_day_towards_the_run_and_its_strength():
    text = """
    customer c1 "Acme" terms=30
    call c1 2026-11-02 unanswered
    call c1 2026-11-02 unanswered channel=email
    call c1 2026-11-09 unanswered
    call c1 2026-11-09 unanswered
    call c1 2026-11-16 unanswered
    call c1 2026-11-16 unanswered
    """
    frame, result = run(text, "2026-11-20")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.measure[c1] == 3
    assert result.strength[c1] == pytest.approx(0.6)  # three days: min_attempts, not six (full strength)
