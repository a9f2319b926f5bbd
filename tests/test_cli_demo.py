"""arwatch demo / plan / report: the newcomer path on the built-in demo company.

``arwatch demo`` runs once for the session (``demo_run``, tests/demo_cli.py: its exit code, its
output, its state store and report); a test that goes on from a demo run gets its own copy of
that state store (``demo_state``), so each test still starts from a store the demo has just
written and none sees another's writes."""

import re

import pytest

from arwatch.cli import main


@pytest.fixture
def no_config(tmp_path, monkeypatch):
    monkeypatch.setenv("ARWATCH_CONFIG", str(tmp_path / "no-config.toml"))  # nothing configured


@pytest.fixture
def state(tmp_path, no_config):
    """A state store no demo has written to."""
    return str(tmp_path / "state.sqlite3")


@pytest.fixture
def demo_state(tmp_path, no_config, demo_run):
    """This test's own copy of the state store ``arwatch demo`` has just written (``demo_run``)."""
    return str(demo_run.copy_store(tmp_path / "state.sqlite3"))


def counts(line: str) -> dict[str, tuple[int, int, int]]:
    return {kind: tuple(map(int, m)) for kind, *m in
            re.findall(r"(flags|holds|tasks) (\d+) created/(\d+) updated/(\d+) closed", line)}


# a row of the risk table: rank, score, "<segment words>: <level>", customer (id)
RANK_ROW = r"^\s+#\s+\d+\s+!*\s+([a-z ,-]+): (low|medium|high|critical)\s+(.+?) \(C\d+\)$"


def test_demo__ranks_customers_with_evidence_and_a_rerun_writes_nothing(demo_run, demo_state, tmp_path, capsys):
    report = tmp_path / "demo.html"
    demo_run.copy_report(report)
    assert demo_run.code == 0
    first = demo_run.out
    created = counts(first)
    assert created["flags"][0] == 200 and created["holds"][0] > 0 and created["tasks"][0] > 0
    table = first.split("customer\n")[1]
    standing, level, name = re.findall(RANK_ROW.replace("#", "1"), table, re.M)[0]
    assert level == "critical" and standing  # segment and level as one phrase: "in arrears: critical"
    assert "- Overdue: INV/" in table  # evidence in words, with invoice numbers
    assert re.search(r"INV/20\d\d/\d{5} \(€[\d,]+\.\d\d open\)", table)  # the amount with its currency
    assert "Call today" in first and "On credit hold" in first
    assert name.replace("&", "&amp;") in report.read_text()

    assert main(["demo", "--state", demo_state, "--report", str(report)]) == 0
    second = counts(capsys.readouterr().out)
    assert all(v == (0, 0, 0) for v in second.values()), second


def test_plan__dry_run_after_a_sync_has_nothing_to_write(demo_run, demo_state, capsys):
    assert demo_run.code == 0
    assert main(["plan", "--state", demo_state, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Worklist for 20 Nov 2026")
    assert "0 changes would be written" in out


def test_plan__before_any_sync_says_what_to_do(state, capsys):
    assert main(["plan", "--state", state]) == 2
    assert "run `arwatch sync --source demo` first" in capsys.readouterr().err


def test_report__writes_the_html_with_every_flagged_customer(demo_state, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "--state", demo_state, "--out", str(out)]) == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype html>")
    assert "Glenrock Guesthouse B.V." in html and "<svg" in html


@pytest.mark.chromium
def test_report__demo_report_renders_its_customers_in_headless_chromium(demo_run, tmp_path):
    import html as html_lib
    import os
    import shutil
    import subprocess

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("ARWATCH_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (ARWATCH_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium not installed: apt-get install -y chromium (or set ARWATCH_REQUIRE_CHROMIUM=1 to fail)")
    page = tmp_path / "demo.html"
    demo_run.copy_report(page)
    assert demo_run.code == 0
    table = demo_run.out.split("customer\n")[1]
    top = [name for _, _, name in re.findall(RANK_ROW.replace("#", "\\d+"), table, re.M)[:10]]
    assert len(top) == 10
    common = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(common + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = html_lib.unescape(dom.stdout)
    for name in top:
        assert name in rendered
    shot = tmp_path / "phone.png"
    subprocess.run(common + [f"--screenshot={shot}", "--window-size=390,844", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan__dry_run_of_a_company_written_by_its_own_system_says_it_is_not_written(demo_run, demo_state, capsys,
                                                                                     monkeypatch):
    """E.g. Odoo with the arwatch add-on scoring it: the diff is a comparison, never a write."""
    from arwatch.commands import plan as plan_command
    from arwatch.core.actions import WrittenState

    class WrittenElsewhere:
        writes_back = False

        def __init__(self, inner):
            self.inner, self.name, self.unavailable = inner, inner.name, inner.unavailable

        def read_written_state(self):
            return WrittenState()  # the other writer has written nothing yet

    opened = plan_command.open_company

    def open_company(*args):
        company = opened(*args)
        return company._replace(adapter=WrittenElsewhere(company.adapter))

    assert demo_run.code == 0
    monkeypatch.setattr(plan_command, "open_company", open_company)
    assert main(["plan", "--state", demo_state, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "read-only: demo is written by its own system" in out and "would be written" not in out
    header, listed = out.split("what is written there by ")[1].split("\n", 1)
    count = int(header.split(" ")[0])
    assert count > 0 and len(listed.strip().splitlines()) == count


def test_demo__keeps_its_own_state_store_which_plan_and_report_read_without_a_configuration(tmp_path, monkeypatch,
                                                                                            capsys):
    monkeypatch.setenv("ARWATCH_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--report", "/dev/null"]) == 0
    assert "arwatch/demo.sqlite3" in capsys.readouterr().out
    assert (tmp_path / "data" / "arwatch" / "demo.sqlite3").exists()
    assert not (tmp_path / "data" / "arwatch" / "state.sqlite3").exists()  # the user's own store untouched
    assert main(["report", "--out", "r.html"]) == 0
    assert "as of 20 Nov 2026" in capsys.readouterr().out and (tmp_path / "r.html").exists()
    assert not (tmp_path / "data" / "arwatch" / "state.sqlite3").exists()



def test_plan__old_data_says_which_day_it_is_as_of(demo_run, demo_state, capsys, monkeypatch, tmp_path):
    """The demo's data is fixed at 20 Nov 2026: a calendar a week later finds it fresh, 30 days later
    old; and says that it is fixed by design, not "run `arwatch sync` for newer data": a sync of the
    demo brings nothing newer (and ``arwatch sync`` alone does not run: it needs --source or --all)."""
    import datetime as dt

    from arwatch import company_view

    assert demo_run.code == 0
    monkeypatch.setattr(company_view, "today_in", lambda timezone: dt.date(2026, 11, 27))
    assert main(["plan", "--state", demo_state]) == 0
    assert "note:" not in capsys.readouterr().err
    monkeypatch.setattr(company_view, "today_in", lambda timezone: dt.date(2026, 12, 20))
    assert main(["plan", "--state", demo_state]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Worklist for 20 Nov 2026")
    notes = [line for line in out.err.splitlines() if line.startswith("note:")]
    assert notes == ["note: the demo's data is fixed at 20 Nov 2026 by design, 30 days before today: this is as of "
                     "20 Nov 2026; a sync brings nothing newer"]
    assert main(["report", "--state", demo_state, "--out", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text()
    assert "<b>Demo data:</b> fixed at 20 Nov 2026 by design, 30 days before today (20 Dec 2026)" in html
    assert "Old data" not in html and "arwatch sync" not in html
