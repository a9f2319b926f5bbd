"""The run's clock: decided once where a run starts (``--as-of``, the company's time zone),
passed down, and shown wherever a date reaches a person."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner, write_config

from arwatch.cli import main
from arwatch.commands import sync as sync_command
from arwatch.core.clock import fixed_clock
from arwatch.core.contract import ConfigError
from arwatch.sync import clock as sync_clock
from arwatch.sync.clock import run_clock, today_in
from arwatch.sync.config import load_config
from arwatch.sync.store import open_store

# 2013-06-01 23:30 UTC: already 2 June in Auckland, still 1 June in Los Angeles
INSTANT = dt.datetime(2013, 6, 1, 23, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def machine_clock(monkeypatch):
    monkeypatch.setattr(sync_clock, "system_now", lambda: INSTANT)


@pytest.fixture(autouse=True)
def small_planner(monkeypatch):
    monkeypatch.setattr(sync_command, "PLANNER", partial(simple_planner, hold={"0465-DTULQ"}))


def config_with(tmp_path, timezone: str | None):
    company = {"source": "file", "settings": file_settings(IBM_EXCERPT, tmp_path / "out")}
    if timezone:
        company["timezone"] = timezone
    return write_config(tmp_path / "arwatch.toml", {"acme": company}, state_url=str(tmp_path / "s.sqlite3"))


def test_today_in__is_the_day_in_that_time_zone(machine_clock):
    assert today_in("Pacific/Auckland") == dt.date(2013, 6, 2)
    assert today_in("America/Los_Angeles") == dt.date(2013, 6, 1)
    assert today_in("UTC") == dt.date(2013, 6, 1)


def test_run_clock__as_of_wins_and_now_is_the_machines(machine_clock):
    clock = run_clock(dt.date(2012, 1, 31), "Pacific/Auckland")
    assert clock.today == dt.date(2012, 1, 31) and clock.now() == INSTANT
    assert clock.at(dt.date(2012, 2, 1)).today == dt.date(2012, 2, 1)


def test_run_clock__unknown_time_zone_is_a_config_error():
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        run_clock(None, "Mars/Olympus")


def test_config__unknown_time_zone_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"companies\.acme\.timezone.*not a known time zone"):
        load_config(config_with(tmp_path, "Mars/Olympus"))


def test_fixed_clock__never_moves_and_wants_an_aware_instant():
    clock = fixed_clock(dt.date(2024, 1, 5))
    assert clock.now() == clock.now() == dt.datetime(2024, 1, 5, 12, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError, match="aware"):
        fixed_clock(dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 12))


@pytest.mark.parametrize(("timezone", "day", "written"), [("Pacific/Auckland", "2013-06-02", "2 Jun 2013"),
                                                           ("America/Los_Angeles", "2013-06-01", "1 Jun 2013")])
def test_sync__without_as_of_plans_for_today_in_the_companys_time_zone(tmp_path, machine_clock, capsys,
                                                                       timezone, day, written):
    assert main(["sync", "--config", str(config_with(tmp_path, timezone)), "--source", "acme"]) == 0
    assert f"acme: ok as of {written}:" in capsys.readouterr().out  # the summary line, in the locale's style
    store = open_store(tmp_path / "s.sqlite3")
    try:
        assert store.runs.last_as_of("acme") == dt.date.fromisoformat(day)
        [run] = store.runs.entries("acme")
        assert run["started_at"].replace(tzinfo=dt.timezone.utc) == INSTANT  # stamped by the run's clock
    finally:
        store.close()


def test_plan_and_report__are_as_of_the_last_sync_and_say_so(tmp_path, capsys):
    config = config_with(tmp_path, None)
    assert main(["sync", "--config", str(config), "--source", "acme", "--as-of", "2013-06-01"]) == 0
    capsys.readouterr()
    assert main(["plan", "--config", str(config), "--source", "acme"]) == 0
    assert "Worklist for 1 Jun 2013:" in capsys.readouterr().out
    out = tmp_path / "r.html"
    assert main(["report", "--config", str(config), "--source", "acme", "--out", str(out)]) == 0
    assert "as of 1 Jun 2013 (" in capsys.readouterr().out
    assert main(["plan", "--config", str(config), "--source", "acme", "--as-of", "2013-07-01"]) == 0
    assert "Worklist for 1 Jul 2013:" in capsys.readouterr().out


def test_score__says_which_day_it_scored_for(tmp_path, capsys):
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"customers": [{"id": "c1", "name": "Acme"}], "invoices": [
        {"id": "i1", "number": "INV/1", "customer_id": "c1", "issue_date": "2013-01-01", "due_date": "2013-01-31",
         "total": "100.00"}]}))
    assert main(["score", "--ledger", str(ledger), "--as-of", "2013-06-01"]) == 0
    assert "1 customers as of 1 Jun 2013:" in capsys.readouterr().out
