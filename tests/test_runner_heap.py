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
