"""The cash-in forecast of invoices already past their expected day (issue 20 point 6, the report).

The naive forecast expected every such invoice tomorrow, however old: the demo's report showed
two thirds of the open receivables, months overdue most of it, as the next week's cash. The
``overdue`` method spreads such an invoice over the weeks ahead as the company's own invoices as
far past due were paid (a Kaplan-Meier curve of "still unpaid k days past due"), and expects
nothing the record never saw paid; it is used when its weekly cash-in was nearer in the past."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html import escape

import numpy as np
import pytest
from ledgers import board_at, frame_at, ledger_from_text

from arwatch.core.backtest.forecast import (
    ForecastQuality,
    _choose,
    backtest_forecast,
    naive_day,
    open_at,
    open_invoice_forecast,
    overdue_expected,
)
from arwatch.core.backtest.live import BacktestFigures, ModelInUse
from arwatch.core.backtest.overdue_curve import UnpaidCurve
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.scoring import score
from arwatch.report.backtest import bar_chart as backtest_bar_chart
from arwatch.report.charts import bar_chart
from arwatch.report.forecast import NO_DATE, forecast_section, forecast_sheet
from arwatch.report.style import Style


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def test_unpaid_curve__kaplan_meier_with_open_invoices_censored_at_t():
    t = 100
    due = np.array([0, 0, 0, 0, 80], dtype=np.int64)
    # paid 0 (on time), 10 and 20 days past due; one open since day 0 (100 days past due at t);
    # one paid after t (open at t: censored at 20 days past due, its payment unseen)
    paid = np.array([0, 10, 20, 10**9, 150], dtype=np.int64)
    curve = UnpaidCurve.at(due, paid, t)
    s = curve.share(np.arange(0, 120))
    assert s[0] == pytest.approx(4 / 5)  # one of five paid by its due day
    assert s[10] == pytest.approx(4 / 5 * 3 / 4)  # of the four still open at day 10, one paid then
    assert s[20] == pytest.approx(4 / 5 * 3 / 4 * 2 / 3)  # the censored one is still at risk on day 20
    assert s[21] == s[99] == s[119] == s[20]  # nothing seen paid after: flat, also beyond the curve
    # an invoice due after t is not in the record at all
    assert UnpaidCurve.at(np.r_[due, 200], np.r_[paid, 210], t).share(np.arange(30)).tolist() == s[:30].tolist()


def test_unpaid_curve__chances_and_the_median_day_given_paid():
    curve = UnpaidCurve(np.array([1.0, 0.5, 0.5, 0.25, 0.25]))  # day 1 halves, day 3 halves again
    assert curve.paid_between(np.array([0]), np.array([1]))[0] == pytest.approx(0.5)
    assert curve.paid_between(np.array([1]), np.array([2]))[0] == 0
    assert curve.paid_between(np.array([1]), np.array([40]))[0] == pytest.approx(0.5)
    # unpaid at day 1: of those later paid (half of them), all paid on day 3
    assert curve.median_after(np.array([0, 1, 3, 30])).tolist() == [1, 3, -1, -1]


def test_no_look_ahead__the_curve_at_t_ignores_every_payment_after_t():
    rng = np.random.default_rng(3)
    due = rng.integers(0, 300, 400)
    paid = due + rng.integers(-10, 120, 400)
    paid[rng.random(400) < 0.2] = 10**9
    t = 200
    before = UnpaidCurve.at(due, paid, t).unpaid
    later = paid > t
    moved = paid.copy()
    moved[later] = t + 1 + rng.integers(0, 400, int(later.sum()))
    assert UnpaidCurve.at(due, moved, t).unpaid.tolist() == before.tolist()


def arrears(months: int = 12, open_months: tuple[int, ...] = (1, 2, 3, 11)) -> str:
    """From January 2024, Acme is invoiced 100.00 on the 1st of each month (net 30) and pays 10
    days late, except the invoices of ``open_months``, open ever since; Bolt is invoiced 50.00 and
    pays 40 days late (its invoices of the last two months open). Nobody ever paid an invoice more
    than 40 days past due."""
    lines = ['customer c1 "Acme" terms=30', 'customer c2 "Bolt" terms=30']
    for m in range(1, months + 1):
        issue = dt.date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1)
        lines.append(f"invoice c1 A/{m} {issue} 100.00")
        if m not in open_months:
            lines.append(f"payment c1 P{m} {issue + dt.timedelta(days=40)} 100.00 -> A/{m}")
        lines.append(f"invoice c2 B/{m} {issue} 50.00")
        if m < months - 1:
            lines.append(f"payment c2 Q{m} {issue + dt.timedelta(days=70)} 50.00 -> B/{m}")
    return "\n".join(lines) + "\n"


def test_an_invoice_long_past_due_is_not_next_weeks_cash_one_a_little_past_its_day_is_spread():
    full = LedgerFrame.from_ledger(ledger_from_text(arrears()))
    paid_day, invoices = paid_in_full_day(full), np.flatnonzero(~full.i_credit)
    t = day("2024-12-20")
    rows = open_at(full, paid_day, invoices, t)
    naive = naive_day(full, paid_day, rows, t)
    amount = full.i_total[rows]
    days, cash = overdue_expected(full, paid_day, invoices, rows, naive, amount, t, weeks=13)
    by = dict(zip(full.i_number[rows].tolist(), days.tolist(), strict=True))
    assert set(by) == {"A/1", "A/2", "A/3", "A/11", "A/12", "B/11", "B/12"}
    # A/1..A/3: 264-324 days past due, and no invoice was ever paid more than 40 days past due
    assert [by[f"A/{m}"] for m in (1, 2, 3)] == [-1, -1, -1]
    # ahead of their naive day (due + the customer's mean delay): that day, as the naive method says
    assert by["A/12"] == day("2024-12-31") + 10 and by["B/11"] == day("2024-12-01") + 40
    assert by["B/12"] == day("2024-12-31") + 40
    # A/11, due 1 Dec, 19 days past due and past Acme's 10 days: of the 13 invoices the record saw
    # unpaid 20 days past due (Bolt's B/1..B/10 and A/1..A/3), 10 were paid, all 40 days past due
    assert by["A/11"] == day("2024-12-01") + 40
    week = (day("2024-12-01") + 40 - (t + 1)) // 7
    ahead = {"A/12": 100.0, "B/11": 50.0, "B/12": 50.0}
    weeks_of = {n: (d - (t + 1)) // 7 for n, d in by.items() if n in ahead}
    expected = np.zeros(13)
    for n, w in weeks_of.items():
        expected[w] += ahead[n]
    expected[week] += 100.0 * 10 / 13
    assert cash.tolist() == pytest.approx(expected.tolist())
    # the naive method had all four overdue invoices tomorrow
    assert float(amount[np.maximum(naive, t + 1) == t + 1].sum()) == 400.0


def test_the_method_is_chosen_on_its_past_weekly_cash_and_says_why():
    naive = ForecastQuality("naive", 4, 100, 5.0, 0.30)
    better_cash = ForecastQuality("overdue", 4, 100, 5.2, 0.22)
    worse_cash = ForecastQuality("overdue", 4, 100, 4.0, 0.35)
    method, why = _choose({"naive": naive, "overdue": better_cash})
    assert method == "overdue" and "its weekly cash-in was nearer in the past (22% against 30% off" in why
    method, why = _choose({"naive": naive, "overdue": worse_cash})
    assert method == "naive" and "did not forecast the weekly cash-in better" in why
    # the learned model still needs both measures, and comes first
    learned = ForecastQuality("learned", 4, 100, 4.0, 0.20)
    assert _choose({"naive": naive, "overdue": better_cash, "learned": learned})[0] == "learned"
    assert _choose({"naive": naive, "overdue": better_cash,
                    "learned": ForecastQuality("learned", 4, 100, 6.0, 0.20)})[0] == "overdue"


def test_the_backtest_judges_the_overdue_method_beside_the_naive_one():
    full = LedgerFrame.from_ledger(ledger_from_text(arrears()))
    paid_day, invoices = paid_in_full_day(full), np.flatnonzero(~full.i_credit)
    by = {q.method: q for q in backtest_forecast(full, paid_day, invoices, None,
                                                 np.array([day("2024-08-01"), day("2024-09-01")]), weeks=13)}
    # at both cut-offs the naive method has the three old invoices (300.00) in its first week, and
    # they never come; the overdue curve expects them nowhere
    assert by["naive"].cash_error > 1 and by["overdue"].cash_error < by["naive"].cash_error


def test_the_live_forecast_uses_the_overdue_method_when_it_did_better_and_the_report_says_not_expected():
    board = board_at(arrears(months=24, open_months=(1, 2, 3, 23)), "2025-12-20")
    html = forecast_section(board, Style(currency="EUR"))
    assert "what they never saw paid is not expected" in html  # the overdue method's words
    assert "€312.00 later or not at all" in html  # the 300.00 of early 2024 and 12.00 of A/23
    sheet = forecast_sheet(board)
    expected_on = {r[1]: r[6] for r in sheet.rows if r[1] != "week total"}
    assert [expected_on[f"A/{m}"] for m in (1, 2, 3)] == [None, None, None]
    assert f'<td>A/1<td>Acme<td class="n">100.00<td>{NO_DATE}' in html
    # A/23, 19 days past due: of the 25 invoices seen unpaid 20 days past due (B/1..B/22 and the
    # three old ones) 22 were paid, all 40 days past due: 88.00 expected then
    assert expected_on["A/23"] == dt.date(2025, 11, 1) + dt.timedelta(days=30 + 40)
    weekly = [float(r[5]) for r in sheet.rows if r[1] == "week total"]
    assert sum(weekly) == pytest.approx(100 + 50 + 50 + 88)


def test_an_invoice_already_that_far_past_due_is_certain_to_be_paid_that_late():
    board = board_at(arrears(months=24, open_months=(1, 2, 3, 23)), "2025-12-20")
    rows = {r.invoice: dict(r.late_chance) for r in open_invoice_forecast(board.frame).rows}
    assert rows["A/1"] == {30: 1.0, 60: 1.0, 90: 1.0}  # 690 days past due
    assert rows["B/23"][30] == pytest.approx(rows["B/24"][30])  # ahead of its naive day: its habit's


def test_an_invoice_the_overdue_curve_forecasts_has_its_chances_from_that_curve_not_its_habit():
    """The report showed an invoice 'not expected' beside a 0% chance of being paid more than 90
    days late: the day came from the overdue curve, the chances from the customer's habit."""
    board = board_at(arrears(months=24, open_months=(1, 2, 3, 23)), "2025-12-20")
    forecast = open_invoice_forecast(board.frame)
    assert forecast.method == "overdue"
    rows = {r.invoice: r for r in forecast.rows}
    # A/23: 19 days past due, past Acme's habit of 10 days late (by which its own share of invoices
    # paid more than 30 days late is small); the 25 invoices the record saw unpaid 19 days past due
    # were all still unpaid 30 and 60 days past due (22 paid 40 days past due, 3 never): expected
    # 40 days past due, and certain to be paid more than 30 days late
    a23 = rows["A/23"]
    assert a23.expected_on == dt.date(2025, 11, 1) + dt.timedelta(days=30 + 40)
    assert dict(a23.late_chance)[30] == pytest.approx(1.0)
    assert dict(a23.late_chance)[60] == pytest.approx(3 / 25)  # only the three never paid
    # not expected at all (nothing that far past due was seen paid): certain to be paid more than
    # 90 days late, if ever
    unexpected = [r for r in forecast.rows if r.expected_on is None]
    assert {r.invoice for r in unexpected} == {"A/1", "A/2", "A/3"}
    assert all(dict(r.late_chance) == {30: 1.0, 60: 1.0, 90: 1.0} for r in unexpected)


