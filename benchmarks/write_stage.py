"""Benchmark: the write stage of a first file-source sync, replayed alone (CPU seconds by part).

    .venv/bin/python benchmarks/write_stage.py capture FOLDER CAPTURE
    .venv/bin/python benchmarks/write_stage.py replay CAPTURE WORK [--parts]

``capture`` runs a first sync of FOLDER's ``invoices.csv`` and ``payments.csv`` (the files of
``benchmarks/end_to_end.py --workdir DIR --keep-files``, e.g. DIR/n1000000) into a new store
(FOLDER/capture.sqlite3, removed after) and stops it at the entry of ``runner._apply``: the store
is copied (SQLite's backup) to CAPTURE/state.sqlite3 and the changes pickled to
CAPTURE/changes.pkl. ``replay`` copies that store to WORK (emptied first), takes the run's lock
again and runs ``_apply``, the written state read back and the file target's ``finish`` as the
runner runs them (collector paused, ``models_kept`` where the tree has it), printing the CPU time
of the main thread (``time.thread_time``) and the wall of each, the process's user and system CPU
and the load average, as JSON; ``--parts`` adds the CPU of the journal's, mirror's, audit log's and
outbox's parts. The store and outbox WORK holds after it are a first sync's, for comparing trees.
Run the replay of two trees alternately, each in its own venv, on the same CAPTURE.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import pickle
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

COMPANY = "bench"


class _Captured(Exception):
    """Raised at the entry of ``_apply`` once the store and changes are saved."""


def capture(folder: Path, out: Path) -> None:
    from arwatch.adapters.file import FileMapping, FileSource
    from arwatch.core.policy import Policy
    from arwatch.demo.company import DEFAULT_TODAY
    from arwatch.demo.synthetic.export import export_settings
    from arwatch.sync import runner
    from arwatch.sync.store import open_store

    out.mkdir(parents=True, exist_ok=True)
    db = folder / "capture.sqlite3"
    for path in folder.glob("capture.sqlite3*"):
        path.unlink()
    store = open_store(f"sqlite:///{db}")

    def save(store_: Any, company: str, adapter: Any, changes: Any, run_id: str, actor: str, batch_size: int,
             *_: Any) -> Any:
        store_.settle()
        with sqlite3.connect(db) as source, sqlite3.connect(out / "state.sqlite3") as target:
            source.backup(target)
        with open(out / "changes.pkl", "wb") as handle:
            pickle.dump({"company": company, "changes": list(changes), "run_id": run_id, "actor": actor,
                         "batch_size": batch_size, "today": DEFAULT_TODAY}, handle, protocol=5)
        raise _Captured

    runner._apply = save
    mapping = FileMapping.model_validate(export_settings(folder))
    adapter = FileSource(COMPANY, mapping, store.records_of(COMPANY))
    try:  # ``run_sync`` without its catch-all (it would log the stop as a failed sync)
        runner._run(COMPANY, store, adapter, Policy.model_validate({"model": {"use": "scorecard"}}), DEFAULT_TODAY,
                    False, runner.default_planner, runner.no_progress, runner.write_batch_of(adapter), "arwatch", None)
    except _Captured:
        pass
    finally:
        store.close()
        for path in folder.glob("capture.sqlite3*"):
            path.unlink()
    print(f"captured in {out}" if (out / "changes.pkl").exists() else "not captured: the sync wrote nothing")


def _timed_parts(parts: dict[str, float], store: Any) -> None:
    """Wrap the write stage's parts: CPU seconds of each into ``parts``."""
    from sqlalchemy.engine import base

    from arwatch.adapters.file import target
    from arwatch.sync.store import audit, journal, written

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                parts[label] = parts.get(label, 0.0) + time.thread_time() - start
        setattr(owner, name, timed)

    wrap(journal.Journal, "intend", "journal intents")
    wrap(journal.Journal, "settle_many", "journal settled")
    wrap(written.WrittenTable, "record_many", "mirror")
    wrap(audit.AuditLog, "append_many", "audit log")
    wrap(target.StoreTarget, "_log", "changes.jsonl")
    wrap(base.RootTransaction, "_do_commit", "commits")
    wrap(store.locks, "heartbeat", "lock heartbeat")


def replay(cap: Path, work: Path, with_parts: bool) -> dict[str, Any]:
    from sqlalchemy import text

    from arwatch.adapters.file import FileMapping, FileSource
    from arwatch.demo.synthetic.export import export_settings
    from arwatch.sync import runner
    from arwatch.sync.store import open_store

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copy(cap / "state.sqlite3", work / "state.sqlite3")
    with open(cap / "changes.pkl", "rb") as handle:
        saved = pickle.load(handle)
    store = open_store(f"sqlite:///{work / 'state.sqlite3'}")
    with store.begin() as conn:  # the captured run's lock, taken again by this process
        conn.execute(text("DELETE FROM locks"))
    lock = store.locks.hold(saved["company"], saved["run_id"])
    adapter = FileSource(saved["company"], FileMapping.model_validate(export_settings(work)),
                         store.records_of(saved["company"]))
    parts: dict[str, float] = {}
    if with_parts:
        _timed_parts(parts, store)
    kept = getattr(runner, "models_kept", None)  # a tree without it reads every item back
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu0, times0, wall0 = time.thread_time(), os.times(), time.perf_counter()
    with kept() if kept is not None else contextlib.nullcontext():
        applied, failures = runner._apply(store, saved["company"], adapter, saved["changes"], saved["run_id"],
                                          saved["actor"], saved["batch_size"], runner._NoBar(), lock)
        cpu1, wall1 = time.thread_time(), time.perf_counter()
        state = store.written.state(saved["company"], saved["today"])
        cpu2, wall2 = time.thread_time(), time.perf_counter()
        adapter.finish(state)
        cpu3, wall3, times3 = time.thread_time(), time.perf_counter(), os.times()
    gc.enable()
    lock.release()
    store.close()
    if failures:
        raise SystemExit(f"{len(failures)} changes failed: {failures[:3]}")
    return {"applied": len(applied), "apply_cpu": cpu1 - cpu0, "apply_wall": wall1 - wall0,
            "state_cpu": cpu2 - cpu1, "state_wall": wall2 - wall1, "finish_cpu": cpu3 - cpu2,
            "finish_wall": wall3 - wall2, "total_cpu": cpu3 - cpu0, "total_wall": wall3 - wall0,
            "process_user": times3.user - times0.user, "process_system": times3.system - times0.system,
            "parts": {k: round(v, 3) for k, v in parts.items()}, "load": Path("/proc/loadavg").read_text().split()[:3]}


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "capture":
        capture(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "replay":
        result = replay(Path(sys.argv[2]), Path(sys.argv[3]), "--parts" in sys.argv)
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
