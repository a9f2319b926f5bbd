"""slowing_trend: last 3 paid invoices take >= 10 days longer on average than the 9 before."""

import datetime as dt

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import slowing_trend
from arwatch.core.policy import Policy

T = "2024-01-20"


def ledger(days_to_pay: list[int]) -> str:
    """One 100.00 invoice on the 1st of each month of 2023, paid after the given days."""
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Beta" terms=30']
    for k, days in enumerate(days_to_pay, start=1):
        issue = dt.date(2023, k, 1)
        lines.append(f"invoice c1 INV/{k} {issue} 100.00")
        lines.append(f"payment c1 P{k} {issue + dt.timedelta(days=days)} 100.00 -> INV/{k}")
    lines.append("invoice c1 INV/13 2024-01-01 100.00")  # open at T
    return "\n".join(lines) + "\n"


def run(text, as_of=T):
    frame = frame_at(text, as_of)
    return frame, slowing_trend.INDICATOR.run(frame, Policy().params("slowing_trend"))


def test_slowing_trend__last_three_eleven_days_slower():
    frame, result = run(ledger([20] * 9 + [31] * 3))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(11 / 30)
    assert result.evidence(c1) == (
        "last 3 paid invoices took 31.0 days on average, the 9 before them 20.0 days (+11.0): "
        "INV/10 (€100.00) issued 1 Oct 2023, paid 1 Nov 2023 after 31 days; "
        "INV/11 (€100.00) issued 1 Nov 2023, paid 2 Dec 2023 after 31 days; "
        "INV/12 (€100.00) issued 1 Dec 2023, paid 1 Jan 2024 after 31 days")
    assert not result.fired[customer_index(frame, "c2")]


def test_slowing_trend__the_averages_in_the_company_locale():
    frame, result = run(ledger([20] * 9 + [31, 31, 32]))
    evidence = result.evidence(customer_index(frame, "c1"), "de_DE")
    assert evidence.startswith("last 3 paid invoices took 31,3 days on average, the 9 before them 20,0 days (+11,3): ")


@pytest.mark.parametrize("recent,fires", [([29, 30, 30], False), ([30, 30, 30], True)])
def test_slowing_trend__ten_days_threshold(recent, fires):
    frame, result = run(ledger([20] * 9 + recent))
    assert result.fired[customer_index(frame, "c1")] == fires


def test_slowing_trend__needs_twelve_paid_invoices():
    _, result = run(ledger([20] * 8 + [60] * 3))
    assert not result.fired.any()


def test_slowing_trend__ordered_by_payment_day_not_issue_day():
    # INV/1 paid last (after 370 days): it is among the last 3 paid, INV/10 is not
    frame, result = run(ledger([370] + [20] * 11))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert "INV/1 (€100.00) issued 1 Jan 2023, paid 6 Jan 2024 after 370 days" in result.evidence(c1)
    assert "INV/10" not in result.evidence(c1)


def test_slowing_trend__no_look_ahead():
    base = ledger([20] * 12)
    later = base + ("payment c1 P13 2024-03-20 100.00 -> INV/13\n"
                    "invoice c1 INV/14 2024-01-25 100.00\npayment c1 P14 2024-03-25 100.00 -> INV/14\n")
    frame, before = run(base)
    _, after = run(later)
    assert not before.fired.any()
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    _, in_march = run(later, as_of="2024-03-31")
    assert in_march.fired[customer_index(frame, "c1")]
