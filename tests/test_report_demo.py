"""The demo company's report, checked against sums computed here from the generated data
(the source's own residuals, as its aging report would add them up), and rendered in headless
Chromium at 1366x768: page height, size, console errors and what the first screen shows."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from headless import Browser, chromium_or_skip

from arwatch.cli import main
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import LEVELS
from arwatch.core.scoring import score
from arwatch.demo.company import build_demo_company
from arwatch.report.sortable import SCRIPT as SORT_SCRIPT
from arwatch.sync.store import open_store

DAY = dt.date(2026, 11, 20)  # the demo company's data day
BUCKETS = ((-10**9, 0), (1, 30), (31, 60), (61, 90), (91, 10**9))
MAX_HEIGHT, MAX_BYTES = 8000, 300 * 1024


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_run):
    """The session's ``arwatch demo`` (conftest.py), its state store and report copied for this module."""
    folder = tmp_path_factory.mktemp("demo")
    assert demo_run.code == 0
    state = str(demo_run.copy_store(folder / "state.sqlite3"))
    page = demo_run.copy_report(folder / "demo.html")
    return {"state": state, "page": page, "html": page.read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def source():
    """The generated data, and per customer the open amounts by bucket from the source's own
    ``residual`` of each posted invoice (not arwatch's settlement)."""
    data = build_demo_company(seed=7, today=DAY).data
    aging: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 5)
    for inv in data["invoices"]:
        if inv.get("kind", "invoice") != "invoice" or inv.get("state", "posted") != "posted":
            continue
        residual = Decimal(inv["residual"])
        if residual > 0:
            late = (DAY - dt.date.fromisoformat(inv["due_date"])).days
            aging[inv["customer_id"]][next(k for k, (lo, hi) in enumerate(BUCKETS) if lo <= late <= hi)] += residual
    names = {c["id"]: c["name"] for c in data["customers"]}
    return {"data": data, "aging": dict(aging), "names": names}


def _amount(text: str) -> Decimal:
    return Decimal(html_lib.unescape(text).replace(",", "").replace("€", "").strip() or "0")


def aging_rows(page: str) -> dict[str, list[Decimal]]:
    table = page.split('<table class="aging sortable" data-currency="EUR">')[1].split("</table>")[0]
    body, foot = table.split("<tbody>")[1].split("</tbody>")
    rows = {}
    for row in body.split("<tr>")[1:]:
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.split(r"<td[^>]*>", row)[1:]]
        rows[html_lib.unescape(cells[0])] = [_amount(c) for c in cells[1:]]
    rows["Total"] = [_amount(re.sub(r"<[^>]+>", "", c)) for c in re.split(r"<td[^>]*>", foot)[2:]]
    return rows


def test_report_demo__aging_by_customer_matches_the_source_to_the_cent(demo, source):
    rows = aging_rows(demo["html"])
    expected = {source["names"][cid]: [*b, sum(b)] for cid, b in source["aging"].items()}
    total = [sum((b[k] for b in source["aging"].values()), Decimal(0)) for k in range(5)]
    assert len(rows) - 1 == len(expected) == 145
    assert {name: v for name, v in rows.items() if name != "Total"} == expected
    assert rows["Total"] == [*total, sum(total)]
    totals = list(rows.values())[:-1]
    assert [r[-1] for r in totals] == sorted((r[-1] for r in totals), reverse=True)  # largest balance first


def test_report_demo__first_screen_totals_are_the_source_sums(demo, source):
    summary = demo["html"].split('<section id="summary">')[1].split("</section>")[0]
    open_ar = sum((sum(b) for b in source["aging"].values()), Decimal(0))
    overdue = sum((sum(b[1:]) for b in source["aging"].values()), Decimal(0))
    assert f"Open A/R</dt><dd>€{round(open_ar):,}<" in summary
    assert f"Overdue</dt><dd>€{round(overdue):,}<" in summary
    assert f"Share overdue</dt><dd>{overdue / open_ar:.1%}<" in summary
    assert "Northwind Supplies Ltd: receivables as of 20 Nov 2026" in demo["html"]


