"""Intuit's per-company limits: 500 requests per minute and 10 concurrent requests.

One ``CompanyLimits`` per realm is shared by every client of that realm in the process
(``limits_for``). The clock and sleep are injectable so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

REQUESTS_PER_MINUTE = 500
CONCURRENT = 10


class RateLimiter:
    """A sliding one-minute window: the 501st request in 60 s waits for the oldest to age out."""

    def __init__(self, per_minute: int = REQUESTS_PER_MINUTE, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a slot, sleeping while the window is full; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                while self._sent and self._sent[0] <= now - 60.0:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    self._sent.append(now)
                    return waited
                pause = self._sent[0] + 60.0 - now
            self.sleep(pause)
            waited += pause


class CompanyLimits:
    """The rate window and the concurrency cap of one company."""

    def __init__(self, per_minute: int = REQUESTS_PER_MINUTE, concurrent: int = CONCURRENT, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.rate = RateLimiter(per_minute, clock=clock, sleep=sleep)
        self.concurrent = concurrent
        self._slots = threading.BoundedSemaphore(concurrent)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the company's concurrent slots and one request of its minute."""
        with self._slots:
            self.rate.acquire()
            with self._lock:
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1


_registry: dict[str, CompanyLimits] = {}
_registry_lock = threading.Lock()


def limits_for(realm_id: str) -> CompanyLimits:
    """The process-wide limits of ``realm_id`` (created on first use)."""
    with _registry_lock:
        if realm_id not in _registry:
            _registry[realm_id] = CompanyLimits()
        return _registry[realm_id]