def test_a_bar_chart_of_many_bars_widens_instead_of_overlapping_its_labels():
    bars = [(f"{d} Nov", 100000.0 + d) for d in range(1, 14)]
    svg = bar_chart(bars, title="t", y_label="y", x_label="x", y_format=lambda v: f"€{v:,.0f}")
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    names = [float(x) for x in re.findall(r'<text class="b" x="([\d.]+)"', svg)]
    gaps = np.diff(names)
    assert len(names) == 13 and width > 420
    assert gaps.min() >= 7 * len("€100,013")  # each label has the room its text takes at 7 units a character


def test_the_backtest_reports_bar_chart_also_leaves_each_label_its_room():
    bars = [(f"12-{d:02d}", 100000.0 + d) for d in range(1, 14)]
    svg = backtest_bar_chart(bars, "Expected cash-in by week", fmt=lambda v: f"{v:,.0f}")
    values = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">100,0', svg)]
    assert len(values) == 13
    assert np.diff(values).min() >= 8 * len("100,013")


def test_the_backtest_sentence_names_the_quarters_choices_and_the_final_choice_in_every_quarter():
    figures = BacktestFigures(question="at the invoice date, paid more than 30 days late", invoices=2902,
                              positives=459, auc=0.862, baseline="dunning", baseline_auc=0.901, margin=-0.039,
                              interval=(-0.080, 0.001), evaluated_from=dt.date(2026, 1, 1),
                              choices="2026-01-01: late_rate, 2026-04-01: scorecard",
                              final=("scorecard", 0.910, 0.009, -0.021, 0.038))
    text = figures.sentence()
    assert "chosen quarter by quarter on the earlier quarters only (from 2026-01-01 the customer's past late " \
           "rate, from 2026-04-01 the arwatch scorecard) scored AUC 0.862 against 0.901 for the best baseline, " \
           "the dunning levels: margin -0.039" in text
    assert text.endswith("; the arwatch scorecard in every quarter: AUC 0.910, margin +0.009 (95% interval -0.021 "
                         "to +0.038)")
    assert BacktestFigures.model_validate_json(figures.model_dump_json()) == figures
    no_final = figures.model_copy(update={"final": None})
    assert "in every quarter" not in no_final.sentence()


