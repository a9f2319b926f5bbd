"""The throwaway databases of the PostgreSQL tests (tests/pg_database.py) are dropped whatever
ends their use: a failing test, or a run stopped by SIGTERM (a stopped CI run or session)."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pg_database import admin_engine, throwaway_database
from sqlalchemy import text

pytestmark = pytest.mark.postgres

HERE = Path(__file__).parent
HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pg_database import throwaway_database
with throwaway_database("arwatch_test_term_") as (_, name, _):
    print(name, flush=True)
    time.sleep(120)  # until the test stops it
"""


@pytest.fixture
def admin():
    engine = admin_engine()
    yield engine
    engine.dispose()


def _databases(admin, prefix: str) -> set[str]:
    with admin.connect() as conn:
        return set(conn.execute(text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                                {"p": prefix}).scalars())


def test_pg_database__dropped_when_the_test_using_it_fails(admin):
    with pytest.raises(AssertionError), throwaway_database("arwatch_test_fail_") as (_, name, _):
        assert name in _databases(admin, "arwatch_test_fail_")
        raise AssertionError("the test failed")
    assert name not in _databases(admin, "arwatch_test_fail_")


@contextmanager
def held_elsewhere(admin) -> Iterator[tuple[subprocess.Popen, str]]:
    """A process holding a throwaway database (``HOLDER``), and the database's name; afterwards
    the process is ended and the database dropped if it is still there (the old code's leftover
    is not this test's to leave)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(HERE)], stdout=subprocess.PIPE, text=True)
    name = ""
    try:
        name = (holder.stdout.readline() if holder.stdout else "").strip()
        assert name.startswith("arwatch_test_term_") and name in _databases(admin, name)
        yield holder, name
    finally:
        holder.kill()
        holder.wait()
        if name:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_pg_database__dropped_when_the_run_is_stopped_by_sigterm(admin):
    with held_elsewhere(admin) as (holder, name):
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
        assert name not in _databases(admin, name), "the stopped run left its database behind"


def _lock_released(admin, name: str) -> bool:
    """No session holds an advisory lock keyed by ``name`` (the killed holder's connection is gone)."""
    with admin.connect() as conn:
        for _ in range(200):  # the server notices the dead connection at once; a bounded wait for it
            if not conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                     "AND objid::bigint = (hashtext(:name)::bigint & 4294967295)"),
                                {"name": name}).scalar():
                return True
            time.sleep(0.05)
    return False


def test_pg_database__one_left_by_a_killed_run_is_dropped_by_the_next_run(admin):
    with held_elsewhere(admin) as (holder, name):
        holder.kill()  # SIGKILL: nothing in the process can drop it
        holder.wait(timeout=60)
        assert name in _databases(admin, name) and _lock_released(admin, name)
        with throwaway_database("arwatch_test_next_") as (_, other, _):
            assert other in _databases(admin, other)
            assert name not in _databases(admin, name), "the next run left the killed run's database"
