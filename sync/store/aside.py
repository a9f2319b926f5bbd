"""An iterator run in a second thread, its items handed over through a short queue.

A first sync's snapshot rows are made in Python (each payload's JSON and BLAKE2b, holding the
GIL) and stored by SQLite, whose driver lets go of the GIL while SQLite runs a statement
(``sqlite3_step``). ``made_aside`` makes the next items in a thread of their own while the
caller stores the ones before them, so the two overlap on a second core. The caller keeps the
connection: the thread only runs the iterator, which must not touch the database.

The queue holds ``DEPTH`` items, so a few items are in memory at a time. An error raised by the
iterator is raised to the caller where it asks for the next item (the items before it were
handed over; the caller's transaction decides what becomes of them). When the caller stops early
(its statement failed, or it was interrupted), the thread stops after the item it is making
and is joined before the caller's error goes on: no thread outlives the ``with`` block.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
DEPTH = 2  # items made ahead of the caller
_WAIT = 0.05  # seconds between the thread's looks at whether the caller stopped, while the queue is full
_END = object()


class _Raised:
    def __init__(self, error: BaseException):
        self.error = error


@contextmanager
def made_aside(items: Iterable[T], name: str = "arwatch-made-aside") -> Iterator[Iterator[T]]:
    """``with made_aside(items) as made: for item in made: ...``: ``items`` iterated in a thread."""
    handed: queue.Queue[object] = queue.Queue(maxsize=DEPTH)
    stopped = threading.Event()

    def put(item: object) -> bool:
        while not stopped.is_set():
            try:
                handed.put(item, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the caller, raised there
            put(_Raised(error))
            return
        put(_END)

    def take() -> Iterator[T]:
        while (item := handed.get()) is not _END:
            if isinstance(item, _Raised):
                raise item.error
            yield item  # type: ignore[misc]

    thread = threading.Thread(target=make, name=name, daemon=True)
    thread.start()
    try:
        yield take()
    finally:
        stopped.set()
        thread.join()
