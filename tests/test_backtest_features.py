"""Invoice features of the learned model: each known at its query day (no look-ahead), and the
shrinkage and recency formulas by hand."""

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledgers import ledger_from_text
from test_no_lookahead import T, build, past_of

from arwatch.core.backtest.features import invoice_features
from arwatch.core.backtest.history import History, history, recency_weighted, shrunk_rate
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger

HISTORY_FIELDS = tuple(f.name for f in dataclasses.fields(History))
# the history columns, plus the invoice columns that do not come from the replay
FEATURES = ("paid_invoices_log", "late_rate_shrunk", "serious_rate_shrunk",
            "late_rate_recent", "serious_rate_recent", "mean_days_late", "recent_days_late", "last_days_late",
            "second_last_days_late", "third_last_days_late", "days_late_trend", "typical_days_late", "own_days_late",
            "late_rate_log_odds", "serious_rate_log_odds", "mean_days_to_pay",
            "disputes_log",
            "open_invoices_log", "overdue_invoices_log", "open_amount_log", "overdue_amount_log", "first_invoice",
            "days_since_last_invoice_log", "amount_log", "amount_vs_usual", "terms_days", "issued_month_end",
            "paid_share", "open_disputes")


def _features_at(data: dict) -> tuple[list[str], History, dict[str, np.ndarray]]:
    """Each invoice issued by T at its invoice date, and every customer at T: history and features."""
    ledger, issues = load_ledger(data)
    assert not issues
    full = LedgerFrame.from_ledger(ledger)
    inv = np.flatnonzero(~full.i_credit & (full.i_issue <= T.toordinal()))
    inv = inv[np.argsort(full.i_id[inv], kind="stable")]  # the same order in both ledgers
    cust = np.arange(full.n_customers)
    rows = np.r_[inv, np.full(len(cust), -1)]
    q_cust = np.r_[full.i_cust[inv], cust].astype(np.int64)
    q_day = np.r_[full.i_issue[inv].astype(np.int64) - 1, np.full(len(cust), T.toordinal())]
    hist = history(full, paid_in_full_day(full), q_cust, q_day, 10)
    n = len(inv)
    sub = History(**{f: getattr(hist, f)[:n] for f in HISTORY_FIELDS})
    x, names = invoice_features(full, rows[:n], q_day[:n], sub, np.zeros((n, 0)), ())
    cols = {name: x[:, i] for i, name in enumerate(names)}
    keys = [f"{full.i_id[r]}@issue" for r in inv] + [f"{full.c_id[c]}@T" for c in cust]
    return keys, hist, cols


@pytest.mark.parametrize("field", HISTORY_FIELDS)
@given(seed=st.integers(0, 10**6))
@settings(max_examples=15, deadline=None)
def test_history__each_field_at_or_before_T_ignores_records_after_T(field, seed):
    data = build(seed)
    pk, past, _ = _features_at(past_of(data))
    fk, full, _ = _features_at(data)
    assert pk == fk
    np.testing.assert_allclose(getattr(past, field), getattr(full, field), rtol=1e-9, atol=1e-9, equal_nan=True,
                               err_msg=field)


@pytest.mark.parametrize("feature", FEATURES)
@given(seed=st.integers(0, 10**6))
@settings(max_examples=15, deadline=None)
def test_invoice_features__each_feature_at_the_invoice_date_ignores_records_after_T(feature, seed):
    data = build(seed)
    _, _, past = _features_at(past_of(data))
    _, _, full = _features_at(data)
    np.testing.assert_allclose(past[feature], full[feature], rtol=1e-9, atol=1e-9, err_msg=feature)


def test_invoice_features__every_named_feature_is_checked_for_look_ahead():
    full = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    q = np.array([0], dtype=np.int64)
    h = history(full, paid_in_full_day(full), q, q, 10)
    _, names = invoice_features(full, np.array([0]), q, h, np.zeros((1, 0)), ())
    assert set(names) == set(FEATURES)  # indicators' measures and mapped columns: test_no_lookahead_perturbed


