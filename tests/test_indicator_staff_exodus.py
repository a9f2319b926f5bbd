"""staff_exodus: >= 2 contacts archived in 6 months, or a manual staff_left signal."""

import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import staff_exodus
from arwatch.core.policy import Policy

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
customer c3 "Gamma" terms=30
contact c1 k1 "Jo Bloggs" created=2020-01-01 archived=2026-05-10
contact c1 k2 "Ann Smith" created=2020-01-01 archived=2026-08-20
contact c1 k3 "Bo Stay" created=2020-01-01
contact c2 k4 "Old Timer" created=2020-01-01 archived=2025-01-01
contact c2 k5 "Cy Went" created=2020-01-01 archived=2026-08-01
signal c3 staff_left 2026-07-01 severity=0.8 confidence=0.5 source=ann note="CFO resigned"
"""


def run(text, as_of, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, staff_exodus.INDICATOR.run(frame, Policy().params("staff_exodus"))


def test_staff_exodus__two_contacts_archived_in_six_months():
    frame, result = run(LEDGER, "2026-09-01")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.strength[c1] == pytest.approx(0.6)
    assert result.evidence(c1) == ("2 contacts archived since 4 Mar 2026: Jo Bloggs on 10 May 2026, "
                                   "Ann Smith on 20 Aug 2026")


def test_staff_exodus__one_archived_in_the_window_is_not_enough():
    frame, result = run(LEDGER, "2026-09-01")
    assert not result.fired[customer_index(frame, "c2")]  # the other left in 2025


def test_staff_exodus__archiving_leaves_the_window_after_six_months():
    frame, result = run(LEDGER, "2026-11-07")  # 10 May is T-181: inside
    assert result.fired[customer_index(frame, "c1")]
    frame, result = run(LEDGER, "2026-11-08")  # 10 May is T-182: outside
    assert not result.fired[customer_index(frame, "c1")]


def test_staff_exodus__manual_signal_fires_alone():
    frame, result = run(LEDGER, "2026-09-01")
    c3 = customer_index(frame, "c3")
    assert result.fired[c3]
    assert result.strength[c3] == pytest.approx(0.4)
    assert result.evidence(c3) == ('staff left logged 1 Jul 2026 by ann: "CFO resigned" '
                                   "(severity 0.80, confidence 0.50, counts until 28 Dec 2026)")


def test_staff_exodus__without_contacts_from_quickbooks_signals_still_count():
    frame, result = run(LEDGER, "2026-09-01", source="quickbooks", unavailable=("contacts",))
    assert result.available  # manual signals exist everywhere
    assert result.unavailable_reason == "not available from QuickBooks: contacts"
    assert not result.fired[customer_index(frame, "c1")]  # contacts are not looked at
    c3 = customer_index(frame, "c3")
    assert result.fired[c3]
    assert result.evidence(c3).endswith("; archived contacts not available from QuickBooks")


def test_staff_exodus__later_archivings_and_signals_do_not_change_the_result_at_T():
    later = LEDGER.replace('contact c2 k4 "Old Timer" created=2020-01-01 archived=2025-01-01',
                           'contact c2 k4 "Old Timer" created=2020-01-01 archived=2026-09-02') + """
    contact c3 k6 "New Hire" created=2026-09-05 archived=2026-09-06
    contact c3 k7 "Di Later" created=2020-01-01 archived=2026-09-03
    signal c2 staff_left 2026-09-02 severity=1
    """
    _, before = run(LEDGER, "2026-09-01")
    frame, after = run(later, "2026-09-01")
    assert (before.fired == after.fired).all()
    assert (before.strength == after.strength).all()
    for c in range(frame.n_customers):
        assert before.evidence(c) == after.evidence(c)
