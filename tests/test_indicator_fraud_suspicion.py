"""fraud_suspicion: a manual signal; stops automated dunning."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import fraud_suspicion
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
signal c1 fraud_suspicion 2026-03-01 severity=0.4 source=ann note="orders shipped to a new address"
signal c2 fraud_suspicion 2026-03-01 expires=2026-03-31
signal c2 hearsay 2026-03-01 severity=1
"""


def run(text, as_of, params=None, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, fraud_suspicion.INDICATOR.run(frame, params or Policy().params("fraud_suspicion"))


def test_fraud_suspicion__fires_at_full_strength_until_cleared():
    frame, result = run(LEDGER, "2027-06-01")  # no expiry of its own: counts until a person clears it
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(1.0)
    assert result.evidence(c1) == ('fraud suspicion logged 1 Mar 2026 by ann: "orders shipped to a new address" '
                                   "(severity 0.40, confidence 1.00); automated dunning stopped")


def test_fraud_suspicion__strength_from_severity_when_asked():
    params = fraud_suspicion.Params(strength_from_severity=True)
    frame, result = run(LEDGER, "2026-03-02", params)
    assert result.strength[customer_index(frame, "c1")] == pytest.approx(0.4)


def test_fraud_suspicion__expired_signal_no_longer_counts():
    frame, result = run(LEDGER, "2026-03-31")
    assert result.fired[customer_index(frame, "c2")]
    frame, result = run(LEDGER, "2026-04-01")
    assert not result.fired[customer_index(frame, "c2")]  # the hearsay signal is not fraud


def test_fraud_suspicion__default_validity_when_configured():
    frame, result = run(LEDGER, "2026-04-01", fraud_suspicion.Params(valid_days=30))
    assert not result.fired.any()  # 1 Mar + 30 days = 31 Mar


def test_fraud_suspicion__not_fired_before_the_signal():
    frame, result = run(LEDGER, "2026-02-28")
    assert not result.fired.any()


def test_fraud_suspicion__available_from_quickbooks():
    frame, result = run(LEDGER, "2026-03-02", source="quickbooks",
                        unavailable=("contacts", "contact_attempts", "disputes", "payer_account"))
    assert result.available
    assert result.fired.all()


def test_fraud_suspicion__later_signals_do_not_change_the_result_at_T():
    later = LEDGER + """
    signal c2 fraud_suspicion 2026-03-03
    signal c1 fraud_suspicion 2026-03-04 severity=1
    """
    params = fraud_suspicion.Params(strength_from_severity=True)
    _, before = run(LEDGER, "2026-03-02", params)
    frame, after = run(later, "2026-03-02", params)
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
