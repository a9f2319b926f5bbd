"""The report's numbers: balances, DSO by both methods, A/R aging by customer per currency."""

import datetime as dt
import math
from decimal import Decimal

from ledgers import frame_at, ledger_from_text

from arwatch.core.frame import LedgerFrame
from arwatch.report.aging import aging_by_customer, company_total
from arwatch.report.figures import balances, dso_countback, dso_simple, months_back

SALES = """
customer a "Alpha" terms=30
invoice a I1 2024-01-15 300.00
invoice a I2 2024-02-10 200.00
invoice a I3 2024-03-05 100.00
payment a P1 2024-02-20 300.00 -> I1
"""


def test_balances__open_overdue_and_oldest_days_past_due():
    b = balances(frame_at(SALES, "2024-03-20"))
    # I2 due 11 Mar: 9 days past due; I3 due 4 Apr: current
    assert (b.open[0], b.overdue[0], b.oldest_days_past_due[0]) == (300.0, 200.0, 9)


def test_dso_countback__takes_each_month_off_the_open_ar_newest_first():
    # open 300 on 20 Mar: March 1-20 invoiced 100 (20 days), February invoiced 200 covers the
    # remaining 200 (29 days of 2024's February): 20 + 29 = 49 days
    assert dso_countback(frame_at(SALES, "2024-03-20")) == 49.0
    # a part of a month counts pro rata: on 10 Feb open 500, February 1-10 invoiced 200 (10 days),
    # January 300 of its 300 invoiced: 10 + 31 = 41; on 12 Feb (I2 paid 100) 400 open: 12 + 31 * 200 / 300
    assert dso_countback(frame_at(SALES, "2024-02-10")) == 41.0
    assert math.isclose(dso_countback(frame_at(SALES + "payment a P2 2024-02-12 100.00 -> I2", "2024-02-12")),
                        12 + 31 * 200 / 300)


def test_dso_simple__open_ar_over_the_last_90_days_invoicing():
    assert dso_simple(frame_at(SALES, "2024-03-20")) == 300 / 600 * 90
    assert math.isnan(dso_simple(frame_at(SALES, "2023-12-31")))  # nothing invoiced yet


