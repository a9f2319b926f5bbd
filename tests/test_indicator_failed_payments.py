"""failed_payments: returned or voided payments in 2 of the last 3 calendar months."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import failed_payments
from arwatch.core.policy import Policy

BASE = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
invoice c1 INV/1 2024-01-02 500.00
invoice c1 INV/2 2024-02-01 500.00
invoice c2 INV/3 2024-01-05 80.00
payment c2 P9 2024-01-20 80.00 -> INV/3
"""

TWO_MONTHS = BASE + """
payment c1 P1 2024-01-30 500.00 -> INV/1 returned=2024-02-02
payment c1 P2 2024-03-01 500.00 -> INV/2 voided=2024-03-04
"""


def run(text, as_of="2024-03-20", **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, failed_payments.INDICATOR.run(frame, Policy().params("failed_payments"))


def test_failed_payments__returns_in_two_of_three_months():
    frame, result = run(TWO_MONTHS)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(2 / 3)
    assert result.evidence(c1) == (
        "payments returned in 2 of the last 3 months (Jan 2024 to Mar 2024): "
        "€500.00 paid 30 Jan 2024 for INV/1, returned 2 Feb 2024; "
        "€500.00 paid 1 Mar 2024 for INV/2, voided 4 Mar 2024")
    assert not result.fired[customer_index(frame, "c2")]


def test_failed_payments__two_returns_in_one_month_are_one_month():
    text = BASE + """
payment c1 P1 2024-03-01 250.00 -> INV/1 returned=2024-03-04
payment c1 P2 2024-03-05 250.00 -> INV/1 returned=2024-03-08
"""
    frame, result = run(text)
    assert not result.fired[customer_index(frame, "c1")]


def test_failed_payments__return_before_the_window_does_not_count():
    text = BASE + """
payment c1 P1 2023-12-20 500.00 -> INV/1 returned=2023-12-28
payment c1 P2 2024-03-01 500.00 -> INV/2 returned=2024-03-04
"""
    frame, result = run(text)  # window Jan-Mar 2024
    assert not result.fired[customer_index(frame, "c1")]
    _, in_january = run(text, as_of="2024-02-10")  # window Dec 2023-Feb 2024: only December
    assert not in_january.fired.any()


def test_failed_payments__not_available_from_quickbooks():
    frame, result = run(TWO_MONTHS, source="quickbooks", unavailable=("payment_returns",))
    c1 = customer_index(frame, "c1")
    assert not result.available and not result.fired.any()
    assert result.evidence(c1) == "not available from QuickBooks: payment returns"


def test_failed_payments__no_look_ahead():
    base = BASE + "payment c1 P1 2024-01-30 500.00 -> INV/1 returned=2024-02-02\n"
    later = base + ("payment c1 P2 2024-03-15 500.00 -> INV/2 returned=2024-03-25\n"  # returned after T
                    "payment c1 P3 2024-03-28 100.00 returned=2024-03-30\n")
    frame, before = run(base)
    _, after = run(later)
    assert not before.fired.any()
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    _, at_month_end = run(later, as_of="2024-03-31")
    assert at_month_end.fired[customer_index(frame, "c1")]
