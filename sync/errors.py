"""Errors of the sync engine itself (the adapters' errors are in ``arwatch.core.contract``)."""

from __future__ import annotations

from arwatch.core.contract import SyncError


class Locked(SyncError):
    """Another live run holds the company's lock, or the state store is busy (exit code 5)."""


class LockLost(Locked):
    """This run's lock was taken over by another run: it stops before its next write (exit code 5)."""
