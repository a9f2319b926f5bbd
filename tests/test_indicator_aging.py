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
    assert result.strength[c1] == pytest.approx(61 / 91)
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
