"""LedgerFrame: columns per record, everything cut at the as-of day."""

import numpy as np
from ledgers import customer_index, frame_at

from arwatch.core.columnar import NEVER
from arwatch.core.frame import date_of
from arwatch.core.settlement import settlement

LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
contact c1 k1 "Jo" created=2023-01-01 archived=2024-03-01
invoice c1 INV/1 2024-01-01 100.00
invoice c1 INV/2 2024-02-01 250.00 currency=USD rate=0.5
credit c1 RINV/1 2024-02-20 50.00 -> INV/2 currency=USD rate=0.5
invoice c2 INV/3 2024-03-01 80.00
payment c1 P1 2024-02-15 100.00 -> INV/1 account=DE01
payment c1 P2 2024-03-10 40.00 -> INV/2:40.00 returned=2024-03-20 currency=USD rate=0.5
dispute c2 D1 2024-03-05 invoice=INV/3 resolved=2024-04-01
call c1 2024-03-01 unanswered
signal c2 hearsay 2024-03-15
"""


def test_frame__cut_drops_what_was_not_yet_known():
    f = frame_at(LEDGER, "2024-02-16")
    assert list(f.i_number) == ["INV/1", "INV/2"]
    assert len(f.p_id) == 1 and len(f.d_cust) == len(f.t_cust) == len(f.s_cust) == 0
    assert list(f.k_archived) == [NEVER]  # archived later
    st = settlement(f)
    assert list(st.is_open) == [False, True]
    assert st.days_to_pay[0] == 45


def test_frame__money_in_company_currency_and_credit_notes_settle():
    f = frame_at(LEDGER, "2024-03-15")
    c1 = customer_index(f, "c1")
    rows = np.flatnonzero((f.i_cust == c1) & ~f.i_credit)
    assert list(f.i_total[rows]) == [100.0, 125.0]  # 250 USD at 0.5
    st = settlement(f)
    inv2 = list(f.i_number).index("INV/2")
    assert st.paid[inv2] == 25.0 + 20.0  # credit note 50 USD + payment 40 USD, at 0.5
    assert st.short_paid[inv2]


def test_frame__return_known_only_after_it_happened():
    before = frame_at(LEDGER, "2024-03-19")
    after = frame_at(LEDGER, "2024-03-25")
    p2 = list(before.p_id).index("P2")
    assert before.p_returned[p2] == NEVER and before.p_state[p2] == 0
    assert date_of(after.p_returned[p2]).isoformat() == "2024-03-20"


def test_frame__dispute_resolution_cut_too():
    assert frame_at(LEDGER, "2024-03-20").d_resolved[0] == NEVER
    assert date_of(frame_at(LEDGER, "2024-04-02").d_resolved[0]).isoformat() == "2024-04-01"


def test_frame__tables_sorted_by_customer_for_slicing():
    f = frame_at(LEDGER, "2024-12-31")
    for keys in (f.i_cust, f.p_cust, f.d_cust, f.t_cust, f.s_cust, f.k_cust):
        assert list(keys) == sorted(keys)


def test_frame__bounced_payment_settles_nothing_once_returned():
    def inv2(f):
        return list(f.i_number).index("INV/2")

    before, after = frame_at(LEDGER, "2024-03-19"), frame_at(LEDGER, "2024-03-25")
    assert settlement(before).paid[inv2(before)] == 25.0 + 20.0
    assert settlement(after).paid[inv2(after)] == 25.0


ORDERS = LEDGER + """
order c2 S3 2024-02-10 80.00
order c1 S2 2024-02-01 300.00 currency=USD rate=0.5
order c1 S1 2024-01-20 120.00
order c1 S4 2024-02-05 999.00 cancelled
order c1 S5 2024-03-01 60.00
"""


def test_frame__confirmed_orders_by_customer_and_day_in_company_currency_cut_at_T():
    f = frame_at(ORDERS, "2024-02-20")
    assert f.orders_available
    assert list(f.o_number) == ["S1", "S2", "S3"]  # c1 by day, then c2; S4 cancelled, S5 later
    assert list(f.o_cust) == [customer_index(f, "c1")] * 2 + [customer_index(f, "c2")]
    assert [date_of(d).isoformat() for d in f.o_day] == ["2024-01-20", "2024-02-01", "2024-02-10"]
    assert list(f.o_total) == [120.0, 150.0, 80.0]
    assert list(frame_at(ORDERS, "2024-03-01").o_number) == ["S1", "S2", "S5", "S3"]


def test_frame__without_orders_the_flag_says_invoices_are_the_volume():
    f = frame_at(LEDGER, "2024-02-20")
    assert not f.orders_available and "orders" in f.unavailable and len(f.o_cust) == 0


def test_frame__credit_notes_settle_in_a_ledger_without_payments():
    frame = frame_at('customer c1 "Acme" terms=30\ninvoice c1 INV/1 2024-01-01 100.00\n'
                     'credit c1 RINV/1 2024-01-20 100.00 -> INV/1\n', "2024-02-01")
    assert settlement(frame).is_settled.tolist() == [True, False]  # the invoice; the credit note itself