def test_invoice_features__indicator_measures_and_mapped_columns_never_the_scorecard():
    """The model reads each indicator's raw measure, signed-log scaled, and one-hot mapped columns
    (in the order first seen); never a score or a strength."""
    text = LEDGER.replace('customer c1 "Acme" terms=30', 'customer c1 "Acme" terms=30 country=FR').replace(
        'customer c2 "Bolt" terms=30', 'customer c2 "Bolt" terms=30 country=DE')
    full = LedgerFrame.from_ledger(ledger_from_text(text))
    rows = np.array([0, 5])  # A/1 (Acme) and B/1 (Bolt)
    q = full.i_issue[rows].astype(np.int64) - 1
    h = history(full, paid_in_full_day(full), full.i_cust[rows], q, 10)
    x, names = invoice_features(full, rows, q, h, np.array([[0.0, 30.0], [-2.0, 0.0]]), ("aging", "slowing_trend"))
    cols = {n: x[:, i] for i, n in enumerate(names)}
    assert not any(n == "score" or n.startswith("strength") for n in names)
    np.testing.assert_allclose(cols["measure:slowing_trend"], [np.log1p(30), 0])
    np.testing.assert_allclose(cols["measure:aging"], [0, -np.log1p(2)])
    assert [n for n in names if n.startswith("country=")] == ["country=FR", "country=DE"]
    np.testing.assert_array_equal(cols["country=FR"], [1, 0])
    none = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    _, names = invoice_features(none, rows, q, h, np.zeros((2, 0)), ())
    assert not any("=" in n for n in names)  # nothing mapped, no column


def test_shrunk_rate__pulls_few_invoices_toward_the_prior_and_many_toward_their_own_rate():
    prior = np.full(4, 0.2)
    rate = shrunk_rate(np.array([0.0, 1.0, 2.0, 100.0]), np.array([0.0, 1.0, 2.0, 100.0]), prior, weight=3.0)
    assert rate[0] == pytest.approx(0.2)  # no history: the prior
    assert rate[1] == pytest.approx((1 + 3 * 0.2) / (1 + 3))  # one late invoice: 0.4, not 1.0
    assert rate[2] == pytest.approx((2 + 0.6) / 5)
    assert rate[3] == pytest.approx((100 + 0.6) / 103)  # long record: close to its own 100%
    assert rate[1] < rate[2] < rate[3]


def test_recency_weighted__later_events_weigh_more_and_no_event_gives_the_fill():
    values = np.array([10.0, 0.0, 4.0, 7.0])  # customer A: 10, 0, 4 (in time order); customer B: 7
    first, end = np.array([0, 0, 3, 3]), np.array([3, 2, 4, 3])
    out = recency_weighted(values, first, end, fill=np.full(4, -1.0), decay=0.5)
    assert out[0] == pytest.approx((4 + 0.5 * 0 + 0.25 * 10) / 1.75)
    assert out[1] == pytest.approx((0 + 0.5 * 10) / 1.5)
    assert out[2] == 7.0
    assert out[3] == -1.0  # B before any event
    assert recency_weighted(values, np.array([0]), np.array([3]), np.array([0.0]), decay=0.5, span=1)[0] == 4.0


LEDGER = """
customer c1 "Acme" terms=30
customer c2 "Bolt" terms=30
invoice c1 A/1 2024-01-01 100.00 [disputed]
invoice c1 A/2 2024-02-01 200.00
invoice c1 A/3 2024-03-01 400.00
invoice c1 A/4 2024-04-01 800.00
invoice c1 A/5 2024-06-01 50.00
payment c1 P1 2024-01-21 100.00 -> A/1
payment c1 P2 2024-03-11 200.00 -> A/2
payment c1 P3 2024-04-30 400.00 -> A/3
payment c1 P4 2024-05-31 800.00 -> A/4
dispute c1 D1 2024-05-15 [invoice=A/4]
invoice c2 B/1 2024-01-10 70.00
"""


def test_history__recent_lateness_trend_open_amounts_and_dated_disputes_on_one_day():
    f = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    day = np.array([dt.date(2024, 5, 31).toordinal()])
    h = history(f, paid_in_full_day(f), np.array([0]), day, 10)
    # days late of A/1..A/4: 0 (early), 9, 30, 0 (due 1 May, paid 31 May = 30 days)... A/4 due 2024-05-01
    late = [0, 9, 30, 30]
    assert h.paid[0] == 4 and h.late[0] == 3 and h.serious[0] == 2
    assert h.last_late[0].tolist() == [30, 30, 9]
    assert h.trend[0] == pytest.approx(np.mean(late[1:]) - late[0])
    assert h.open[0] == 0 and h.open_amount[0] == 0
    assert h.disputes[0] == 1  # the dated dispute; the undated flag of A/1 counts for nothing here
    assert h.since_last_issue[0] == dt.date(2024, 6, 1).toordinal() - dt.date(2024, 4, 1).toordinal()
    before = history(f, paid_in_full_day(f), np.array([0]), np.array([dt.date(2024, 5, 10).toordinal()]), 10)
    assert before.open[0] == 1 and before.open_amount[0] == 800 and before.overdue_amount[0] == 800
    assert before.disputes[0] == 0
    assert before.last_late[0].tolist() == [30, 9, 0]


