"""Two processes opening a brand-new state store at once both get a migrated store (audit issue:
a first sync and an `arwatch record` started together failed with "table alembic_version already
exists" or "table audit_log already exists", exit 2).

The interleaving is forced, not hoped for: process A opens the new store and stops inside its
migration, right after creating the version table and before the first revision's tables (where
the unlocked migration lost the race); process B then opens the same store. Without a lock, B
migrates the whole schema meanwhile (SQLite), or blocks on A's uncommitted tables (PostgreSQL),
and one of the two then fails on a table the other created. With it, B waits for A's migration:
once B is seen waiting (the kernel's lock table for SQLite's lock file, ``pg_locks`` for
PostgreSQL) or has ended, A goes on, and both must end well with the schema at its head.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pg_database import throwaway_database
from sqlalchemy import inspect, text

from arwatch.sync.store import open_store
from arwatch.sync.store.schema import metadata

# A: open the store, stopping inside the migration until a line comes on stdin
PAUSED_OPEN = """
import sys
from alembic.runtime.migration import MigrationContext
from arwatch.sync.store import open_store

create_version_table = MigrationContext._ensure_version_table

def paused(self, *args, **kwargs):
    create_version_table(self, *args, **kwargs)
    print("paused", flush=True)
    sys.stdin.readline()

MigrationContext._ensure_version_table = paused
open_store(sys.argv[1]).close()
"""
PLAIN_OPEN = "import sys\nfrom arwatch.sync.store import open_store\nopen_store(sys.argv[1]).close()\n"


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (a guard against a hang, not a measure of speed)."""
    give_up = time.monotonic() + 300
    while not condition():
        assert time.monotonic() < give_up, f"never happened: {what}"
        time.sleep(0.05)


def race(url: str, waiting: Callable[[subprocess.Popen], bool]) -> None:
    a = subprocess.Popen([sys.executable, "-c", PAUSED_OPEN, url], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert a.stdout.readline().strip() == "paused", a.stderr.read()  # A is inside its migration
        b = subprocess.Popen([sys.executable, "-c", PLAIN_OPEN, url], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        wait_until(lambda: b.poll() is not None or waiting(b), "B ended or waited for A's migration")
        a.stdin.write("go\n")
        a.stdin.flush()
        _, a_err = a.communicate()
        _, b_err = b.communicate()
    finally:
        if a.poll() is None:
            a.kill()
            a.wait()
    assert a.returncode == 0, a_err
    assert b.returncode == 0, b_err


def at_head(url: str) -> None:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert set(metadata.tables) <= set(inspect(conn).get_table_names())
        assert len(versions) == 1  # one head, stamped once
        assert store.locks.holder("acme") is None
    finally:
        store.close()


def flock_waiter(process: subprocess.Popen) -> bool:
    """Whether ``process`` waits for a file lock (a blocked request in /proc/locks: ``->``)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any("->" in line and "FLOCK" in line and f" {process.pid} " in line for line in lines)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks to see a waiter")
def test_store_race__two_processes_open_a_new_sqlite_store_at_once(tmp_path):
    path = tmp_path / "new" / "state.sqlite3"
    race(str(path), flock_waiter)
    at_head(str(path))
    lock = path.with_name("state.sqlite3.lock")
    assert stat.S_IMODE(os.stat(lock).st_mode) == 0o600 and stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.fixture
def fresh_pg_database():
    """A new, empty database on the test server (dropped after)."""
    with throwaway_database("arwatch_test_race_") as made:
        yield made


@pytest.mark.postgres
def test_store_race__two_processes_open_a_new_postgresql_store_at_once(fresh_pg_database):
    url, name, admin = fresh_pg_database

    def lock_waiter(_process: subprocess.Popen) -> bool:  # any session of that database waiting for a lock
        with admin.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = :name"), {"name": name}).scalar())

    race(url, lock_waiter)
    at_head(url)
