"""Scenario (issue 18): a customer stops answering three calls over 60 days, recorded in QuickBooks
notes only, and reaches the agency step on the day the policy says.

Acme owes 1,200.00 due 1 Jul 2026. The collector writes ``call: no answer`` as a note on the
customer in QuickBooks on 6 Aug, 5 Sep and 4 Oct (59 days from the first to the third); arwatch
syncs every ten days (CDC on Attachable). The policy is the default but for ``silence``'s window
of 60 days (the default 30 would see at most two of calls 30 days apart). The ladder climbs
reminder (1 day past due), phone call (30), payment-plan offer (45: contact on record), and the
credit hold closes the friendly offer at 91 days past due; the agency referral (from 91 days
past due, when ``silence`` or ``broken_promise`` fires, 14 days after the step below) opens on
4 Oct, the day the third unanswered call makes ``silence`` fire.
"""

from __future__ import annotations

import datetime as dt

import pytest
from planning import policy_of, walk
from qbo_adapter_fixtures import Kit, qbo_standin, save_tokens  # noqa: F401

from arwatch.adapters.quickbooks.streams import UNAVAILABLE
from arwatch.core.load import load_ledger
from arwatch.sync.merge import merge

CALLS = ("2026-08-06", "2026-09-05", "2026-10-04")
SYNCS = [dt.date(2026, 7, 1) + dt.timedelta(days=10 * k) for k in range(11)]  # 1 Jul ... 10 Oct


@pytest.fixture
def ledger(qbo_standin, tmp_path):  # noqa: F811
    """The ledger arwatch pulled from QuickBooks by 10 Oct: the invoice and the collector's notes."""
    qbo_standin.clock.set("2026-06-25T09:00:00-07:00")
    kit = Kit(qbo_standin, tmp_path)
    save_tokens(qbo_standin, kit.store)
    kit.standin.load(customers=[{"DisplayName": "Acme"}],
                     invoices=[{"CustomerRef": {"value": "1"}, "DocNumber": "1042", "TxnDate": "2026-06-01",
                                "DueDate": "2026-07-01", "TotalAmt": 1200}])
    source = kit.source()
    first = source.pull(None, full=True)
    merged, cursor = merge(None, {}, first, "quickbooks"), first.cursor
    days = sorted({*SYNCS, *(dt.date.fromisoformat(d) for d in CALLS)})
    for day in days:
        kit.standin.clock.set(f"{day.isoformat()}T10:00:00-07:00")
        if day.isoformat() in CALLS:
            kit.standin.company().create("Attachable", {
                "Note": "call: no answer", "AttachableRef": [{"EntityRef": {"type": "Customer", "value": "1"}}]})
            kit.later()
        result = source.pull(cursor, full=False)
        merged, cursor = merge(merged.company, merged.records, result, "quickbooks"), result.cursor
    assert kit.standin.count(operation="cdc") > 0
    found, issues = load_ledger(merged.ledger_data(), "quickbooks", unavailable=UNAVAILABLE)
    assert issues == ()
    return found


def test_scenario__three_unanswered_calls_in_quickbooks_notes_reach_the_agency_on_the_policys_day(ledger):
    assert [(a.on.isoformat(), a.answered) for a in ledger.contact_attempts] == [(d, False) for d in CALLS]
    policy = policy_of({"indicators": {"silence": {"window_days": 60}}})
    events, _ = walk(ledger, dt.date(2026, 7, 1), dt.date(2026, 11, 15), policy)
    assert events == [
        ("2026-07-02", "open", "1 reminder episode:2026-07-02"),
        ("2026-07-31", "open", "1 phone_call episode:2026-07-02"),
        ("2026-07-31", "close", "1 reminder episode:2026-07-02"),
        ("2026-08-15", "open", "1 payment_plan_offer episode:2026-07-02"),
        ("2026-08-15", "close", "1 phone_call episode:2026-07-02"),
        ("2026-09-30", "open", "1 credit_hold hold"),
        ("2026-09-30", "close", "1 payment_plan_offer episode:2026-07-02"),
        ("2026-10-04", "open", "1 agency_referral episode:2026-07-02"),
    ]


def test_scenario__with_two_calls_only_the_agency_step_never_comes(ledger):
    two = ledger.model_copy(update={"contact_attempts": ledger.contact_attempts[:2]})
    policy = policy_of({"indicators": {"silence": {"window_days": 60}}})
    events, _ = walk(two, dt.date(2026, 9, 25), dt.date(2026, 11, 15), policy)
    assert not any("agency_referral" in e[2] for e in events)