def test_history__own_lateness_is_the_habit_before_shrinking_and_rates_enter_as_log_odds():
    from arwatch.core.backtest.features import history_features, log_odds

    f = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    day = np.array([dt.date(2024, 5, 31).toordinal()] * 2)
    h = history(f, paid_in_full_day(f), np.array([0, 1]), day, 10)
    w = [0.5 ** (k / 6) for k in range(4)]  # habitual_lateness' recency weights, last invoice first
    assert h.own_late[0] == pytest.approx(sum(wk * x for wk, x in zip(w, [30, 30, 9, 0], strict=True)) / sum(w))
    assert h.own_late[1] == h.prior_days_late[1]  # no history: the all-customer mean
    cols = history_features(h)
    assert cols["late_rate_log_odds"][0] == pytest.approx(np.log((3.0 + 3 * h.prior_late[0]) / 7
                                                                  / (1 - (3.0 + 3 * h.prior_late[0]) / 7)))
    assert log_odds(np.array([0.0, 0.5, 1.0])).tolist() == pytest.approx([np.log(0.01 / 0.99), 0.0,
                                                                          np.log(0.99 / 0.01)])


def test_history__a_customer_without_history_gets_the_all_customer_priors():
    f = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    day = np.array([dt.date(2024, 5, 31).toordinal()])
    h = history(f, paid_in_full_day(f), np.array([1]), day, 10)
    assert h.paid[0] == 0 and h.prior_late[0] == pytest.approx(3 / 4)
    assert h.ewma_late[0] == pytest.approx(3 / 4) and h.late_rate(3.0)[0] == pytest.approx(3 / 4)
    assert h.last_late[0].tolist() == [h.prior_days_late[0]] * 3
    assert h.open[0] == 1 and h.overdue_amount[0] == 70


def test_invoice_features__the_undated_disputed_flag_is_never_read():
    flagged = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    plain = LedgerFrame.from_ledger(ledger_from_text(LEDGER.replace(" [disputed]", "")))
    q = np.array([dt.date(2024, 5, 31).toordinal()])
    out = []
    for f in (flagged, plain):
        h = history(f, paid_in_full_day(f), np.array([0]), q, 10)
        out.append(invoice_features(f, np.array([4]), q, h, np.zeros((1, 0)), ())[0])
    assert np.array_equal(out[0], out[1])


def test_mix_columns__how_far_the_invoice_departs_from_the_delivery_of_the_invoices_paid_before():
    """A customer moved from paper to electronic invoices: its past late rate was earned on paper."""
    from arwatch.core.backtest.features import mix_columns

    f = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    f = dataclasses.replace(f, i_delivery=np.array(["Paper", "Paper", "Electronic", "Electronic", "Electronic",
                                                    "Paper"], dtype=object))
    rows = np.array([4, 2, 5])  # A/5 (4 paid before: 2 paper), A/3 (A/1 paid before, paper), B/1 (none paid)
    q = np.array([dt.date(2024, 5, 31), dt.date(2024, 2, 29), dt.date(2024, 1, 9)])
    q = np.array([d.toordinal() for d in q], dtype=np.int64)
    cols = mix_columns(f, paid_in_full_day(f), rows, q)
    assert list(cols) == ["delivery=Paper vs paid before", "delivery=Electronic vs paid before"]  # first seen first
    np.testing.assert_allclose(cols["delivery=Paper vs paid before"], [-0.5, -1.0, 0.0])
    np.testing.assert_allclose(cols["delivery=Electronic vs paid before"], [0.5, 1.0, 0.0])
    assert mix_columns(LedgerFrame.from_ledger(ledger_from_text(LEDGER)), paid_in_full_day(f), rows, q) == {}