def test_report_demo__size_and_no_internal_names(demo):
    page = demo["html"]
    assert len(page.encode()) <= MAX_BYTES, len(page.encode())
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert not re.search(r"\b[a-z_]+(\.[a-z_]+)+\[\d+\]", text)  # credit.ladders.all[3]
    assert not re.search(r"\b(fraud_suspicion|broken_promise|habit_slip|selective_payment|sudden_complaints):", text)
    assert re.findall(r"<script[^>]*>", page) == ["<script>"]  # one inline script, no src: the table sort
    assert f"<script>{SORT_SCRIPT}</script>" in page and len(SORT_SCRIPT) <= 1000
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_report_demo__customers_without_a_warning_sign_are_one_line(demo):
    customers = demo["html"].split('<section id="customers">')[1].split("</section>")[0]
    warned = customers.count('<details class="cust">')
    quiet = int(re.search(r'<details class="quiet"><summary>(\d+) customers show no warning sign', customers)[1])
    assert warned + quiet == 200 and quiet > 100


def test_report_demo__trends_are_kept_in_the_state_store(demo):
    store = open_store(demo["state"])
    try:
        days = store.history.days("demo")
        customers = store.history.load("demo", "C0001")
    finally:
        store.close()
    assert days[DAY] == "run"
    replayed = sorted(d for d, source in days.items() if source == "replay")
    assert len(replayed) == 12 and replayed[0] == dt.date(2025, 11, 30) and replayed[-1] == dt.date(2026, 10, 31)
    assert len(customers) == 13 and {"score", "level", "segment", "open", "overdue"} <= set(customers[-1][3])
    trends = demo["html"].split('<section id="trends">')[1].split("</section>")[0]
    assert trends.count("<svg") == 4 and ">Nov 2025<" in trends and ">Nov 2026<" in trends
    # a tick never names a month by two digits of its year: "Nov 26" reads as the 26th of November
    assert not re.search(r">[A-Z][a-z]{2,3} \d\d<", trends)


def largest_risks(source) -> list[str]:
    """The ten customers at high or critical risk owing the most (open amounts from the source)."""
    ledger, _ = load_ledger(source["data"], source="demo")
    board = score(LedgerFrame.from_ledger(ledger, DAY))
    high = {str(board.frame.c_id[c]) for c in range(board.frame.n_customers)
            if LEVELS[board.level[c]] in ("high", "critical")}
    owed = sorted(((sum(b), source["names"][cid]) for cid, b in source["aging"].items() if cid in high), reverse=True)
    return [name for _, name in owed[:10]]


FIRST_SCREEN = """(() => {
  const fits = el => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
  };
  const text = sel => [...document.querySelectorAll(sel)].filter(fits).map(e => e.textContent.trim());
  return {
    header: text('header h1'),
    kpis: [...document.querySelectorAll('.kpi')].filter(fits).map(e => e.querySelector('dt').textContent),
    counts: text('.counts'),
    columns: text('#top-risks th'),
    risks: [...document.querySelectorAll('#top-risks tbody tr')].filter(fits).map(tr => tr.cells[1].textContent),
    width: document.documentElement.scrollWidth,
  };
})()"""

CHART_AXES = """[...document.querySelectorAll('svg.chart')].map(svg => ({
  title: svg.getAttribute('aria-label'),
  x: (svg.querySelector('.axis-label.x') || {}).textContent || '',
  y: (svg.querySelector('.axis-label.y') || {}).textContent || '',
}))"""


