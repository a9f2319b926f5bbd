"""The per-company lock: one writer per company, proved.

A lock is a row (owner = run id, host, PID, heartbeat) that ``acquire`` inserts, or takes over
with a compare-and-set on the owner when the holder is gone:

- on this host, only when the holder's PID is no longer alive (or the PID is this process's
  own and the run holding it here has ended): a live process on this host is never taken over,
  however old its heartbeat;
- on another host, when its heartbeat is older than ``stale_after`` (there is no way to ask
  that host whether the process lives).

A held lock (``HeldLock``, from ``hold``) is renewed by a background heartbeat thread for the
whole run, and ``check`` renews it synchronously and verifies that the row still names this
run: the runner calls it before each of its writes, so a run whose lock was taken over stops
before writing anything more (``LockLost``).

On PostgreSQL the lock is also a session advisory lock (``pg_try_advisory_lock``, keyed by the
company) held by a dedicated connection for the run's duration: the database itself refuses a
second holder, and the lock ends with the holder's session. The row then only says who holds
it (and a row whose advisory lock is free is always taken over: its session is gone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from arwatch.core.clock import Now

from ..clock import system_now
from ..errors import Locked, LockLost
from .engine import store_busy
from .rows import StoreTable
from .schema import locks

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
HEARTBEAT_EVERY = dt.timedelta(minutes=1)

#: ``ticker(seconds)`` waits until the next heartbeat; True stops the thread. The default waits
#: on the lock's stop event; tests pass one they step by hand (never the real clock).
Ticker = Callable[[float], bool]

# (company, owner) of the locks this process holds now: a row naming this PID but none of
# these was left by a run of this process that could not release it, and is taken over.
_HELD: set[tuple[str, str]] = set()
_HELD_GUARD = threading.Lock()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def advisory_key(company: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` (the same in every process)."""
    digest = hashlib.blake2b(f"arwatch.lock:{company}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # SQLite drops the zone


class LockTable(StoreTable):
    """The lock rows of a store (and, on PostgreSQL, the advisory locks of its runs).

    ``now`` is the clock of heartbeats and staleness (the run's; injected in tests); ``ticker``
    and ``heartbeat_every`` drive the background heartbeat of ``hold``.
    """

    def __init__(self, engine: Engine, stale_after: dt.timedelta = STALE_AFTER,
                 now: Now = system_now, host: str | None = None,
                 heartbeat_every: dt.timedelta = HEARTBEAT_EVERY, ticker: Ticker | None = None):
        super().__init__(engine, now)
        self.stale_after = stale_after
        self.host = host or socket.gethostname()
        self.heartbeat_every = heartbeat_every
        self.ticker = ticker
        self._sessions: dict[tuple[str, str], Connection] = {}  # PostgreSQL: advisory lock holders
        self._session_guard = threading.Lock()  # a connection is used by one thread at a time

    @property
    def advisory(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def holder(self, company: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(locks).where(locks.c.company == company)).mappings().first()
        return dict(row) if row else None

    def _stale(self, company: str, row: dict[str, Any]) -> bool:
        if row["host"] == self.host:
            if row["pid"] == os.getpid():
                with _HELD_GUARD:
                    return (company, row["owner"]) not in _HELD
            return not pid_alive(row["pid"])
        return self.now() - _aware(row["heartbeat_at"]) > self.stale_after

    @staticmethod
    def _refusal(company: str, row: dict[str, Any]) -> Locked:
        return Locked(f"company {company!r} is being synced by PID {row['pid']} on {row['host']} "
                      f"(since {_aware(row['acquired_at']):%Y-%m-%d %H:%M} UTC); try again later")

    def _stamp(self, owner: str) -> dict[str, Any]:
        at = self.now()
        return {"owner": owner, "host": self.host, "pid": os.getpid(), "acquired_at": at, "heartbeat_at": at}

    def acquire(self, company: str, owner: str) -> str | None:
        """Take the lock for ``owner``; returns the owner of a stale lock taken over, if any.

        Raises ``Locked`` when a live run holds it.
        """
        taken = self._acquire_advisory(company, owner) if self.advisory else self._acquire_row(company, owner)
        with _HELD_GUARD:
            _HELD.add((company, owner))
        return taken

    def _acquire_row(self, company: str, owner: str) -> str | None:
        try:
            with self.engine.begin() as conn:
                conn.execute(locks.insert().values(company=company, **self._stamp(owner)))
            return None
        except IntegrityError:
            pass
        row = self.holder(company)
        if row is None:  # released in between: try once more
            return self._acquire_row(company, owner)
        if not self._stale(company, row):
            raise self._refusal(company, row)
        with self.engine.begin() as conn:
            taken = conn.execute(update(locks).where(and_(locks.c.company == company, locks.c.owner == row["owner"]))
                                 .values(**self._stamp(owner))).rowcount
        if taken != 1:
            raise Locked(f"company {company!r}: another run took over the stale lock first")
        previous: str = row["owner"]
        return previous

    def _acquire_advisory(self, company: str, owner: str) -> str | None:
        session = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = session.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": advisory_key(company)}).scalar()
            if not got:
                row = self.holder(company)
                raise self._refusal(company, row) if row else Locked(
                    f"company {company!r} is being synced by another session of this database; try again later")
            # The advisory lock is ours, so any row left is from a session that has ended.
            previous = session.execute(delete(locks).where(locks.c.company == company)
                                       .returning(locks.c.owner)).scalar()
            session.execute(locks.insert().values(company=company, **self._stamp(owner)))
        except BaseException:
            session.close()  # ends the session's advisory lock with it, if it was taken
            raise
        with self._session_guard:
            self._sessions[(company, owner)] = session
        return previous

    def heartbeat(self, company: str, owner: str) -> None:
        """Renew ``owner``'s lock; raises ``LockLost`` when the lock is no longer ``owner``'s."""
        values = {"heartbeat_at": self.now()}
        mine = and_(locks.c.company == company, locks.c.owner == owner)
        with self._session_guard:
            session = self._sessions.get((company, owner))
            if session is not None:
                if session.invalidated:
                    raise LockLost(self._session_ended(company))
                try:
                    renewed = session.execute(update(locks).where(mine).values(**values)).rowcount
                except DBAPIError as error:
                    if not error.connection_invalidated:
                        raise
                    raise LockLost(self._session_ended(company)) from None
            else:
                with self.engine.begin() as conn:
                    renewed = conn.execute(update(locks).where(mine).values(**values)).rowcount
        if renewed != 1:
            raise LockLost(self._lost(company))

    def confirm(self, conn: Connection, company: str, owner: str) -> None:
        """Renew ``owner``'s lock inside the caller's transaction, so that what it writes commits
        only if the lock is still ``owner``'s (a takeover commits wholly before or after it)."""
        mine = and_(locks.c.company == company, locks.c.owner == owner)
        if conn.execute(update(locks).where(mine).values(heartbeat_at=self.now())).rowcount != 1:
            raise LockLost(self._lost(company))

    @staticmethod
    def _session_ended(company: str) -> str:
        return (f"company {company!r}: the database session holding this run's lock ended (and the "
                f"advisory lock with it); another run may hold it now")

    def _lost(self, company: str) -> str:
        row = self.holder(company)
        now_held = (f"run {row['owner']} (PID {row['pid']} on {row['host']}) holds it now" if row
                    else "nobody holds it now")
        return f"company {company!r}: this run's lock was taken over; {now_held}"

    def release(self, company: str, owner: str) -> None:
        with _HELD_GUARD:
            _HELD.discard((company, owner))
        with self._session_guard:
            session = self._sessions.pop((company, owner), None)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(locks).where(and_(locks.c.company == company, locks.c.owner == owner)))
        finally:
            if session is not None:
                _end_session(session, company)

    def hold(self, company: str, owner: str) -> HeldLock:
        """``acquire`` and start the background heartbeat; ``HeldLock.release`` ends both."""
        taken_over = self.acquire(company, owner)
        held = HeldLock(self, company, owner, taken_over)
        held.start()
        return held

    def close(self) -> None:
        """Release the locks still held through this table (a store being closed runs nothing)."""
        with self._session_guard:
            held = list(self._sessions)
        for company, owner in held:
            self.release(company, owner)


def _end_session(session: Connection, company: str) -> None:
    if session.invalidated:  # the session is gone, and its advisory lock with it
        session.close()
        return
    try:
        session.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": advisory_key(company)})
    except SQLAlchemyError:
        session.invalidate()  # closes the session: its advisory lock ends with it
    finally:
        session.close()


class HeldLock:
    """A lock this run holds: renewed every ``heartbeat_every`` by a daemon thread, and verified
    by ``check`` before each write. A takeover seen by the thread is remembered, so ``check``
    refuses even when it cannot reach the store."""

    def __init__(self, table: LockTable, company: str, owner: str, taken_over: str | None):
        self.table, self.company, self.owner, self.taken_over = table, company, owner, taken_over
        self.lost: LockLost | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_until_stopped, daemon=True,
                                        name=f"arwatch-lock-heartbeat-{company}")

    def start(self) -> None:
        self._thread.start()

    def _beat_until_stopped(self) -> None:
        wait = self.table.ticker or self._stop.wait
        seconds = self.table.heartbeat_every.total_seconds()
        while not wait(seconds) and not self._stop.is_set():
            self.beat()

    def beat(self) -> None:
        """One heartbeat; a takeover is remembered, any other failure logged (the next retries)."""
        if self.lost is not None:
            return
        try:
            self.table.heartbeat(self.company, self.owner)
        except LockLost as lost:
            self.lost = lost
            log.error("%s", lost)
        except Exception as error:  # noqa: BLE001 - a busy or unreachable store: try again next beat
            # busy: this run's own long write transaction (or another process's) holds the SQLite file
            level = logging.DEBUG if store_busy(error) else logging.WARNING
            log.log(level, "%s: lock heartbeat failed (%s: %s); retrying", self.company, type(error).__name__, error)

    def check(self, before: str) -> None:
        """Renew and verify the lock before a write (``before`` names it); raises ``LockLost``."""
        if self.lost is None:
            try:
                self.table.heartbeat(self.company, self.owner)
            except LockLost as lost:
                self.lost = lost
        if self.lost is not None:
            raise LockLost(f"{self.lost}; stopped before it could {before}, and wrote nothing more")

    def confirm(self, conn: Connection, writing: str) -> None:
        """``check`` inside the transaction that writes ``writing``; raises ``LockLost``."""
        if self.lost is None:
            try:
                self.table.confirm(conn, self.company, self.owner)
            except LockLost as lost:
                self.lost = lost
        if self.lost is not None:
            raise LockLost(f"{self.lost}; stopped: {writing}")

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def release(self) -> None:
        self.stop()
        self.table.release(self.company, self.owner)
