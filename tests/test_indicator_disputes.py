"""disputes: dispute rate over 12 months, open disputes, invoices settled short."""

import datetime as dt

import numpy as np
import pytest
from ledgers import customer_index, frame_at, ledger_data

from arwatch.core.columnar import NEVER
from arwatch.core.indicators import disputes
from arwatch.core.load import load_ledger
from arwatch.core.policy import Policy

T = "2024-06-30"  # 12-month window: invoices issued from 2 Jul 2023


def invoices(count: int, cust: str = "c1", flagged: int = 0) -> str:
    """``count`` (<= 11) invoices of 100.00 on the 5th of each month from Aug 2023, all paid on time."""
    lines = []
    for k in range(1, count + 1):
        year, month = (2023, 7 + k) if k <= 5 else (2024, k - 5)
        flag = " disputed" if k <= flagged else ""
        lines.append(f"invoice {cust} INV/{k} {year}-{month:02d}-05 100.00{flag}")
        lines.append(f"payment {cust} {cust}P{k} {year}-{month:02d}-20 100.00 -> INV/{k}")
    return "\n".join(lines) + "\n"


HEAD = 'customer c1 "Acme" terms=30\ncustomer c2 "Beta" terms=30\n'
TWO_DISPUTES = """
dispute c1 D1 2023-10-01 invoice=INV/3 resolved=2023-10-20 reason="wrong quantity"
dispute c1 D2 2024-02-01 invoice=INV/7 resolved=2024-02-15
dispute c1 D3 2024-03-01 complaint   # complaints are sudden_complaints' business
"""


def run(text, as_of=T, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, disputes.INDICATOR.run(frame, Policy().params("disputes"))


def test_disputes__rate_of_one_in_five_fires():
    frame, result = run(HEAD + invoices(10) + TWO_DISPUTES)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.5)
    assert result.evidence(c1) == (
        "2 of 10 invoices issued in the last 365 days disputed (20%): "
        "dispute on INV/3 (€100.00) opened 1 Oct 2023 \"wrong quantity\"; dispute on INV/7 (€100.00) opened 1 Feb 2024")


@pytest.mark.parametrize("text", [
    HEAD + invoices(11) + TWO_DISPUTES,  # 2 / 11 < 20%
    HEAD + invoices(5) + "dispute c1 D1 2023-10-01 invoice=INV/3 resolved=2023-10-20\n",  # 20% but only 1
])
def test_disputes__below_rate_threshold(text):
    _, result = run(text)
    assert not result.fired.any()


def test_disputes__disputes_on_invoices_issued_before_the_window_count_for_neither_side_of_the_rate():
    """The rate is the share of the invoices issued in the 12 months that were disputed: a dispute
    opened in the window on an older invoice is no dispute of those invoices (it read "3 disputes
    on 2 invoices"), nor is an old invoice's flag that became known in the window."""
    older = ('invoice c1 OLD/1 2023-05-05 100.00\ninvoice c1 OLD/2 2023-06-05 100.00 disputed\n'
             'payment c1 PO 2023-08-01 200.00 -> OLD/1 OLD/2\n'  # the flag known 1 Aug 2023, in the window
             'dispute c1 D0 2023-07-10 invoice=OLD/1 resolved=2023-07-20\n')
    two = 'invoice c1 INV/1 2024-05-05 100.00\ninvoice c1 INV/2 2024-06-05 100.00\n'
    frame, result = run(HEAD + older + two + "dispute c1 D1 2024-05-20 invoice=INV/1 resolved=2024-05-25\n")
    m = disputes.measures(frame, Policy().params("disputes"))
    c1 = customer_index(frame, "c1")
    assert (m.disputes[c1], m.issued[c1]) == (1, 2) and not result.fired[c1]
    frame, both = run(HEAD + older + two + "dispute c1 D1 2024-05-20 invoice=INV/1 resolved=2024-05-25\n"
                      "dispute c1 D2 2024-06-10 invoice=INV/2 resolved=2024-06-12\n"
                      "dispute c1 D3 2024-06-12 invoice=INV/2 resolved=2024-06-14\n")  # INV/2 disputed twice
    assert both.fired[c1] and both.evidence(c1).startswith(
        "2 of 2 invoices issued in the last 365 days disputed (100%): dispute on INV/1 (€100.00) opened 20 May 2024; "
        "dispute on INV/2 (€100.00) opened 10 Jun 2024; dispute on INV/2 (€100.00) opened 12 Jun 2024")
    assert "OLD/" not in both.evidence(c1)