@pytest.mark.chromium
def test_report_demo__one_screen_then_details_on_demand_in_headless_chromium(demo, source, tmp_path):
    exe = chromium_or_skip()
    with Browser.start(exe, tmp_path / "profile") as browser:
        page = browser.open(demo["page"].as_uri(), width=1366, height=768)
        height = page.evaluate("document.documentElement.scrollHeight")
        first = page.evaluate(FIRST_SCREEN)
        charts = page.evaluate(CHART_AXES)
        errors = page.errors
    assert errors == []
    assert height <= MAX_HEIGHT, height
    assert demo["page"].stat().st_size <= MAX_BYTES
    assert first["width"] <= 1366  # nothing wider than the screen
    assert first["header"] == ["Northwind Supplies Ltd: receivables as of 20 Nov 2026"]
    assert first["kpis"] == ["Open A/R", "Overdue", "Share overdue", "At high risk", "On credit hold",
                             "DSO, countback", "DSO, simple (90 days)"]
    assert first["counts"] and first["counts"][0].startswith("Today's worklist:")
    assert first["columns"] == ["#", "Customer", "Exposure", "Overdue", "Oldest, days late", "Risk, score",
                                "Trend", "Next step"]
    assert len(first["risks"]) >= 10
    assert first["risks"][:10] == largest_risks(source)
    assert len(charts) >= 5 and all(c["x"] and c["y"] for c in charts), charts


