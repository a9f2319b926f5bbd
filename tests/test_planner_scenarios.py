"""The seed prescriptions, one scenario each: which steps the planner plans, and which not."""

import datetime as dt

import pytest
from ledgers import ledger_from_text
from planning import policy_of, promise_stub, run, run_after_daily_runs, stub

from arwatch.core.actions import Override, WrittenState
from arwatch.core.credit_policy import BEYOND_REMINDERS
from arwatch.core.diffing import diff

D = dt.date.fromisoformat

# A good customer on 45-day terms who habitually pays in 60 days (15 late: not chronic).
GOOD = """
customer g "Good & Sons <Ltd>" terms=45 salesperson=ann
invoice g H1 2024-01-01 1000.00
invoice g H2 2024-02-01 1000.00
invoice g H3 2024-03-01 1000.00
invoice g H4 2024-04-01 1000.00
payment g P1 2024-03-01 1000.00 -> H1
payment g P2 2024-04-01 1000.00 -> H2
payment g P3 2024-04-30 1000.00 -> H3
payment g P4 2024-05-31 1000.00 -> H4
invoice g OPEN 2024-06-01 1200.00
"""
CALM = {"indicators": {"aging": {"weight": 0.1}, "habit_slip": {"weight": 0.1}}}  # keeps the level low


def steps(desired, customer):
    return sorted({t.step for t in desired.tasks if t.customer_id == customer})


NOTHING_WRITTEN = WrittenState()  # frozen: one instance serves as the default


def plan_on(text, day, written=NOTHING_WRITTEN, policy=None, stubs=()):
    return run(ledger_from_text(text), D(day), written, policy or policy_of(), stubs)


def plan_after_daily_runs(text, first, day, policy=None, stubs=()):
    """The plan for ``day`` of a company run every day from ``first``: the ladder's rungs below
    on record (a first run enters the ladder at its first rung, core/ladder.py)."""
    return run_after_daily_runs(ledger_from_text(text), D(first), D(day), policy or policy_of(), stubs)


def test_planner__good_customer_30_days_in_gets_nothing():
    desired, _ = plan_on(GOOD, "2024-07-01")  # 30 days after issue, 15 before due
    assert steps(desired, "g") == []
    assert [f.segment for f in desired.flags if f.customer_id == "g"] == ["good"]


def test_planner__good_customer_inside_habit_window_past_due_gets_nothing():
    desired, _ = plan_on(GOOD, "2024-08-01")  # 61 days old: 16 past due but inside its 60 (+7) habit
    assert steps(desired, "g") == []


def test_planner__good_customer_after_habit_gets_a_friendly_reminder_only():
    desired, _ = plan_on(GOOD, "2024-08-10")  # 70 days old, 25 past due
    (task,) = [t for t in desired.tasks if t.customer_id == "g"]
    assert (task.step, task.cause, task.channel) == ("reminder", "episode:2024-07-17", "email")
    assert task.rule.startswith("credit.ladders.good[1]: reminder")
    assert any("usually pays in 60 days" in line for line in task.evidence)
    assert "OPEN" in task.body and "1,200.00" in task.body and "Good & Sons <Ltd>" in task.body


def test_planner__good_customer_near_60_days_gets_a_phone_call():
    # run daily since the episode began (17 Jul): the reminder is on record
    before, _ = plan_after_daily_runs(GOOD, "2024-07-17", "2024-09-08", policy=policy_of(CALM))  # 54 past due
    desired, _ = plan_after_daily_runs(GOOD, "2024-07-17", "2024-09-09", policy=policy_of(CALM))  # 55 past due
    assert "phone_call" not in steps(before, "g")
    (call,) = [t for t in desired.tasks if t.step == "phone_call"]
    assert call.channel == "call" and call.cause == "episode:2024-07-17"
    assert "from 55 days past due" in call.rule
    assert "CALL SCRIPT" in call.body and "Days overdue" in call.body
    assert any(line.split()[0] == "OPEN" and line.endswith(" 55") for line in call.body.splitlines() if line.strip())


