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
        "invoiced €900.00 in Jan 2024 to Mar 2024 (€300.00 a month), 30% of the €1,000.00 a month invoiced in "
        "Jan 2023 to Dec 2023 (invoices in 12 of 12 months); recent: INV/13 (€500.00) on 10 Jan 2024; "
        "INV/14 (€400.00) on 10 Mar 2024; last before: INV/12 (€1,000.00) on 10 Dec 2023")
    assert not result.fired[customer_index(frame, "c2")]


def test_volume_drop__stopped_ordering_says_so():
    frame, result = run(ledger(""))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(1.0)
    assert "invoiced €0.00 in Jan 2024 to Mar 2024" in result.evidence(c1)
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


# ---------------------------------------------------------------- sale orders as the basis

def order_ledger(recent_orders: str, invoices: str = "level", baseline_orders: int = 12) -> str:
    """c1 ordered 1,000.00 a month in 2023; invoices follow ``invoices``: "level" (1,000.00 a month
    through Mar 2024, e.g. a backlog invoiced late), "none" or the given lines."""
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Beta" terms=30']
    lines += [f"order c1 S{m:02d} 2023-{m:02d}-05 1000.00" for m in range(1, baseline_orders + 1)]
    if invoices == "level":
        lines += [f"invoice c1 INV/{m} 2023-{m:02d}-10 1000.00" for m in range(1, 13)]
        lines += [f"invoice c1 INV/{12 + m} 2024-{m:02d}-10 1000.00" for m in range(1, 4)]
    elif invoices != "none":
        lines.append(invoices)
    return "\n".join(lines) + "\n" + recent_orders


RECENT_ORDERS = """
order c1 S13 2024-01-05 500.00
order c1 S14 2024-03-05 400.00
order c1 S15 2024-04-02 5000.00   # T's month is still running: not counted
"""


def test_volume_drop__orders_basis_fires_on_an_order_drop_while_invoices_stay_level():
    frame, result = run(order_ledger(RECENT_ORDERS))
    c1 = customer_index(frame, "c1")
    assert frame.orders_available
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.7)
    assert result.evidence(c1) == (
        "ordered €900.00 in Jan 2024 to Mar 2024 (€300.00 a month), 30% of the €1,000.00 a month ordered in "
        "Jan 2023 to Dec 2023 (sale orders in 12 of 12 months); recent: S13 (€500.00) on 5 Jan 2024; "
        "S14 (€400.00) on 5 Mar 2024; last before: S12 (€1,000.00) on 5 Dec 2023")
    without_orders = "\n".join(line for line in order_ledger(RECENT_ORDERS).splitlines()
                               if not line.startswith("order"))
    frame, result = run(without_orders)  # the same invoices measured as invoices: level, no drop
    assert not frame.orders_available and not result.fired.any()


def test_volume_drop__orders_basis_stays_quiet_when_only_invoices_drop():
    level_orders = "\n".join(f"order c1 S{12 + m} 2024-{m:02d}-05 1000.00" for m in range(1, 4))
    invoices = "\n".join([f"invoice c1 INV/{m} 2023-{m:02d}-10 1000.00" for m in range(1, 13)]
                         + ["invoice c1 INV/13 2024-01-10 300.00"])  # orders not invoiced yet
    frame, result = run(order_ledger(level_orders, invoices=invoices))
    assert not result.fired.any()
    _, by_invoices = run(ledger("invoice c1 INV/13 2024-01-10 300.00"))
    assert by_invoices.fired[customer_index(frame, "c1")]  # the same invoices alone would fire


def test_volume_drop__orders_basis_says_so_when_nothing_was_ordered():
    frame, result = run(order_ledger("", invoices="none"))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(1.0)
    assert result.evidence(c1).startswith("ordered €0.00 in Jan 2024 to Mar 2024 (€0.00 a month), 0% of")
    assert "; no sale order in those months; last before: S12" in result.evidence(c1)


def test_volume_drop__cancelled_orders_are_ignored():
    cancelled = RECENT_ORDERS + "order c1 S16 2024-02-05 5000.00 cancelled\n"
    frame, with_cancelled = run(order_ledger(cancelled))
    _, without = run(order_ledger(RECENT_ORDERS))
    c1 = customer_index(frame, "c1")
    assert with_cancelled.fired[c1] and with_cancelled.evidence(c1) == without.evidence(c1)
    assert "S16" not in frame.o_number
    # five confirmed baseline months and a cancelled sixth: the norm is not known
    text = order_ledger("", invoices="none", baseline_orders=5) + "order c1 S06 2023-06-05 1000.00 cancelled\n"
    assert not run(text)[1].fired.any()
    six = order_ledger("", invoices="none", baseline_orders=6)
    assert run(six)[1].fired[c1]


def test_volume_drop__orders_after_T_are_ignored():
    later = RECENT_ORDERS + "order c1 S17 2024-04-20 9000.00\norder c1 S18 2024-06-01 9000.00\n"
    frame, before = run(order_ledger(RECENT_ORDERS))
    later_frame, after = run(order_ledger(later))
    assert list(later_frame.o_number) == list(frame.o_number) and "S17" not in later_frame.o_number
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    c1 = customer_index(frame, "c1")
    assert before.evidence(c1) == after.evidence(c1)


def test_volume_drop__a_source_with_orders_measures_orders_even_for_a_customer_without_any():
    # c1's invoices drop (the invoice basis fires), but the source has orders and c1 has none:
    # no order history, so no norm, and the invoices are not used instead.
    frame, result = run(ledger(RECENT) + "provides orders\n")
    assert frame.orders_available and len(frame.o_cust) == 0
    assert not result.fired.any()
    frame, result = run(ledger(RECENT) + "order c2 S1 2024-01-05 10.00\n")
    assert frame.orders_available and not result.fired.any()


def test_volume_drop__order_totals_in_the_company_currency():
    text = order_ledger("order c1 S13 2024-02-05 1000.00 currency=USD rate=0.5\n", invoices="none")
    frame, result = run(text)
    c1 = customer_index(frame, "c1")
    assert frame.o_total[list(frame.o_number).index("S13")] == pytest.approx(500.0)
    assert result.fired[c1] and "ordered €500.00 in Jan 2024 to Mar 2024" in result.evidence(c1)
    assert "recent: S13 (€500.00) on 5 Feb 2024" in result.evidence(c1)


def test_volume_drop__a_declared_unavailable_orders_kind_falls_back_to_invoices():
    frame = frame_at(order_ledger(RECENT_ORDERS), T, unavailable=("orders",))
    result = volume_drop.INDICATOR.run(frame, Policy().params("volume_drop"))
    assert not frame.orders_available and result.available and not result.fired.any()


def test_volume_drop__orders_unavailable_adds_no_not_available_noise():
    from ledgers import board_at

    from arwatch.adapters.quickbooks import UNAVAILABLE
    board = board_at(ledger(RECENT), T, source="quickbooks", unavailable=tuple(UNAVAILABLE))
    assert "orders" in board.frame.unavailable and "Estimate is a quote" in UNAVAILABLE["orders"]
    result = next(r for r in board.results if r.indicator == "volume_drop")
    assert result.available and result.evidence(customer_index(board.frame, "c1")).startswith("invoiced €900.00")
    reasons = [r.unavailable_reason for r in board.results if not r.available]
    assert reasons and not any("order" in reason for reason in reasons)
    assert not any("order" in line for line in board.customer(0).unavailable)
