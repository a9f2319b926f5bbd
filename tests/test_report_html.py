"""The worklist report: self-contained, escaped, and rendered by headless Chromium."""

import datetime as dt
import functools
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from ledgers import ledger_from_text
from planning import TEMPLATES, board, policy_of, stub, walk

from arwatch.core.actions import WrittenState
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.report.details import plain
from arwatch.report.html import aging_totals, render_report
from arwatch.report.sortable import SCRIPT as SORT_SCRIPT

LEDGER = """
customer a "Acme <script>alert(1)</script> & Sons" terms=30 salesperson=ann
customer d "Delta Dépôt" terms=30
customer n "Newco" terms=30
invoice a A1 2024-04-10 1000.00
invoice a A2 2024-02-20 300.00
invoice d D1 2024-01-01 4000.00
invoice n N1 2024-04-03 200.00
invoice n N2 2024-05-03 50.00
"""
TODAY = dt.date(2024, 5, 1)


@functools.cache
def _run_daily() -> WrittenState:
    """What is written after a run every day from 1 Feb (Delta's first day overdue) to 30 Apr: the
    ladder climbs one rung at a time (core/ladder.py), Delta's to the agency by 1 May."""
    _, written = walk(ledger_from_text(LEDGER), dt.date(2024, 2, 1), TODAY - dt.timedelta(days=1), policy_of(),
                      (stub("silence", {"d"}),))
    return written


def report():
    policy = policy_of()
    b = board(LedgerFrame.from_ledger(ledger_from_text(LEDGER), TODAY), policy, (stub("silence", {"d"}),))
    written = _run_daily()
    desired = plan(b, written, policy, TODAY, TEMPLATES, "Widgets & Co")
    return b, desired, render_report(b, desired, diff(written, desired), policy, "Widgets & Co")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.srcs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.srcs += [v for k, v in attrs if k in ("src", "href")]


def test_report__aging_buckets_sum_open_amounts():
    b, _, _ = report()
    assert dict(aging_totals(b)) == {"current": 1200.0, "1-30": 0.0, "31-60": 300.0, "61-90": 0.0, "91+": 4000.0}


def test_report__self_contained_and_escaped():
    _, desired, html = report()
    parser = _Tags()
    parser.feed(html)
    assert parser.tags.count("script") == 1 and parser.srcs == []  # the aging table's inline sort, nothing else
    assert f"<script>{SORT_SCRIPT}</script>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in html
    assert "Widgets &amp; Co" in html and "<svg" in html and 'name="viewport"' in html
    assert "@media (max-width:600px)" in html


