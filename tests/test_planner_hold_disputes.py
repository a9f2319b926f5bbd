"""A dispute recorded on a held customer's invoices pauses their dunning, not the credit hold.

Before, a collector who recorded a dispute on every overdue invoice of a held customer (`arwatch
record dispute C INV-1 ...`, a note, an activities row) released its hold a week later: disputed
invoices do not count towards days past due, so the hold's cause faded and the clear-days wait
ran out, with nothing paid and no manager involved. Now a held customer with an invoice held by a
dispute opened on or after the hold's day stays held until the dispute ends (resolved, or the
invoice paid or credited) or a manager lifts the hold.
"""

import datetime as dt

from ledgers import ledger_from_text
from planning import policy_of, walk
from test_planner_release_on_payment import OVER, holds_by_day

from arwatch.core.actions import Override

D = dt.date.fromisoformat
DISPUTED = OVER + "dispute o D1 2024-03-08 invoice=O1\ndispute o D2 2024-03-08 invoice=O2\n"


def test_hold_disputes__disputing_every_overdue_invoice_after_the_hold_keeps_it():
    held, _, _ = holds_by_day(DISPUTED, "2024-03-05", "2024-03-31", policy_of())
    assert held["2024-03-05"] == ["o"]
    assert all(held[day] == ["o"] for day in held), {d: h for d, h in held.items() if h != ["o"]}


def test_hold_disputes__the_dispute_resolved_and_paid_releases_it():
    text = (OVER + "dispute o D1 2024-03-08 invoice=O1 resolved=2024-03-14\n"
            "dispute o D2 2024-03-08 invoice=O2 resolved=2024-03-14\npayment o P1 2024-03-20 1500.00 -> O1 O2\n")
    held, _, _ = holds_by_day(text, "2024-03-05", "2024-03-22", policy_of())
    assert held["2024-03-19"] == ["o"] and held["2024-03-20"] == []


def test_hold_disputes__paying_the_disputed_invoices_ends_the_disputes_and_releases_it():
    held, _, _ = holds_by_day(DISPUTED + "payment o P1 2024-03-12 1500.00 -> O1 O2\n", "2024-03-05", "2024-03-14",
                              policy_of())
    assert held["2024-03-11"] == ["o"] and held["2024-03-12"] == []


def test_hold_disputes__a_manager_lift_still_releases_a_disputed_customer():
    ledger, policy = ledger_from_text(DISPUTED), policy_of()
    _, written = walk(ledger, D("2024-03-05"), D("2024-03-05"), policy)
    assert [h.customer_id for h in written.holds] == ["o"]
    lifted = written.model_copy(update={"overrides": (Override(customer_id="o", release_until=D("2024-03-20"),
                                                               by="ann", reason="agreed with their CFO"),)})
    _, after = walk(ledger, D("2024-03-10"), D("2024-03-10"), policy, written=lifted)
    assert after.holds == ()


def test_hold_disputes__a_dispute_on_an_invoice_not_yet_due_keeps_no_hold():
    text = (OVER + "invoice o O3 2024-03-01 300.00\ndispute o D3 2024-03-06 invoice=O3\n"
            "payment o P1 2024-03-07 1500.00 -> O1 O2\n")
    held, _, _ = holds_by_day(text, "2024-03-05", "2024-03-09", policy_of())
    assert held["2024-03-06"] == ["o"] and held["2024-03-07"] == []
