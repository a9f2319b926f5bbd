"""``Store``: one engine and the tables of the state store, each behind a small class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine

from arwatch.core.clock import Now

from ..clock import system_now

from .audit import AuditLog
from .engine import make_engine, migrate, resolve_url
from .journal import Journal
from .lock import STALE_AFTER, LockTable
from .runs import RunLog
from .snapshot import SnapshotTable
from .written import WrittenTable


class Store:
    """The state store. ``begin()`` opens one transaction across tables."""

    def __init__(self, engine: Engine, stale_after: dt.timedelta = STALE_AFTER, now: Now = system_now):
        self.engine = engine
        self.snapshot = SnapshotTable(engine, now)
        self.written = WrittenTable(engine, now)
        self.audit = AuditLog(engine, now)
        self.journal = Journal(engine, now)
        self.runs = RunLog(engine, now)
        self.locks = LockTable(engine, stale_after, now)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def open_store(url_or_path: str | Path | None = None, migrate_schema: bool = True, now: Now = system_now) -> Store:
    """Open (and migrate) the store at a URL, a SQLite file path, or the default location;
    ``now`` stamps its rows and ages its locks (the run's clock)."""
    engine = make_engine(resolve_url(url_or_path))
    if migrate_schema:
        migrate(engine)
    return Store(engine, now=now)
