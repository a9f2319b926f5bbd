"""The one retry policy of both transports: timeouts, connection resets and 5xx only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .errors import Retriable

T = TypeVar("T")


def retrying(attempts: int, wait: float) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Retry on ``Retriable`` up to ``attempts`` times, ``wait`` s doubling (max 30 s); the last
    ``Retriable`` is raised again as is (its message names what failed)."""
    return retry(retry=retry_if_exception_type(Retriable), stop=stop_after_attempt(max(1, attempts)),
                 wait=wait_exponential(multiplier=wait, max=30) if wait > 0 else wait_exponential(0, 0, 0),
                 reraise=True)


def call_with_retries(fn: Callable[..., T], attempts: int, wait: float, *args: Any, **kwargs: Any) -> T:
    return retrying(attempts, wait)(fn)(*args, **kwargs)
