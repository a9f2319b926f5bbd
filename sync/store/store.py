"""``Store``: one engine and the tables of the state store, each behind a small class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, make_url

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.clock import Now

from ..clock import system_now
from .adapter_state import AdapterStateTable, CompanyMemory
from .audit import AuditLog
from .checkpoint import Checkpoints
from .engine import make_engine, migrate, private_file, resolve_url
from .history import HistoryTable
from .journal import Journal
from .lock import STALE_AFTER, LockTable
from .models import ModelTable
from .notes import NotesTable
from .run_inputs import RunInputsTable
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
        self.adapter_state = AdapterStateTable(engine, now)
        self.history = HistoryTable(engine, now)
        self.models = ModelTable(engine, now)
        self.notes = NotesTable(engine, now)
        self.inputs = RunInputsTable(engine, now)
        self.checkpoints = Checkpoints(engine)

    def memory_of(self, company: str, adapter: str) -> CompanyMemory:
        """A source adapter's own memory for the company (``AdapterMemory``)."""
        return CompanyMemory(self.adapter_state, company, adapter)

    def records_of(self, company: str) -> CompanyRecords:
        """The company's written state as a target's ``WrittenRecords`` (file and demo sources)."""
        return CompanyRecords(self, company)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def begin_bulk(self) -> Iterator[Connection]:
        """``begin()`` for a transaction that writes much (a sync's snapshot): on a SQLite file
        its commit leaves the WAL checkpoint to a thread (``checkpoint.py``; ``settle`` waits)."""
        if self.engine.dialect.name != "sqlite":
            with self.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            with self.checkpoints.deferred(driver), conn.begin():
                yield conn

    def settle(self) -> None:
        """Wait for the store's work left to a thread (a checkpoint) to end."""
        self.checkpoints.settle()

    def close(self) -> None:
        self.settle()
        self.locks.close()
        self.engine.dispose()


def open_store(url_or_path: str | Path | None = None, migrate_schema: bool = True,
               now: Now = system_now, busy_timeout: float | None = None) -> Store:
    """Open (and migrate) the store at a URL, a SQLite file path, or the default location.

    ``now`` stamps its rows and ages its locks (the run's clock); ``busy_timeout``: seconds a
    SQLite write waits for another process (default ``BUSY_TIMEOUT``).
    A SQLite file and folder arwatch creates are its user's only (0600 and 0700): the store
    holds the whole ledger and the audit log.
    """
    url = resolve_url(url_or_path)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        private_file(Path(parsed.database))
    engine = make_engine(url, busy_timeout)
    if migrate_schema:
        migrate(engine)
    return Store(engine, now=now)


class CompanyRecords:
    """``arwatch.core.contract.WrittenRecords`` over the store's written table, for one company."""

    def __init__(self, store: Store, company: str):
        self.store, self.company = store, company

    def state(self) -> WrittenState:
        return self.store.written.state(self.company)

    def record(self, applied: Sequence[tuple[Change, ApplyResult]], then: Callable[[], None]) -> None:
        with self.store.begin() as conn:
            self.store.written.record_many(conn, self.company, list(applied))
            then()