def test_export__xlsx_read_back_has_typed_cells_matching_the_report(demo, source, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "export.xlsx"
    assert main(["export", "--state", demo["state"], "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Aging", "Risks", "Worklist", "Forecast"]
    aging = list(book["Aging"].iter_rows(values_only=True))
    assert aging[0] == ("customer_id", "customer", "currency", "current", "1-30", "31-60", "61-90", "91+", "total")
    cents = Decimal("0.01")
    got = {row[0]: [Decimal(repr(v)).quantize(cents) for v in row[3:]] for row in aging[1:] if row[0]}
    assert got == {cid: [*b, sum(b)] for cid, b in source["aging"].items()}  # to the cent, as numbers
    total = [sum((b[k] for b in source["aging"].values()), Decimal(0)) for k in range(5)]
    assert aging[-1][:3] == (None, "Total", "EUR")
    assert [Decimal(repr(v)).quantize(cents) for v in aging[-1][3:]] == [*total, sum(total)]
    money = book["Aging"]["D2"]
    assert money.data_type == "n" and money.number_format == '#,##0.00 "EUR"'

    risks = list(book["Risks"].iter_rows(values_only=True))
    assert len(risks) == 201 and risks[1][0] == 1 and isinstance(risks[1][3], float)
    by_name = {r[2]: r for r in risks[1:]}
    for cid, buckets in source["aging"].items():
        assert Decimal(repr(by_name[source["names"][cid]][7])).quantize(cents) == sum(buckets)  # exposure
    assert not any("credit.ladders" in str(v) for row in risks for v in row)

    work = book["Worklist"]
    header = [c.value for c in work[1]]
    assert header[:4] == ["due", "customer_id", "customer", "kind"]
    assert isinstance(work["A2"].value, dt.datetime) and work["A2"].number_format == "yyyy-mm-dd"
    kinds = [row[3] for row in work.iter_rows(min_row=2, values_only=True)]
    counts = re.search(r"(\d+) tasks due, (\d+) customers on hold", _plan(demo, capsys))
    assert kinds.count("credit hold") == int(counts[2]) and kinds.count("task") >= int(counts[1])

    forecast = list(book["Forecast"].iter_rows(values_only=True))
    assert forecast[0][:7] == ("week_starting", "invoice", "customer_id", "customer", "currency", "open",
                               "expected_on")
    weeks = [r for r in forecast[1:] if r[1] == "week total"]
    invoices = [r for r in forecast[1:] if r[1] != "week total"]
    assert len(weeks) == 13 and sum(r[5] for r in weeks) <= sum(r[5] for r in invoices) + 0.01
    open_total = sum((sum(b) for b in source["aging"].values()), Decimal(0))
    assert abs(Decimal(repr(sum(r[5] for r in invoices))) - open_total) < Decimal("0.01") * len(invoices)
    assert all(0 <= r[7] <= 1 and r[7] >= r[8] >= r[9] for r in invoices)  # more than 30, 60, 90 days late
    named = {r[1]: r[2] for r in risks[1:]}  # customer_id -> name, as the Risks sheet names them
    assert all(r[3] == named[r[2]] for r in invoices)


def _plan(demo, capsys) -> str:
    capsys.readouterr()
    assert main(["plan", "--state", demo["state"]]) == 0
    return capsys.readouterr().out


def test_export__csv_is_four_files_one_per_sheet(demo, source, tmp_path, capsys):
    import csv

    assert main(["export", "--format", "csv", "--state", demo["state"], "--out", str(tmp_path / "ar")]) == 0
    files = sorted(p.name for p in tmp_path.glob("ar-*.csv"))
    assert files == ["ar-aging.csv", "ar-forecast.csv", "ar-risks.csv", "ar-worklist.csv"]
    assert " as of 20 Nov 2026 (" in capsys.readouterr().out  # the day as the company's locale writes it
    with (tmp_path / "ar-aging.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    total = sum((sum(b) for b in source["aging"].values()), Decimal(0))
    assert rows[-1][1] == "Total" and Decimal(rows[-1][-1]) == total


def test_export__csv_out_given_as_a_csv_name_is_the_prefix_without_it(demo, tmp_path):
    assert main(["export", "--format", "csv", "--state", demo["state"], "--out", str(tmp_path / "ar.csv")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar-aging.csv", "ar-forecast.csv", "ar-risks.csv",
                                                           "ar-worklist.csv"]


class _AgingCells(HTMLParser):
    """Every cell of the aging tables: (in body or foot, column, data-sort or None, text)."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, int, str | None, str]] = []
        self._part, self._col, self._cell = "", 0, None

    def _close(self):  # a cell ends at its end tag or, without one, at the next cell, row or section
        if self._cell is not None:
            self.cells.append(tuple(self._cell))
            self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "tr", "tbody", "tfoot"):
            self._close()
        if tag in ("tbody", "tfoot"):
            self._part = tag
        elif tag == "tr":
            self._col = 0
        elif tag == "td" and self._part:
            self._cell = [self._part, self._col, dict(attrs).get("data-sort"), ""]
            self._col += 1

    def handle_endtag(self, tag):
        if tag in ("td", "tr", "tbody", "tfoot"):
            self._close()
        if tag in ("tbody", "tfoot"):
            self._part = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[3] += data


def test_report_demo__every_aging_amount_cell_sorts_by_its_amount(demo):
    tables = re.findall(r'<table class="aging sortable".*?</table>', demo["html"], flags=re.S)
    assert len(tables) == 1
    parser = _AgingCells()
    parser.feed(tables[0])
    amounts = [c for c in parser.cells if c[1] > 0]
    assert len(amounts) == (145 + 1) * 6  # 145 customers and the total row, 5 buckets and the total
    for part, col, sort, text in amounts:
        assert sort is not None and Decimal(sort) == _amount(text), (part, col, sort, text)
    names = [c for c in parser.cells if c[1] == 0]
    assert all(sort is None for _, _, sort, _ in names)  # customers sort by their name


AGING_STATE = """(() => {
  const t = document.querySelector('table.aging');
  const rows = [...t.tBodies[0].rows];
  const all = [...t.querySelectorAll('tr')];
  return {
    names: rows.map(r => r.cells[0].textContent),
    values: rows.map(r => [...r.cells].slice(1).map(c => +c.dataset.sort)),
    sorted: [...t.tHead.rows[0].cells].map(h => h.getAttribute('aria-sort')),
    last: all[all.length - 1].cells[0].textContent,
    namesInOrder: rows.every((r, i) => i === 0
      || rows[i - 1].cells[0].textContent.localeCompare(r.cells[0].textContent) <= 0),
  };
})()"""


def _click_header(page, column: int) -> None:
    """A real mouse click (DevTools Input events) in the middle of the column's header button."""
    box = page.evaluate(f"""(() => {{
      const b = document.querySelector('table.aging').tHead.rows[0].cells[{column}].querySelector('button');
      b.scrollIntoView({{block: 'center'}});
      const r = b.getBoundingClientRect();
      return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
    }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        page.browser.send("Input.dispatchMouseEvent", page.session, type=kind, x=box["x"], y=box["y"],
                          button="left", clickCount=1)


@pytest.mark.chromium
def test_report_demo__aging_table_sorts_by_the_clicked_column_in_headless_chromium(demo, tmp_path):
    exe = chromium_or_skip()
    with Browser.start(exe, tmp_path / "profile") as browser:
        page = browser.open(demo["page"].as_uri(), width=1366, height=768)
        before = page.evaluate(AGING_STATE)
        _click_header(page, 3)  # 31-60: largest first
        down = page.evaluate(AGING_STATE)
        _click_header(page, 3)  # again: smallest first
        up = page.evaluate(AGING_STATE)
        _click_header(page, 0)  # customer: A to Z
        by_name = page.evaluate(AGING_STATE)
        _click_header(page, 0)  # Z to A
        by_name_back = page.evaluate(AGING_STATE)
        errors = page.errors
    assert errors == []
    column = 2  # 31-60 among the amounts (current, 1-30, 31-60, ...)
    totals = [v[-1] for v in before["values"]]
    assert totals == sorted(totals, reverse=True) and before["sorted"] == [None] * 6 + ["descending"]
    assert [v[column] for v in down["values"]] == sorted((v[column] for v in before["values"]), reverse=True)
    assert [v[column] for v in up["values"]] == sorted(v[column] for v in before["values"])
    assert down["names"] != before["names"] and up["names"] != down["names"]
    assert down["sorted"][3] == "descending" and up["sorted"][3] == "ascending"
    assert [s for k, s in enumerate(up["sorted"]) if k != 3] == [None] * 6
    assert by_name["namesInOrder"] and by_name["sorted"][0] == "ascending"
    assert by_name_back["names"] == by_name["names"][::-1] and by_name_back["sorted"][0] == "descending"
    for state in (down, up, by_name, by_name_back):  # same rows, each whole, the total row still last
        assert sorted(zip(state["names"], map(tuple, state["values"]), strict=True)) == sorted(
            zip(before["names"], map(tuple, before["values"]), strict=True))
        assert state["last"] == "Total"


def test_report_demo__each_customer_s_points_add_up_to_its_score(demo):
    """A customer's reasons said "(25 of 93 points)", "(22 of 93 points)", "(16 of 93 points)":
    63 of 93, the other 30 from signs not shown. The line "Also (30 of 93 points): ..." names
    them, so that the points a controller reads add up to the score."""
    customers = demo["html"].split('<section id="customers">')[1].split("</section>")[0]
    blocks = customers.split('<details class="cust">')[1:]
    also = 0
    for block in blocks:
        why = block.split("<h4>Why</h4>")[1].split("</ul>")[0]
        points = [(int(n), int(s)) for n, s in re.findall(r"\((\d+) of (\d+) points\)", why)]
        score = int(re.search(r'<b class="sc">(\d+)', block)[1])
        assert {s for _, s in points} == {score} and sum(n for n, _ in points) == score, (block[:200], points)
        also += "<li><b>Also</b>" in why
    assert also >= 10  # many demo customers have more signs than the three shown


def test_report_demo__the_largest_risks_say_how_many_of_the_customers_at_high_risk_they_are(demo):
    """The first screen lists 12 customers under "customers at high or critical risk" while the
    totals count 43 of them: the heading says which part of them the table is."""
    summary = demo["html"].split('<section id="summary">')[1].split("</section>")[0]
    high = int(re.search(r"(\d+) customers high or critical", summary)[1])
    rows = summary.split('<table id="top-risks">')[1].split("<tbody>")[1].count("<tr>")
    assert high > rows == 12
    assert f"<h2>Largest risks: {rows} of the {high} customers at high or critical risk, largest exposure first" \
        in summary
