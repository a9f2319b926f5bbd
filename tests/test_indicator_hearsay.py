"""hearsay: a manual signal with source and confidence; low weight; expires after 90 days."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import hearsay
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
signal c1 hearsay 2026-09-01 severity=0.8 confidence=0.5 source=ann note="supplier X not paid since June"
signal c1 hearsay 2026-10-01 severity=0.4 confidence=0.5 source=bob
signal c2 hearsay 2026-10-01 severity=0.9 confidence=0.9 expires=2026-10-15
signal c2 industry_distress 2026-10-01 severity=0.9
"""


def run(text, as_of, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, hearsay.INDICATOR.run(frame, Policy().params("hearsay"))


def test_hearsay__default_weight_is_low():
    assert Policy().params("hearsay").weight == 0.15


def test_hearsay__strongest_signal_severity_times_confidence():
    frame, result = run(LEDGER, "2026-10-10")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.4)
    assert result.evidence(c1) == (
        "hearsay logged 1 Oct 2026 by bob (severity 0.40, confidence 0.50, counts until 30 Dec 2026); "
        'hearsay logged 1 Sept 2026 by ann: "supplier X not paid since June" '
        "(severity 0.80, confidence 0.50, counts until 30 Nov 2026)")


def test_hearsay__expires_after_90_days():
    frame, result = run(LEDGER, "2026-11-30")  # 1 Sep + 90 days: last day it counts
    assert result.strength[customer_index(frame, "c1")] == pytest.approx(0.4)
    frame, result = run(LEDGER, "2026-12-01")  # only the 1 Oct one is left
    c1 = customer_index(frame, "c1")
    assert result.strength[c1] == pytest.approx(0.2)
    assert "ann" not in result.evidence(c1)
    frame, result = run(LEDGER, "2026-12-31")
    assert not result.fired[c1]


def test_hearsay__own_expiry_date_wins():
    frame, result = run(LEDGER, "2026-10-15")
    assert result.fired[customer_index(frame, "c2")]
    frame, result = run(LEDGER, "2026-10-16")
    assert not result.fired[customer_index(frame, "c2")]  # other signal kinds do not count


def test_hearsay__not_fired_before_the_signal():
    frame, result = run(LEDGER, "2026-08-31")
    assert not result.fired.any()


def test_hearsay__available_from_quickbooks_since_manual_signals_exist_everywhere():
    frame, result = run(LEDGER, "2026-10-10", source="quickbooks",
                        unavailable=("contacts", "contact_attempts", "disputes", "payer_account"))
    assert result.available
    assert result.fired[customer_index(frame, "c1")]


def test_hearsay__later_signals_do_not_change_the_result_at_T():
    later = LEDGER + """
    signal c1 hearsay 2026-10-11 severity=1 confidence=1
    signal c2 hearsay 2026-10-12 severity=1 confidence=1
    """
    _, before = run(LEDGER, "2026-10-10")
    frame, after = run(later, "2026-10-10")
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