def test_report__worklist_shows_calls_sends_approvals_and_holds():
    _, desired, html = report()
    assert "Call today" in html and "Approve" in html and "Credit holds (1)" in html
    agency = next(t for t in desired.tasks if t.step == "agency_referral")
    assert agency.title in html and "(needs approval)" in html
    assert html.index("Delta Dépôt") < html.index("Newco")  # ranked riskiest first


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.chromium
def test_report__renders_in_headless_chromium(tmp_path):
    exe = _chromium()
    if exe is None:
        if os.environ.get("ARWATCH_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (ARWATCH_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium not installed: apt-get install -y chromium (or set ARWATCH_REQUIRE_CHROMIUM=1 to fail)")
    _, _, html = report()
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "phone.png"
    common = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(common + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for name in ("Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons", "Delta Dépôt", "Newco"):
        assert name in dom.stdout
    assert "<svg" in dom.stdout
    done = subprocess.run(common + [f"--screenshot={shot}", "--window-size=390,844", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000


def test_report__first_screen_has_the_totals_the_worklist_counts_and_the_largest_risks():
    _, desired, html = report()
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    # open on 1 May 2024: A1 1,000 + A2 300 + D1 4,000 + N1 200 (N2 is issued later); overdue A2 + D1
    for text in ("Widgets &amp; Co: receivables as of 1 May 2024", "Open A/R</dt><dd>€5,500",
                 "Overdue</dt><dd>€4,300", "Share overdue</dt><dd>78.2%", "At high risk", "On credit hold</dt><dd>1",
                 "DSO, countback", "DSO, simple (90 days)", "Today's worklist:"):
        assert text in html if text.startswith("Widgets") else text in summary, text
    rows = summary.split('<table id="top-risks">')[1].split("<tbody>")[1].split("</tr>")[:-1]
    assert "Delta Dépôt" in rows[0] and "€4,000" in rows[0] and "91" in rows[0] and "in arrears: " in rows[0]
    assert "refer to a collection agency (approve)" in rows[0]


def test_report__evidence_in_plain_words_without_rule_paths():
    _, desired, html = report()
    assert any("credit.ladders" in t.rule for t in desired.tasks)  # the plan cites its rules ...
    assert "credit.ladders" not in html and "[0]" not in html  # ... the reader sees none of them
    details = html.split('<section id="customers">')[1]
    assert "<b>Stops answering</b>" in details and "silence:" not in details  # the name, not the id
    assert plain("fraud_suspicion: logged; credit.ladders.all[3]: credit_hold (segment:delinquent)") == \
        "Possible fraud: logged; credit hold notice (in arrears)"


def test_report__customers_without_a_warning_sign_are_one_collapsed_line():
    _, _, html = report()
    customers = html.split('<section id="customers">')[1].split("</section>")[0]
    assert customers.count('<details class="cust">') == 2  # Delta and Acme (A2 41 days past due)
    assert '<details class="quiet"><summary>1 customer shows no warning sign' in customers
    assert "Newco" in customers.split('<details class="quiet">')[1]


def test_report__old_data_gets_a_banner():
    from arwatch.report.html import Context

    b, desired, _ = report()
    policy = policy_of()
    fresh = render_report(b, desired, diff(WrittenState(), desired), policy, "W",
                          Context(calendar_today=dt.date(2024, 4, 17)))
    old = render_report(b, desired, diff(WrittenState(), desired), policy, "W",
                        Context(calendar_today=TODAY + dt.timedelta(days=30)))
    assert "Old data" not in fresh
    # the newest record known on 1 May is the invoice of 10 Apr: 7 days later is still fresh
    assert "the newest record is from 10 Apr 2024, 51 days before today (31 May 2024)" in old


def test_report__trend_charts_have_labelled_axes_and_a_line_per_series():
    import re

    from arwatch.report.history import History, month_ends_before, replay
    from arwatch.report.html import Context

    policy = policy_of()
    full = LedgerFrame.from_ledger(ledger_from_text(LEDGER))
    snaps = replay(full, policy, month_ends_before(TODAY, 4))
    history = History(tuple(s.company for s in snaps),
                      {c.customer_id: tuple(s2.customers[k] for s2 in snaps) for k, c in enumerate(snaps[0].customers)},
                      {s.as_of: s.source for s in snaps})
    b, desired, _ = report()
    html = render_report(b, desired, diff(WrittenState(), desired), policy, "W", Context(history=history))
    trends = html.split('<section id="trends">')[1].split("</section>")[0]
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", html)
    assert len(re.findall(r"<svg", trends)) == 4
    assert trends.count("<polyline") == 6  # DSO by both methods, overdue share, at high risk, open and overdue
    for chart in charts:
        assert re.search(r'class="axis-label x[^"]*"[^>]*>[^<]+<', chart), chart[:200]
        assert re.search(r'class="axis-label y[^"]*"[^>]*>[^<]+<', chart), chart[:200]
    assert "DSO (days)" in trends and "overdue (% of open A/R)" in trends and ">Jan 2024<" in trends
    assert "Months up to Apr 2024 are replayed from the ledger" in trends


def test_export__formula_like_text_is_kept_as_text_in_xlsx_and_csv(tmp_path):
    import csv

    from ledgers import ledger_data
    from openpyxl import load_workbook

    from arwatch.commands.export import write_csv, write_xlsx
    from arwatch.core.load import load_ledger
    from arwatch.report.tables import export_sheets

    data = ledger_data(LEDGER)  # names a text ledger cannot spell (an "=" reads as an option there)
    for customer in data["customers"]:
        customer["name"] = {"n": '=HYPERLINK("http://evil.example","x")', "d": "@SUM(1+1)"}.get(customer["id"],
                                                                                               customer["name"])
    ledger, _ = load_ledger(data)
    policy = policy_of()
    b = board(LedgerFrame.from_ledger(ledger, TODAY), policy, (stub("silence", {"d"}),))
    desired = plan(b, WrittenState(), policy, TODAY, TEMPLATES, "Widgets & Co")
    sheets = export_sheets(b, desired)
    write_xlsx(sheets, tmp_path / "x.xlsx")
    write_csv(sheets, tmp_path / "x")
    risks = load_workbook(tmp_path / "x.xlsx")["Risks"]
    names = {risks.cell(r, 3).value: risks.cell(r, 3).data_type for r in range(2, risks.max_row + 1)}
    assert names["'@SUM(1+1)"] == "s" and names["'=HYPERLINK(\"http://evil.example\",\"x\")"] == "s"
    assert risks.cell(2, 8).data_type == "n"  # exposure stays a number
    with (tmp_path / "x-risks.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["customer"] for r in rows} >= {"'@SUM(1+1)", "'=HYPERLINK(\"http://evil.example\",\"x\")"}
    assert {r["customer"]: r["exposure"] for r in rows}["'@SUM(1+1)"] == "4000.00"


def test_report__a_call_carried_over_to_tomorrow_is_not_today_s_next_step():
    """With one call a day, ``arwatch plan`` calls the larger debt today and says the other call is
    "carried over to tomorrow: today's calls are full"; the report and the export said "phone call"
    for both, so a controller reading the page would make the call the worklist held back."""
    from arwatch.core.call_list import call_list
    from arwatch.report.figures import risk_rows
    from arwatch.report.tables import risks_sheet

    ledger = LEDGER + 'customer b "Beta Bakers" terms=30\ninvoice b B1 2024-02-20 200.00\n'
    policy = policy_of({"credit": {"calls_per_day": 1}})
    stubs = (stub("silence", {"d"}),)
    # run daily from the day Acme's and Beta's invoices fell due: the ladder climbs to their calls
    _, written = walk(ledger_from_text(ledger), dt.date(2024, 3, 21), TODAY - dt.timedelta(days=1), policy, stubs)
    b = board(LedgerFrame.from_ledger(ledger_from_text(ledger), TODAY), policy, stubs)
    desired = plan(b, written, policy, TODAY, TEMPLATES, "Widgets & Co")
    calls = call_list(desired, b, policy)
    assert [line.customer_id for line in calls.today] == ["a"] and [line.customer_id for line in calls.carried] == ["b"]
    carried = frozenset(line.key for line in calls.carried)
    steps = {r.customer_id: r.next_step for r in risk_rows(b, desired, carried)}
    assert steps["a"] == "phone call" and steps["b"] == "phone call tomorrow: today's calls are full"
    sheet = risks_sheet(b, desired, carried=carried)
    assert {row[1]: row[11] for row in sheet.rows}["b"] == "phone call tomorrow: today's calls are full"
    html = render_report(b, desired, diff(written, desired), policy, "W")
    blocks = [block.split("</details>")[0] for block in html.split('<details class="cust">')[1:]]
    beta = next(x for x in blocks if "<b>Beta Bakers</b>" in x.split("</summary>")[0])
    acme = next(x for x in blocks if "<b>Acme &lt;script&gt;" in x.split("</summary>")[0])
    assert "<li>Call Beta Bakers" in beta and "tomorrow: today&#x27;s calls are full" in beta
    assert "<li>Call Acme" in acme and "calls are full" not in acme


def test_report__a_quiet_day_says_why_its_sections_are_empty():
    """On IBM's sample as of 31 Oct 2013 nothing was due and no customer was at high risk: the
    worklist cards said "nothing", the largest risks "at high or critical risk, then medium ones"
    over medium rows only, each with next step "-". Now each says what it means."""
    quiet = 'customer q "Quiet Ltd" terms=30\ninvoice q Q1 2024-04-25 100.00\n'
    policy = policy_of()
    b = board(LedgerFrame.from_ledger(ledger_from_text(quiet), TODAY), policy)
    desired = plan(b, WrittenState(), policy, TODAY, TEMPLATES, "Widgets & Co")
    assert not desired.tasks
    html = render_report(b, desired, diff(WrittenState(), desired), policy, "W")
    assert "No customer is at medium, high or critical risk" in html
    assert "<p>Nothing is due by 1 May 2024: no overdue invoice, promise or warning sign calls for a step" in html

    _, desired, busy = report()  # Delta at high or critical risk, with steps due today
    assert "Nothing is due by" not in busy
    assert "<h2>Largest risks: the one customer at high or critical risk, largest exposure first</h2>" in busy
