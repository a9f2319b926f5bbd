"""The worklist report: self-contained, escaped, and rendered by headless Chromium."""

import datetime as dt
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from ledgers import ledger_from_text
from planning import TEMPLATES, board, policy_of, stub

from arwatch.core.actions import WrittenState
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.report.html import aging_totals, render_report

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


def report():
    policy = policy_of()
    b = board(LedgerFrame.from_ledger(ledger_from_text(LEDGER), TODAY), policy, (stub("silence", {"d"}),))
    desired = plan(b, WrittenState(), policy, TODAY, TEMPLATES, "Widgets & Co")
    return b, desired, render_report(b, desired, diff(WrittenState(), desired), policy, "Widgets & Co")


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
    assert "script" not in parser.tags and parser.srcs == []
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
