"""The collector's switches in the planner: a snooze (next-action date) holds every customer-facing
step until its day, an exclusion stops reminders (not calls), an agency placement stops all
automated dunning while the hold stays and payments still settle (issues 17.7 and 18.6)."""

import datetime as dt

from ledgers import ledger_from_text
from planning import ALPHA, NOTHING_WRITTEN, TEMPLATES, alpha_events, board, policy_of, run

from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.core.switches import standing
from arwatch.report.html import render_report

D = dt.date.fromisoformat
events = alpha_events


def test_switches__without_any_the_ladder_climbs():
    assert events("")[:3] == [
        ("2024-02-01", "open", "a reminder episode:2024-02-01"),
        ("2024-03-01", "open", "a phone_call episode:2024-02-01"),
        ("2024-03-01", "close", "a reminder episode:2024-02-01"),
    ]


def test_snooze__closes_the_open_step_and_nothing_opens_before_its_day():
    found = events('note a 2024-02-10 "snooze: until 2024-03-10, owner on holiday"')
    assert found[:3] == [
        ("2024-02-01", "open", "a reminder episode:2024-02-01"),
        ("2024-02-10", "close", "a reminder episode:2024-02-01"),  # snoozed: the reminder waits
        ("2024-03-10", "open", "a phone_call episode:2024-02-01"),  # the snooze's day: the call is due
    ]


def test_snooze__a_later_snooze_replaces_an_earlier_one():
    found = events('note a 2024-02-10 "snooze: until 2024-03-10"\nnote a 2024-03-05 "snooze: for 10 days"')
    assert ("2024-03-10", "open", "a phone_call episode:2024-02-01") not in found
    assert ("2024-03-15", "open", "a phone_call episode:2024-02-01") in found


def test_exclude__no_reminder_but_the_call_comes_and_include_brings_reminders_back():
    found = events('note a 2024-01-20 "exclude: our lawyer handles this"\nnote a 2024-03-20 "include"', "2024-03-25")
    assert found == [
        ("2024-03-01", "open", "a phone_call episode:2024-02-01"),  # calls go on
        ("2024-03-20", "open", "a payment_plan_offer episode:2024-02-01"),  # an e-mail again after include
        ("2024-03-20", "close", "a phone_call episode:2024-02-01"),
    ]


def test_placed__all_dunning_stops_and_a_payment_still_ends_the_episode():
    found = events('note a 2024-03-05 "placed: Acme Collections"\npayment a P1 2024-03-20 800.00 -> A1')
    assert found == [
        ("2024-02-01", "open", "a reminder episode:2024-02-01"),
        ("2024-03-01", "open", "a phone_call episode:2024-02-01"),
        ("2024-03-01", "close", "a reminder episode:2024-02-01"),
        ("2024-03-05", "close", "a phone_call episode:2024-02-01"),  # with the agency: no more calls
    ]
    frame = LedgerFrame.from_ledger(ledger_from_text(ALPHA + 'note a 2024-03-05 "placed: Acme Collections"'),
                                    D("2024-03-21"))
    assert standing(frame).words(0) == ("with the agency since 5 Mar 2024: Acme Collections",)


def test_placed__the_hold_stays_without_its_letter_and_recalled_brings_dunning_back():
    over = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
note o 2024-02-01 "placed: Acme Collections"
"""
    desired, _ = run(ledger_from_text(over), D("2024-02-10"), NOTHING_WRITTEN, policy_of())
    assert [h.customer_id for h in desired.holds] == ["o"]
    assert [t.step for t in desired.tasks if t.customer_id == "o"] == []
    recalled = over + 'note o 2024-02-08 "recalled"'
    desired, _ = run(ledger_from_text(recalled), D("2024-02-10"), NOTHING_WRITTEN, policy_of())
    assert [t.step for t in desired.tasks if t.customer_id == "o"] == ["credit_hold"]


def test_switches__a_note_is_not_known_before_its_day():
    ledger = ledger_from_text(ALPHA + 'note a 2024-03-05 "exclude: lawyer"')
    assert not standing(LedgerFrame.from_ledger(ledger, D("2024-03-04"))).excluded[0]
    assert standing(LedgerFrame.from_ledger(ledger, D("2024-03-05"))).excluded[0]


def test_switches__the_report_shows_who_is_snoozed_excluded_or_with_the_agency():
    text = ALPHA + """
customer b "Beta" terms=30
invoice b B1 2024-01-01 100.00
note a 2024-03-05 "placed: Acme Collections"
note b 2024-03-06 "snooze: until 2024-04-01, owner on holiday"
"""
    day = D("2024-03-10")
    policy = policy_of()
    b = board(LedgerFrame.from_ledger(ledger_from_text(text), day), policy)
    desired = plan(b, NOTHING_WRITTEN, policy, day, TEMPLATES, "Test Co")
    page = render_report(b, desired, diff(NOTHING_WRITTEN, desired), policy, "Test Co")
    section = page[page.index('<section id="switched">'):]
    assert "Snoozed, excluded or with the agency (2)" in section
    assert "<b>Alpha</b>: with the agency since 5 Mar 2024: Acme Collections" in section
    assert "<b>Beta</b>: snoozed until 1 Apr 2024 (set 6 Mar 2024): owner on holiday" in section