def test_months_back__keeps_the_day_or_the_months_last():
    assert months_back(dt.date(2026, 11, 20), 3) == dt.date(2026, 8, 20)
    assert months_back(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_back(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


CURRENCIES = """
customer a "Alpha" terms=30
customer b "Beta" terms=30
invoice a A1 2024-01-01 100.10
invoice a A2 2024-04-01 50.05
invoice b B1 2024-03-01 200.00 currency=USD rate=0.5
payment b PB 2024-03-20 80.00 -> B1:80.00 currency=USD rate=0.5
invoice b B2 2023-12-01 10.00
credit b CN1 2024-04-10 3.00 -> B2
"""


def test_aging__per_customer_per_currency_to_the_cent():
    ledger = ledger_from_text(CURRENCIES)
    frame = LedgerFrame.from_ledger(ledger, dt.date(2024, 4, 15))
    currencies = {i.id: (i.currency, i.fx_rate) for i in ledger.invoices}
    eur, usd = aging_by_customer(frame, currencies)
    D = Decimal
    assert eur.currency == "EUR" and [(r.name, r.buckets, r.total) for r in eur.rows] == [
        ("Alpha", (D("50.05"), D(0), D(0), D("100.10"), D(0)), D("150.15")),  # A1 75 days past due
        ("Beta", (D(0), D(0), D(0), D(0), D("7.00")), D("7.00")),  # B2 106 days, a credit note applied
    ]
    assert eur.totals == (D("50.05"), D(0), D(0), D("100.10"), D("7.00")) and eur.total == D("157.15")
    assert usd.currency == "USD" and [(r.name, r.buckets) for r in usd.rows] == [
        ("Beta", (D(0), D("120.00"), D(0), D(0), D(0)))]  # B1 15 days past due, 80 of 200 paid
    # the company's currency at each invoice's rate: USD 120.00 at 0.5 is EUR 60.00
    assert company_total(frame) == (D("50.05"), D("60.00"), D(0), D("100.10"), D("7.00"), D("217.15"))


def test_aging__without_currencies_every_invoice_is_in_the_company_currency():
    frame = frame_at(CURRENCIES, "2024-04-15")
    (eur,) = aging_by_customer(frame)
    assert eur.total == Decimal("217.15")


def test_charts__an_axis_never_writes_two_ticks_alike():
    """A trend of nothing at high risk in any month had its money axis written "US$0, US$0, US$0,
    US$1, US$1" (ticks at quarters of a dollar, rounded to whole dollars): the axis read as wrong.
    The ticks are fewer instead, each written once; and a bar chart of nothing but zeros gets an
    axis from 0 to 1, not "0" twice."""
    import datetime as _dt
    import re as _re

    from arwatch.report.backtest import bar_chart as backtest_bars
    from arwatch.report.charts import Series, bar_chart, line_chart
    from arwatch.report.style import Style

    style = Style("en_GB", "USD")
    months = tuple((_dt.date(2013, m, 28), 0.0) for m in range(1, 13))
    svg = line_chart([Series("high or critical", months)], title="t", y_label="y", x_label="x",
                     y_format=style.whole_money, x_format=style.short_month)
    y_ticks = r'<line class="g"[^>]*/><text[^>]*text-anchor="end">([^<]*)</text>'
    assert _re.findall(y_ticks, svg) == ["US$0", "US$1"]
    bars = bar_chart([("a", 0.0), ("b", 0.0)], title="t", y_label="y", x_label="x", y_format=style.whole_money)
    assert _re.findall(y_ticks, bars) == ["US$0", "US$1"]
    money = line_chart([Series("open", ((_dt.date(2013, 1, 31), 2.0), (_dt.date(2013, 2, 28), 3.0)))], title="t",
                       y_label="y", x_label="x", y_format=style.whole_money, x_format=style.short_month)
    labels = _re.findall(y_ticks, money)
    assert len(labels) == len(set(labels)) >= 2
    lead = backtest_bars([("0-14", 0), ("15-29", 0)], "Lead time", fmt=lambda v: f"{v:.0f}")
    axis = _re.findall(r">([^<]*)</text>", lead)
    assert "1" in axis and axis.count("0") >= 1  # 0 at the foot, 1 at the top


def test_charts__the_last_month_s_label_is_not_cut_at_the_edge():
    """With the year in full, the last tick ("Nov 2026") centred under the last point ran past
    the drawing's right edge and read "Nov 202": a label that would is set against the edge."""
    import datetime as _dt
    import re as _re

    from arwatch.report.charts import CHAR_WIDTH, Series, line_chart, score_chart
    from arwatch.report.style import Style

    style = Style("en_GB", "EUR")
    months = tuple((_dt.date(2025 + (m > 12), (m - 1) % 12 + 1, 28), float(m)) for m in range(11, 24))
    for svg, width in ((line_chart([Series("s", months)], title="t", y_label="y", x_label="x",
                                   y_format=style.whole_money, x_format=style.short_month), 600),
                       (score_chart(list(months), title="t", x_format=style.short_month), 300)):
        labels = _re.findall(r'<text x="(\d+)" y="\d+" text-anchor="(\w+)">([A-Z][a-z]+ \d{4})</text>', svg)
        assert labels and labels[-1][2] == "Nov 2026"
        for x, anchor, text in labels:
            half = CHAR_WIDTH * len(text) / 2
            left, right = {"middle": (int(x) - half, int(x) + half), "end": (int(x) - 2 * half, int(x)),
                           "start": (int(x), int(x) + 2 * half)}[anchor]
            assert 0 <= left and right <= width, (x, anchor, text)


def test_aging__a_half_cent_rounds_away_from_zero_as_the_books_do():
    """The company's currency at an invoice's rate can end on half a cent: USD 0.25 at 0.5 is
    EUR 0.125, which accounting software (Odoo's float_round, QuickBooks) shows as 0.13; the
    aging table and the export showed 0.12 (half to even)."""
    from arwatch.core.actions import DesiredState
    from arwatch.core.scoring import score
    from arwatch.report.tables import aging_sheet, risks_sheet

    day = dt.date(2024, 4, 15)
    converted = ledger_from_text('customer a "Alpha" terms=30\ninvoice a A1 2024-04-01 0.25 currency=USD rate=0.5\n')
    assert company_total(LedgerFrame.from_ledger(converted, day))[0] == Decimal("0.13")
    board = score(LedgerFrame.from_ledger(ledger_from_text('customer a "Alpha" terms=30\n'
                                                           'invoice a A1 2024-04-01 2.665\n'), day))
    (eur,) = aging_by_customer(board.frame)
    assert eur.total == Decimal("2.67")
    (row,) = risks_sheet(board, DesiredState(as_of=day)).rows
    assert row[7] == Decimal("2.67")  # exposure
    assert aging_sheet(board).rows[0][-1] == Decimal("2.67")
