"""``arwatch sync``: one or all companies, summary, exit codes, dry run."""

from functools import partial

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner, write_config

from arwatch.cli import main
from arwatch.commands import sync as sync_command
from arwatch.sync.store import open_store


@pytest.fixture(autouse=True)
def small_planner(monkeypatch):
    monkeypatch.setattr(sync_command, "PLANNER", partial(simple_planner, hold={"0465-DTULQ"}))


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path / "arwatch.toml", {
        "good": {"source": "file", "settings": file_settings(IBM_EXCERPT, tmp_path / "out")},
        "missing": {"source": "file", "settings": file_settings(tmp_path / "nope.csv")},
        "other": {"source": "file", "settings": file_settings(IBM_EXCERPT)},
    }, state_url=str(tmp_path / "state.sqlite3"))


def test_sync_cli__one_company_prints_a_summary_and_exits_0(config, capsys):
    assert main(["sync", "--config", str(config), "--source", "good", "--as-of", "2013-06-01"]) == 0
    out = capsys.readouterr().out
    assert "good: ok as of 1 Jun 2013: pulled 86, scored 6, flags 6 created/0 updated/0 closed, holds 1 created" in out


def test_sync_cli__each_summary_line_writes_its_day_in_the_companys_locale(tmp_path, capsys):
    config = write_config(tmp_path / "arwatch.toml", {
        "berlin": {"source": "file", "locale": "de_DE", "settings": file_settings(IBM_EXCERPT)},
        "paris": {"source": "file", "locale": "fr_FR", "settings": file_settings(IBM_EXCERPT)},
        "london": {"source": "file", "settings": file_settings(IBM_EXCERPT)},
    }, state_url=str(tmp_path / "state.sqlite3"))
    assert main(["sync", "--config", str(config), "--all", "--as-of", "2013-06-01"]) == 0
    lines = {line.split(":")[0]: line for line in capsys.readouterr().out.splitlines() if " as of " in line}
    assert lines["berlin"].startswith("berlin: ok as of 01.06.2013: pulled 86")
    assert lines["paris"].startswith("paris: ok as of 1 juin 2013: pulled 86")
    assert lines["london"].startswith("london: ok as of 1 Jun 2013: pulled 86")  # the default, en_GB
    assert "2013-06-01" not in "\n".join(lines.values())
    assert main(["sync", "--config", str(config), "--source", "paris", "--as-of", "2013-06-01",
                 "--locale", "en_US"]) == 0
    assert "paris: ok as of Jun 1, 2013:" in capsys.readouterr().out  # --locale overrides the configuration


def test_sync_cli__all_runs_every_company_and_one_failure_stops_none(config, tmp_path, capsys):
    code = main(["sync", "--config", str(config), "--all", "--as-of", "2013-06-01"])
    out = capsys.readouterr().out
    assert code == 2  # the only failure is a configuration error
    assert "good: ok as of 1 Jun 2013:" in out and "other: ok as of 1 Jun 2013:" in out
    assert "missing: config_error:" in out and "nope.csv" in out
    store = open_store(tmp_path / "state.sqlite3")
    assert len(store.written.state("good").flags) == 6 and len(store.written.state("other").flags) == 6


def test_sync_cli__dry_run_lists_changes_and_writes_nothing(config, tmp_path, capsys):
    code = main(["sync", "--config", str(config), "--source", "good", "--dry-run", "--as-of", "2013-06-01"])
    out = capsys.readouterr().out
    assert code == 0 and "good: 7 changes would be written" in out and "+ place_hold" in out
    store = open_store(tmp_path / "state.sqlite3")
    assert store.runs.entries("good") == [] and store.snapshot.cursor("good") is None
    assert not (tmp_path / "out").exists()


def test_sync_cli__locked_company_exits_5(config, tmp_path, capsys):
    open_store(tmp_path / "state.sqlite3").locks.acquire("good", "another-run")
    assert main(["sync", "--config", str(config), "--source", "good"]) == 5
    assert "being synced by PID" in capsys.readouterr().out


def test_sync_cli__unknown_company_or_config_is_a_config_error(config, tmp_path, capsys):
    assert main(["sync", "--config", str(config), "--source", "acme"]) == 2
    assert main(["sync", "--config", str(tmp_path / "none.toml"), "--all"]) == 2
    assert "no such configuration file" in capsys.readouterr().err


