"""Replay: records made on a replay day T never depend on anything dated after T."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ledgers import ledger_from_text
from test_no_lookahead import T, build, past_of

from arwatch.core.backtest.history import history
from arwatch.core.backtest.replay import replay, replay_days
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger

DAYS = replay_days(dt.date(2024, 6, 1), T, "month")


def _replayed(data):
    ledger, issues = load_ledger(data)
    assert not issues
    full = LedgerFrame.from_ledger(ledger)
    inv = np.flatnonzero(~full.i_credit)
    q_day = full.i_issue[inv].astype(np.int64) - 1
    keep = full.i_issue[inv] <= T.toordinal()  # invoices that exist at T
    inv, q_day = inv[keep], q_day[keep]
    rep = replay(full, DAYS, None, full.i_cust[inv], q_day)
    # history at each invoice's query day, and of every customer at each replay day
    grid_cust = np.tile(np.arange(full.n_customers), len(DAYS))
    grid_day = np.repeat([d.toordinal() for d in DAYS], full.n_customers)
    hist = history(full, paid_in_full_day(full), np.r_[full.i_cust[inv], grid_cust], np.r_[q_day, grid_day], 10)
    return full, inv, rep, hist


@given(st.integers(0, 10**6))
@settings(max_examples=25, deadline=None)
def test_replay__records_after_T_change_nothing_recorded_up_to_T(seed):
    data = build(seed)
    pf, pinv, past, phist = _replayed(past_of(data))
    ff, finv, full, fhist = _replayed(data)
    for name in ("score", "level", "segment", "top", "dpd"):
        assert np.array_equal(getattr(past, name), getattr(full, name)), name
    # queries answered on days <= T: same invoices, same answers
    assert list(pf.i_id[pinv]) == list(ff.i_id[finv])
    assert np.array_equal(past.query_snapshot, full.query_snapshot)
    assert np.allclose(past.query_score, full.query_score)
    assert np.allclose(past.query_strength, full.query_strength)
    for field in ("paid", "late", "serious", "mean_late", "recent_late", "open", "overdue", "prior_late"):
        assert np.allclose(getattr(phist, field), getattr(fhist, field)), field
    # open invoices recorded on each replay day
    assert list(pf.i_id[past.open_invoice]) == list(ff.i_id[full.open_invoice])
    assert np.array_equal(past.open_dpd, full.open_dpd)
    assert np.allclose(past.open_residual, full.open_residual)


def test_replay_days__week_ends_are_sundays_and_month_ends_last_days():
    weeks = replay_days(dt.date(2024, 1, 3), dt.date(2024, 1, 31), "week")
    assert weeks == (dt.date(2024, 1, 7), dt.date(2024, 1, 14), dt.date(2024, 1, 21), dt.date(2024, 1, 28))
    months = replay_days(dt.date(2024, 1, 31), dt.date(2024, 4, 29), "month")
    assert months == (dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31))


LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Bolt" terms=30
invoice c1 INV/1 2024-01-01 100.00
invoice c1 INV/2 2024-02-01 100.00
payment c1 P1 2024-02-20 100.00 -> INV/1
invoice c2 INV/3 2024-01-10 50.00
"""


def test_replay__queries_read_the_latest_replay_day_on_or_before():
    full = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    days = (dt.date(2024, 2, 15), dt.date(2024, 3, 31))
    q_day = np.array([dt.date(2024, 2, 14), dt.date(2024, 2, 15), dt.date(2024, 3, 30),
                      dt.date(2024, 4, 2)])
    rep = replay(full, days, None, np.array([0, 0, 1, 1]), np.array([d.toordinal() for d in q_day]))
    assert rep.query_snapshot.tolist() == [-1, 0, 0, 1]
    # c2's INV/3 due 9 Feb: 51 days past due on 31 Mar
    assert rep.dpd[1, 1] == 51 and rep.query_dpd[3] == 51
    # on 15 Feb nothing is paid yet; on 31 Mar INV/1 is paid
    numbers = [(int(k), str(full.i_number[i])) for k, i in zip(rep.open_day, rep.open_invoice, strict=False)]
    assert sorted(numbers) == [(0, "INV/1"), (0, "INV/2"), (0, "INV/3"), (1, "INV/2"), (1, "INV/3")]
