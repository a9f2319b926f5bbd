"""What the adapters of one Odoo database share in this process (``SharedWrites.of(url, db)``).

A customer without company is shared by the companies of a database, and so are its one risk
tag and its one sales warning; the "Risk: <level>" tags are the database's too. A flag or hold
write reads the customer (its tag, its warning, the other companies' notes) and then writes the
tag or the whole warning back: Odoo has no compare-and-set for a standard field, so a second
company's write landing in between would be undone (``writeback``). Two arwatch companies of
one database are synced at once by ``arwatch sync --all`` (threads of one process), so:

- ``holding(customer)``: a lock per customer, held by a flag or hold write from its first read
  of the customer to its last write; a second company's write waits, then reads what the first
  wrote;
- ``creating_tag(name)``: one company at a time creates a risk tag; a tag another adapter of
  this process created since this one read the tags is read again from Odoo (``Lookups``)
  instead of being created twice.

Runs in separate processes (``arwatch sync --jobs``, two schedulers) or on separate machines
share none of this: there the window stays (see the README).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar


class SharedWrites:
    """Locks of one Odoo database for this process's adapters (``of``); a fresh one is private."""

    _databases: ClassVar[dict[tuple[str, str], SharedWrites]] = {}
    _registry_guard: ClassVar[threading.Lock] = threading.Lock()

    #: customers share locks by stripe: a bounded set however many customers a long-lived process
    #: (a Celery worker) writes; two customers of one stripe only wait for each other's write
    STRIPES = 256

    def __init__(self) -> None:
        self._locks = tuple(threading.Lock() for _ in range(self.STRIPES))
        self._tag_lock = threading.Lock()
        self.created_tags: set[str] = set()  # risk tag names created by this process's adapters

    @classmethod
    def of(cls, url: str, database: str) -> SharedWrites:
        """The one ``SharedWrites`` of database ``database`` at ``url`` in this process."""
        key = (url.strip().rstrip("/").lower(), database)
        with cls._registry_guard:
            return cls._databases.setdefault(key, cls())

    def _lock(self, customer_id: str) -> threading.Lock:
        return self._locks[zlib.crc32(customer_id.encode()) % self.STRIPES]

    @contextmanager
    def holding(self, customer_id: str) -> Iterator[None]:
        """The customer's lock, for one write from its first read to its last write."""
        with self._lock(customer_id):
            yield

    @contextmanager
    def creating_tag(self) -> Iterator[set[str]]:
        """One risk-tag creation at a time; yields the names created in this process so far."""
        with self._tag_lock:
            yield self.created_tags
