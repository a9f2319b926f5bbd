"""The ladder, walked day by day: one rung open per customer and episode, climbed one at a time."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, promise_stub, run, stub, walk

from arwatch.core.actions import WrittenState

D = dt.date.fromisoformat

NEW = """
customer n "Newco" terms=30
invoice n N1 2024-01-01 900.00
"""


def walk_text(text, first, last, stubs=(), policy=None, written=NOTHING_WRITTEN, every=1):
    return walk(ledger_from_text(text), D(first), D(last), policy or policy_of(), stubs, written, every)


def test_ladder__climbs_one_rung_at_a_time_and_closes_the_one_below():
    events, written = walk_text(NEW, "2024-01-25", "2024-04-30")
    assert events == [
        ("2024-01-28", "open", "n pre_due_courtesy invoice:N1"),
        ("2024-01-31", "close", "n pre_due_courtesy invoice:N1"),
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),  # 1 day past due
        ("2024-03-01", "open", "n phone_call episode:2024-02-01"),  # 30 days past due
        ("2024-03-01", "close", "n reminder episode:2024-02-01"),
        ("2024-03-16", "open", "n payment_plan_offer episode:2024-02-01"),  # 45 days, 7 days after the call
        ("2024-03-16", "close", "n phone_call episode:2024-02-01"),
    ]
    assert [t.step for t in written.done_tasks if t.cause.startswith("episode:")] == ["reminder", "phone_call"]


def test_ladder__waits_wait_days_after_the_rung_below():
    policy = policy_of({"credit": {"ladders": {"new": [
        {"step": "reminder", "scope": "overdue", "from_days": 1},
        {"step": "phone_call", "scope": "overdue", "from_days": 30, "channel": "call", "wait_days": 40}]}}})
    events, _ = walk_text(NEW, "2024-01-31", "2024-03-31", policy=policy)
    assert [(d, what) for d, op, what in events if op == "open"] == [
        ("2024-02-01", "n reminder episode:2024-02-01"),
        ("2024-03-12", "n phone_call episode:2024-02-01")]  # 40 days after the reminder's due date


def test_ladder__a_payment_restarts_the_wait_and_paying_everything_ends_the_episode():
    text = NEW + """
    invoice n N2 2024-01-10 300.00
    payment n P1 2024-02-28 300.00 -> N2
    payment n P2 2024-03-20 900.00 -> N1
    """
    events, written = walk_text(text, "2024-02-01", "2024-03-31")
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-03-06", "open", "n phone_call episode:2024-02-01"),  # 7 days after the payment of 28 Feb
        ("2024-03-06", "close", "n reminder episode:2024-02-01"),
        ("2024-03-16", "open", "n payment_plan_offer episode:2024-02-01"),
        ("2024-03-16", "close", "n phone_call episode:2024-02-01"),
        ("2024-03-20", "close", "n payment_plan_offer episode:2024-02-01"),  # nothing overdue: the episode ends
    ]
    assert not written.tasks


def test_ladder__a_new_episode_starts_again_at_the_first_rung():
    text = NEW + """
    payment n P1 2024-02-10 900.00 -> N1
    invoice n N2 2024-03-01 400.00
    """
    events, _ = walk_text(text, "2024-02-01", "2024-04-05")
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-02-10", "close", "n reminder episode:2024-02-01"),
        ("2024-03-28", "open", "n pre_due_courtesy invoice:N2"),  # nothing overdue: a courtesy note again
        ("2024-03-31", "close", "n pre_due_courtesy invoice:N2"),
        ("2024-04-01", "open", "n reminder episode:2024-04-01"),
    ]


BACKLOG = """
customer f "Fennimore & Foxglove" terms=30
invoice f F1 2024-01-01 1470.77
invoice f F2 2024-05-01 3836.04
"""


def test_ladder__a_backlog_on_credit_hold_enters_at_the_first_firm_step_and_says_why():
    # delinquent, so held: the friendly reminder is not sent to a held customer, the first rung
    # that is not friendly is the call (which tells of the hold: one task, test_planner_hold_notice)
    desired, _ = run(ledger_from_text(BACKLOG), D("2024-08-06"), WrittenState(), policy_of())  # 188 days
    (task,) = [t for t in desired.tasks if t.cause.startswith("episode:")]
    assert (task.step, task.cause) == ("phone_call", "episode:2024-02-01")
    assert task.evidence[0] == "entered at: phone call; 188 days past due, no earlier contact on record"


def test_ladder__a_backlog_enters_at_the_first_step_however_old_its_debt():
    """The ladder is climbed one rung at a time, after a gap too: a first run over a backlog
    starts with the reminder, never with the rung the debt's age calls for."""
    unheld = policy_of({"credit": {"holds": {"enabled": False}}})
    for text, contact in ((BACKLOG, "no earlier contact on record"),
                          (BACKLOG + "call f 2024-07-01 unanswered", "last contact 1 Jul 2024, call, not answered")):
        desired, _ = run(ledger_from_text(text), D("2024-08-06"), WrittenState(), unheld)
        (task,) = [t for t in desired.tasks if t.cause.startswith("episode:")]
        assert task.step == "reminder"
        assert task.evidence[0] == f"entered at: reminder; 188 days past due, {contact}"


