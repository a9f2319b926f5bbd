"""Properties of the planner over generated ledgers (hypothesis).

A rerun changes nothing; a paid invoice closes its tasks; holds never flap; a manager's
override is respected; nothing beyond reminders before the patience days; nothing inside a
good customer's habit; over daily runs, one rung of the ladder open per customer, never a lower
one within an episode, none without something overdue.
"""

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ledgers import ledger_from_text
from planning import TEMPLATES, board, policy_of, promise_stub, run, stub

from arwatch.core.actions import Op, Override, WrittenState
from arwatch.core.credit_policy import BEYOND_REMINDERS, ESCALATION, SEGMENT_NAMES
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.habit import habit
from arwatch.core.indicators.aging import oldest_days_past_due
from arwatch.core.planner import plan
from arwatch.core.settlement import settlement

BASE = dt.date(2024, 1, 1)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def day(offset: int) -> str:
    return (BASE + dt.timedelta(days=offset)).isoformat()


@st.composite
def ledgers(draw):
    """(ledger text, stubs, as-of offset) for 1-3 customers with invoices, payments, promises."""
    lines, stubs_for = [], {"silence": set(), "fraud_suspicion": set(), "external_distress": set()}
    for k in range(draw(st.integers(1, 3))):
        cid = f"c{k}"
        terms = draw(st.sampled_from([15, 30, 45]))
        limit = draw(st.sampled_from(["", " limit=2000", " limit=20000"]))
        lines.append(f'customer {cid} "Customer {k}" terms={terms} salesperson=s{k}{limit}')
        for j in range(draw(st.integers(0, 6))):
            number = f"{cid}-I{j}"
            issue = draw(st.integers(0, 200))
            cents = draw(st.integers(5_000, 900_000))
            lines.append(f"invoice {cid} {number} {day(issue)} {cents / 100:.2f}")
            delay = draw(st.one_of(st.none(), st.integers(0, 150)))
            if delay is not None:
                lines.append(f"payment {cid} {number}-P {day(issue + delay)} {cents / 100:.2f} -> {number}")
        for _ in range(draw(st.integers(0, 2))):
            on = draw(st.integers(0, 240))
            promise = draw(st.one_of(st.none(), st.integers(1, 20)))
            extra = f" promise={day(on + promise)}:{draw(st.integers(1, 5000))}" if promise else ""
            lines.append(f"call {cid} {day(on)} {draw(st.sampled_from(['answered', 'unanswered']))}{extra}")
        if draw(st.integers(0, 3)) == 0:
            agreed = draw(st.integers(0, 220))
            dues = sorted(draw(st.lists(st.integers(1, 90), min_size=1, max_size=3)))
            cancelled = draw(st.sampled_from(["", f" cancelled={day(agreed + 40)}"]))
            lines.append(f"plan {cid} PL{k} {day(agreed)} "
                         + " ".join(f"{day(agreed + d)}:{draw(st.integers(10, 3000))}" for d in dues) + cancelled)
        for chosen in stubs_for.values():
            if draw(st.integers(0, 5)) == 0:
                chosen.add(cid)
    since = day(draw(st.integers(0, 250)))
    stubs = tuple(stub(name, chosen, since=since) for name, chosen in stubs_for.items()) + (promise_stub(),)
    return "\n".join(lines), stubs, draw(st.integers(20, 260))


def scored(text, stubs, offset, policy=None):
    policy = policy or policy_of()
    frame = LedgerFrame.from_ledger(ledger_from_text(text), BASE + dt.timedelta(days=offset))
    return board(frame, policy, stubs), policy


@SETTINGS
@given(ledgers())
def test_planner__planning_twice_yields_an_empty_second_diff(case):
    text, stubs, offset = case
    b, policy = scored(text, stubs, offset)
    today = b.frame.as_of
    first = plan(b, WrittenState(), policy, today, TEMPLATES)
    written = apply_to(WrittenState(), diff(WrittenState(), first))
    second = plan(b, written, policy, today, TEMPLATES)
    assert not diff(written, second)
    assert len({t.key for t in first.tasks}) == len(first.tasks)


@SETTINGS
@given(ledgers(), st.data())
def test_planner__a_paid_invoice_closes_its_tasks(case, data):
    text, stubs, offset = case
    b, policy = scored(text, stubs, offset)
    st_ = settlement(b.frame)
    open_rows = np.flatnonzero(st_.is_open)
    if not len(open_rows):
        return
    r = data.draw(st.sampled_from(list(open_rows)))
    number, cid = str(b.frame.i_id[r]), str(b.frame.c_id[b.frame.i_cust[r]])
    desired, written = run(ledger_from_text(text), b.frame.as_of, WrittenState(), policy, stubs)
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"payment {cid} {number}-P "))
    paid = text + f"\npayment {cid} PAYOFF {day(offset + 1)} {st_.residual[r]:.2f} -> {number}:{st_.residual[r]:.2f}"
    later, _ = run(ledger_from_text(paid), b.frame.as_of + dt.timedelta(days=1), written, policy, stubs)
    cause = f"invoice:{number}"
    assert not [t for t in later.tasks if t.cause == cause or t.invoice_id == number]
    closed = {c.key for c in diff(written, later).changes if c.op is Op.CLOSE_TASK}
    assert {t.key for t in written.tasks if t.cause == cause} <= closed


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(10, 25))
def test_planner__holds_never_flap_over_daily_runs(case, days):
    text, stubs, offset = case
    policy = policy_of()
    window = policy.credit.holds.clear_days
    ledger = ledger_from_text(text)
    written = WrittenState()
    events: dict[str, list[tuple[int, Op]]] = {}
    paid_up: set[tuple[str, int]] = set()  # (customer, day) with nothing overdue
    for k in range(days):
        today = BASE + dt.timedelta(days=offset + k)
        b = board(LedgerFrame.from_ledger(ledger, today), policy, stubs)
        dpd = oldest_days_past_due(b.frame)
        paid_up |= {(str(cid), k) for cid, d in zip(b.frame.c_id, dpd, strict=True) if d <= 0}
        changes = diff(written, plan(b, written, policy, today, TEMPLATES))
        for c in changes.changes:
            if c.op in (Op.PLACE_HOLD, Op.RELEASE_HOLD):
                events.setdefault(c.customer_id, []).append((k, c.op))
        written = apply_to(written, changes)
    event(f"hold events: {min(sum(len(s) for s in events.values()), 3)}")
    for customer, seq in events.items():
        places = [k for k, op in seq if op is Op.PLACE_HOLD]
        for (k1, op1), (k2, op2) in zip(seq, seq[1:], strict=False):
            assert op1 is not op2, (customer, seq)
            # released only after clear_days without a cause, or at once when the customer paid
            # and has nothing overdue (release_on_payment, on by default)
            if op1 is Op.PLACE_HOLD and (customer, k2) not in paid_up:
                assert k2 - k1 >= window, (customer, seq)
        assert all(b - a > window for a, b in zip(places, places[1:], strict=False)), (customer, seq)


