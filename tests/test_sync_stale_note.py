"""A sync on data whose newest record is more than a week before the run's day says so, as
``plan``, ``report`` and ``export`` do: an export not refreshed makes every open invoice look
months overdue."""

from __future__ import annotations

import datetime as dt

from test_sync_mass_change import first_good_sync, sync

from arwatch.sync.summary import RunSummary


def test_a_sync_on_an_export_older_than_a_week_says_so(tmp_path, capsys):
    first_good_sync(tmp_path)  # the book's newest record is of 2013-05-2x; synced as of 2013-06-01
    capsys.readouterr()
    assert sync(tmp_path / "arwatch.toml", day="2013-12-01") == 0
    out = capsys.readouterr().out
    assert "acme: ok as of 1 Dec 2013" in out
    assert "days before 1 Dec 2013: is the export current?" in out


def test_the_note_counts_days_from_the_runs_day_not_the_clock():
    fresh = RunSummary(company="acme", as_of=dt.date(2030, 1, 8), newest_record=dt.date(2030, 1, 1))
    stale = fresh.model_copy(update={"as_of": dt.date(2030, 1, 9)})
    assert "newest record" not in fresh.line()
    said = "note: the newest record is from 1 Jan 2030, 8 days before 9 Jan 2030: is the export current?"
    assert said in stale.line()
    assert "newest record" not in RunSummary(company="acme", as_of=dt.date(2030, 1, 9)).line()


def test_plan_report_and_export_on_old_data_name_the_sync_that_runs(tmp_path, capsys):
    """``plan``, ``report`` and ``export`` on a company whose newest record is months old name the
    command that brings newer data as it runs: ``arwatch sync`` alone stops at a usage error (it
    needs --source or --all), so the advice was a dead end."""
    import pytest

    from arwatch.cli import main

    _, config, store = first_good_sync(tmp_path)  # synced as of 2013-06-01: years before today
    store.close()
    capsys.readouterr()
    command = f"arwatch sync --source acme --config {config}"
    assert main(["plan", "--config", str(config), "--source", "acme"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and notes[0].endswith(f"run `{command}` for newer data")
    assert main(["export", "--config", str(config), "--source", "acme", "--format", "csv",
                 "--out", str(tmp_path / "x")]) == 0
    assert f"run `{command}` for newer data" in capsys.readouterr().err
    assert main(["report", "--config", str(config), "--source", "acme", "--out", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text()
    assert "<b>Old data:</b> the newest record is from " in html and f"Run <code>{command}</code>" in html
    with pytest.raises(SystemExit) as stop:  # the bare command the notes used to name does not run
        main(["sync", "--config", str(config)])
    assert stop.value.code == 2


def test_a_look_back_is_judged_by_the_stored_data_not_by_the_days_cut(tmp_path, capsys):
    """``--as-of`` a day before the newest stored record: the note on old data names the store's
    newest record (a sync can only bring what is newer than that), not the newest one before the
    day asked for, and the report's banner says the same."""
    from arwatch.cli import main

    _, config, store = first_good_sync(tmp_path)  # synced as of 2013-06-01: years before today
    store.close()
    common = ["--config", str(config), "--source", "acme"]
    capsys.readouterr()
    assert main(["plan", *common]) == 0
    now = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert main(["plan", *common, "--as-of", "2013-02-01"]) == 0
    back = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(now) == 1 and len(back) == 1
    newest = now[0].split(", ")[0]  # "note: the newest record is from <day>"
    assert back[0].startswith(newest + ", ") and "this is as of 1 Feb 2013;" in back[0]
    assert main(["report", *common, "--as-of", "2013-02-01", "--out", str(tmp_path / "r.html")]) == 0
    day = newest.removeprefix("note: the newest record is from ")
    assert f"<b>Old data:</b> the newest record is from {day}, " in (tmp_path / "r.html").read_text()