GOOD = """
customer g "Good" terms=30
invoice g H1 2024-01-01 100.00
invoice g H2 2024-02-01 100.00
invoice g H3 2024-03-01 100.00
payment g P1 2024-01-30 100.00 -> H1
payment g P2 2024-03-01 100.00 -> H2
payment g P3 2024-03-30 100.00 -> H3
invoice g G1 2024-04-01 1000.00
"""


def test_ladder__a_good_customer_first_seen_57_days_overdue_gets_the_reminder_then_the_call():
    # the reviewer's case: no run while the debt aged (runs stopped, a new install), then a run
    # at 57 days past due: a reminder first, never a call with no reminder ever sent
    events, _ = walk_text(GOOD, "2024-06-27", "2024-07-10")  # G1 due 1 May: 57 days on 27 Jun
    assert [e for e in events if "episode" in e[2]] == [
        ("2024-06-27", "open", "g reminder episode:2024-05-02"),
        ("2024-07-04", "open", "g phone_call episode:2024-05-02"),  # 7 days after the reminder's due date
        ("2024-07-04", "close", "g reminder episode:2024-05-02"),
    ]


def test_ladder__runs_a_month_apart_climb_one_rung_per_run():
    unheld = policy_of({"credit": {"holds": {"enabled": False}}})
    stubs = (stub("silence", {"f"}),)
    events, _ = walk_text(BACKLOG, "2024-08-06", "2024-12-06", stubs=stubs, policy=unheld, every=30)
    assert [(d, step) for d, op, step in events if op == "open" and "episode" in step] == [
        ("2024-08-06", "f reminder episode:2024-02-01"),
        ("2024-09-05", "f phone_call episode:2024-02-01"),
        ("2024-10-05", "f payment_plan_offer episode:2024-02-01"),
        ("2024-11-04", "f agency_referral episode:2024-02-01"),
    ]


def test_ladder__a_rung_that_needs_a_contact_is_entered_at_only_with_one_on_record():
    only_offer = policy_of({"credit": {"holds": {"enabled": False}, "ladders": {"delinquent": [
        {"step": "reminder", "scope": "overdue", "from_days": 1, "until_days": 30},
        {"step": "payment_plan_offer", "scope": "overdue", "from_days": 31, "channel": "letter",
         "entry_needs_contact": True}]}}})
    desired, _ = run(ledger_from_text(BACKLOG), D("2024-08-06"), WrittenState(), only_offer)
    assert [t.step for t in desired.tasks if t.cause.startswith("episode:")] == []
    called = BACKLOG + "call f 2024-07-01 unanswered"
    desired, _ = run(ledger_from_text(called), D("2024-08-06"), WrittenState(), only_offer)
    (task,) = [t for t in desired.tasks if t.cause.startswith("episode:")]
    assert task.step == "payment_plan_offer"
    assert task.evidence[0] == ("entered at: payment plan offer; 188 days past due, "
                                "last contact 1 Jul 2024, call, not answered")