def test_planner__risky_customer_is_called_earlier():
    text = """
    customer n "Newco" terms=30
    invoice n N1 2024-05-01 500.00
    """
    desired, _ = plan_after_daily_runs(text, "2024-06-01", "2024-07-01")  # 31 past due, a new customer
    assert "phone_call" in steps(desired, "n")
    assert "phone_call" not in steps(plan_after_daily_runs(text, "2024-06-01", "2024-06-29")[0], "n")


@pytest.mark.parametrize("day", ["2024-06-01", "2024-06-15", "2024-06-29"])
def test_planner__nothing_beyond_reminders_before_30_days_past_due(day):
    text = """
    customer n "Newco" terms=30
    customer r "Review Inc" terms=30 salesperson=bob
    invoice n N1 2024-04-01 500.00 due=2024-05-31
    invoice r R1 2024-04-01 9000.00 due=2024-05-31
    """
    desired, _ = plan_on(text, day, stubs=(stub("external_distress", {"r"}),))
    assert not [t for t in desired.tasks if t.step in BEYOND_REMINDERS]
    assert {"reminder"} <= set(steps(desired, "n"))


def test_planner__risky_steps_start_at_30_days_past_due():
    text = 'customer n "Newco" terms=30\ninvoice n N1 2024-04-01 500.00 due=2024-05-31\n'
    assert "phone_call" in steps(plan_after_daily_runs(text, "2024-06-01", "2024-06-30")[0], "n")


def test_planner__pre_due_courtesy_for_new_customer_and_large_invoice_only():
    text = GOOD + """
    payment g P5 2024-08-01 1200.00 -> OPEN
    invoice g BIG 2024-07-01 8000.00
    invoice g SMALL 2024-07-01 300.00
    customer n "Newco" terms=30
    invoice n N1 2024-07-16 200.00
    """
    desired, _ = plan_on(text, "2024-08-13")  # due 14 Aug / 15 Aug: 1 and 2 days before due
    courtesy = sorted(t.cause for t in desired.tasks if t.step == "pre_due_courtesy")
    assert courtesy == ["invoice:BIG", "invoice:N1"]
    assert "did everything arrive" in next(t.body for t in desired.tasks if t.cause == "invoice:N1")


def test_planner__no_courtesy_before_due_while_something_is_overdue():
    text = GOOD + "invoice g BIG 2024-07-01 8000.00\n"  # OPEN is overdue beyond the habit on 13 Aug
    desired, _ = plan_on(text, "2024-08-13")
    assert steps(desired, "g") == ["reminder"]  # its statement lists BIG, due tomorrow


DELINQUENT = """
customer d "Delta" terms=30 salesperson=dan
invoice d D1 2024-01-01 4000.00
"""


def test_planner__91_days_with_silence_refers_to_agency_for_approval_and_holds():
    desired, _ = plan_after_daily_runs(DELINQUENT, "2024-01-31", "2024-05-01",
                                       stubs=(stub("silence", {"d"}, text="3 calls unanswered"),))
    (agency,) = [t for t in desired.tasks if t.step == "agency_referral"]
    assert agency.needs_approval and agency.assignee == "manager" and agency.channel == "approval"
    assert "Stops answering: silence: 3 calls unanswered" in agency.evidence  # the name, then the evidence
    assert "APPROVAL NEEDED" in agency.body and "lawsuit is only considered after the agency" in agency.body
    (hold,) = desired.holds
    assert hold.customer_id == "d" and hold.rule == "segment:delinquent"
    assert "credit_hold" in steps(desired, "d")


def test_planner__no_agency_referral_without_silence_or_broken_promise():
    desired, _ = plan_on(DELINQUENT, "2024-05-01")
    assert "agency_referral" not in steps(desired, "d")
    assert [h.customer_id for h in desired.holds] == ["d"]


def test_planner__no_agency_referral_before_the_91st_day():
    desired, _ = plan_on(DELINQUENT, "2024-04-30", stubs=(stub("silence", {"d"}),))  # 90 days
    assert "agency_referral" not in steps(desired, "d")