@SETTINGS
@given(ledgers(), st.data())
def test_planner__overrides_are_respected(case, data):
    text, stubs, offset = case
    b, policy = scored(text, stubs, offset)
    today = b.frame.as_of
    ids = [str(c) for c in b.frame.c_id]
    lifted = data.draw(st.sets(st.sampled_from(ids)))
    expired = data.draw(st.sets(st.sampled_from(ids)))
    overrides = tuple(Override(customer_id=c, release_until=today + dt.timedelta(days=data.draw(st.integers(0, 30))),
                               by="manager", reason="agreed") for c in lifted) + tuple(
        Override(customer_id=c, release_until=today - dt.timedelta(days=1), by="manager", reason="old")
        for c in expired - lifted)
    without = plan(b, WrittenState(), policy, today, TEMPLATES)
    desired = plan(b, WrittenState(overrides=overrides), policy, today, TEMPLATES)
    assert not {h.customer_id for h in desired.holds} & lifted
    assert {h.customer_id for h in desired.holds} == {h.customer_id for h in without.holds} - lifted


@SETTINGS
@given(ledgers())
def test_planner__no_step_beyond_reminders_before_patience_nor_inside_the_habit(case):
    text, stubs, offset = case
    b, policy = scored(text, stubs, offset)
    desired = plan(b, WrittenState(), policy, b.frame.as_of, TEMPLATES)
    index = {str(c): k for k, c in enumerate(b.frame.c_id)}
    oldest = oldest_days_past_due(b.frame)
    h = habit(b.frame, policy.credit.habit_last_n)
    frame = b.frame
    row = {str(i): k for k, i in enumerate(frame.i_id)}
    for task in desired.tasks:
        c = index[task.customer_id]
        if task.step in BEYOND_REMINDERS and task.cause.startswith("episode:"):
            assert oldest[c] >= policy.credit.patience_days, task
        segment = SEGMENT_NAMES[b.segment[c]]
        if (task.cause.startswith("episode:") and segment in policy.credit.habit_segments
                and h.paid_count[c] >= policy.credit.habit_min_history):
            rows = [r for r in range(len(frame.i_id)) if frame.i_cust[r] == c and settlement(frame).is_open[r]]
            assert any(frame.as_of_day - frame.i_issue[r] > h.days_to_pay[c] + policy.credit.habit_grace_days
                       for r in rows), task
        if (task.invoice_id and task.step != "pre_due_courtesy" and segment in policy.credit.habit_segments
                and h.paid_count[c] >= policy.credit.habit_min_history):
            r = row[task.invoice_id]
            age = frame.as_of_day - frame.i_issue[r]
            assert age > h.days_to_pay[c] + policy.credit.habit_grace_days, task
        if b.results and any(r.indicator == "fraud_suspicion" and r.fired[c] for r in b.results):
            assert task.step not in policy.credit.fraud_stops, task


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.integers(10, 40))
def test_planner__one_rung_per_customer_never_lower_in_an_episode_over_daily_runs(case, days):
    text, stubs, offset = case
    policy = policy_of()
    ledger = ledger_from_text(text)
    written = WrittenState()
    highest: dict[tuple[str, str], int] = {}
    for k in range(days):
        today = BASE + dt.timedelta(days=offset + k)
        b = board(LedgerFrame.from_ledger(ledger, today), policy, stubs)
        changes = diff(written, plan(b, written, policy, today, TEMPLATES))
        for c in changes.changes:
            if c.op is Op.OPEN_TASK and c.task.cause.startswith("episode:"):
                rank, key = ESCALATION.index(c.task.step), (c.customer_id, c.task.cause)
                assert rank > highest.get(key, -1), (today, c.key, highest)
                highest[key] = rank
        written = apply_to(written, changes)
        assert not diff(written, plan(b, written, policy, today, TEMPLATES)), today  # a rerun writes nothing
        rungs = [t.customer_id for t in written.tasks if t.cause.startswith("episode:")]
        assert len(rungs) == len(set(rungs)), (today, rungs)
        overdue = {str(b.frame.c_id[c]) for c in np.flatnonzero(oldest_days_past_due(b.frame) > 0)}
        assert set(rungs) <= overdue, today
    event(f"rungs opened: {min(len(highest), 3)}")
