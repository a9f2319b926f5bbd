"""Expected payment dates and the weekly cash-in forecast, and their own backtest, by hand."""

import datetime as dt

import numpy as np
import pytest
from ledgers import ledger_from_text

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest.forecast import backtest_forecast, forecast, naive_day, open_at
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def ten_days_late(months: int = 12, open_from: int = 99) -> str:
    """Acme is invoiced 100.00 on the 1st of each month of 2024 (net 30) and pays 10 days after
    the due date, except the invoices from month ``open_from``, still open."""
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Bolt" terms=30']
    for m in range(1, months + 1):
        issue = dt.date(2024, m, 1)
        lines.append(f"invoice c1 A/{m} {issue} 100.00")
        if m < open_from:
            lines.append(f"payment c1 P{m} {issue + dt.timedelta(days=40)} 100.00 -> A/{m}")
    lines.append("invoice c2 B/1 2024-11-20 50.00")  # a customer without history
    return "\n".join(lines) + "\n"


def frame(text: str):
    full = LedgerFrame.from_ledger(ledger_from_text(text))
    return full, paid_in_full_day(full), np.flatnonzero(~full.i_credit)


def test_naive_day__due_plus_the_customer_s_mean_delay_or_the_due_date_without_history():
    full, paid_day, invoices = frame(ten_days_late(open_from=11))
    t = day("2024-12-15")
    rows = open_at(full, paid_day, invoices, t)
    assert [full.i_number[r] for r in rows] == ["A/11", "A/12", "B/1"]
    expected = naive_day(full, paid_day, rows, t)
    assert [dt.date.fromordinal(int(d)) for d in expected] == [
        dt.date(2024, 12, 11), dt.date(2025, 1, 10), dt.date(2024, 12, 20)]


def test_backtest_forecast__a_customer_true_to_its_habit_is_forecast_exactly():
    full, paid_day, invoices = frame(ten_days_late())
    by = {q.method: q for q in backtest_forecast(full, paid_day, invoices, None, np.array([day("2024-07-01")]),
                                                 weeks=13)}
    assert set(by) == {"naive", "overdue"}  # without features, no learned forecast
    naive = by["naive"]
    # open at the end of 30 Jun: A/6 (paid 11 Jul) only
    assert naive.cutoffs == 1 and naive.invoices == 1
    assert naive.mae_days == 0 and naive.cash_error == 0


def test_backtest_forecast__errors_in_days_and_in_weekly_cash():
    text = ten_days_late().replace("payment c1 P6 2024-07-11", "payment c1 P6 2024-07-25")  # 14 days later
    full, paid_day, invoices = frame(text)
    by = {q.method: q for q in backtest_forecast(full, paid_day, invoices, None, np.array([day("2024-07-01")]),
                                                 weeks=13)}
    assert set(by) == {"naive", "overdue"}  # without features, no learned forecast
    naive = by["naive"]
    # expected 11 Jul (week 2 from 1 Jul), paid 25 Jul (week 4): 100.00 in the wrong week twice
    assert naive.mae_days == 14 and naive.cash_error == pytest.approx(2.0)


def test_forecast__open_invoices_get_a_date_never_in_the_past_and_chances_of_lateness():
    full, paid_day, invoices = frame(ten_days_late(open_from=11))
    end = day("2024-12-31")
    fc = forecast(full, paid_day, invoices, None, end, np.array([day("2024-07-01")]), weeks=13)
    assert fc.method == "naive"
    rows = {r.invoice: r for r in fc.rows}
    assert rows["A/11"].expected_on == dt.date(2025, 1, 1)  # due + 10 = 11 Dec: already past, so tomorrow
    assert rows["A/12"].expected_on == dt.date(2025, 1, 10)
    assert [b for b, _ in rows["A/12"].late_chance] == [30, 60, 90]
    assert all(0 <= p < 0.5 for _, p in rows["A/12"].late_chance)  # it is never that late
    assert sum(a for _, a in fc.weeks) == pytest.approx(250.0)


def alternating() -> str:
    """Two customers invoiced monthly from 2021 to 2024; an invoice of 200.00 is paid 20 days
    late, one of 100.00 on its due date: the mean delay (10 days) is about 10 days off, the amount
    tells exactly. The December 2024 invoices are open."""
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Bolt" terms=30']
    for c in ("c1", "c2"):
        for m in range(1, 49):
            issue, big = dt.date(2021 + (m - 1) // 12, (m - 1) % 12 + 1, 1), (m + (c == "c2")) % 2 == 0
            lines.append(f"invoice {c} {c}/{m} {issue} {'200.00' if big else '100.00'}")
            if m < 48:
                lines.append(f"payment {c} {c}P{m} {issue + dt.timedelta(days=50 if big else 30)} "
                             f"{'200.00' if big else '100.00'} -> {c}/{m}")
    return "\n".join(lines) + "\n"


def test_forecast__the_learned_model_is_used_only_when_it_did_better_in_the_past_and_says_so(monkeypatch):
    full, paid_day, invoices = frame(alternating())
    x = full.i_total[invoices][:, None]  # what the regressor may read: the amount
    cutoffs = np.array([day("2024-09-01"), day("2024-10-01")])
    end = day("2024-12-31")
    fc = forecast(full, paid_day, invoices, x, end, cutoffs, weeks=13)
    by = {q.method: q for q in fc.quality}
    assert by["naive"].mae_days > 9 and by["learned"].mae_days < 1  # the mean delay is about 10 days off
    assert fc.method == "learned" and fc.reason.startswith("the learned model forecast better in the past")
    assert {r.invoice: r.expected_on for r in fc.rows} == {"c1/48": dt.date(2025, 1, 20),  # 200.00: 50 days
                                                           "c2/48": dt.date(2025, 1, 1)}  # 30 days: past, so tomorrow

    class Always:  # a regressor that thinks every invoice is paid the day it is issued
        def predict(self, rows):
            return np.zeros(len(rows))

    monkeypatch.setattr(ml, "fit_days_to_pay", lambda x, y: Always())
    fc = forecast(full, paid_day, invoices, x, end, cutoffs, weeks=13)
    assert fc.method == "naive" and "the learned model did not forecast better in the past" in fc.reason
