"""broken_promise: a promise-to-pay date or a payment-plan instalment passed without the payment."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import broken_promise
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
customer c3 "Gamma" terms=30
payment c1 P0 2026-10-30 900.00
call c1 2026-11-01 answered promise=2026-11-10:500.00
payment c1 P1 2026-11-05 200.00
payment c1 P2 2026-11-08 250.00 returned=2026-11-09
call c2 2026-11-01 answered promise=2026-11-10
plan c3 PL1 2026-09-01 2026-10-01:100 2026-11-01:100 2026-12-01:100
payment c3 P3 2026-08-31 500.00
payment c3 P4 2026-10-01 100.00
"""


def run(text, as_of, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, broken_promise.INDICATOR.run(frame, Policy().params("broken_promise"))


def test_broken_promise__promised_amount_not_paid_by_the_date():
    frame, result = run(LEDGER, "2026-11-13")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.6)
    # the payment before the promise and the bounced one do not count
    assert result.evidence(c1) == ("promise of 1 Nov 2026 to pay €500.00 by 10 Nov 2026 broken: "
                                   "€200.00 paid by 12 Nov 2026")


def test_broken_promise__promise_without_amount_needs_any_payment():
    frame, result = run(LEDGER, "2026-11-13")
    c2 = customer_index(frame, "c2")
    assert result.fired[c2]
    assert result.evidence(c2) == "promise of 1 Nov 2026 to pay by 10 Nov 2026 broken: nothing paid by 12 Nov 2026"
    frame, result = run(LEDGER + "payment c2 P9 2026-11-12 1.00\n", "2026-11-13")
    assert not result.fired[c2]


def test_broken_promise__not_judged_inside_the_grace_days():
    frame, result = run(LEDGER, "2026-11-12")  # promise date 10 Nov + 2 days grace
    assert not result.fired[customer_index(frame, "c1")]
    assert not result.fired[customer_index(frame, "c2")]


@pytest.mark.parametrize("amount,broken", [("300.00", False), ("299.00", True)])
def test_broken_promise__paid_in_grace_at_or_just_below_the_promise(amount, broken):
    frame, result = run(LEDGER + f"payment c1 P9 2026-11-12 {amount}\n", "2026-11-13")
    assert result.fired[customer_index(frame, "c1")] == broken


@pytest.mark.parametrize("as_of,counted", [("2027-05-08", True), ("2027-05-09", False)])
def test_broken_promise__only_promises_of_the_last_180_days(as_of, counted):
    frame, result = run(LEDGER, as_of)  # 10 Nov 2026 + 180 days = 9 May 2027
    assert result.fired[customer_index(frame, "c2")] == counted


def test_broken_promise__missed_plan_instalment():
    frame, result = run(LEDGER, "2026-11-04")
    c3 = customer_index(frame, "c3")
    assert result.fired[c3]
    # the payment before the plan was agreed does not count
    assert result.evidence(c3) == ("plan agreed 1 Sept 2026: instalment of €100.00 due 1 Nov 2026 missed; "
                                   "€100.00 paid of €200.00 due by 1 Nov 2026")
    frame, result = run(LEDGER, "2026-11-03")  # inside the grace days
    assert not result.fired[c3]


def test_broken_promise__two_missed_instalments_are_stronger():
    frame, result = run(LEDGER, "2026-12-04")
    c3 = customer_index(frame, "c3")
    assert result.strength[c3] == pytest.approx(0.8)
    assert result.evidence(c3) == ("plan agreed 1 Sept 2026: 2 instalments missed, €100.00 due 1 Nov 2026 and "
                                   "€100.00 due 1 Dec 2026; €100.00 paid of €300.00 due by 1 Dec 2026")


def test_broken_promise__catching_up_or_cancelling_the_plan_clears_it():
    frame, result = run(LEDGER + "payment c3 P9 2026-11-05 100.00\n", "2026-11-06")
    assert not result.fired[customer_index(frame, "c3")]
    cancelled = LEDGER.replace("2026-12-01:100", "2026-12-01:100 cancelled=2026-11-02")
    frame, result = run(cancelled, "2026-11-04")
    assert not result.fired[customer_index(frame, "c3")]


def test_broken_promise__without_contact_attempts_from_quickbooks_plans_still_count():
    frame, result = run(LEDGER, "2026-11-13", source="quickbooks", unavailable=("contact_attempts",))
    assert result.available
    assert result.unavailable_reason == "not available from QuickBooks: contact attempts"
    assert result.fired.tolist() == [False, False, True]
    assert result.evidence(customer_index(frame, "c3")).endswith(
        "; not available from QuickBooks: contact attempts")


def test_broken_promise__not_available_from_quickbooks_without_promises_and_plans():
    frame, result = run(LEDGER, "2026-11-13", source="quickbooks",
                        unavailable=("contact_attempts", "payment_plans"))
    assert not result.available
    assert not result.fired.any()
    assert result.evidence(0) == "not available from QuickBooks: contact attempts, payment plans"


FUTURE = [  # (day, line): records that are only known from that day on
    ("2026-11-12", "payment c1 P8 2026-11-12 400.00"),
    ("2026-11-12", "payment c2 P9 2026-11-12 10.00"),
    ("2026-11-14", "payment c3 P10 2026-11-14 300.00"),
    ("2026-11-14", "call c2 2026-11-14 answered promise=2026-11-20:10.00"),
]


@pytest.mark.parametrize("as_of", ["2026-11-04", "2026-11-11", "2026-11-13"])
def test_broken_promise__later_records_do_not_change_the_result_at_T(as_of):
    later = (LEDGER.replace("2026-12-01:100", "2026-12-01:100 cancelled=2026-11-20")
             .replace("P1 2026-11-05 200.00", "P1 2026-11-05 200.00 returned=2026-11-20")
             + "\n".join(line for day, line in FUTURE if day > as_of))
    _, before = run(LEDGER, as_of)
    frame, after = run(later, as_of)
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
