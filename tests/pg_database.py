"""A throwaway database on the test PostgreSQL server, for the store tests that need their own.

``ARWATCH_TEST_PG_URL`` names the server (default: postgres@127.0.0.1:5432); unreachable, the
test is skipped, or fails with ``ARWATCH_REQUIRE_POSTGRES=1`` (as CI runs).

Each database is dropped when its test or session ends, also when a test fails or the run is
interrupted (Ctrl-C, or SIGTERM as a stopped CI run or session gets: pytest then tears its
fixtures down as for Ctrl-C); one left by a process killed outright is dropped by the next run
(``drop_orphans``)."""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text

from arwatch.sync.store import resolve_url

SERVER = os.environ.get("ARWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def admin_engine() -> Engine:
    """An engine on the test server's ``postgres`` database (AUTOCOMMIT); the test is skipped
    when the server is unreachable, or fails with ``ARWATCH_REQUIRE_POSTGRES=1``."""
    try:
        admin = create_engine(resolve_url(SERVER), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001
        message = f"PostgreSQL at {SERVER} unreachable ({type(error).__name__}); set ARWATCH_TEST_PG_URL"
        if os.environ.get("ARWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return admin


@contextmanager
def throwaway_database(prefix: str) -> Iterator[tuple[str, str, Engine]]:
    """``(url, name, admin engine)`` of a new, empty database named ``prefix`` + a random tail,
    dropped afterwards."""
    admin = admin_engine()
    admin_url = resolve_url(SERVER)
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    held = {"k": LOCK_CLASS, "name": name}
    with terminate_as_interrupt(), admin.connect() as holder:
        holder.execute(text(LOCK), held)  # held while this process lives
        try:
            drop_orphans(admin)
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'"))
            yield admin_url.rsplit("/", 1)[0] + "/" + name, name, admin
        finally:
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                holder.execute(text(UNLOCK), held)
                admin.dispose()


# A process killed outright (SIGKILL, a machine stopped) cannot drop its database: each one is
# marked, and its creator holds an advisory lock on the server while it lives (the server
# releases it when the connection dies), so the next throwaway database drops those whose lock
# is free. Databases not so marked (made by older code, or by anyone else) are never touched.
MARK = "arwatch throwaway test database"
LOCK_CLASS = 0x61727774  # the advisory lock's first key; the second is hashtext(name)
LOCK = "SELECT pg_advisory_lock(CAST(:k AS integer), hashtext(:name))"
TRY_LOCK = "SELECT pg_try_advisory_lock(CAST(:k AS integer), hashtext(:name))"
UNLOCK = "SELECT pg_advisory_unlock(CAST(:k AS integer), hashtext(:name))"
ORPHANS = """
    SELECT d.datname FROM pg_database d
      JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 'pg_database'::regclass
     WHERE s.description = :mark
"""


def drop_orphans(admin: Engine) -> list[str]:
    """Drop the marked throwaway databases whose creator is gone; their names."""
    dropped = []
    with admin.connect() as conn:
        for name in conn.execute(text(ORPHANS), {"mark": MARK}).scalars().all():
            held = {"k": LOCK_CLASS, "name": name}
            if not name.replace("_", "").isalnum() or not conn.execute(text(TRY_LOCK), held).scalar():
                continue  # its creator lives
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                dropped.append(name)
            finally:
                conn.execute(text(UNLOCK), held)
    return dropped


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Meanwhile SIGTERM raises KeyboardInterrupt (as Ctrl-C does), so that pytest runs the
    fixtures' teardown instead of the process dying at once; a handler already set is left as it
    is (an outer database's, or the caller's own)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