def test_planner__fraud_opens_an_investigation_and_stops_dunning():
    text = DELINQUENT + 'signal d fraud_suspicion 2024-03-01 note="identity theft reported"'
    desired, _ = plan_on(text, "2024-05-01", stubs=(stub("fraud_suspicion", {"d"}), stub("silence", {"d"})))
    assert steps(desired, "d") == ["fraud_investigation"]
    (task,) = desired.tasks
    assert task.assignee == "manager" and "Automated reminders and calls are stopped" in task.body
    assert [h.rule for h in desired.holds] == ["indicator:fraud_suspicion"]


def test_planner__external_distress_asks_the_salesperson_for_a_review():
    text = GOOD + 'customer z "Zed" terms=30\n'
    desired, _ = plan_on(text, "2024-07-01", stubs=(stub("external_distress", {"g", "z"}, text="merger"),))
    review = {t.customer_id: t for t in desired.tasks if t.step == "sales_review"}
    assert review["g"].assignee == "ann" and review["z"].assignee == "collections"
    assert review["g"].cause == "external_distress" and "merger" in review["g"].body


def test_planner__month_end_payer_gets_a_billing_cycle_suggestion():
    desired, _ = plan_on(GOOD, "2024-07-01", stubs=(stub("month_end_payer", {"g"}),))
    (task,) = [t for t in desired.tasks if t.customer_id == "g"]
    assert task.step == "billing_cycle_change" and "middle of the month" in task.body


PROMISE = """
customer p "Promiser" terms=30
invoice p I1 2024-04-01 900.00
call p 2024-06-20 answered promise=2024-06-25:900
"""


def test_planner__broken_promise_gets_a_follow_up_call_closed_when_paid():
    desired, written = plan_on(PROMISE, "2024-06-29", stubs=(promise_stub(),))
    (call,) = [t for t in desired.tasks if t.cause == "promise:2024-06-25"]
    assert call.step == "phone_call" and "payment of €900.00 by 25 Jun 2024" in call.body
    paid = PROMISE + "payment p P1 2024-07-02 900.00 -> I1"
    later, _ = plan_on(paid, "2024-07-03", written, stubs=(stub("silence", ()), promise_stub()))
    closed = {c.key for c in diff(written, later).changes if c.op.value == "close_task"}
    assert call.key in closed and not later.tasks


def test_planner__pending_promise_pauses_reminders():
    text = PROMISE.replace("2024-06-25", "2024-07-15")
    desired, _ = plan_on(text, "2024-07-05")
    assert not set(steps(desired, "p")) & {"reminder", "phone_call", "payment_plan_offer"}
    # without the promise the backlog (65 days, no contact on record) enters the ladder at its
    # first rung, the reminder (never at the call its age would call for)
    assert steps(plan_on(PROMISE.replace("call p", "# call p"), "2024-07-05")[0], "p") == ["reminder"]


PLAN = """
customer q "Quincy" terms=30
invoice q Q1 2024-03-01 900.00
plan q PL1 2024-05-01 2024-05-15:300 2024-06-15:300 2024-07-15:300
payment q P1 2024-05-14 300.00 -> Q1:300
"""


def test_planner__missed_instalment_gets_a_call_closed_when_back_on_track():
    on_track, _ = plan_on(PLAN, "2024-06-10")
    assert steps(on_track, "q") == []  # plan on track pauses reminders and calls
    desired, written = plan_on(PLAN, "2024-06-20")
    (call,) = [t for t in desired.tasks if t.cause == "plan:2024-05-01"]
    assert "€300.00 due 15 Jun 2024" in call.body
    caught_up = PLAN + "payment q P2 2024-06-21 300.00 -> Q1:300"
    later, _ = plan_on(caught_up, "2024-06-22", written)
    assert call.key not in {t.key for t in later.tasks}


def test_planner__paid_invoice_closes_its_reminder():
    desired, written = plan_on(GOOD, "2024-08-10")
    assert [t.key for t in written.tasks] == ["task:g:reminder:episode:2024-07-17"]
    paid = GOOD + "payment g P5 2024-08-11 1200.00 -> OPEN"
    later, _ = plan_on(paid, "2024-08-12", written)
    (change,) = [c for c in diff(written, later).changes if c.op.value == "close_task"]
    assert change.key == "task:g:reminder:episode:2024-07-17"


