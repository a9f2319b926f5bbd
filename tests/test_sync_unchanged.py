"""A no-change rerun (issue 23): a run that sees exactly what the last completed run saw ends
early, loading, scoring and planning nothing and writing nothing; anything new makes it run in full.

The book is the mass-change tests' one: a 12-invoice export of three customers synced with the
real planner on 2013-06-01 (3 flags, 3 holds, 3 tasks). ``loads`` counts the runs that loaded
the ledger (the first step after the pull of a run that is not skipped).
"""

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from sync_helpers import file_settings, simple_planner, write_config
from test_sync_mass_change import book_rows, first_good_sync, state, write_export

from arwatch.adapters.file import FileMapping, FileSource
from arwatch.cli import main
from arwatch.core.actions import ApplyResult
from arwatch.core.policy import Policy
from arwatch.exit_codes import ExitCode
from arwatch.sync import runner
from arwatch.sync.guard import Guard
from arwatch.sync.runner import default_planner, run_sync
from arwatch.sync.store import open_store

DAY = dt.date(2013, 6, 1)
NOTHING = "acme: ok as of 1 Jun 2013: nothing changed since the run of 1 Jun 2013: nothing to write"


@pytest.fixture
def loads(monkeypatch):
    """How many runs loaded the ledger since the fixture was set up."""
    calls = []
    real = runner.load_frame

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(runner, "load_frame", counted)
    return calls


@pytest.fixture
def book(tmp_path):
    return first_good_sync(tmp_path)


def sync(config, *more, day=DAY):
    return main(["sync", "--config", str(config), "--source", "acme", "--as-of", day.isoformat(), *more])


def last_run(store):
    return store.runs.entries("acme")[-1]


def test_unchanged__a_rerun_seeing_what_the_last_run_saw_ends_early_and_writes_nothing(book, loads, capsys):
    export, config, store = book
    before = state(store, export.parent / "outbox")
    capsys.readouterr()
    assert sync(config) == 0
    assert NOTHING in capsys.readouterr().out
    assert loads == []  # not loaded, so not scored or planned either
    assert state(store, export.parent / "outbox") == before  # no snapshot, cursor, flag, hold, task, audit row
    assert last_run(store)["status"] == "ok"
    assert sync(config) == 0 and loads == []  # and again: a skipped run keeps what was seen


def test_unchanged__a_new_day_runs_in_full(book, loads, capsys):
    export, config, store = book
    assert sync(config, day=DAY + dt.timedelta(days=1)) == 0
    assert loads == [1] and "nothing changed" not in capsys.readouterr().out


def test_unchanged__a_collector_note_runs_in_full_and_acts_on_it(book, loads, capsys):
    export, config, store = book
    store.notes.add("acme", "0465-DTULQ", DAY, "snooze until 2013-06-20: on holiday", "anna")
    capsys.readouterr()
    assert sync(config) == 0
    assert loads == [1] and "nothing changed" not in capsys.readouterr().out
    assert sync(config) == 0 and loads == [1]  # then nothing new again


def test_unchanged__a_changed_policy_runs_in_full(book, loads, tmp_path, capsys):
    export, config, store = book
    policy = tmp_path / "policy.toml"
    policy.write_text("[credit]\nflag_min_level = \"critical\"\n")
    assert sync(config, "--policy", str(policy)) in (0, ExitCode.MASS_CHANGE)
    assert loads == [1] and "nothing changed" not in capsys.readouterr().out


def test_unchanged__other_templates_or_another_locale_run_in_full(book, loads, tmp_path):
    export, config, store = book
    assert sync(config, "--locale", "de_DE") == 0
    assert loads == [1]
    own = tmp_path / "templates"
    own.mkdir()
    (own / "phone_call.j2").write_text("Call {{ customer.name }}.\n")
    assert sync(config, "--locale", "de_DE", "--templates", str(own)) == 0
    assert loads == [1, 1]
    assert sync(config, "--locale", "de_DE", "--templates", str(own)) == 0 and loads == [1, 1]


def test_unchanged__a_changed_export_runs_in_full_a_touched_one_does_not(book, loads):
    export, config, store = book
    text = export.read_bytes()
    export.write_bytes(text)  # the same content, a new mtime: hashed, found the same
    os.utime(export, ns=(export.stat().st_mtime_ns + 10**9,) * 2)
    assert sync(config) == 0 and loads == []
    assert store.snapshot.cursor("acme").endswith(f":{export.stat().st_mtime_ns}")  # kept: not hashed again
    assert sync(config) == 0 and loads == []
    rows = book_rows()
    rows[1]["SettledDate"] = rows[1]["InvoiceDate"]  # one invoice paid
    write_export(export, rows)
    assert sync(config) == 0 and loads == [1]