def test_disputes__the_other_customers_rate_counts_the_same_invoices():
    """The norm is the share of the other customers' invoices issued in the window that were
    disputed: their disputes on older invoices do not raise it."""
    old_flags = "".join(f"invoice c2 OLD/{k} 2023-0{k}-01 100.00 disputed\n" for k in range(1, 4))
    old_flags += "payment c2 PO 2023-08-01 300.00 -> OLD/1 OLD/2 OLD/3\n"  # known 1 Aug 2023
    frame = frame_at(HEAD + invoices(10) + others(0) + old_flags, T)
    m = disputes.measures(frame, Policy().params("disputes"))
    assert m.others_rate[customer_index(frame, "c1")] == 0


def test_disputes__flagged_invoices_count_for_files_without_dispute_records():
    frame, result = run(HEAD + invoices(10, flagged=2))
    c1 = customer_index(frame, "c1")
    assert result.fired[c1]
    assert result.evidence(c1) == (
        "2 of 10 invoices issued in the last 365 days disputed (20%): "
        "INV/1 (€100.00) issued 5 Aug 2023 flagged disputed, known 20 Aug 2023; "
        "INV/2 (€100.00) issued 5 Sept 2023 flagged disputed, known 20 Sept 2023")
    _, one = run(HEAD + invoices(10, flagged=1))
    assert not one.fired.any()


FLAGGED_OPEN = HEAD + invoices(8) + """
invoice c1 F/1 2024-05-02 100.00 disputed
invoice c1 F/2 2024-05-03 100.00 disputed
payment c1 PF 2024-07-15 200.00 -> F/1 F/2
"""


def test_disputes__an_undated_flag_counts_from_the_settled_day_not_the_invoice_day():
    """IBM's Disputed yes/no is written once the invoice is closed: at T, before F/1 and F/2 are
    settled, nobody knew of their disputes."""
    frame, before = run(FLAGGED_OPEN)
    assert not before.fired.any()
    assert not frame.i_disputed.any() and (frame.i_disputed_day == NEVER).all()
    frame, after = run(FLAGGED_OPEN, as_of="2024-07-15")
    c1 = customer_index(frame, "c1")
    assert after.fired[c1]
    assert after.evidence(c1).endswith(
        "F/1 (€100.00) issued 2 May 2024 flagged disputed, known 15 Jul 2024; "
        "F/2 (€100.00) issued 3 May 2024 flagged disputed, known 15 Jul 2024")


def test_disputes__a_flag_stated_with_its_day_counts_from_that_day_and_stays_open_while_unpaid():
    text = HEAD + invoices(8) + "invoice c1 F/1 2024-05-02 100.00 disputed disputed_on=2024-05-10\n"
    _, early = run(text, as_of="2024-06-09")  # known 30 days: not old yet
    assert not early.fired.any()
    frame, result = run(text, as_of="2024-06-10")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.evidence(c1) == (
        "1 open dispute older than 30 days: F/1 (€100.00) issued 2 May 2024 flagged disputed, "
        "known 10 May 2024, 31 days open")


def test_disputes__an_open_invoice_flag_without_a_day_counts_from_the_ledger_s_latest_record():
    """The snapshot that shows the flag cannot be older than its latest record."""
    text = HEAD + invoices(8) + "invoice c1 F/1 2024-05-02 100.00 disputed\ncall c2 2024-06-20 answered\n"
    for as_of, known in (("2024-06-19", False), ("2024-06-20", True)):
        frame = frame_at(text, as_of)
        assert bool(frame.i_disputed.any()) == known, as_of
    assert int(frame.i_disputed_day.min()) == dt.date(2024, 6, 20).toordinal()


def test_disputes__a_day_for_an_unflagged_invoice_or_before_the_invoice_is_refused():
    _, issues = load_ledger(ledger_data(HEAD + "invoice c1 X/1 2024-05-02 100.00 disputed_on=2024-05-10\n"
                                         "invoice c1 X/2 2024-05-02 100.00 disputed disputed_on=2024-05-01\n"))
    assert [(i.record_id, i.field) for i in issues] == [("X/1", "disputed_on"), ("X/2", "disputed_on")]


@pytest.mark.parametrize("opened,fires", [("2024-05-31", False), ("2024-05-30", True)])
def test_disputes__open_dispute_older_than_30_days(opened, fires):
    frame, result = run(HEAD + invoices(11) + f"dispute c1 D9 {opened} invoice=INV/10\n")
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] == fires
    if fires:
        assert result.evidence(c1) == ("1 open dispute older than 30 days: "
                                       "dispute on INV/10 (€100.00) opened 30 May 2024, 31 days open")


def test_disputes__resolved_dispute_is_not_open():
    _, result = run(HEAD + invoices(11) + "dispute c1 D9 2024-04-01 resolved=2024-06-29\n")
    assert not result.fired.any()


SHORT = """
invoice c1 INV/20 2024-03-01 1000.00
credit c1 RINV/1 2024-04-01 500.00 -> INV/20
payment c1 P20 2024-04-02 500.00 -> INV/20
invoice c1 INV/21 2024-04-01 800.00
payment c1 P21 2024-05-01 400.00 -> INV/21
"""