def test_planner__manager_override_lifts_the_hold_until_its_date():
    override = Override(customer_id="d", release_until=D("2024-05-10"), by="mia", reason="paying Friday")
    written = WrittenState(overrides=(override,))
    desired, _ = plan_on(DELINQUENT, "2024-05-01", written)
    assert desired.holds == ()
    after, _ = plan_on(DELINQUENT, "2024-05-11", written)
    assert [h.customer_id for h in after.holds] == ["d"]


def test_planner__hold_released_only_after_cause_clear_for_clear_days():
    # without release_on_payment (on by default: tests/test_planner_release_on_payment.py) even a
    # payment of everything waits the clear days
    waits = policy_of({"credit": {"holds": {"release_on_payment": False}}})
    _, written = plan_on(DELINQUENT, "2024-05-01", policy=waits)
    paid = DELINQUENT + "payment d P1 2024-05-02 4000.00 -> D1"
    for day in range(2, 7):  # clear on 2..6 May: 5 days, still held
        desired, written = plan_on(paid, f"2024-05-0{day}", written, policy=waits)
        assert [h.customer_id for h in desired.holds] == ["d"], day
    desired, written = plan_on(paid, "2024-05-08", written, policy=waits)  # clear 2..8 May: 7 days
    assert desired.holds == () and written.holds == ()
    _, written = plan_on(DELINQUENT, "2024-05-01")
    desired, _ = plan_on(paid, "2024-05-02", written)  # by default: released at the next run
    assert desired.holds == ()


def test_planner__written_hold_is_kept_unchanged():
    _, written = plan_on(DELINQUENT, "2024-05-01")
    desired, _ = plan_on(DELINQUENT, "2024-05-02", written)
    assert desired.holds == written.holds and desired.holds[0].since == D("2024-05-01")


def test_planner__over_credit_limit_with_overdue_holds():
    text = 'customer o "Over" terms=30 limit=1000\ninvoice o O1 2024-04-01 800.00\ninvoice o O2 2024-05-01 700.00\n'
    assert plan_on(text, "2024-05-01")[0].holds == ()  # over the limit, nothing overdue
    (hold,) = plan_on(text, "2024-05-02")[0].holds
    assert hold.rule == "over_limit" and "€1,500.00 above the credit limit €1,000.00" in hold.reason


def test_planner__over_credit_limit_inside_a_good_customers_habit_holds_nothing():
    """Seed 001: a 60-day payer 30 days in gets nothing, a credit hold and its letter ("new orders
    only with payment in advance") included; the hold comes once the invoice is past its habit."""
    over = GOOD.replace("salesperson=ann", "salesperson=ann limit=1000")  # OPEN's 1,200.00 is above it
    inside, _ = plan_on(over, "2024-08-01", policy=policy_of(CALM))  # 16 days past due, inside 60 (+7)
    assert inside.holds == () and steps(inside, "g") == []
    (hold,) = plan_on(over, "2024-08-10", policy=policy_of(CALM))[0].holds  # 70 days old: past the habit
    assert hold.rule == "over_limit" and "€1,200.00 above the credit limit €1,000.00" in hold.reason


def test_planner__flags_every_scored_customer_with_reasons():
    desired, _ = plan_on(GOOD + DELINQUENT, "2024-05-01")
    flags = {f.customer_id: f for f in desired.flags}
    assert set(flags) == {"g", "d"}
    assert flags["d"].segment == "delinquent" and flags["d"].reasons[0].startswith("Overdue: ")


def test_planner__refuses_a_board_scored_on_another_day():
    from arwatch.core.frame import LedgerFrame
    from arwatch.core.planner import plan
    from arwatch.core.scoring import score
    frame = LedgerFrame.from_ledger(ledger_from_text(GOOD), D("2024-07-01"))
    with pytest.raises(ValueError, match="scored as of 2024-07-01"):
        plan(score(frame), WrittenState(), policy_of(), D("2024-07-02"), {})
