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
