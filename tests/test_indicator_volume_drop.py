"""volume_drop: last 3 whole months invoiced below 60% of the trailing 12-month monthly mean."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import volume_drop
from arwatch.core.policy import Policy

T = "2024-04-15"  # recent months Jan-Mar 2024, baseline Jan-Dec 2023


def ledger(recent: str, baseline_months: int = 12, baseline_amount: str = "1000.00") -> str:
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Beta" terms=30']
    lines += [f"invoice c1 INV/{m} 2023-{m:02d}-10 {baseline_amount}" for m in range(1, baseline_months + 1)]
    return "\n".join(lines) + "\n" + recent


RECENT = """
invoice c1 INV/13 2024-01-10 500.00
invoice c1 INV/14 2024-03-10 400.00
invoice c1 INV/15 2024-04-02 5000.00   # T's month is still running: not counted
invoice c2 INV/90 2024-03-01 10.00      # no history: never judged
"""


def run(text, as_of=T, params=None):
    frame = frame_at(text, as_of)
    return frame, volume_drop.INDICATOR.run(frame, params or Policy().params("volume_drop"))


def test_volume_drop__fires_below_60_percent_of_norm():
    frame, result = run(ledger(RECENT))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.7)
    assert result.evidence(c1) == (
        "invoiced 900.00 in Jan 2024 to Mar 2024 (300.00 a month), 30% of the 1,000.00 a month invoiced in "
        "Jan 2023 to Dec 2023 (invoices in 12 of 12 months); recent: INV/13 (500.00) on 10 Jan 2024; "
        "INV/14 (400.00) on 10 Mar 2024; last before: INV/12 (1,000.00) on 10 Dec 2023")
    assert not result.fired[customer_index(frame, "c2")]


def test_volume_drop__stopped_ordering_says_so():
    frame, result = run(ledger(""))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(1.0)
    assert "invoiced 0.00 in Jan 2024 to Mar 2024" in result.evidence(c1)
    assert "no invoice in those months" in result.evidence(c1)


@pytest.mark.parametrize("recent_total,fires", [("1800.00", False), ("1799.97", True)])
def test_volume_drop__ratio_threshold(recent_total, fires):
    frame, result = run(ledger(f"invoice c1 INV/13 2024-02-10 {recent_total}"))
    assert result.fired[customer_index(frame, "c1")] == fires


@pytest.mark.parametrize("months,fires", [(5, False), (6, True)])
def test_volume_drop__needs_six_baseline_months_with_invoices(months, fires):
    frame, result = run(ledger("", baseline_months=months, baseline_amount="2400.00"))
    assert result.fired[customer_index(frame, "c1")] == fires


def test_volume_drop__ratio_is_a_policy_setting():
    params = volume_drop.Params(ratio=0.25)
    frame, result = run(ledger(RECENT), params=params)  # 30% is not below 25%
    assert not result.fired[customer_index(frame, "c1")]


def test_volume_drop__no_look_ahead():
    later = RECENT + "invoice c1 INV/16 2024-04-20 9000.00\ninvoice c1 INV/17 2024-06-01 9000.00\n"
    frame, before = run(ledger(RECENT))
    _, after = run(ledger(later))
    assert np.array_equal(before.fired, after.fired)
    assert np.array_equal(before.strength, after.strength)
    c1 = customer_index(frame, "c1")
    assert before.evidence(c1) == after.evidence(c1)