def test_ladder__after_the_catch_up_the_next_rungs_follow_their_waits():
    stubs = (stub("silence", {"f"}, since="2024-08-15"),)
    unheld = policy_of({"credit": {"holds": {"enabled": False}}})
    events, _ = walk_text(BACKLOG, "2024-08-06", "2024-09-30", stubs=stubs, policy=unheld)
    assert [e for e in events if "episode" in e[2]] == [
        ("2024-08-06", "open", "f reminder episode:2024-02-01"),
        ("2024-08-13", "open", "f phone_call episode:2024-02-01"),
        ("2024-08-13", "close", "f reminder episode:2024-02-01"),
        ("2024-08-20", "open", "f payment_plan_offer episode:2024-02-01"),
        ("2024-08-20", "close", "f phone_call episode:2024-02-01"),
        ("2024-09-03", "open", "f agency_referral episode:2024-02-01"),  # silence, 14 days after the offer
        ("2024-09-03", "close", "f payment_plan_offer episode:2024-02-01"),
    ]
    # on credit hold (delinquent) the friendly steps are skipped: the call, then the agency
    events, _ = walk_text(BACKLOG, "2024-08-06", "2024-09-30", stubs=stubs)
    assert [e for e in events if "episode" in e[2]] == [
        ("2024-08-06", "open", "f phone_call episode:2024-02-01"),
        ("2024-08-20", "open", "f agency_referral episode:2024-02-01"),  # 14 days after the call
        ("2024-08-20", "close", "f phone_call episode:2024-02-01"),
    ]


def test_ladder__never_goes_down_within_an_episode():
    # a high-risk good customer is called from 30 days; when the risk falls, the rule for its
    # level asks for a call only from 55 days: the ladder keeps the call, it does not send a reminder
    calm = {"indicators": {"aging": {"weight": 0.1}, "habit_slip": {"weight": 0.1}}}
    stubs = (stub("external_distress", {"g"}, since="2024-05-10"),)  # raises the level for a while
    _, written = walk_text(GOOD, "2024-05-01", "2024-06-10", stubs=stubs)
    rungs = [t.step for t in written.tasks if t.cause.startswith("episode:")]
    assert rungs == ["phone_call"]
    events, written = walk_text(GOOD, "2024-06-11", "2024-06-20", policy=policy_of(calm), written=written)
    assert not [e for e in events if "reminder" in e[2]]
    assert [t.step for t in written.tasks if t.cause.startswith("episode:")] == ["phone_call"]


def test_ladder__a_pending_promise_pauses_and_a_kept_one_ends_the_episode():
    text = NEW + """
    call n 2024-02-10 answered promise=2024-02-20:900
    payment n P1 2024-02-19 900.00 -> N1
    """
    events, written = walk_text(text, "2024-02-01", "2024-03-31")
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-02-10", "close", "n reminder episode:2024-02-01"),  # paused while the promise is pending
    ]
    assert not written.tasks


def test_ladder__a_broken_promise_is_followed_up_by_one_call_and_the_ladder_moves_on():
    text = NEW + "call n 2024-02-10 answered promise=2024-02-20:900\n"
    events, _ = walk_text(text, "2024-02-01", "2024-03-31", stubs=(promise_stub(),))
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-02-10", "close", "n reminder episode:2024-02-01"),
        ("2024-02-23", "open", "n phone_call promise:2024-02-20"),  # promised day + 2 days grace
        ("2024-03-16", "open", "n payment_plan_offer episode:2024-02-01"),  # the call rung is the follow-up call
    ]


def test_ladder__a_broken_promise_s_call_is_done_once_the_customer_is_reached_again():
    """The demo synced on 1 Sept then 20 Nov 2026 still had Brightwater & Dunmore Builders'
    follow-up call open, citing "promised €2,527.26 by 5 Aug 2026 ...; not received by 7 Aug
    2026", though calls answered since (last on 12 Nov) were on record. An answered contact after
    the promise broke is the follow-up: its call is done, and the ladder's call rung takes over.
    An unanswered call is not."""
    text = NEW + """
    call n 2024-02-10 answered promise=2024-02-20:900
    call n 2024-02-28 unanswered
    call n 2024-03-05 answered
    """
    events, _ = walk_text(text, "2024-02-01", "2024-03-31", stubs=(promise_stub(),))
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-02-10", "close", "n reminder episode:2024-02-01"),
        ("2024-02-23", "open", "n phone_call promise:2024-02-20"),
        ("2024-03-05", "open", "n phone_call episode:2024-02-01"),  # reached on 5 March: the ladder's call
        ("2024-03-05", "close", "n phone_call promise:2024-02-20"),
        ("2024-03-16", "open", "n payment_plan_offer episode:2024-02-01"),
        ("2024-03-16", "close", "n phone_call episode:2024-02-01"),
    ]


