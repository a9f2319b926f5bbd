"""run_sync end to end on the file source: writes, reruns, dry run, crashes, locks, failures."""

import csv
import datetime as dt
import gc
import json
import weakref
from collections import Counter
from functools import partial

import pytest
from sqlalchemy import select
from sync_helpers import (
    ALLOW_ENV,
    HOLD_ENV,
    IBM_EXCERPT,
    file_settings,
    run_sync_subprocess,
    simple_planner,
    write_config,
)

from arwatch.core.actions import ApplyResult, Op, Override
from arwatch.core.clock import fixed_clock
from arwatch.core.contract import SourceAdapter, SourceUnreachable
from arwatch.core.policy import Policy
from arwatch.sync import runner
from arwatch.sync.config import load_config, load_secrets
from arwatch.sync.runner import run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import open_store
from arwatch.sync.store.schema import metadata

TODAY = dt.date(2014, 1, 1)


@pytest.fixture
def unpaid_export(tmp_path):
    """The IBM excerpt with every other invoice unpaid (21 overdue on TODAY, one paid later)."""
    rows = list(csv.DictReader(IBM_EXCERPT.open()))
    for i, row in enumerate(rows):
        if i % 2 == 0:
            row["SettledDate"] = ""
    path = tmp_path / "export.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    return path


def overdue_on(path, day):
    """Invoices of the export unpaid on ``day`` and past due: the tasks the planner wants."""
    def parse(text):
        return dt.datetime.strptime(text, "%m/%d/%Y").date() if text else None
    rows = list(csv.DictReader(path.open()))
    return sum(1 for r in rows if parse(r["DueDate"]) < day and (not r["SettledDate"] or parse(r["SettledDate"]) > day))


@pytest.fixture
def setup(tmp_path, unpaid_export):
    config_path = write_config(tmp_path / "arwatch.toml", {"ibm": {"source": "file", "settings": file_settings(
        unpaid_export, tmp_path / "outbox")}})
    config = load_config(config_path)
    store = open_store(tmp_path / "state.sqlite3")
    adapter = make_adapter(config.company("ibm"), config, store, load_secrets(None, {}), fixed_clock(TODAY))
    return config_path, config, store, adapter


def dump(store):
    with store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in metadata.sorted_tables}


def sync(store, adapter, hold=None, **kw):
    return run_sync("ibm", store, adapter, Policy(), TODAY, planner=partial(simple_planner, hold=hold), **kw)


def test_run_sync__writes_flags_holds_tasks_then_a_rerun_changes_nothing(setup, unpaid_export):
    _, _, store, adapter = setup
    assert overdue_on(unpaid_export, TODAY) == 21
    first = sync(store, adapter, hold={"0465-DTULQ", "0688-XNJRO"})
    assert first.status == "ok" and first.scored == 6 and first.pulled == 6 + 40 + 20
    assert first.counts == {"flags": {"created": 6, "updated": 0, "closed": 0},
                            "holds": {"created": 2, "updated": 0, "closed": 0},
                            "tasks": {"created": 21, "updated": 0, "closed": 0}}
    written = store.written.state("ibm")
    assert len(written.tasks) == 21 and {h.customer_id for h in written.holds} == {"0465-DTULQ", "0688-XNJRO"}
    assert len(store.audit.entries("ibm")) == 29
    assert {e["status"] for e in store.journal.entries("ibm")} == {"done"}
    again = sync(store, adapter, hold={"0465-DTULQ", "0688-XNJRO"})
    assert again.changes == () and again.pulled == 0 and len(store.audit.entries("ibm")) == 29
    assert [r["status"] for r in store.runs.entries("ibm")] == ["ok", "ok"]
    worklist = list(csv.DictReader((adapter.outbox / "worklist.csv").open()))
    assert Counter(r["kind"] for r in worklist) == {"flag": 6, "hold": 2, "task": 21}


