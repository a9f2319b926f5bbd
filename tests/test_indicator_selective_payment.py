"""selective_payment: small invoices paid in the last 90 days while larger ones stay overdue."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import selective_payment
from arwatch.core.policy import Policy

T = "2024-06-30"

HISTORY = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
invoice c1 INV/35 2024-01-10 200.00
payment c1 P35 2024-02-05 200.00 -> INV/35
invoice c1 INV/36 2024-02-10 150.00
payment c1 P36 2024-03-05 150.00 -> INV/36
invoice c1 INV/39 2024-04-14 12400.00   # due 14 May
invoice c1 INV/41 2024-05-01 120.00
invoice c1 INV/44 2024-05-20 95.00
invoice c2 INV/50 2024-05-01 50.00
"""

SELECTIVE = HISTORY + """
payment c1 P41 2024-06-05 120.00 -> INV/41
payment c1 P44 2024-06-20 95.00 -> INV/44
"""


def run(text, as_of=T):
    frame = frame_at(text, as_of)
    return frame, selective_payment.INDICATOR.run(frame, Policy().params("selective_payment"))


def test_selective_payment__small_paid_large_left_overdue():
    frame, result = run(SELECTIVE)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.4 + 0.6 * 47 / 60)
    assert result.evidence(c1) == (
        "paid INV/41 (€120.00) and INV/44 (€95.00), left INV/39 (€12,400.00) 47 days past due "
        "(median invoice €150.00; paid on 5 Jun 2024 and 20 Jun 2024; INV/39 due 14 May 2024)")
    assert not result.fired[customer_index(frame, "c2")]


def test_selective_payment__one_small_invoice_is_not_a_pattern():
    _, result = run(HISTORY + "payment c1 P41 2024-06-05 120.00 -> INV/41\n")
    assert not result.fired.any()


def test_selective_payment__paid_before_the_large_one_fell_due_does_not_count():
    _, result = run(HISTORY + "payment c1 P41 2024-05-13 120.00 -> INV/41\n"
                                  "payment c1 P44 2024-06-20 95.00 -> INV/44\n")
    assert not result.fired.any()


def test_selective_payment__paid_more_than_90_days_ago_does_not_count():
    _, result = run(SELECTIVE, as_of="2024-09-05")  # P41 on 5 Jun is 92 days back
    assert not result.fired.any()
    _, inside = run(SELECTIVE, as_of="2024-09-02")
    assert inside.fired.any()


def test_selective_payment__large_one_paid_is_quiet():
    _, result = run(SELECTIVE + "payment c1 P39 2024-06-25 12400.00 -> INV/39\n")
    assert not result.fired.any()


def test_selective_payment__partly_paid_large_one_shows_what_is_open():
    frame, result = run(SELECTIVE + "payment c1 P39 2024-06-25 6000.00 -> INV/39\n")
    assert "left INV/39 (€12,400.00, €6,400.00 open) 47 days past due" in result.evidence(customer_index(frame, "c1"))


def test_selective_payment__no_look_ahead():
    later = SELECTIVE + ("payment c1 P39 2024-07-02 12400.00 -> INV/39\n"
                         "invoice c1 INV/45 2024-07-01 90000.00\n")
    frame, before = run(SELECTIVE)
    _, after = run(later)
    c1 = customer_index(frame, "c1")
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    assert before.evidence(c1) == after.evidence(c1)
    _, paid = run(later, as_of="2024-07-02")
    assert not paid.fired[c1]


def test_selective_payment__paying_older_small_invoices_first_is_paying_in_order():
    """A late payer settles its older invoices in turn while a newer, larger one is overdue: it
    skipped nothing (the demo's steady 55-60 day payers did this every month)."""
    in_order = """
customer c1 "Steady" terms=30
invoice c1 S1 2024-01-05 600.00
payment c1 PS1 2024-03-02 600.00 -> S1
invoice c1 S2 2024-02-05 500.00
payment c1 PS2 2024-04-03 500.00 -> S2
invoice c1 S3 2024-03-20 450.00   # due 19 Apr
invoice c1 S4 2024-03-25 480.00   # due 24 Apr
invoice c1 S5 2024-04-01 900.00   # due 1 May: the large one, overdue at T
payment c1 PS3 2024-05-15 450.00 -> S3
payment c1 PS4 2024-05-20 480.00 -> S4
"""
    frame, result = run(in_order, "2024-05-25")
    assert not result.fired[customer_index(frame, "c1")]
    skipped = in_order.replace("invoice c1 S5 2024-04-01 900.00", "invoice c1 S5 2024-03-10 900.00")
    frame, result = run(skipped, "2024-05-25")  # due 9 Apr, before the small ones: they were paid instead of it
    assert result.fired[customer_index(frame, "c1")]
