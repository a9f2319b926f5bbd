"""The live cash-in forecast (issue 20 point 6): each open invoice's expected payment day and late
chances, the next 13 weeks' cash-in, in the report and in the export's forecast sheet."""

from __future__ import annotations

import datetime as dt

from ledgers import board_at

from arwatch.core.backtest.forecast import open_invoice_forecast
from arwatch.report.forecast import forecast_section, forecast_sheet, model_section
from arwatch.report.style import Style

LEDGER = """
customer c1 "Slow Ltd" terms=30
customer c2 "Prompt plc" terms=30
invoice c1 A1 2025-01-01 100.00
payment c1 PA1 2025-03-12 100.00 -> A1
invoice c1 A2 2025-02-01 100.00
payment c1 PA2 2025-04-13 100.00 -> A2
invoice c1 A3 2025-05-01 300.00
invoice c2 B1 2025-01-01 200.00
payment c2 PB1 2025-01-29 200.00 -> B1
invoice c2 B2 2025-05-10 250.00
invoice c2 B3 2025-05-20 80.00
payment c2 PB3 2025-05-25 30.00 -> B3
"""
T = "2025-05-31"


def test_each_open_invoice_is_expected_on_its_due_date_plus_the_customers_mean_delay():
    fc = open_invoice_forecast(board_at(LEDGER, T).frame)
    by = {r.invoice: r for r in fc.rows}
    assert set(by) == {"A3", "B2", "B3"}
    assert by["A3"].expected_on == dt.date(2025, 5, 31) + dt.timedelta(days=40)  # due 31 May + 40 and 41 days
    assert by["B2"].expected_on == dt.date(2025, 6, 9) - dt.timedelta(days=2)  # two days early, as before
    assert by["B3"].open_amount == 50.0
    assert dict(by["A3"].late_chance)[30] > dict(by["B2"].late_chance)[30]  # the slow payer's share
    assert len(fc.weeks) == 13 and fc.weeks[0][0] == dt.date(2025, 6, 1)
    assert sum(a for _, a in fc.weeks) == 300 + 250 + 50  # all expected within 13 weeks


def test_the_report_says_which_model_scored_and_shows_the_forecast():
    board = board_at(LEDGER, T)
    html = forecast_section(board, Style(currency="EUR"))
    assert 'id="forecast"' in html and "A3" in html and "next 13 weeks" in html
    # the customer by its name, as everywhere else on the page; the amounts' currency in their head
    assert '<td>A3<td>Slow Ltd<td class="n">300.00<td>' in html and '<th class="n">Open EUR<th>' in html
    # the weeks are one series: one colour (a colour a week read as thirteen kinds of cash)
    import re
    assert len(set(re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', html))) == 1
    assert "arwatch scorecard" in model_section(board)


def test_the_export_has_a_forecast_sheet_with_weekly_totals_and_each_open_invoice():
    sheet = forecast_sheet(board_at(LEDGER, T))
    assert sheet.name == "Forecast"
    totals = [r for r in sheet.rows if r[1] == "week total"]
    invoices = [r for r in sheet.rows if r[1] != "week total"]
    assert len(totals) == 13 and sum(r[5] for r in totals) == 600
    assert [r[1] for r in invoices] == ["B2", "B3", "A3"]  # by expected day
    assert all(r[0] is not None and r[0] <= r[6] for r in invoices)
    # each invoice names its customer as the aging and risks sheets do, not only by id
    assert [(r[2], r[3]) for r in invoices] == [("c2", "Prompt plc"), ("c2", "Prompt plc"), ("c1", "Slow Ltd")]


def test_the_signs_a_source_cannot_provide_are_said_where_the_scoring_is_explained():
    """"Not available from this source, so not scored" stood in the page's footer, below the
    worklist, where no one reading the scores would see it: now in "How risk is scored"."""
    board = board_at(LEDGER, T, source="quickbooks", unavailable=("payer_account", "contact_attempts"))
    section = model_section(board, Style(currency="EUR"))
    assert "Not available from this source, so not scored: " in section
    assert "Pays from new bank accounts" in section and "Stops answering" in section
    assert "Not available" not in model_section(board_at(LEDGER, T), Style(currency="EUR"))
