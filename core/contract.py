"""The adapter contract: what a source adapter implements; the sync engine (``arwatch.sync``)
does everything else. It lives in the core so that adapters depend on the core only.

An adapter pulls raw records (in ``load_ledger``'s shape) and applies changes. It never scores,
plans or diffs. Prior values a change needs for undo (e.g. the payment term a hold replaced)
are whatever the adapter returned in ``ApplyResult.details`` when the key was written; the
store keeps them (``written.details``) and adapters that restore values are built with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.issues import Issue

Cursor = str  # opaque to the runner; only the adapter that made it reads it


class PullResult(BaseModel):
    """What one pull brought.

    Attributes:
      records: raw records by collection ("company" is a single dict or absent), as
        ``load_ledger`` takes them; each is upserted into the snapshot by its id.
      deletions: ids removed at the source, by collection.
      cursor: where the next incremental pull starts.
      complete: the records are everything the source has (a whole-file export, a full
        pull): records of the snapshot absent from them are dropped.
      complete_collections: collections sent whole even in an incremental pull (small ones
        read entirely every run): their stored records absent from the pull are dropped.
      issues: problems found while reading (bad rows); the other records go on.
      rejected: ids of records the source has but could not read (their rows are among
        ``issues``), by collection: a complete pull keeps their stored version, never drops it.
      unidentified: collections with a rejected row whose id could not be read: a complete pull
        drops none of their stored records (it cannot tell which one that row was).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    records: dict[str, Any] = Field(default_factory=dict)
    deletions: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    cursor: Cursor | None = None
    complete: bool = False
    complete_collections: frozenset[str] = frozenset()
    issues: tuple[Issue, ...] = ()
    rejected: dict[str, frozenset[str]] = Field(default_factory=dict)
    unidentified: frozenset[str] = frozenset()

    def count(self) -> int:
        return sum(len(v) for k, v in self.records.items() if k != "company")


@runtime_checkable
class SourceAdapter(Protocol):
    """A company's accounting system as the runner sees it."""

    name: str
    unavailable: frozenset[str]

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        """Records changed since ``since`` (everything when ``full`` or ``since`` is None)."""
        ...

    def read_written_state(self) -> WrittenState:
        """Flags, holds and open tasks as they are in the target system now."""
        ...

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        """Write ``changes``; one result per change, in order. Failures are results, not raises."""
        ...


class NoteAnswer(BaseModel):
    """A line arwatch wrote into the source under a collector's note it could not read
    ("arwatch could not read this: expected ..."): a write-back like a flag or a task, audited.

    Attributes:
      key: stable per answer (the note and the lines answered): the audit keeps one entry a key.
      customer_id: the customer the note is about.
      note_id: the note answered, as the source names it.
      text: what arwatch wrote.
      external_id: the answer's own id in the source, where it has one.
    """

    model_config = ConfigDict(frozen=True)

    key: str
    customer_id: str
    note_id: str
    text: str
    external_id: str | None = None


@runtime_checkable
class FinishingAdapter(Protocol):
    """Optional: called once after the writes of a run (e.g. to render a worklist file, or to
    answer the collectors' notes it could not read: those answers are returned, to be audited)."""

    def finish(self, written: WrittenState) -> Sequence[NoteAnswer] | None: ...


class WrittenRecords(Protocol):
    """What arwatch wrote for one company whose source cannot be written into (a file export, the
    demo): kept by the sync engine's state store (``Store.records_of(company)``)."""

    def state(self) -> WrittenState:
        """Flags, holds and open tasks as recorded."""
        ...

    def record(self, applied: Sequence[tuple[Change, ApplyResult]], then: Callable[[], None]) -> None:
        """Record ``applied`` in one transaction; ``then`` runs inside it, before the commit (a
        failure there records nothing)."""
        ...


class AdapterMemory(Protocol):
    """A source adapter's own small state (what it observed in and wrote to its system, its own
    position there), kept by the engine beside the company's cursor: one place for a company's
    sync state (``Store.memory_of(company, adapter)``)."""

    def load(self) -> dict[str, Any] | None:
        """What was saved last, or None."""
        ...

    def save(self, data: dict[str, Any]) -> None:
        """Replace what is kept with ``data`` (JSON-able)."""
        ...


def data_day(adapter: object) -> dt.date | None:
    """The day a source's data is fixed at (``data_day``; the generated demo company), if any:
    a run given no ``--as-of`` plans for that day rather than for the calendar's."""
    return getattr(adapter, "data_day", None)


def writes_back(adapter: object) -> bool:
    """False for a source that writes its own flags, holds and tasks (``writes_back = False``,
    e.g. Odoo with the arwatch add-on, which scores inside Odoo): the runner then pulls and
    scores for reports and backtests but never reads the written state or writes, so that the
    target has a single writer."""
    return bool(getattr(adapter, "writes_back", True))


class SyncError(Exception):
    """Base of errors that stop one company's run."""


class SourceUnreachable(SyncError):
    """The source could not be reached or refused the login (exit code 3)."""


class ConfigError(SyncError):
    """The configuration, mapping or secrets are wrong (exit code 2)."""


class MassChange(SyncError):
    """The run would change too much at once (``arwatch.sync.guard``), or its export is empty:
    stopped before writing anything (exit code 6)."""
