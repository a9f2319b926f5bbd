"""A source that writes its own flags (``writes_back = False``) is pulled and scored, never written."""

import datetime as dt
from functools import partial

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner, write_config

from arwatch.core.clock import fixed_clock
from arwatch.core.contract import writes_back
from arwatch.core.policy import Policy
from arwatch.sync.config import load_config, load_secrets
from arwatch.sync.runner import run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import open_store

TODAY = dt.date(2014, 1, 1)


class ReadOnlySource:
    """The file source as a target that writes itself: reading or writing its state is a bug."""

    writes_back = False

    def __init__(self, inner):
        self.inner, self.name, self.unavailable = inner, inner.name, inner.unavailable

    def pull(self, since, full):
        return self.inner.pull(since, full)

    def read_written_state(self):
        raise AssertionError("the written state of a read-only source was read")

    def apply(self, changes):
        raise AssertionError("a read-only source was written")


@pytest.fixture
def store_and_source(tmp_path):
    path = write_config(tmp_path / "arwatch.toml", {"ibm": {"source": "file", "settings": file_settings(
        IBM_EXCERPT, tmp_path / "outbox")}})
    config = load_config(path)
    store = open_store(tmp_path / "state.sqlite3")
    return store, ReadOnlySource(make_adapter(config.company("ibm"), config, store, load_secrets(None, {}),
                                             fixed_clock(TODAY)))


def _sync(store, source, **kw):
    return run_sync("ibm", store, source, Policy(), TODAY, planner=partial(simple_planner, hold=None), **kw)


def test_writes_back__defaults_to_true_and_reads_the_attribute():
    assert writes_back(object()) is True
    assert writes_back(ReadOnlySource.__new__(ReadOnlySource)) is False


def test_run_sync__read_only_source_is_pulled_and_scored_and_never_written(store_and_source):
    store, source = store_and_source
    summary = _sync(store, source)
    assert summary.status == "ok" and summary.read_only
    assert summary.scored == 6 and summary.pulled == 6 + 40 + 40  # customers, invoices, payments
    assert summary.changes == () and summary.failures == ()
    assert store.snapshot.cursor("ibm") is not None and store.written.state("ibm").flags == ()
    assert store.journal.entries("ibm") == [] and store.audit.entries("ibm") == []
    assert "read-only" in summary.line() and "flags 0 created" not in summary.line()
    assert [r["status"] for r in store.runs.entries("ibm")] == ["ok"]


def test_run_sync__dry_run_of_a_read_only_source_plans_nothing(store_and_source):
    store, source = store_and_source
    dry = _sync(store, source, dry_run=True)
    assert dry.status == "dry_run" and dry.read_only and dry.changes == () and dry.scored == 6
