"""Tone follows state: no friendly text on hold, in a plan, with the agency or under fraud
investigation; a promise pauses the ladder; a payment or credit note ends the episode."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, promise_stub, run, run_after_daily_runs, stub, walk

from arwatch.core.actions import WrittenState

D = dt.date.fromisoformat
FRIENDLY = {"pre_due_courtesy", "reminder", "payment_plan_offer", "billing_cycle_change"}
FRIENDLY_WORDS = ("friendly", "disregard", "did everything arrive", "value working with you", "mid-month")


def plan_on(text, day, stubs=(), policy=None, written=NOTHING_WRITTEN):
    return run(ledger_from_text(text), D(day), written, policy or policy_of(), stubs)


def customer_texts(desired, customer):
    return [t.body for t in desired.tasks if t.customer_id == customer and t.channel in ("email", "letter")]


def assert_firm(desired, customer):
    steps = {t.step for t in desired.tasks if t.customer_id == customer}
    assert not steps & FRIENDLY, steps
    for body in customer_texts(desired, customer):
        assert not any(word in body.lower() for word in FRIENDLY_WORDS), body
        assert "internal note" not in body.lower()


OVER = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 800.00
invoice o O2 2024-02-05 700.00
"""


def test_tone__on_credit_hold_the_hold_letter_is_the_only_letter_and_it_is_firm():
    desired, _ = plan_on(OVER, "2024-02-10", stubs=(stub("month_end_payer", {"o"}),))
    assert [h.rule for h in desired.holds] == ["over_limit"]
    assert_firm(desired, "o")
    (letter,) = [t for t in desired.tasks if t.customer_id == "o"]
    assert letter.step == "credit_hold" and "Total overdue: €800.00" in letter.body


def test_tone__a_hold_closes_the_open_reminder_and_the_ladder_goes_on_from_it():
    events, _ = walk(ledger_from_text(OVER), D("2024-02-01"), D("2024-03-05"), policy_of())
    assert events == [
        ("2024-02-01", "open", "o reminder episode:2024-02-01"),
        ("2024-02-05", "open", "o credit_hold hold"),  # 1,500.00 open above the limit of 1,000.00
        ("2024-02-05", "close", "o reminder episode:2024-02-01"),
        ("2024-03-01", "open", "o phone_call episode:2024-02-01"),  # 30 days past due
    ]


PLAN = """
customer q "Quincy" terms=30
invoice q Q1 2024-03-01 900.00
invoice q Q2 2024-06-20 100.00
plan q PL1 2024-05-01 2024-05-15:300 2024-06-15:300 2024-07-15:300
payment q P1 2024-05-14 300.00 -> Q1:300
"""


def test_tone__in_a_payment_plan_no_friendly_text():
    desired, _ = plan_on(PLAN, "2024-06-20", stubs=(stub("month_end_payer", {"q"}),),
                         policy=policy_of({"credit": {"holds": {"enabled": False}}}))
    assert {t.step for t in desired.tasks if t.customer_id == "q"} == {"phone_call"}  # the missed instalment
    assert_firm(desired, "q")


DELTA = """
customer d "Delta" terms=30
invoice d D1 2024-01-01 4000.00
"""


def test_tone__referred_to_an_agency_no_friendly_text():
    unheld = policy_of({"credit": {"holds": {"enabled": False}}})
    stubs = (stub("silence", {"d"}), stub("month_end_payer", {"d"}))
    # run daily since the episode began: the ladder climbed to the agency by 1 May
    desired, written = run_after_daily_runs(ledger_from_text(DELTA), D("2024-02-01"), D("2024-05-01"), unheld, stubs)
    assert {t.step for t in desired.tasks} == {"agency_referral"}
    assert_firm(desired, "d")
    later, _ = plan_on(DELTA, "2024-05-20", stubs, unheld, written)
    assert {t.step for t in later.tasks} == {"agency_referral"}


def test_tone__under_fraud_investigation_no_dunning_at_all():
    stubs = (stub("fraud_suspicion", {"d"}), stub("month_end_payer", {"d"}))
    desired, _ = plan_on(DELTA + "invoice d D2 2024-04-03 50.00\n", "2024-05-01", stubs)
    assert {t.step for t in desired.tasks} == {"fraud_investigation"} and not customer_texts(desired, "d")


def test_tone__a_promise_pauses_the_ladder_until_the_promised_day_plus_grace():
    text = DELTA.replace("2024-01-01", "2024-03-01") + "call d 2024-04-10 answered promise=2024-04-20:4000\n"
    events, _ = walk(ledger_from_text(text), D("2024-04-01"), D("2024-04-30"), policy_of(), (promise_stub(),))
    assert events == [
        ("2024-04-01", "open", "d reminder episode:2024-04-01"),
        ("2024-04-10", "close", "d reminder episode:2024-04-01"),  # promised: paused
        ("2024-04-23", "open", "d phone_call promise:2024-04-20"),  # not paid by 20 Apr + 2 days grace
    ]


def test_tone__a_credit_note_settling_everything_closes_the_tasks_and_ends_the_episode():
    text = DELTA.replace("2024-01-01", "2024-03-01") + "credit d CN1 2024-04-12 4000.00 -> D1\n"
    events, written = walk(ledger_from_text(text), D("2024-04-01"), D("2024-04-20"), policy_of())
    assert events == [
        ("2024-04-01", "open", "d reminder episode:2024-04-01"),
        ("2024-04-12", "close", "d reminder episode:2024-04-01"),
    ]
    assert not written.tasks


def test_tone__a_part_payment_keeps_the_episode_and_the_statement_shows_what_is_left():
    text = DELTA.replace("2024-01-01", "2024-03-01") + "payment d P1 2024-04-05 1500.00 -> D1:1500.00\n"
    events, written = walk(ledger_from_text(text), D("2024-04-01"), D("2024-04-10"), policy_of())
    assert events == [("2024-04-01", "open", "d reminder episode:2024-04-01")]
    desired, _ = plan_on(text, "2024-04-10", written=WrittenState())
    (reminder,) = desired.tasks
    assert "Total overdue: €2,500.00" in reminder.body
