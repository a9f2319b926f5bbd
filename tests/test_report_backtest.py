"""The backtest report: rendered from a real backtest, checked as text and in headless Chromium."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from ledgers import ledger_from_text

from arwatch.cli import main
from arwatch.core.backtest import BacktestSettings, run_backtest
from arwatch.report.backtest import render_backtest

LEDGER = "\n".join(
    ["customer good \"Good Payer Ltd\" terms=30", "customer bad \"Slipping & Sons\" terms=30"]
    + [f"invoice good G/{m} 2024-{m:02d}-01 100.00\npayment good PG{m} 2024-{m:02d}-25 100.00 -> G/{m}"
       for m in range(1, 13)]
    + [f"invoice bad B/{m} 2024-{m:02d}-01 200.00\npayment bad PB{m} 2024-{m:02d}-{20 + m:02d} 200.00 -> B/{m}"
       for m in range(1, 6)]
    + [f"invoice bad B/{m} 2024-{m:02d}-01 200.00" for m in range(6, 12)]
    + ["invoice good G/13 2025-01-01 100.00"]
)


@pytest.fixture(scope="module")
def html():
    result = run_backtest(ledger_from_text(LEDGER), BacktestSettings(learned="off", every="week"))
    return render_backtest(result)


def test_report_backtest__names_every_part_an_accountant_needs(html):
    for text in ("would arwatch have warned you in time", "Lead time", "Precision and recall by risk level",
                 "dunning levels (days past due only)", "customer&#x27;s past late rate", "Which model is in use",
                 "Slipping &amp; Sons", "<svg", "How the payment-date forecast did in the past",
                 "Which model is in use"):
        assert text in html, text
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_report_backtest__the_customer_that_went_bad_is_listed_with_its_lead_time(html):
    # B/6 due 1 Jul 2024 -> 90 days past due on 29 Sep 2024
    assert "2024-09-29" in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.chromium
def test_report_backtest__renders_in_headless_chromium(html):
    browser = _chromium()
    if browser is None:
        if os.environ.get("ARWATCH_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (ARWATCH_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "backtest.html"
        page.write_text(html, encoding="utf-8")
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout
    assert "Backtest: would arwatch have warned you in time?" in dom
    assert dom.count("<svg") >= 2 and "<rect" in dom
    assert "Slipping &amp; Sons" in dom


def test_cli_backtest__writes_the_report(tmp_path, capsys):
    import json

    from ledgers import ledger_data

    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps(ledger_data(LEDGER)), encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["backtest", "--ledger", str(ledger), "--no-learned", "--every", "month", "--out", str(out)]) == 0
    assert "would arwatch have warned you in time" in out.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert "1 customers went 90+ days past due" in printed
    # a year of history never passes: nothing can be judged, so the baseline is used, said plainly
    assert "in use: late_rate (at the invoice date, paid more than 30 days late: no invoice could be judged, " \
           "so the baseline is used (the learned model was not tried: turned off in the settings))" in printed


def test_cli_backtest__bad_late_days_is_a_usage_error(tmp_path, capsys):
    ledger = tmp_path / "ledger.json"
    ledger.write_text("{}", encoding="utf-8")
    assert main(["backtest", "--ledger", str(ledger), "--late-days", "x", "--out", str(tmp_path / "r.html")]) == 2


def test_report_backtest__every_chart_has_titled_axes(html):
    import re

    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) >= 2  # the lead-time histogram and precision/recall by level at least
    for chart in charts:
        x = re.search(r'class="axis-label x"[^>]*>([^<]+)<', chart)
        y = re.search(r'class="axis-label y"[^>]*>([^<]+)<', chart)
        assert x and y, chart[:160]
    assert "precision, recall (%)" in html and "days of warning before going bad" in html


def test_report_backtest__the_cash_in_weeks_are_named_by_day_and_month_in_words(html):
    """The weeks read "01-02", "01-09" (month-day, the order a European reader takes for 1 Feb):
    now "2 Jan", "9 Jan", as the company report writes them."""
    import re

    chart = html.split('aria-label="Expected cash-in by week"')[1].split("</svg>")[0]
    labels = re.findall(r">([^<]+)</text>", chart)
    assert "2 Jan" in labels and "9 Jan" in labels and "week starting" in labels
    assert not any(re.fullmatch(r"\d\d-\d\d", t) for t in labels)


def test_report_backtest__the_reason_a_customer_went_bad_is_in_words_not_an_indicator_id(html):
    """"main reason then" read habit_slip, habitual_lateness, broken_promise: the warning sign's name
    now, as the company report names it."""
    table = html.split("<h3>Customers that went bad</h3>")[1].split("</table>")[0]
    assert "<td>" not in table and '<td class="">Pays later than usual</td>' in table
    assert "habit_slip" not in table
    assert "<b>In use: the customer&#x27;s past late rate</b>: at the invoice date" in html  # one sentence, not ". at"
