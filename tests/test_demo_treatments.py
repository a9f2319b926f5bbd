"""The seeds' treatment plans on the demo company: each scenario gets the step prescribed."""

import datetime as dt
from collections import defaultdict

import pytest

from arwatch.core.actions import WrittenState
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.core.segments import SEGMENTS
from arwatch.demo.company import build_demo_company
from arwatch.sync.templates import load_templates

DUNNING = {"reminder", "phone_call", "payment_plan_offer", "agency_referral"}


@pytest.fixture(scope="module")
def demo():
    company = build_demo_company()
    # a first run two weeks before the demo's day, then its day: the ladder is entered at its first
    # rung and climbs one rung per run (core/ladder.py), so a step high up it needs a run before
    before = company.today - dt.timedelta(days=14)
    first = plan(score(LedgerFrame.from_ledger(company.ledger, before)), WrittenState(), Policy(), before,
                 load_templates())
    written = apply_to(WrittenState(), diff(WrittenState(), first))
    board = score(LedgerFrame.from_ledger(company.ledger, company.today))
    desired = plan(board, written, Policy(), company.today, load_templates())
    archetype = {t.customer_id: t.archetype for t in company.truth}
    tasks = defaultdict(list)
    for task in desired.tasks:
        tasks[task.customer_id].append(task)
    by_archetype = defaultdict(list)
    for cid, a in archetype.items():
        by_archetype[a].append(cid)
    held = {h.customer_id for h in desired.holds}
    return company, tasks, by_archetype, held


def steps(tasks, cid):
    return {t.step for t in tasks[cid]}


def test_demo_treatments__fraud_stops_dunning_and_opens_an_investigation(demo):  # seed 002
    _, tasks, by, held = demo
    for cid in by["fraud_suspicion"]:
        assert "fraud_investigation" in steps(tasks, cid)
        assert not steps(tasks, cid) & DUNNING, "automated dunning stopped"
        assert cid in held


def test_demo_treatments__silent_91_days_goes_to_an_agency_with_manager_approval(demo):  # seeds 000, 003
    _, tasks, by, held = demo
    referrals = [t for cid in by["silent"] for t in tasks[cid] if t.step == "agency_referral"]
    assert referrals and all(t.needs_approval for t in referrals)
    assert all(t.customer_id in held for t in referrals), "delinquent: credit hold, upfront payment"


def test_demo_treatments__month_end_payers_get_the_billing_cycle_suggestion(demo):  # seed 001
    _, tasks, by, _ = demo
    assert all("billing_cycle_change" in steps(tasks, cid) for cid in by["month_end_payer"])


def test_demo_treatments__external_distress_asks_the_salesperson_for_a_review(demo):  # seed 004
    company, tasks, by, _ = demo
    salesperson = {c.id: c.salesperson for c in company.ledger.customers}
    reviews = [t for cid in by["external_distress"] for t in tasks[cid] if t.step == "sales_review"]
    assert len({t.customer_id for t in reviews}) == len(by["external_distress"])
    assert all(t.assignee == salesperson[t.customer_id] for t in reviews)


def test_demo_treatments__habitual_payers_and_punctual_ones_get_no_dunning(demo):  # seed 001
    _, tasks, by, _ = demo
    for archetype in ("stable_habit", "punctual", "new", "plan_on_track"):
        for cid in by[archetype]:
            assert not steps(tasks, cid) & DUNNING, (archetype, cid, steps(tasks, cid))


def test_demo_treatments__broken_promises_get_a_call_and_escalate(demo):  # seeds 001, 002
    company, tasks, by, _ = demo
    grace = Policy().params("broken_promise").grace_days
    pending = {a.customer_id for a in company.ledger.contact_attempts
               if a.promise_date is not None and a.on <= company.today
               and (a.promise_date - company.today).days >= -grace}
    for cid in by["broken_promise"]:
        if cid in pending:  # a fresh promise is given its chance: calls pause until it is due
            assert "phone_call" not in steps(tasks, cid)
        else:
            assert steps(tasks, cid) & {"phone_call", "agency_referral"}, (cid, steps(tasks, cid))
    assert set(by["broken_promise"]) - pending, "the scenario must include unexcused broken promises"


def test_demo_treatments__broken_promises_climb_to_the_agency_one_rung_at_a_time(demo):  # seeds 001, 002
    """An unexcused broken promise is followed up by a call and, with nothing paid since, climbs to
    the agency on a later run; no customer is entered at the agency (the ladder's top rung)."""
    company, _, by, _ = demo
    templates = load_templates()
    day = company.today - dt.timedelta(days=28)
    written, seen = WrittenState(), {}
    referred_first_on = {}
    for _ in range(4):  # runs two weeks apart, ending two weeks after the demo's day (no new records)
        desired = plan(score(LedgerFrame.from_ledger(company.ledger, day)), written, Policy(), day, templates)
        for task in desired.tasks:
            if task.step == "agency_referral" and task.customer_id not in referred_first_on:
                referred_first_on[task.customer_id] = day
                assert seen.get(task.customer_id, set()) & (DUNNING - {"agency_referral"}), \
                    (task.customer_id, "entered at the agency", seen.get(task.customer_id))
            seen.setdefault(task.customer_id, set()).add(task.step)
        written = apply_to(written, diff(written, desired))
        day += dt.timedelta(days=14)
    assert set(referred_first_on) & set(by["broken_promise"]), \
        "an unexcused broken promise reaches the agency when nothing is paid"


def test_demo_treatments__the_designed_segments_of_late_payers(demo):  # seed 001, table B
    """A steady 55-60-day payer on net 30 is a patient case (good); one paying 35-80 days past due,
    unpredictably, is chronic late."""
    company, _, by, _ = demo
    board = score(LedgerFrame.from_ledger(company.ledger, company.today))
    segment = {str(c): SEGMENTS[s] for c, s in zip(board.frame.c_id, board.segment, strict=True)}
    assert {segment[cid] for cid in by["stable_habit"]} == {"good"}
    assert {segment[cid] for cid in by["chronic_late"]} == {"chronic_late"}
