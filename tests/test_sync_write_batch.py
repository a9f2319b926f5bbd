"""The write batch a sync uses when its caller names none: the adapter's own (``write_batch``).

A target that is the state store itself (the file and demo sources) takes thousands of changes
per batch (each batch is a commit and an fsync); an adapter that declares nothing, 50.
"""

from __future__ import annotations

from pathlib import Path

from arwatch.adapters.file.target import StoreTarget
from arwatch.core.policy import Policy
from arwatch.demo.company import DEFAULT_TODAY
from arwatch.sync.planners import TemplatePlanner
from arwatch.sync.runner import WRITE_BATCH, run_sync, write_batch_of
from arwatch.sync.sources.demo import DemoSource
from arwatch.sync.store import open_store


def _batches(tmp_path: Path, batch_size: int | None) -> tuple[list[int], int]:
    """The sizes of the batches journalled by a first demo sync, and the changes it made."""
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    sizes: list[int] = []
    intend = store.journal.intend

    def counting(company, run_id, batch):
        sizes.append(len(batch))
        return intend(company, run_id, batch)

    store.journal.intend = counting  # type: ignore[method-assign]
    try:
        source = DemoSource("demo", store, today=DEFAULT_TODAY, outbox=tmp_path / "outbox")
        summary = run_sync("demo", store, source, Policy(), DEFAULT_TODAY, planner=TemplatePlanner(),
                           batch_size=batch_size, guard=None)
    finally:
        store.close()
    assert summary.status == "ok", summary.error
    return sizes, len(summary.changes)


def test_store_target_writes_in_its_own_large_batches(tmp_path):
    sizes, changes = _batches(tmp_path, None)
    assert changes > WRITE_BATCH, "the demo's first sync makes more changes than a default batch"
    assert sizes == [changes], "one batch: the store target's batch is larger than the demo's changes"
    assert StoreTarget.write_batch > changes


def test_a_named_batch_size_still_wins(tmp_path):
    sizes, changes = _batches(tmp_path, 7)
    assert sum(sizes) == changes
    assert max(sizes) == 7 and len(sizes) == -(-changes // 7)


class _Remote:
    """An adapter that declares no batch of its own."""


class _Odd:
    write_batch = 0


def test_adapters_without_a_valid_write_batch_get_the_default():
    assert write_batch_of(_Remote()) == WRITE_BATCH == 50
    assert write_batch_of(_Odd()) == WRITE_BATCH
    assert write_batch_of(StoreTarget.__new__(StoreTarget)) == StoreTarget.write_batch