def test_unchanged__data_problems_of_the_last_run_are_reported_again(tmp_path, loads, capsys):
    export = tmp_path / "export.csv"
    rows = book_rows()
    rows[2]["InvoiceAmount"] = "12,x"
    write_export(export, rows)
    config = write_config(tmp_path / "arwatch.toml", {"acme": {"source": "file", "settings": file_settings(
        export, tmp_path / "outbox")}}, state_url=str(tmp_path / "state.sqlite3"))
    assert sync(config) == ExitCode.PARTIAL_FAILURE
    first = capsys.readouterr().out
    assert sync(config) == ExitCode.PARTIAL_FAILURE
    again = capsys.readouterr().out
    assert loads == [1] and "nothing changed since the run of 1 Jun 2013: nothing to write, 1 records rejected" in again
    problem = next(line for line in first.splitlines() if "InvoiceAmount" in line)
    assert problem in again.splitlines()


class FailingSource(FileSource):
    """The file source whose target refuses every write (an accounting system down mid-run)."""

    def apply(self, changes):
        return [ApplyResult(key=c.key, op=c.op, ok=False, error="target down") for c in changes]


def _file_run(tmp_path, store, adapter_class=FileSource, planner=default_planner):
    mapping = FileMapping.model_validate(file_settings(tmp_path / "export.csv", tmp_path / "outbox"))
    adapter = adapter_class("acme", mapping, store.records_of("acme"))
    return run_sync("acme", store, adapter, Policy(), DAY, planner=planner, guard=Guard())


def test_unchanged__after_a_failed_write_the_next_run_runs_in_full_and_writes(tmp_path, loads):
    write_export(tmp_path / "export.csv", book_rows())
    store = open_store(tmp_path / "state.sqlite3")
    failed = _file_run(tmp_path, store, FailingSource)
    assert failed.status == "partial" and failed.failures and not store.written.state("acme").tasks
    again = _file_run(tmp_path, store)
    assert again.unchanged_since is None and loads == [1, 1]
    assert again.status == "ok" and len(store.written.state("acme").tasks) == 3
    assert _file_run(tmp_path, store).unchanged_since == DAY and loads == [1, 1]


def test_unchanged__a_planner_naming_no_inputs_is_never_skipped(tmp_path, loads):
    write_export(tmp_path / "export.csv", book_rows())
    store = open_store(tmp_path / "state.sqlite3")
    for _ in range(2):
        assert _file_run(tmp_path, store, planner=simple_planner).unchanged_since is None
    assert loads == [1, 1]


def test_unchanged__a_mass_change_stop_is_met_again_not_skipped(book, loads, capsys):
    export, config, store = book
    good = export.read_bytes()
    write_export(export, book_rows()[:4])  # cut short: the guard stops the run
    assert sync(config) == ExitCode.MASS_CHANGE
    assert sync(config) == ExitCode.MASS_CHANGE  # the same bad export: stopped again, never "nothing changed"
    export.write_bytes(good)  # the good export back (the stored cursor's content): a full run, nothing to write
    capsys.readouterr()
    assert sync(config) == 0
    out = capsys.readouterr().out
    assert "nothing changed" not in out and "tasks 0 created/0 updated/0 closed" in out
    assert len(loads) == 3


CRASH = textwrap.dedent("""
    import datetime as dt, sys
    from arwatch.adapters.file import FileMapping, FileSource
    from arwatch.core.policy import Policy
    from arwatch.sync.runner import default_planner, run_sync
    from arwatch.sync.store import open_store
    sys.path.insert(0, {tests!r})
    from sync_helpers import file_settings
    store = open_store({state!r})
    mapping = FileMapping.model_validate(file_settings({export!r}, {outbox!r}))
    run_sync("acme", store, FileSource("acme", mapping, store.records_of("acme")), Policy(),
             dt.date(2013, 6, 1), planner=default_planner, batch_size=1)
""")


@pytest.mark.parametrize("point", ["after_snapshot", "after_apply:2"])
def test_unchanged__a_run_that_crashed_before_its_writes_completed_is_run_again_in_full(tmp_path, loads, point):
    write_export(tmp_path / "export.csv", book_rows())
    store = open_store(tmp_path / "state.sqlite3")
    script = CRASH.format(tests=os.path.dirname(__file__), state=str(tmp_path / "state.sqlite3"),
                          export=str(tmp_path / "export.csv"), outbox=str(tmp_path / "outbox"))
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "ARWATCH_FAULT": point},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 70, done.stderr  # sync.faults.EXIT_CODE: the process ended there
    assert store.snapshot.cursor("acme") is not None  # the snapshot and cursor were saved
    again = _file_run(tmp_path, store)
    assert again.unchanged_since is None and loads == [1] and again.status == "ok"
    assert len(store.written.state("acme").tasks) == 3
    assert _file_run(tmp_path, store).unchanged_since == DAY and loads == [1]


class Elsewhere:
    """Written records kept outside the store (as an accounting system keeps its own)."""

    def __init__(self, records):
        self.inner = records

    def state(self):
        return self.inner.state()

    def record(self, applied, then):
        self.inner.record(applied, then)


class AccountingSystem(FileSource):
    def __init__(self, company, mapping, records):
        super().__init__(company, mapping, Elsewhere(records))


def test_unchanged__a_target_keeping_its_own_written_state_is_never_skipped(tmp_path, loads):
    write_export(tmp_path / "export.csv", book_rows())
    store = open_store(tmp_path / "state.sqlite3")
    for _ in range(2):
        assert _file_run(tmp_path, store, AccountingSystem).unchanged_since is None
    assert loads == [1, 1]