def test_ladder__a_broken_promise_s_call_is_done_when_the_episode_ends():
    text = NEW + """
    call n 2024-02-10 answered promise=2024-02-20:900
    credit n CN1 2024-03-10 900.00 -> N1
    """
    events, written = walk_text(text, "2024-02-01", "2024-03-31", stubs=(promise_stub(),))
    assert events[-2:] == [("2024-02-23", "open", "n phone_call promise:2024-02-20"),
                           ("2024-03-10", "close", "n phone_call promise:2024-02-20")]  # nothing owed: no call
    assert not written.tasks


def test_ladder__fraud_suspicion_closes_the_open_rung_and_stops_it():
    events, _ = walk_text(NEW, "2024-02-01", "2024-03-31", stubs=(stub("fraud_suspicion", {"n"}, since="2024-02-15"),))
    assert events == [
        ("2024-02-01", "open", "n reminder episode:2024-02-01"),
        ("2024-02-15", "open", "n fraud_investigation fraud_suspicion"),
        ("2024-02-15", "close", "n reminder episode:2024-02-01"),
    ]


def test_ladder__a_backlog_with_a_broken_promise_is_not_entered_at_the_agency():
    """The demo's first sync (1 Sept 2026) opened "entered at: agency referral; 147 days past due,
    last contact 24 Aug 2026, call, answered (promised to pay INV/2026/00654)" for Oldmill &
    Silverleaf Kitchens (and two more) with no call ever made: a broken promise's follow-up call
    stands for the ladder's call rungs, so the ladder skipped them, the customer on hold skipped
    the reminder, and the first rung left was the agency; the referral then silenced the very
    follow-up call. Now the follow-up call is the customer's first step (it stands for the call
    rung), and the agency comes only after the wait before it, counted from that call."""
    text = BACKLOG + "call f 2024-07-20 answered promise=2024-07-30:1470.77\n"
    events, _ = walk_text(text, "2024-08-06", "2024-09-30", stubs=(stub("silence", {"f"}), promise_stub()))
    opened = [(d, what) for d, op, what in events if op == "open" and "hold" not in what]
    assert opened[0] == ("2024-08-06", "f phone_call promise:2024-07-30")
    assert opened[1] == ("2024-08-20", "f agency_referral episode:2024-02-01")  # 14 days after the call
    assert len(opened) == 2


def test_ladder__a_backlog_with_a_pending_promise_is_not_entered_at_the_agency():
    """The demo's first sync on 20 Nov 2026 opened "entered at: agency referral" for Oldmill &
    Silverleaf Kitchens, on credit hold (no reminder) with a promise pending (the call paused): the
    agency was the only rung left. The agency is climbed to, never entered at."""
    text = BACKLOG + "call f 2024-08-01 answered promise=2024-08-10:1470.77\n"
    desired, _ = run(ledger_from_text(text), D("2024-08-06"), WrittenState(), policy_of(), (stub("silence", {"f"}),))
    assert [t.step for t in desired.tasks if t.cause.startswith("episode:")] == []
    assert [h.customer_id for h in desired.holds] == ["f"]


def _climb_reason(written, step):
    (task,) = [t for t in written.tasks if t.step == step and t.cause.startswith("episode:")]
    return task.evidence[0]


def test_ladder__a_climb_after_a_gap_between_runs_says_the_days_actually_waited():
    """Runs a month apart: the call opens 30 days after the reminder's due date, not the
    policy's 7 (the reason read "7 days waited")."""
    unheld = policy_of({"credit": {"holds": {"enabled": False}}})
    stubs = (stub("silence", {"f"}),)
    _, written = walk_text(BACKLOG, "2024-08-06", "2024-09-05", stubs=stubs, policy=unheld, every=30)
    assert _climb_reason(written, "phone_call") == (
        "next step after the reminder due 6 Aug 2024: 30 days waited, nothing paid or promised since; "
        "218 days past due")


def test_ladder__one_day_waited_is_singular():
    policy = policy_of({"credit": {"ladders": {"new": [
        {"step": "reminder", "scope": "overdue", "from_days": 29},
        {"step": "phone_call", "scope": "overdue", "from_days": 30, "channel": "call", "wait_days": 1}]}}})
    _, written = walk_text(NEW, "2024-02-28", "2024-03-01", policy=policy)
    assert _climb_reason(written, "phone_call") == (
        "next step after the reminder due 29 Feb 2024: 1 day waited, nothing paid or promised since; "
        "30 days past due")
