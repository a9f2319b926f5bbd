"""The run's heap (``sync/runner.py``): what the pull makes is kept out of the collector's sight
until the run ends, with no collection while it is made; a process that froze objects of its
own is left as it is."""

import gc

import pytest

from arwatch.sync.runner import _Heap


@pytest.fixture
def unfrozen():
    if gc.get_freeze_count():
        pytest.skip("this process froze objects of its own")
    yield
    gc.unfreeze()


def test_heap__the_pull_is_made_without_collections_and_kept_until_the_run_ends(unfrozen):
    collections = gc.get_stats()[0]["collections"]
    with _Heap() as heap:
        with heap.kept():
            assert not gc.isenabled()
            made = [{"record": i} for i in range(50_000)]  # far past the youngest generation's threshold
        assert gc.isenabled()
        assert gc.get_stats()[0]["collections"] == collections
        assert gc.get_freeze_count() >= len(made)
    assert gc.get_freeze_count() == 0


def test_heap__a_process_that_froze_objects_itself_is_left_as_it_is(unfrozen):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with _Heap() as heap:
        with heap.kept():
            assert gc.isenabled()
            made = [{"record": i} for i in range(1000)]
        assert gc.get_freeze_count() <= frozen  # none of the records frozen (frozen objects freed meanwhile leave)
    assert 0 < gc.get_freeze_count() <= frozen and len(made) == 1000  # nor unfrozen at the end


def test_heap__a_pull_that_fails_still_turns_the_collector_back_on(unfrozen):
    with _Heap() as heap, pytest.raises(RuntimeError):
        with heap.kept():
            raise RuntimeError("the source is down")
    assert gc.isenabled()


def test_heap__a_store_target_is_written_without_collections_and_the_collector_is_back_after(tmp_path, unfrozen):
    from arwatch.core.policy import Policy
    from arwatch.demo.company import DEFAULT_TODAY
    from arwatch.sync.planners import TemplatePlanner
    from arwatch.sync.runner import run_sync
    from arwatch.sync.sources.demo import DemoSource
    from arwatch.sync.store import open_store
    from arwatch.sync.store.store import CompanyRecords

    store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    seen: list[bool] = []
    record = CompanyRecords.record

    def watched(self, applied, then):
        seen.append(gc.isenabled())
        record(self, applied, then)

    CompanyRecords.record = watched  # type: ignore[method-assign]
    try:
        source = DemoSource("demo", store, today=DEFAULT_TODAY, outbox=tmp_path / "outbox")
        summary = run_sync("demo", store, source, Policy(), DEFAULT_TODAY, planner=TemplatePlanner(), guard=None,
                           batch_size=40)
    finally:
        CompanyRecords.record = record  # type: ignore[method-assign]
        store.close()
    assert summary.status == "ok", summary.error
    assert len(seen) > 1 and not any(seen), "each batch written with the collector paused"
    assert gc.isenabled()
    assert (tmp_path / "outbox" / "worklist.json").exists()