def test_run_sync__plans_without_garbage_collection_and_restores_it(setup):
    """The plan and its diff are built with the collector paused (all of it lives until the write
    ends); it runs again after the plan, and a caller that paused it itself finds it paused."""
    _, _, store, adapter = setup
    seen = []

    def planner(board, written, policy, today):
        seen.append(gc.isenabled())
        return simple_planner(board, written, policy, today)

    assert gc.isenabled()
    assert run_sync("ibm", store, adapter, Policy(), TODAY, planner=planner).status == "ok"
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        run_sync("ibm", store, adapter, Policy(), TODAY + dt.timedelta(days=1), planner=planner)
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


def test_run_sync__no_collection_between_the_snapshot_read_and_the_merge(setup, monkeypatch):
    """The stored records are read and merged under one pause (``_Heap.kept``): the merge starts
    with the collector still off, so no collection walks the records the read just made."""
    _, _, store, adapter = setup
    seen = []
    merge = runner.merge

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return merge(*args, **kwargs)

    monkeypatch.setattr(runner, "merge", watched)
    assert gc.isenabled()
    assert sync(store, adapter).status == "ok"
    assert seen == [False] and gc.isenabled()


def test_stored_frame__no_collection_from_the_read_to_the_frame_and_the_collector_back_on_after(setup, monkeypatch):
    """``stored_frame`` (``score_stored``'s frame) reads, merges and loads with the collector
    paused, and turns it back on after, also when a step fails; a caller's own pause is left on."""
    _, _, store, adapter = setup
    sync(store, adapter)
    seen = []
    load_frame = runner.load_frame

    def watched(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_stats()[0]["collections"]))
        return load_frame(*args, **kwargs)

    monkeypatch.setattr(runner, "load_frame", watched)
    before = gc.get_stats()[0]["collections"]
    frame, issues = runner.stored_frame(store, "ibm", adapter.name, adapter.unavailable, TODAY)
    assert seen == [(False, before)] and gc.isenabled() and frame.n_customers > 0

    def failing(*args, **kwargs):
        raise RuntimeError("the load failed")

    monkeypatch.setattr(runner, "load_frame", failing)
    with pytest.raises(RuntimeError, match="the load failed"):
        runner.stored_frame(store, "ibm", adapter.name, adapter.unavailable, TODAY)
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError, match="the load failed"):
            runner.stored_frame(store, "ibm", adapter.name, adapter.unavailable, TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_run_sync__releases_holds_and_respects_a_managers_override(setup):
    _, _, store, adapter = setup
    sync(store, adapter, hold={"0465-DTULQ", "0688-XNJRO"})
    store.written.set_override("ibm", Override(customer_id="0688-XNJRO", release_until=TODAY, by="ann",
                                               reason="paid by wire today"))
    later = sync(store, adapter, hold={"0465-DTULQ", "0688-XNJRO"})
    assert [(c.op, c.customer_id) for c in later.changes] == [(Op.RELEASE_HOLD, "0688-XNJRO")]
    release = store.audit.entries("ibm")[-1]
    assert release["op"] == "release_hold" and release["actor"] == "arwatch"
    assert json.loads(release["before"])["customer_id"] == "0688-XNJRO" and release["run_id"] == later.run_id


def test_run_sync__dry_run_prints_the_diff_and_writes_nothing(setup):
    _, _, store, adapter = setup
    sync(store, adapter, hold={"0465-DTULQ"})
    before, outbox_before = dump(store), sorted((p.name, p.read_bytes()) for p in adapter.outbox.iterdir())
    dry = sync(store, adapter, hold={"0688-XNJRO"}, dry_run=True, full=True)
    assert dry.status == "dry_run"
    assert [(c.op, c.customer_id) for c in dry.changes] == [(Op.PLACE_HOLD, "0688-XNJRO"),
                                                            (Op.RELEASE_HOLD, "0465-DTULQ")]
    assert dump(store) == before
    assert sorted((p.name, p.read_bytes()) for p in adapter.outbox.iterdir()) == outbox_before


def test_run_sync__bad_rows_reported_and_the_rest_synced(setup, unpaid_export):
    _, _, store, adapter = setup
    text = unpaid_export.read_text().splitlines()
    text[2] = text[2].replace(text[2].split(",")[5], "someday")
    unpaid_export.write_text("\n".join(text) + "\n")
    summary = sync(store, adapter)
    assert summary.status == "partial" and summary.exit_code == 4
    assert [(i.record_id, i.field) for i in summary.issues] == [("row 3", "DueDate")]
    assert summary.scored == 6 and summary.counts["flags"]["created"] == 6


def test_run_sync__locked_company_is_refused(setup):
    _, _, store, adapter = setup
    store.locks.acquire("ibm", "someone-else")
    summary = sync(store, adapter)
    assert summary.status == "locked" and summary.exit_code == 5 and store.runs.entries("ibm") == []


class _Broken:
    """Wraps the file source; fails every write of a task, or cannot be reached at all."""

    def __init__(self, inner, unreachable=False):
        self.inner, self.unreachable = inner, unreachable
        self.name, self.unavailable = inner.name, inner.unavailable

    def pull(self, since, full):
        if self.unreachable:
            raise SourceUnreachable("connection refused by erp.example.com")
        return self.inner.pull(since, full)

    def read_written_state(self):
        return self.inner.read_written_state()

    def apply(self, changes):
        ok = [c for c in changes if c.op is not Op.OPEN_TASK]
        done = {r.key: r for r in self.inner.apply(ok)}
        return [done.get(c.key) or ApplyResult(key=c.key, op=c.op, ok=False, error="quota exceeded")
                for c in changes]


class _Record(dict):
    """A pulled record the test can watch (a weak reference): gone once nothing holds it."""


class _Watched:
    """Wraps the file source: one pulled customer is a ``_Record``, and whether it is still
    alive when the changes are written is noted."""

    def __init__(self, inner):
        self.inner, self.name, self.unavailable = inner, inner.name, inner.unavailable
        self.watched = None
        self.alive_at_write: list[bool] = []

    def pull(self, since, full):
        pull = self.inner.pull(since, full)
        customers = list(pull.records["customers"])
        customers[0] = _Record(customers[0])
        self.watched = weakref.ref(customers[0])
        return pull.model_copy(update={"records": {**pull.records, "customers": customers}})

    def read_written_state(self):
        return self.inner.read_written_state()

    def apply(self, changes):
        self.alive_at_write.append(self.watched() is not None)
        return self.inner.apply(changes)


def test_run_sync__the_pulled_records_are_let_go_before_the_write_back(setup):
    """Once the snapshot is saved, the pull and the merged records are not held while the
    changes are written (their memory is the write's): the run's figures are kept."""
    _, _, store, adapter = setup
    watched = _Watched(adapter)
    summary = sync(store, watched)
    assert summary.status == "ok" and summary.pulled == 6 + 40 + 20 and summary.changes
    assert watched.alive_at_write and not any(watched.alive_at_write)
    with store.engine.connect() as conn:
        stored = conn.execute(select(metadata.tables["snapshot_records"].c.record_id)).scalars().all()
    assert len(stored) == 6 + 40 + 20  # the watched customer saved with the others


def test_run_sync__failed_writes_are_counted_and_retried_next_run(setup):
    _, _, store, adapter = setup
    summary = sync(store, _Broken(adapter))
    assert summary.status == "partial" and summary.failed == 21 and summary.counts["tasks"]["created"] == 0
    assert summary.failures[0].endswith("quota exceeded")
    retry = sync(store, adapter)
    assert retry.counts["tasks"]["created"] == 21 and retry.status == "ok"


def test_run_sync__unreachable_source_is_its_own_status(setup):
    _, _, store, adapter = setup
    summary = sync(store, _Broken(adapter, unreachable=True))
    assert summary.status == "unreachable" and summary.exit_code == 3 and "connection refused" in summary.error
    assert store.runs.entries("ibm")[0]["status"] == "failed" and store.locks.holder("ibm") is None


def _audit_ops(store):
    return Counter((e["op"], e["key"]) for e in store.audit.entries("ibm"))


@pytest.mark.parametrize("fault", ["before_apply:5", "after_apply:5", "after_apply:1", "after_snapshot:1"])
def test_run_sync__killed_run_is_completed_by_the_next_without_duplicates(setup, tmp_path, fault):
    config_path, _, store, adapter = setup
    env = {HOLD_ENV: "0465-DTULQ,0688-XNJRO,0706-NRGUP"}
    killed = run_sync_subprocess(config_path, str(tmp_path / "state.sqlite3"), "ibm", TODAY,
                                 {**env, "ARWATCH_FAULT": fault})
    assert killed.returncode == 70, killed.stderr
    assert store.locks.holder("ibm") is not None  # the dead run's lock is still there
    rerun = run_sync_subprocess(config_path, str(tmp_path / "state.sqlite3"), "ibm", TODAY, env)
    assert rerun.returncode == 0 and rerun.stdout.split()[0] == "ok", rerun.stderr
    written = store.written.state("ibm")
    assert len(written.flags) == 6 and len(written.tasks) == 21
    assert {h.customer_id for h in written.holds} == {"0465-DTULQ", "0688-XNJRO", "0706-NRGUP"}
    ops = _audit_ops(store)
    assert all(n == 1 for n in ops.values()) and len(ops) == 30  # each write recorded exactly once
    assert "intent" not in {e["status"] for e in store.journal.entries("ibm")}
    assert [r["status"] for r in store.runs.entries("ibm")] == ["interrupted", "ok"]
    assert store.locks.holder("ibm") is None
    if fault == "after_apply:5":  # the 5th write happened; the next run found it and recorded it
        assert int(rerun.stdout.split()[1]) == 1
    assert not sync(store, adapter, hold={"0465-DTULQ", "0688-XNJRO", "0706-NRGUP"}).changes


def test_run_sync__killed_while_releasing_holds_releases_each_once(setup, tmp_path):
    config_path, _, store, adapter = setup
    state = str(tmp_path / "state.sqlite3")
    held = {HOLD_ENV: "0465-DTULQ,0688-XNJRO,0706-NRGUP"}
    assert run_sync_subprocess(config_path, state, "ibm", TODAY, held).returncode == 0
    released = {HOLD_ENV: "", ALLOW_ENV: "1"}  # releasing every hold is a mass change: allowed here
    killed = run_sync_subprocess(config_path, state, "ibm", TODAY, {**released, "ARWATCH_FAULT": "after_apply:2"})
    assert killed.returncode == 70
    assert run_sync_subprocess(config_path, state, "ibm", TODAY, released).returncode == 0
    releases = [e["key"] for e in store.audit.entries("ibm") if e["op"] == "release_hold"]
    assert sorted(releases) == ["hold:0465-DTULQ", "hold:0688-XNJRO", "hold:0706-NRGUP"]
    assert store.written.state("ibm").holds == ()
    changes = [json.loads(line) for line in (adapter.outbox / "changes.jsonl").read_text().splitlines()]
    assert Counter(c["key"] for c in changes if c["op"] == "release_hold") == {k: 1 for k in releases}


def test_contract__demo_source_syncs(tmp_path):
    pytest.importorskip("arwatch.demo.company", reason="the demo generator is merged separately")
    config = load_config(write_config(tmp_path / "c.toml", {"demo": {"source": "demo", "settings": {"seed": 7}}}))
    store = open_store(tmp_path / "s.sqlite3")
    day = dt.date(2026, 11, 20)
    adapter = make_adapter(config.company("demo"), config, store, load_secrets(None, {}), fixed_clock(day))
    assert isinstance(adapter, SourceAdapter)
    summary = run_sync("demo", store, adapter, Policy(), day, planner=simple_planner)
    assert summary.status in ("ok", "partial") and summary.scored > 0 and summary.counts["flags"]["created"] > 0
    assert not run_sync("demo", store, adapter, Policy(), dt.date(2026, 11, 20), planner=simple_planner).changes
