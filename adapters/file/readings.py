"""What the date and number guessers share: where two ways of reading the same cells disagree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def first_disagreement(one: Sequence[T | None], other: Sequence[T | None]) -> tuple[int, T, T] | None:
    """``(cell index, one's value, other's value)`` of the first cell both read, differently."""
    for i, (a, b) in enumerate(zip(one, other, strict=True)):
        if a is not None and b is not None and a != b:
            return i, a, b
    return None
