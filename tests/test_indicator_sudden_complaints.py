"""sudden_complaints: complaints in the last 90 days after none in the 12 months before."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import sudden_complaints
from arwatch.core.policy import Policy

# T = 2026-11-30: recent window 2 Sep .. 30 Nov 2026, quiet window 2 Sep 2025 .. 1 Sep 2026,
# history needed: first invoice on or before 1 Sep 2025.
LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
customer c3 "Gamma" terms=30
invoice c1 INV/1 2025-01-10 500.00
invoice c1 INV/2 2026-09-01 300.00
invoice c2 INV/3 2025-01-10 100.00
invoice c3 INV/4 2025-10-01 100.00
dispute c1 D1 2024-06-01 reason="old quarrel"
dispute c1 D2 2026-10-05 invoice=INV/2 complaint reason="late delivery"
signal c1 complaint 2026-11-12 source=sales note="rude driver"
dispute c2 D3 2026-03-01 complaint
dispute c2 D4 2026-10-20
dispute c3 D5 2026-10-20
"""


def run(text, as_of="2026-11-30", **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, sudden_complaints.INDICATOR.run(frame, Policy().params("sudden_complaints"))


def test_sudden_complaints__quiet_customer_starts_complaining():
    frame, result = run(LEDGER)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.8)  # two complaints
    assert result.evidence(c1) == (
        'complaint on INV/2 opened 5 Oct 2026 ("late delivery"); complaint logged 12 Nov 2026 by sales '
        '("rude driver"); none from 2 Sept 2025 to 1 Sept 2026 (customer since 10 Jan 2025)')


def test_sudden_complaints__a_complaint_in_the_year_before_means_not_sudden():
    frame, result = run(LEDGER)
    assert not result.fired[customer_index(frame, "c2")]  # complained in March 2026


def test_sudden_complaints__too_little_history_does_not_fire():
    frame, result = run(LEDGER)
    assert not result.fired[customer_index(frame, "c3")]  # customer since Oct 2025 only


def test_sudden_complaints__complaint_exactly_90_days_back_is_not_recent():
    quiet = """
    customer c1 "Acme" terms=30
    invoice c1 INV/1 2024-01-10 500.00
    dispute c1 D1 2026-09-01
    """
    frame, result = run(quiet, "2026-11-29")  # 1 Sep is T-89
    assert result.fired[customer_index(frame, "c1")]
    frame, result = run(quiet, "2026-11-30")  # 1 Sep is T-90: outside
    assert not result.fired[customer_index(frame, "c1")]


@pytest.mark.parametrize("old,fires", [("2025-08-31", True), ("2025-09-01", False)])
def test_sudden_complaints__quiet_year_edge(old, fires):
    quiet = f"""
    customer c1 "Acme" terms=30
    invoice c1 INV/1 2024-01-10 500.00
    dispute c1 D0 {old} complaint
    dispute c1 D1 2026-09-01
    """
    frame, result = run(quiet, "2026-11-29")  # quiet window: 1 Sep 2025 .. 31 Aug 2026
    assert result.fired[customer_index(frame, "c1")] == fires


def test_sudden_complaints__history_boundary():
    text = LEDGER + "invoice c3 INV/0 2025-09-01 10.00\n"  # 1 Sep 2025 = T - 90 - 365
    frame, result = run(text)
    assert result.fired[customer_index(frame, "c3")]
    text = LEDGER + "invoice c3 INV/0 2025-09-02 10.00\n"
    frame, result = run(text)
    assert not result.fired[customer_index(frame, "c3")]


def test_sudden_complaints__not_available_from_quickbooks_without_disputes():
    frame, result = run(LEDGER, source="quickbooks", unavailable=("disputes",))
    assert not result.available
    assert result.evidence(customer_index(frame, "c1")) == "not available from QuickBooks: disputes"


def test_sudden_complaints__later_complaints_do_not_change_the_result_at_T():
    later = LEDGER + """
    dispute c3 D9 2026-12-01
    signal c2 complaint 2026-12-01
    invoice c3 INV/9 2026-12-02 10.00
    """
    _, before = run(LEDGER)
    frame, after = run(later)
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