def test_the_backtest_sentence_is_one_builder_for_the_log_and_the_page():
    """The report reworded ``BacktestFigures.sentence`` with a sentence of its own: one builder,
    given the page's day and number formatters, writes both (the same words, days and numbers
    as each reader writes them)."""
    from arwatch.report.forecast import model_section

    figures = BacktestFigures(question="at the invoice date, paid more than 30 days late", invoices=2902,
                              positives=459, auc=0.862, baseline="dunning", baseline_auc=0.901, margin=-0.039,
                              interval=(-0.080, 0.001), evaluated_from=dt.date(2026, 1, 1),
                              choices="2026-01-01: late_rate, 2026-04-01: learned",
                              final=("learned", 0.910, 0.009, -0.021, 0.038))
    words = ("at the invoice date, paid more than 30 days late: {n} invoices from {d1}, 459 of them late. The "
             "predictors chosen quarter by quarter on the earlier quarters only (from {d1} the customer's past late "
             "rate, from {d2} the learned model) scored AUC 0.862 against 0.901 for the best baseline, the dunning "
             "levels: margin -0.039 (95% interval -0.080 to +0.001); the learned model in every quarter: AUC 0.910, "
             "margin +0.009 (95% interval -0.021 to +0.038)")
    assert figures.sentence() == words.format(n="2902", d1="2026-01-01", d2="2026-04-01")
    style = Style("de_DE")
    page = figures.sentence(day=style.day, count=style.whole)
    assert page == words.format(n="2.902", d1="01.01.2026", d2="01.04.2026")
    board = score(frame_at("customer a \"A\" terms=30\ninvoice a A1 2026-05-01 10.00\n", "2026-06-30"))
    model = ModelInUse(predictor="learned", fitted_on=dt.date(2026, 6, 30), late_days=30, policy="p", reason="r",
                       settled_invoices=0, backtest=figures)
    html = model_section(dataclasses.replace(board, model=model), style)
    assert f"In its last backtest, {escape(page)}." in html
