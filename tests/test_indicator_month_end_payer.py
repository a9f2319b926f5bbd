"""month_end_payer: most late payments are on invoices issued in the last 5 days of a month."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import month_end_payer
from arwatch.core.policy import Policy

T = "2024-06-30"
HEAD = 'customer c1 "Acme" terms=30\ncustomer c2 "Beta" terms=30\n'


def paid(number: str, issue: str, paid_on: str, amount: str = "100.00", cust: str = "c1") -> str:
    return f"invoice {cust} {number} {issue} {amount}\npayment {cust} P{number} {paid_on} {amount} -> {number}\n"


MONTH_END_LATE = (paid("INV/1", "2024-01-29", "2024-03-08") + paid("INV/2", "2024-02-27", "2024-04-05")
                  + paid("INV/3", "2024-03-28", "2024-05-10"))
MID_MONTH_LATE = paid("INV/4", "2024-04-10", "2024-05-20")
ON_TIME = paid("INV/5", "2024-04-28", "2024-05-10") + paid("INV/6", "2024-05-30", "2024-06-20")


def run(text, as_of=T):
    frame = frame_at(text, as_of)
    return frame, month_end_payer.INDICATOR.run(frame, Policy().params("month_end_payer"))


def test_month_end_payer__three_of_four_late_payments_on_month_end_bills():
    frame, result = run(HEAD + MONTH_END_LATE + MID_MONTH_LATE + ON_TIME)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.75)
    assert result.evidence(c1) == (
        "3 of 4 late payments in the last 365 days were on invoices issued in the last 5 days of a month: "
        "INV/1 (€100.00) issued 29 Jan 2024, paid 8 Mar 2024, 9 days late; "
        "INV/2 (€100.00) issued 27 Feb 2024, paid 5 Apr 2024, 8 days late; "
        "INV/3 (€100.00) issued 28 Mar 2024, paid 10 May 2024, 13 days late")
    assert not result.fired[customer_index(frame, "c2")]


def test_month_end_payer__half_is_not_most():
    extra = paid("INV/7", "2024-02-12", "2024-04-01")
    _, result = run(HEAD + MONTH_END_LATE + MID_MONTH_LATE + extra + paid("INV/8", "2024-03-05", "2024-05-01"))
    assert not result.fired.any()  # 3 of 6


def test_month_end_payer__needs_three_late_payments():
    _, result = run(HEAD + paid("INV/1", "2024-01-29", "2024-03-08") + paid("INV/2", "2024-02-27", "2024-04-05"))
    assert not result.fired.any()


@pytest.mark.parametrize("issue,fires", [("2024-05-26", False), ("2024-05-27", True)])
def test_month_end_payer__last_five_days_of_the_month(issue, fires):
    # 2 month-end + 2 mid-month late payments; the fifth decides 3 of 5 (60%) or 2 of 5
    text = (HEAD + paid("INV/1", "2024-01-29", "2024-03-08") + paid("INV/2", "2024-02-27", "2024-04-05")
            + MID_MONTH_LATE + paid("INV/7", "2024-02-12", "2024-04-01") + paid("INV/9", issue, "2024-06-29"))
    frame, result = run(text)
    assert result.fired[customer_index(frame, "c1")] == fires


def test_month_end_payer__no_look_ahead():
    base = HEAD + paid("INV/1", "2024-01-29", "2024-03-08") + paid("INV/2", "2024-02-27", "2024-04-05") \
        + "invoice c1 INV/3 2024-05-28 100.00\n"
    later = base + "payment c1 PINV/3 2024-07-15 100.00 -> INV/3\n" + paid("INV/8", "2024-06-28", "2024-08-30")
    frame, before = run(base)
    _, after = run(later)
    assert not before.fired.any()
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    _, in_july = run(later, as_of="2024-07-31")
    assert in_july.fired[customer_index(frame, "c1")]
