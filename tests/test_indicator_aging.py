"""aging: days past due of the oldest open invoice, with buckets."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import aging
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
invoice c1 INV/1 2024-01-01 100.00
invoice c1 INV/2 2024-02-01 250.00
invoice c2 INV/3 2024-03-01 80.00
payment c1 P1 2024-02-15 100.00 -> INV/1
"""


def run(as_of):
    frame = frame_at(LEDGER, as_of)
    return frame, aging.INDICATOR.run(frame, Policy().params("aging"))


def test_aging__oldest_open_invoice_days_past_due():
    frame, result = run("2024-05-02")  # INV/2 due 2 Mar: 61 days; INV/1 paid
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    # c1 paid INV/1 15 days late, the company's only late payment so far (its norm): the 15 days
    # its habit explains are habitual_lateness', aging weighs the 46 beyond them
    assert result.strength[c1] == pytest.approx((61 - 15) / 91)
    assert "on average it pays 15 days late: only the days beyond that count here" in result.evidence(c1)
    assert "INV/2 (€250.00 open) due 2 Mar 2024, 61 days past due" in result.evidence(c1)
    assert "bucket" not in result.evidence(c1)  # the aging report's jargon, not the evidence's
    assert "INV/1" not in result.evidence(c1)


def test_aging__not_fired_before_due():
    frame, result = run("2024-03-02")  # INV/2 due today, INV/3 due 31 Mar
    assert not result.fired.any()
    assert result.evidence(customer_index(frame, "c2")) == ""


def test_aging__paid_after_cut_is_still_open_at_cut():
    frame, result = run("2024-02-14")  # INV/1 due 31 Jan, paid on the 15th: open on the 14th
    assert result.fired[customer_index(frame, "c1")]
    assert "INV/1" in result.evidence(customer_index(frame, "c1"))


@pytest.mark.parametrize("days,bucket", [(0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"),
                                         (90, "61-90"), (91, "91+"), (400, "91+")])
def test_aging__buckets(days, bucket):
    assert aging.bucket_of(days) == bucket


def test_aging__full_strength_from_91_days():
    frame, result = run("2024-08-01")
    assert np.isclose(result.strength[customer_index(frame, "c1")], 1.0)


def test_aging__the_days_a_habit_explains_are_weighed_once():
    """Two customers 40 days past due: the one that always pays about 35 days late is inside
    its habit (habitual_lateness weighs that); the punctual one is not."""
    text = 'customer slow "Slow" terms=30\ncustomer prompt "Prompt" terms=30\n'
    for k in range(8):
        issued = f"2023-{k + 1:02d}-01"
        for cid, paid in (("slow", f"2023-{k + 3:02d}-05"), ("prompt", f"2023-{k + 1:02d}-25")):
            text += f"invoice {cid} {cid.upper()}/{k} {issued} 100.00\n"
            text += f"payment {cid} {cid}{k} {paid} 100.00 -> {cid.upper()}/{k}\n"
    text += "invoice slow SLOW/X 2024-01-01 100.00\ninvoice prompt PROMPT/X 2024-01-01 100.00\n"
    frame = frame_at(text, "2024-03-11")  # both due 31 Jan: 40 days past due
    result = aging.INDICATOR.run(frame, Policy().params("aging"))
    slow, prompt = customer_index(frame, "slow"), customer_index(frame, "prompt")
    assert result.fired[slow] and result.fired[prompt]
    assert result.measure[slow] == result.measure[prompt] == 40  # the plain days past due
    assert result.strength[prompt] == pytest.approx(40 / 91)
    assert 0 < result.strength[slow] < 0.25 * result.strength[prompt]
    plain = aging.INDICATOR.run(frame, aging.Params(beyond_habit=False))
    assert plain.strength[slow] == plain.strength[prompt] == pytest.approx(40 / 91)