def test_disputes__settled_short_or_partly_paid_past_due():
    frame, result = run(HEAD + invoices(6) + SHORT)  # 2 of 8 invoices
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.5)
    assert result.evidence(c1) == (
        "2 of 8 invoices (25%) settled short or partly paid past due: "
        "INV/20 (€1,000.00) issued 1 Mar 2024: credited €500.00; "
        "INV/21 (€800.00) issued 1 Apr 2024: paid €400.00, €400.00 open, 60 days past due")
    _, nine = run(HEAD + invoices(7) + SHORT)  # 2 of 9 invoices: 22%
    assert not nine.fired.any()


def test_disputes__missing_dispute_data_is_said():
    frame, result = run(HEAD + invoices(6) + SHORT, source="quickbooks", unavailable=("disputes",))
    c1 = customer_index(frame, "c1")
    assert result.available and result.fired[c1]
    assert result.evidence(c1).endswith("; dispute records not available from QuickBooks")


def test_disputes__no_look_ahead():
    base = HEAD + invoices(11) + "invoice c1 INV/21 2024-04-01 800.00\n"
    later = base + ("dispute c1 D1 2024-07-01 invoice=INV/11\n"
                    "dispute c1 D2 2024-07-02 invoice=INV/10\n"
                    "dispute c1 D3 2024-07-02 invoice=INV/9\n"
                    "credit c1 RINV/9 2024-07-03 100.00 -> INV/21\n"
                    "payment c1 P30 2024-07-04 300.00 -> INV/21\n")
    frame, before = run(base)
    _, after = run(later)
    assert not before.fired.any()
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    _, later_on = run(later, as_of="2024-07-10")
    assert later_on.fired[customer_index(frame, "c1")]


def test_binomial_tail__exact_sums():
    assert disputes.binomial_tail(0, 10, 0.3) == 1.0
    assert disputes.binomial_tail(11, 10, 0.3) == 0.0
    assert disputes.binomial_tail(1, 10, 0.2) == pytest.approx(1 - 0.8 ** 10)
    assert disputes.binomial_tail(2, 10, 0.2) == pytest.approx(1 - 0.8 ** 10 - 10 * 0.2 * 0.8 ** 9)
    assert disputes.binomial_tail(10, 10, 0.5) == pytest.approx(0.5 ** 10)
    assert disputes.binomial_tail(3, 2000, 0.0005) == pytest.approx(0.0803, abs=1e-4)  # Poisson(1) tail, nearly


def others(disputed: int, count: int = 10) -> str:
    """c2: ``count`` invoices (<= 11) as ``invoices`` gives c1, numbered B/k, the first ``disputed``
    of them flagged disputed."""
    return invoices(count, cust="c2", flagged=disputed).replace("INV/", "B/")


def test_disputes__a_customer_disputing_at_the_company_s_usual_rate_is_no_sign():
    """Two disputes on ten invoices are many where the other customers hardly dispute, and the
    norm where they dispute a fifth of their invoices too (IBM's sample: 21%)."""
    rare = HEAD + invoices(10) + TWO_DISPUTES + others(0)
    frame, result = run(rare)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.5)  # 2 in 10 against 0 in 10
    usual = HEAD + invoices(10) + TWO_DISPUTES + others(2)
    _, at_norm = run(usual)
    assert not at_norm.fired.any()  # 2 in 10 against 2 in 10: P(at least 2) = 62%
    # with the test switched off, the rate alone decides, as without other customers
    rate_only = disputes.INDICATOR.run(frame_at(usual, T), disputes.Params(norm_significance=1))
    assert rate_only.fired[c1]


def test_disputes__far_more_than_the_company_s_usual_rate_fires():
    six = "".join(f"dispute c1 D{k} 2024-0{k}-10 invoice=INV/{k + 3}\n" for k in range(1, 7))
    frame, result = run(HEAD + invoices(10) + six + others(2))  # 6 in 10 against 2 in 10: P = 0.6%
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(1.0)
    assert result.evidence(c1).startswith("6 of 10 invoices issued in the last 365 days disputed (60%)")
    assert disputes.binomial_tail(6, 10, 0.2) < 0.05 < disputes.binomial_tail(4, 10, 0.2)


def test_disputes__the_norm_is_the_other_customers_rate_not_the_customer_s_own():
    """A company of one heavy disputer and punctual others: its own disputes do not make its norm."""
    six = "".join(f"dispute c1 D{k} 2024-0{k}-10 invoice=INV/{k + 3}\n" for k in range(1, 7))
    frame, result = run(HEAD + invoices(10) + six + others(0, count=3))
    m = disputes.measures(frame, Policy().params("disputes"))
    c1, c2 = customer_index(frame, "c1"), customer_index(frame, "c2")
    assert m.others_rate[c1] == 0 and m.others_rate[c2] == pytest.approx(6 / 10)
    assert result.fired[c1]
