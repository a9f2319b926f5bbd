"""habit_slip: an open invoice older than the customer's own usual days-to-pay plus a tolerance."""

import datetime as dt

from ledgers import customer_index, frame_at

from arwatch.core.indicators import habit_slip
from arwatch.core.policy import Policy

HISTORY = 'customer c1 "Acme" terms=30\n' + "".join(
    f"invoice c1 INV/{k} 2023-{k + 1:02d}-01 100.00\npayment c1 P{k} 2023-{k + 1:02d}-21 100.00 -> INV/{k}\n"
    for k in range(6))  # pays in 20 days
OPEN = "invoice c1 INV/X 2024-01-01 300.00\n"
DISPUTE = "dispute c1 D1 2024-01-10 invoice=INV/X\n"


def run(text: str, as_of: str = "2024-03-01"):
    frame = frame_at(text, as_of)
    return frame, habit_slip.INDICATOR.run(frame, Policy().params("habit_slip"))


def test_habit_slip__an_open_invoice_older_than_the_habit_fires():
    frame, result = run(HISTORY + OPEN)  # 60 days old, usually paid in 20
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and "INV/X (€300.00) issued 1 Jan 2024 is 60 days old" in result.evidence(c1)


def test_habit_slip__an_invoice_held_by_an_open_dispute_waits_for_the_dispute():
    """As for aging (core/disputed.py): the dispute is disputes' evidence, not a slip of the habit."""
    frame, result = run(HISTORY + OPEN + DISPUTE)
    assert not result.fired[customer_index(frame, "c1")]
    resolved = HISTORY + OPEN + "dispute c1 D1 2024-01-10 invoice=INV/X resolved=2024-02-01\n"
    frame, result = run(resolved)  # resolved and still unpaid: the slip counts again
    assert result.fired[customer_index(frame, "c1")]


def test_habit_slip__a_slip_is_beyond_the_customers_own_variability():
    """Seed 004: alert when a customer starts to pay later than it typically does. A customer
    whose recent days late spread over 30 days (interquartile range) is not slipping when an
    invoice is 10 days past its median days to pay; a steady payer would be."""
    text = 'customer c1 "Acme" terms=30\n'
    for k, late in enumerate((-25, 30, 5, 35, -25, 30, 5, 35)):  # days to pay 5, 60, 35, 65, ...: median 35
        issued = dt.date(2023, k + 1, 1)
        text += f"invoice c1 INV/{k} {issued} 100.00\n"
        text += f"payment c1 P{k} {issued + dt.timedelta(days=30 + late)} 100.00 -> INV/{k}\n"
    frame = frame_at(text + OPEN, "2024-02-15")  # INV/X 45 days old: 10 beyond the median
    c1 = customer_index(frame, "c1")
    default = habit_slip.INDICATOR.run(frame, Policy().params("habit_slip"))
    fixed = habit_slip.INDICATOR.run(frame, habit_slip.Params(spread_tolerance=False))
    assert fixed.fired[c1] and not default.fired[c1]
