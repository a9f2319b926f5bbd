"""A throwaway database on the test PostgreSQL server, for the store tests that need their own.

``ARWATCH_TEST_PG_URL`` names the server (default: postgres@127.0.0.1:5432); unreachable, the
test is skipped, or fails with ``ARWATCH_REQUIRE_POSTGRES=1`` (as CI runs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text

from arwatch.sync.store import resolve_url

SERVER = os.environ.get("ARWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def throwaway_database(prefix: str) -> Iterator[tuple[str, str, Engine]]:
    """``(url, name, admin engine)`` of a new, empty database named ``prefix`` + a random tail,
    dropped afterwards."""
    admin_url = resolve_url(SERVER)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001
        message = f"PostgreSQL at {SERVER} unreachable ({type(error).__name__}); set ARWATCH_TEST_PG_URL"
        if os.environ.get("ARWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name, name, admin
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
