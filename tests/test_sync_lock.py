"""One writer per company, proved: the lock's heartbeat, takeover rules, takeover detection, and
a busy SQLite store. Every time is explicit (an injected clock) and every interleaving is driven
by the test (a run started from inside another's adapter call, a heartbeat stepped by hand):
nothing sleeps and nothing races the real clock."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import sqlite3
import subprocess
import sys
from collections import Counter
from functools import partial

import pytest
from sqlalchemy import update
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner, write_config

from arwatch.cli import main
from arwatch.commands import sync as sync_command
from arwatch.core.clock import fixed_clock
from arwatch.core.policy import Policy
from arwatch.sync.config import load_config, load_secrets
from arwatch.sync.errors import Locked, LockLost
from arwatch.sync.runner import run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import engine as store_engine
from arwatch.sync.store import open_store
from arwatch.sync.store.lock import STALE_AFTER
from arwatch.sync.store.schema import locks

TODAY = dt.date(2013, 6, 1)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
HOLD = {"0465-DTULQ", "0688-XNJRO"}


class Clock:
    """``now`` for a store: stays where the test puts it."""

    def __init__(self, at: dt.datetime = T0):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state.sqlite3"


@pytest.fixture
def config(tmp_path, state):
    path = write_config(tmp_path / "arwatch.toml", {"ibm": {"source": "file", "settings": file_settings(
        IBM_EXCERPT, tmp_path / "outbox")}}, state_url=str(state))
    return load_config(path)


def outbox(config):
    return config.path(config.company("ibm").settings["outbox"])


def adapter_for(config, store):
    return make_adapter(config.company("ibm"), config, store, load_secrets(None, {}), fixed_clock(TODAY))


def sync(store, adapter, **kw):
    return run_sync("ibm", store, adapter, Policy(), TODAY, planner=partial(simple_planner, hold=HOLD), **kw)


class Interleaved:
    """The file source, calling ``hooks[name]()`` once when the run reaches ``name``
    ("pull", "read", "applied": after the first batch was written)."""

    def __init__(self, inner, **hooks):
        self.inner, self.hooks = inner, hooks
        self.name, self.unavailable = inner.name, inner.unavailable

    def _hook(self, name):
        hook = self.hooks.pop(name, None)
        if hook is not None:
            hook()

    def pull(self, since, full):
        self._hook("pull")
        return self.inner.pull(since, full)

    def read_written_state(self):
        self._hook("read")
        return self.inner.read_written_state()

    def apply(self, changes):
        results = list(self.inner.apply(changes))
        self._hook("applied")
        return results

    def finish(self, written):
        self.inner.finish(written)


def age_heartbeat(store, company="ibm", by=dt.timedelta(days=1)):
    with store.begin() as conn:
        conn.execute(update(locks).where(locks.c.company == company).values(heartbeat_at=T0 - by))


def assert_each_change_applied_once(store, outbox):
    audit = Counter((e["op"], e["key"]) for e in store.audit.entries("ibm"))
    assert audit and all(n == 1 for n in audit.values())  # audit rows == distinct changes
    written = Counter((c["op"], c["key"]) for c in map(json.loads, (outbox / "changes.jsonl").read_text().splitlines()))
    assert written == audit  # each change reached the target once, and is recorded once
    return audit


# --- the lock table ---------------------------------------------------------------------------


def test_lock__alive_holder_on_this_host_is_never_taken_over_however_old_its_heartbeat(state):
    holder = open_store(state, now=Clock(T0))
    holder.locks.acquire("acme", "run-a")
    later = open_store(state, now=Clock(T0 + 30 * STALE_AFTER))
    with pytest.raises(Locked, match="being synced by PID"):
        later.locks.acquire("acme", "run-b")
    # another live process of this host, silent for days: still never taken over
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with later.begin() as conn:
            conn.execute(locks.insert().values(company="busy", owner="child-run", host=later.locks.host,
                                               pid=child.pid, acquired_at=T0, heartbeat_at=T0 - dt.timedelta(days=3)))
        with pytest.raises(Locked, match=f"PID {child.pid}"):
            later.locks.acquire("busy", "run-b")
    finally:
        child.communicate(b"")  # the child ends; its lock is then taken over
    assert later.locks.acquire("busy", "run-b") == "child-run"


def test_lock__holder_on_another_host_is_taken_over_only_after_stale_after_of_silence(state):
    clock = Clock(T0)
    store = open_store(state, now=clock)
    with store.begin() as conn:
        conn.execute(locks.insert().values(company="acme", owner="far-run", host="elsewhere", pid=1,
                                           acquired_at=T0, heartbeat_at=T0))
    clock.at = T0 + STALE_AFTER
    with pytest.raises(Locked, match="PID 1 on elsewhere"):
        store.locks.acquire("acme", "run-b")
    clock.at = T0 + STALE_AFTER + dt.timedelta(seconds=1)
    assert store.locks.acquire("acme", "run-b") == "far-run"
    assert store.locks.holder("acme")["owner"] == "run-b"


def test_lock__a_row_of_this_process_whose_run_ended_without_release_is_taken_over(state):
    store = open_store(state)
    with store.begin() as conn:  # e.g. a release that failed on a busy store
        conn.execute(locks.insert().values(company="acme", owner="ended-run", host=store.locks.host,
                                           pid=os.getpid(), acquired_at=T0, heartbeat_at=T0))
    assert store.locks.acquire("acme", "run-b") == "ended-run"


def test_heartbeat__renews_and_notices_a_takeover(state):
    clock = Clock(T0)
    mine = open_store(state, now=clock)
    mine.locks.acquire("acme", "run-a")
    clock.at = T0 + dt.timedelta(minutes=5)
    mine.locks.heartbeat("acme", "run-a")
    assert mine.locks.holder("acme")["heartbeat_at"].replace(tzinfo=dt.timezone.utc) == clock.at
    other_host = open_store(state, now=Clock(T0 + dt.timedelta(minutes=21)))
    other_host.locks.host = "elsewhere"
    assert other_host.locks.acquire("acme", "run-b") == "run-a"
    with pytest.raises(LockLost, match=r"taken over; run run-b \(PID \d+ on elsewhere\) holds it now"):
        mine.locks.heartbeat("acme", "run-a")
    other_host.locks.release("acme", "run-b")
    with pytest.raises(LockLost, match="nobody holds it now"):
        mine.locks.heartbeat("acme", "run-a")


class SteppedTicker:
    """The heartbeat thread's wait, stepped by the test: ``step()`` lets one beat happen and
    returns when it is done (the thread is waiting again); ``stop()`` ends the thread."""

    def __init__(self):
        self.waiting, self.go = queue.Queue(), queue.Queue()

    def __call__(self, seconds: float) -> bool:
        self.waiting.put(seconds)
        return self.go.get()

    def step(self):
        self.waiting.get(timeout=30)  # the thread is waiting
        self.go.put(False)
        self.waiting.put(self.waiting.get(timeout=30))  # it beat and waits again

    def stop(self):
        self.go.put(True)


def test_held_lock__background_heartbeat_renews_it_and_remembers_a_takeover(state):
    clock = Clock(T0)
    store = open_store(state, now=clock)
    ticker = store.locks.ticker = SteppedTicker()
    held = store.locks.hold("acme", "run-a")
    try:
        clock.at = T0 + dt.timedelta(minutes=1)
        ticker.step()
        assert store.locks.holder("acme")["heartbeat_at"].replace(tzinfo=dt.timezone.utc) == clock.at
        assert ticker.waiting.get(timeout=30) == 60  # every minute by default
        ticker.waiting.put(60)
        with store.begin() as conn:  # taken over behind its back
            conn.execute(update(locks).where(locks.c.company == "acme").values(owner="run-b"))
        ticker.step()
        assert isinstance(held.lost, LockLost)
        with store.begin() as conn:  # even were the row given back, the run stays stopped
            conn.execute(update(locks).where(locks.c.company == "acme").values(owner="run-a"))
        with pytest.raises(LockLost, match="stopped before it could write the changes"):
            held.check("write the changes")
    finally:
        ticker.stop()
        held.release()
    assert store.locks.holder("acme") is None


def test_held_lock__a_busy_store_is_not_a_takeover(state):
    store = open_store(state, busy_timeout=0)
    store.locks.ticker = lambda seconds: True  # no background beat: this test beats by hand
    held = store.locks.hold("acme", "run-a")
    other = sqlite3.connect(state, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        held.beat()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert held.lost is None
    held.check("write the changes")  # still this run's
    held.release()


# --- two runs -------------------------------------------------------------------------------


def test_two_runs__aged_heartbeat_of_a_live_run_on_this_host__the_second_is_refused(config, state):
    first = open_store(state, now=Clock(T0))
    second = open_store(state, now=Clock(T0 + dt.timedelta(days=1)))
    seen = {}

    def second_run():
        age_heartbeat(first)
        seen["second"] = sync(second, adapter_for(config, second))

    summary = sync(first, Interleaved(adapter_for(config, first), applied=second_run), batch_size=3)
    assert seen["second"].status == "locked" and seen["second"].exit_code == 5
    assert "being synced by PID" in seen["second"].error
    assert summary.status == "ok"
    audit = assert_each_change_applied_once(first, outbox(config))
    assert len(audit) == sum(sum(v.values()) for v in summary.counts.values())
    assert [r["status"] for r in first.runs.entries("ibm")] == ["ok"]


@pytest.mark.parametrize("when, stopped_before", [("read", "recover the journal"),
                                                    ("planned", "save the snapshot")])
def test_two_runs__takeover_from_another_host__the_old_run_stops_before_writing(config, state, when,
                                                                               stopped_before):
    """The second run takes over the first's lock (silent for longer than STALE_AFTER, on a host
    it cannot ask) and syncs while the first is reading the target ("read") or has planned its
    changes ("planned"; a run saves its snapshot only once the mass-change guard has passed the
    plan, so that is its next write); the first notices before its next write and writes nothing
    more."""
    first = open_store(state, now=Clock(T0))
    second = open_store(state, now=Clock(T0 + STALE_AFTER + dt.timedelta(minutes=1)))
    second.locks.host = "elsewhere"  # the lock's host cannot be asked whether the first run lives
    seen = {}

    def second_run():
        seen["second"] = sync(second, adapter_for(config, second))

    def planner(board, written, policy, today):
        desired = simple_planner(board, written, policy, today, hold=HOLD)
        if when == "planned":
            second_run()
        return desired

    adapter = Interleaved(adapter_for(config, first), **({"read": second_run} if when == "read" else {}))
    summary = run_sync("ibm", first, adapter, Policy(), TODAY, planner=planner, batch_size=3)
    assert seen["second"].status == "ok" and seen["second"].counts["holds"]["created"] == 2
    assert summary.status == "lock_lost" and summary.exit_code == 5
    assert "taken over" in summary.error and "wrote nothing more" in summary.error
    assert f"stopped before it could {stopped_before}" in summary.error
    audit = assert_each_change_applied_once(first, outbox(config))
    assert {e["run_id"] for e in first.audit.entries("ibm")} == {seen["second"].run_id}
    assert len(audit) == sum(sum(v.values()) for v in seen["second"].counts.values())
    assert Counter(r["status"] for r in first.runs.entries("ibm")) == {"lock_lost": 1, "ok": 1}
    assert not first.journal.pending("ibm")


def test_two_runs__takeover_while_a_batch_is_written__recorded_once_by_the_new_holder(config, state):
    first = open_store(state, now=Clock(T0))
    second = open_store(state, now=Clock(T0 + STALE_AFTER + dt.timedelta(minutes=1)))
    second.locks.host = "elsewhere"
    seen = {}

    def second_run():  # the first run's first batch is in the target, its outcome not yet recorded
        seen["second"] = sync(second, adapter_for(config, second))

    summary = sync(first, Interleaved(adapter_for(config, first), applied=second_run), batch_size=3)
    assert summary.status == "lock_lost" and "left to the run holding the lock" in summary.error
    assert seen["second"].status == "ok" and seen["second"].recovered == 3
    audit = assert_each_change_applied_once(first, outbox(config))
    assert sum(1 for e in first.audit.entries("ibm") if e["actor"] == "arwatch (recovered)") == 3
    assert len(audit) == 3 + sum(sum(v.values()) for v in seen["second"].counts.values())
    assert not first.journal.pending("ibm")
    assert not sync(first, adapter_for(config, first)).changes  # everything wanted is written, once


def test_run__heartbeat_renewed_at_each_stage_and_by_the_thread_during_a_long_pull(config, state):
    clock = Clock(T0)
    store = open_store(state, now=clock)
    ticker = store.locks.ticker = SteppedTicker()
    beats = {}

    def heartbeat_at():
        return store.locks.holder("ibm")["heartbeat_at"].replace(tzinfo=dt.timezone.utc)

    def during_pull():  # a pull taking 5 minutes: the thread renews the lock meanwhile
        clock.at = T0 + dt.timedelta(minutes=5)
        ticker.step()
        beats["pull"] = heartbeat_at()
        clock.at = T0 + dt.timedelta(minutes=9)

    def at_read():
        beats["read"] = heartbeat_at()  # renewed when the snapshot was saved
        clock.at = T0 + dt.timedelta(minutes=12)

    def after_batch():
        beats["applied"] = heartbeat_at()  # renewed before the batch
        ticker.stop()  # the thread ends now, so the release need not wait for it

    try:
        summary = sync(store, Interleaved(adapter_for(config, store), pull=during_pull, read=at_read,
                                          applied=after_batch))
    finally:
        ticker.stop()
    assert summary.status == "ok"
    assert beats == {"pull": T0 + dt.timedelta(minutes=5), "read": T0 + dt.timedelta(minutes=9),
                     "applied": T0 + dt.timedelta(minutes=12)}
    assert store.locks.holder("ibm") is None


# --- a busy SQLite store --------------------------------------------------------------------


@pytest.fixture
def busy(state, monkeypatch):
    """The store held by another process's write transaction: with no busy wait (instead of 30 s),
    every write fails at once with "database is locked"."""
    open_store(state).close()
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT", 0)
    other = sqlite3.connect(state, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.execute("ROLLBACK")
    other.close()


def test_busy_store__run_sync_reports_locked(config, state, busy):
    store = open_store(state)
    summary = sync(store, adapter_for(config, store))
    assert summary.status == "locked" and summary.exit_code == 5
    assert "is locked: another process kept it busy" in summary.error and "try again later" in summary.error


def test_busy_store__cli_exits_5_with_a_message_and_no_traceback(config, state, busy, capsys, monkeypatch):
    monkeypatch.setattr(sync_command, "PLANNER", partial(simple_planner, hold=HOLD))
    config_file = str(config.base_dir / "arwatch.toml")
    assert main(["sync", "--config", config_file, "--source", "ibm", "--as-of", TODAY.isoformat()]) == 5
    out, err = capsys.readouterr()
    assert "ibm: locked: the state store sqlite:///" in out and "database is locked" in out
    assert "Traceback" not in out + err


def test_busy_store__while_opening_it_exits_5_too(config, state, capsys, monkeypatch):
    """A store another process holds exclusively (not yet in WAL mode, e.g. being created or
    restored): opening it is "locked", exit 5, not a configuration error."""
    other = sqlite3.connect(state, isolation_level=None)
    other.execute("CREATE TABLE being_restored (x)")
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT", 0)
    try:
        config_file = str(config.base_dir / "arwatch.toml")
        assert main(["sync", "--config", config_file, "--source", "ibm", "--as-of", TODAY.isoformat()]) == 5
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert "arwatch: the state store sqlite:///" in err and "database is locked" in err and "Traceback" not in err
