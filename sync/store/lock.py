"""A per-company lock row: owner (run id), host, PID and a heartbeat.

A lock is stale when its process is gone (same host, PID not alive) or its heartbeat is
older than ``stale_after``; a stale lock is taken over with a compare-and-set on the owner.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import Engine, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from arwatch.core.clock import Now

from ..clock import system_now
from ..contract import Locked
from .rows import StoreTable

from .schema import locks

STALE_AFTER = dt.timedelta(minutes=15)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # SQLite drops the zone


class LockTable(StoreTable):
    def __init__(self, engine: Engine, stale_after: dt.timedelta = STALE_AFTER, now: Now = system_now):
        super().__init__(engine, now)
        self.stale_after = stale_after
        self.host = socket.gethostname()

    def holder(self, company: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(locks).where(locks.c.company == company)).mappings().first()
        return dict(row) if row else None

    def _stale(self, row: dict) -> bool:
        if row["host"] == self.host and not pid_alive(row["pid"]):
            return True
        return self.now() - _aware(row["heartbeat_at"]) > self.stale_after

    def acquire(self, company: str, owner: str) -> str | None:
        """Take the lock for ``owner``; returns the owner of a stale lock taken over, if any.

        Raises ``Locked`` when a live run holds it.
        """
        stamp = {"owner": owner, "host": self.host, "pid": os.getpid(), "acquired_at": self.now(),
                 "heartbeat_at": self.now()}
        try:
            with self.engine.begin() as conn:
                conn.execute(locks.insert().values(company=company, **stamp))
            return None
        except IntegrityError:
            pass
        row = self.holder(company)
        if row is None:  # released in between: try once more
            return self.acquire(company, owner)
        if not self._stale(row):
            raise Locked(f"company {company!r} is being synced by PID {row['pid']} on {row['host']} "
                         f"(since {row['acquired_at']:%Y-%m-%d %H:%M}); try again later")
        with self.engine.begin() as conn:
            taken = conn.execute(update(locks).where(and_(locks.c.company == company, locks.c.owner == row["owner"]))
                                 .values(**stamp)).rowcount
        if taken != 1:
            raise Locked(f"company {company!r}: another run took over the stale lock first")
        return row["owner"]

    def heartbeat(self, company: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(locks).where(and_(locks.c.company == company, locks.c.owner == owner))
                         .values(heartbeat_at=self.now()))

    def release(self, company: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(locks).where(and_(locks.c.company == company, locks.c.owner == owner)))
