"""A sync for a day before the company's last sync writes nothing: it would undo what was written
since (a hold released on payment placed again, tasks closed reopened, the ladder's position moved
back). Before, `arwatch sync --as-of` with an earlier day (a typo, a check meant as --dry-run)
wrote it: on a file export whose customer paid on 10 May, a run as of 1 May after the run of 12
May placed its hold again. --dry-run shows that day; --allow-mass-change writes it on purpose."""

import json

import pytest
from test_sync_mass_change import book, state, sync  # noqa: F401 - the fixture

from arwatch.cli import main
from arwatch.exit_codes import ExitCode


def test_earlier_day__a_sync_for_a_day_before_the_last_one_is_refused_and_writes_nothing(book, capsys):  # noqa: F811
    assert sync(book[1], day="2013-06-05") == 0
    _assert_refused(book, capsys, day="2013-06-03", last="2013-06-05")


def test_earlier_day__the_same_day_again_and_a_dry_run_of_an_earlier_day_are_fine(book):  # noqa: F811
    export, config, store = book
    assert sync(config, day="2013-06-05") == 0
    assert sync(config, day="2013-06-05") == 0
    before = state(store, export.parent / "outbox")
    assert sync(config, "--dry-run", day="2013-06-03") == 0
    assert state(store, export.parent / "outbox") == before


def test_earlier_day__allow_mass_change_writes_an_earlier_day_on_purpose(book):  # noqa: F811
    _, config, store = book
    assert sync(config, day="2013-06-05") == 0
    assert sync(config, "--allow-mass-change", day="2013-06-03") == 0
    assert store.runs.last_as_of("acme").isoformat() == "2013-06-03"


def test_earlier_day__a_run_made_under_a_clock_moved_ahead_does_not_hide_a_later_day(book, monkeypatch, capsys):  # noqa: F811
    """Which day was synced last is a business day, never the machine's clock: a run made under a
    clock set ahead (faketime, a wrong system date) is stamped as started after every later run,
    and was taken for "the last run", so a sync for a day before a later run's day went through
    and undid what that run wrote."""
    _, config, _ = book
    assert _under_clock(monkeypatch, 400, config, day="2013-06-03") == 0
    assert sync(config, day="2013-06-05") == 0
    _assert_refused(book, capsys, day="2013-06-04", last="2013-06-05")


def _assert_refused(book, capsys, day, last):  # noqa: F811 - the fixture's value, passed on
    """A sync for ``day`` is refused (the last sync's day is ``last``) and changes nothing written."""
    export, config, store = book
    before = state(store, export.parent / "outbox")
    capsys.readouterr()
    assert sync(config, day=day) == ExitCode.CONFIG_ERROR
    err = capsys.readouterr()
    assert f"the run's day {day} is before the day of acme's last sync, {last}" in err.out + err.err
    assert state(store, export.parent / "outbox") == before


def _under_clock(monkeypatch, days, config, *more, day):
    """``sync`` run while the machine's clock reads ``days`` away from now (faketime, a wrong date)."""
    import datetime as dt

    import arwatch.sync.clock

    moved = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    with monkeypatch.context() as m:
        m.setattr(arwatch.sync.clock, "system_now", lambda: moved)
        return sync(config, *more, day=day)


@pytest.mark.parametrize("days", [400, -400])
def test_earlier_day__plan_and_report_show_the_day_of_the_last_run_whatever_the_clock_said(book, monkeypatch,  # noqa: F811
                                                                                           capsys, days):
    """The day plan and report show ("data as of") is that of the last run the store recorded,
    never the one the machine's clock stamped last: a run for 3 June made under a clock set ahead
    (400 days) is stamped after the later run for 5 June, and plan and report showed 3 June; a
    run for 5 June made under a clock set back is stamped before the run for 3 June it followed."""
    _, config, store = book
    assert _under_clock(monkeypatch, max(days, 0), config, day="2013-06-03") == 0
    assert _under_clock(monkeypatch, min(days, 0), config, day="2013-06-05") == 0
    started = {json.loads(e["summary"])["as_of"]: e["started_at"] for e in store.runs.entries("acme") if e["summary"]}
    assert started["2013-06-03"] > started["2013-06-05"]  # the clock's order is the wrong one
    assert store.runs.last_as_of("acme").isoformat() == "2013-06-05"
    capsys.readouterr()
    assert main(["plan", "--config", str(config), "--source", "acme"]) == 0
    assert "Worklist for 5 Jun 2013:" in capsys.readouterr().out


def test_earlier_day__an_earlier_day_written_on_purpose_is_the_day_shown_whatever_the_clock_said(book,  # noqa: F811
                                                                                                monkeypatch):
    """After ``--allow-mass-change`` wrote 3 June on purpose after 5 June, the targets hold what
    the run for 3 June wrote: plan and report show 3 June, even when the run for 5 June was
    stamped later by a clock set ahead."""
    _, config, store = book
    assert _under_clock(monkeypatch, 400, config, day="2013-06-05") == 0
    assert sync(config, "--allow-mass-change", day="2013-06-03") == 0
    assert store.runs.last_as_of("acme").isoformat() == "2013-06-03"
    assert store.runs.latest_as_of("acme").isoformat() == "2013-06-05"  # what a sync may not go back before
