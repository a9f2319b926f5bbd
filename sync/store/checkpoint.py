"""A large SQLite commit's WAL checkpoint, run beside what follows instead of inside the commit.

In WAL mode SQLite appends a transaction's pages to the WAL; a checkpoint copies them into the
database file (the WAL read back, the file written, an fsync of each with ``synchronous=NORMAL``),
and the committing connection runs one itself once the WAL holds more than
``wal_autocheckpoint`` pages (1000). A first sync's snapshot is one transaction of millions of
rows (at 1M invoices, 2.09 M rows and 668 MB of WAL): its commit stopped for that copy
(3-5 s, measured). ``Checkpoints.deferred`` lets such a commit skip it
(``wal_autocheckpoint=0`` on that connection until it commits; the setting is put back before the
connection goes back to the pool), then copies the pages in a thread, on a connection of its
own, while the run goes on; ``settle`` waits for that thread (the runner does, before a run
ends, and ``Store.close``).

What is kept does not change: the commit is in the WAL as before, a checkpoint copies committed
pages only, readers and writers go on meanwhile (a passive checkpoint takes no writer's lock; a
later commit's own checkpoint finds it busy and leaves it), and a checkpoint cut short by a crash
is done again by SQLite when the store is next opened. Nor does durability: with
``synchronous=NORMAL`` a commit is not flushed to disk by itself (after a power loss it may be
undone, whole, as any commit of the store's may be); the checkpoint flushes it, a moment later.
A store that is not a SQLite file in WAL mode commits as ``begin`` does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)


class Checkpoints:
    """The store's checkpoint threads. Several runs may share a store (``sync --all --jobs N``):
    a thread is started and listed under a lock, so that ``settle`` never finds one listed but
    not started, and ``settle`` waits for every one listed."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @contextmanager
    def deferred(self, driver: Any) -> Iterator[None]:
        """Around a transaction on ``driver`` (the DBAPI connection): its commit leaves the
        checkpoint to a thread, started once the block ends without an error."""
        if driver.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            yield
            return
        pages = int(driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        driver.execute("PRAGMA wal_autocheckpoint=0")
        try:
            yield
        finally:
            driver.execute(f"PRAGMA wal_autocheckpoint={pages}")
        self.start()

    def start(self) -> None:
        thread = threading.Thread(target=self._checkpoint, name="arwatch-checkpoint")
        with self._lock:
            thread.start()
            self._threads.append(thread)

    def settle(self) -> None:
        """Wait for the checkpoint threads started so far."""
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join()

    def _checkpoint(self) -> None:
        try:
            with self.engine.connect() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception:  # noqa: BLE001 - SQLite checkpoints again at a later commit or close
            log.warning("the state store's checkpoint did not run; SQLite runs it later", exc_info=True)