def test_exit_code__common_code_or_partial():
    from arwatch.sync.summary import RunSummary

    ok, locked, down = (RunSummary(company="a", status=s) for s in ("ok", "locked", "unreachable"))
    assert sync_command.exit_code([ok, ok]) == 0 and sync_command.exit_code([ok, locked]) == 5
    assert sync_command.exit_code([locked, down]) == 4


def test_sync_cli__a_run_keeps_its_day_and_replays_the_year_before_for_the_trends(config, tmp_path, capsys):
    import datetime as dt

    assert main(["sync", "--config", str(config), "--source", "good", "--dry-run", "--as-of", "2013-06-01"]) == 0
    store = open_store(tmp_path / "state.sqlite3")
    assert store.history.days("good") == {}  # a dry run keeps nothing
    assert main(["sync", "--config", str(config), "--source", "good", "--as-of", "2013-06-01"]) == 0
    days = store.history.days("good")
    assert days.pop(dt.date(2013, 6, 1)) == "run"
    assert len(days) == 12 and set(days.values()) == {"replay"}  # the month ends of the year before
    assert min(days) == dt.date(2012, 6, 30) and max(days) == dt.date(2013, 5, 31)
    company = dict((d, p) for d, c, _, p in store.history.load("good", ""))[dt.date(2013, 6, 1)]
    assert company["on_hold"] == 1 and company["customers"] == 6  # the run's own plan: one hold
    assert main(["sync", "--config", str(config), "--source", "good", "--as-of", "2013-06-01"]) == 0
    assert len(store.history.days("good")) == 13  # the same day again replaces it; nothing replayed twice


def test_sync_cli__all_without_a_configuration_has_nothing_to_sync(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ARWATCH_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["sync", "--all"]) == 2
    err = capsys.readouterr().err
    assert "nothing to sync: no configuration file" in err and "arwatch demo" in err
    assert not (tmp_path / "data").exists()  # no store opened, the demo not synced


def test_report_all__an_overview_of_every_company_linking_its_page(config, tmp_path, capsys):
    import re

    assert main(["sync", "--config", str(config), "--all", "--as-of", "2013-06-01"]) == 2  # "missing" has no file
    out = tmp_path / "pages" / "overview.html"
    out.parent.mkdir()
    assert main(["report", "--config", str(config), "--all", "--out", str(out)]) == 4  # one company without a page
    overview = out.read_text()
    pages = sorted(p.name for p in out.parent.iterdir())
    assert pages == ["overview-good.html", "overview-other.html", "overview.html"]
    assert 'href="overview-good.html"' in overview and 'href="overview-other.html"' in overview
    assert "2 of 3 companies reported" in overview
    assert "nothing stored for &#x27;missing&#x27; yet: run `arwatch sync --source missing` first" in overview
    good = (out.parent / "overview-good.html").read_text()
    open_ar = re.search(r"Open A/R</dt><dd>([^<]+)<", good)[1]
    row = overview.split('href="overview-good.html"')[1].split("</tr>")[0]
    assert f"<td>{open_ar}</td>" in row and "1 Jun 2013" in row
    assert "<script" not in overview


def test_sync_cli__all_with_jobs_syncs_companies_in_worker_processes(config, tmp_path, capsys):
    # the workers are processes of their own: they plan with the real planner, not this module's small one
    code = main(["sync", "--config", str(config), "--all", "--jobs", "2", "--as-of", "2013-06-01"])
    out = capsys.readouterr().out
    assert code == 2  # the only failure is a configuration error, as without --jobs
    assert "good: ok as of 1 Jun 2013: pulled 86, scored 6" in out and "other: ok as of 1 Jun 2013: pulled 86" in out
    assert "missing: config_error:" in out and "nope.csv" in out
    store = open_store(tmp_path / "state.sqlite3")
    for company in ("good", "other"):
        (run,) = store.runs.entries(company)
        assert run["status"] == "ok" and len(store.snapshot.load(company)[1]["invoices"]) == 40
        assert store.locks.holder(company) is None
    assert len(store.written.state("good").flags) == 6 and len(store.written.state("other").flags) == 6


def test_sync_cli__jobs_must_be_a_positive_number(config, capsys):
    assert main(["sync", "--config", str(config), "--all", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err
