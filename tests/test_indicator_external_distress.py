"""external_distress: industry/country distress, merger or acquisition, leadership change."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import external_distress
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30 salesperson=ann industry=construction
customer c2 "Beta" terms=30
customer c3 "Gamma" terms=30
signal c1 industry_distress 2026-06-01 severity=0.5 source=news note="construction orders down 30%"
signal c1 leadership_change 2026-09-01 severity=0.7 source=crm note="new CFO"
signal c2 merger_acquisition 2026-09-01 severity=0.6 expires=2026-09-30
signal c3 country_distress 2026-09-01 severity=0.3
signal c3 hearsay 2026-09-01 severity=1
"""


def run(text, as_of, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, external_distress.INDICATOR.run(frame, Policy().params("external_distress"))


def test_external_distress__strongest_severity_and_a_review():
    frame, result = run(LEDGER, "2026-09-10")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.7)
    assert result.evidence(c1) == (
        'leadership change logged 1 Sept 2026 by crm: "new CFO" (severity 0.70, confidence 1.00, '
        "counts until 28 Feb 2027); industry distress logged 1 Jun 2026 by news: "
        '"construction orders down 30%" (severity 0.50, confidence 1.00, counts until 28 Nov 2026); '
        "review with ann")
    c3 = customer_index(frame, "c3")
    assert result.strength[c3] == pytest.approx(0.3)  # hearsay is not distress
    assert result.evidence(c3).endswith("; review needed")


def test_external_distress__expiry_default_180_days_and_own_date():
    frame, result = run(LEDGER, "2026-11-28")  # 1 Jun + 180 days: still counts
    assert "industry distress" in result.evidence(customer_index(frame, "c1"))
    assert not result.fired[customer_index(frame, "c2")]  # expired 30 Sep
    frame, result = run(LEDGER, "2026-11-29")
    c1 = customer_index(frame, "c1")
    assert "industry distress" not in result.evidence(c1)
    frame, result = run(LEDGER, "2027-03-01")
    assert not result.fired.any()


def test_external_distress__not_fired_before_the_signal():
    frame, result = run(LEDGER, "2026-08-31")
    assert result.fired.tolist() == [True, False, False]  # only c1's June signal


def test_external_distress__available_from_quickbooks():
    frame, result = run(LEDGER, "2026-09-10", source="quickbooks",
                        unavailable=("contacts", "contact_attempts", "disputes", "payer_account"))
    assert result.available
    assert result.fired.all()


def test_external_distress__later_signals_do_not_change_the_result_at_T():
    later = LEDGER + """
    signal c2 country_distress 2026-09-11 severity=1
    signal c1 merger_acquisition 2026-09-12 severity=1
    """
    _, before = run(LEDGER, "2026-09-10")
    frame, after = run(later, "2026-09-10")
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
