"""Benchmark: the whole path of a file-source sync, stage by stage, at two sizes and on two stores.

    .venv/bin/python benchmarks/end_to_end.py [--sizes 100000 1000000] [--backends sqlite postgresql]
                                              [--workdir DIR] [--keep-files] [--pg-url URL]
                                              [--model chosen|scorecard]

For each size N it writes an invoices CSV (N invoice records, about 2% credit notes, as negative
amounts) and a payments CSV (N payments, one row per allocation) from the shared synthetic
generator (``arwatch.demo.synthetic``, N/10 customers), then, for each store, runs in a fresh
process a first full sync into an empty store and, in another fresh process, a rerun on the same
unchanged files. Each run goes through ``arwatch.sync.runner.run_sync`` with the real planner
(``arwatch.core.planner.plan`` with the built-in templates) and the file source's outbox.

Stages (wall time, CPU time of the process (all its threads) and the peak RSS of the process
while the stage ran, sampled every 5 ms):
  read      the CSV files read into columns (pyarrow; ``adapters/file/columns.py``)
  validate  the columns checked and converted into records, payments netted
  merge     the stored snapshot read back and merged with the pull
  load      ``load_frame`` (records checked in columns, cross-record checks; the frame cut at the day)
  frame     ``load_frame.frame_columns`` (the checked columns to the frame's arrays)
  score     all indicators, segments and scores
  model     the company's model in use: fitted on the first run (a backtest of the company's own
            history, ``sync/model_in_use.py``), read from the store on a rerun
  plan      written state read (journal recovered, mirror reconciled), the plan built and diffed
  snapshot  the snapshot (and cursor) saved to the store
  write     the changes journalled, written to the outbox and recorded, the worklist written

It prints one table per store with both sizes and the ratio of the larger to the smaller, the
machine's load average before and after (the machine is shared: read figures with it), and
how many snapshot rows each run wrote. Not run in tests: no test ever asserts a duration.

PostgreSQL: ``--pg-url`` (default ``$ARWATCH_TEST_PG_URL`` or local trust auth, as the tests);
a database ``arwatch_bench`` (``--pg-db``) is dropped and created there for each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("read", "validate", "merge", "load", "frame", "score", "model", "plan", "snapshot", "write")
DEFAULT_PG = os.environ.get("ARWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "arwatch_bench"


# ---------------------------------------------------------------- the files


def write_files(folder: Path, n: int) -> tuple[Path, Path, dt.date]:
    """invoices.csv and payments.csv of ``n`` invoices and ``n`` payments; returns their day."""
    from arwatch.demo.company import DEFAULT_TODAY
    from arwatch.demo.synthetic import build_synthetic
    from arwatch.demo.synthetic.export import write_export

    write_export(folder, build_synthetic(max(n // 10, 1), n, n, seed=1))
    return folder / "invoices.csv", folder / "payments.csv", DEFAULT_TODAY


def settings(folder: Path) -> dict[str, Any]:
    from arwatch.demo.synthetic.export import export_settings

    return export_settings(folder)


# ---------------------------------------------------------------- measuring


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Stages:
    """Wall and CPU time per stage and the peak RSS seen while it ran (a thread samples /proc).
    The CPU time is the process's (``time.process_time``: every thread, this sampler's too)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.cpu: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.peaks: dict[str, int] = dict.fromkeys(STAGES, 0)
        self.current: str | None = None
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            rss = rss_bytes()
            self.peak = max(self.peak, rss)
            if self.current is not None:
                self.peaks[self.current] = max(self.peaks[self.current], rss)

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            outer, self.current = self.current, stage
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
                self.times[stage] += elapsed
                self.cpu[stage] += cpu
                if outer is not None:
                    self.times[outer] -= elapsed  # nested: counted in the inner stage only
                    self.cpu[outer] -= cpu
                self.peaks[stage] = max(self.peaks[stage], rss_bytes())
                self.current = outer
        return timed

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def instrument(stages: Stages) -> None:
    """Wrap the steps of ``run_sync`` and of the file source in ``stages`` (this process only)."""
    from arwatch.adapters.file import columns, reader, source, target
    from arwatch.core import load_frame
    from arwatch.sync import runner
    from arwatch.sync.store.snapshot import SnapshotTable

    original_rows = reader.Table.rows

    def rows(self: Any, columns: dict[str, str]) -> Any:
        return iter(stages.wrap("read", lambda: list(original_rows(self, columns)))())

    reader.Table.rows = rows  # type: ignore[method-assign]
    source.read_columns = stages.wrap("read", columns.read_columns)
    source.read_mapped = stages.wrap("validate", source.read_mapped)
    runner.merge = stages.wrap("merge", runner.merge)
    SnapshotTable.load = stages.wrap("merge", SnapshotTable.load)  # type: ignore[method-assign]
    runner.load_frame = stages.wrap("load", runner.load_frame)
    load_frame.frame_columns = stages.wrap("frame", load_frame.frame_columns)
    runner.score = stages.wrap("score", runner.score)
    runner.scored = stages.wrap("model", runner.scored)
    runner.diff = stages.wrap("plan", runner.diff)
    runner._with_store = stages.wrap("plan", runner._with_store)
    runner._save_snapshot = stages.wrap("snapshot", runner._save_snapshot)
    runner._apply = stages.wrap("write", runner._apply)
    target.StoreTarget.finish = stages.wrap("write", target.StoreTarget.finish)  # type: ignore[method-assign]
    runner.recover = stages.wrap("plan", runner.recover)
    runner.reconcile = stages.wrap("plan", runner.reconcile)


def snapshot_writes(url: str) -> int:
    """Rows of the snapshot written by the last run (their run_id is the last run's)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        last = conn.execute(text("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")).scalar()
        count = conn.execute(text("SELECT count(*) FROM snapshot_records WHERE run_id = :r"), {"r": last}).scalar()
    engine.dispose()
    return int(count or 0)


def one_run(folder: Path, url: str, today: dt.date, model: str = "chosen") -> dict[str, Any]:
    """One sync in this process, instrumented; its figures as a dict (printed as JSON)."""
    from arwatch.adapters.file import FileMapping, FileSource
    from arwatch.core.policy import Policy
    from arwatch.sync.runner import default_planner, run_sync
    from arwatch.sync.store import open_store

    stages = Stages()
    instrument(stages)
    planner = stages.wrap("plan", default_planner)
    planner.inputs = default_planner.inputs  # type: ignore[attr-defined]  # what it plans with: a rerun may be skipped
    store = open_store(url)
    mapping = FileMapping.model_validate(settings(folder))
    start, start_cpu = time.perf_counter(), time.process_time()
    policy = Policy.model_validate({"model": {"use": model}})
    summary = run_sync("bench", store, FileSource("bench", mapping, store.records_of("bench")), policy, today,
                       planner=planner, guard=None)  # the batch the CLI uses
    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    stages.stop()
    return {"total": total, "total_cpu": total_cpu, "times": stages.times, "cpu": stages.cpu,
            "peaks": stages.peaks, "peak": stages.peak,
            "status": summary.status, "pulled": summary.pulled, "changes": len(summary.changes),
            "issues": len(summary.issues), "snapshot_writes": snapshot_writes(url), "scored": summary.scored,
            "unchanged_since": str(summary.unchanged_since or "")}


# ---------------------------------------------------------------- the driver


def fresh_pg(url: str, name: str = BENCH_DB) -> str:
    """A new empty database ``name`` on the server of ``url``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    bench = make_url(url).set(database=name)
    if bench.drivername == "postgresql":
        bench = bench.set(drivername="postgresql+psycopg")
    return bench.render_as_string(hide_password=False)


def child(folder: Path, url: str, today: dt.date, model: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(folder), "--url", url, "--today", today.isoformat(),
               "--model", model]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def ratio(big: float, small: float) -> str:
    return f"{big / small:5.1f}x" if small > 0.005 else "    -"


def print_table(backend: str, results: dict[tuple[int, str], dict[str, Any]], sizes: list[int]) -> None:
    print(f"\n== {backend} ==")
    for phase in ("first", "rerun"):
        head = "  ".join(f"{f'{n:,} s':>12} {'CPU s':>8} {'MB':>6}" for n in sizes)
        print(f"{phase + ' run':<10} {head}" + ("   ratio s" if len(sizes) == 2 else ""))
        for stage in (*STAGES, "total"):
            cells, secs = [], []
            for n in sizes:
                r = results[(n, phase)]
                t = r["total"] if stage == "total" else r["times"][stage]
                cpu = r.get("total_cpu", 0.0) if stage == "total" else r.get("cpu", {}).get(stage, 0.0)
                peak = r["peak"] if stage == "total" else r["peaks"][stage]
                cells.append(f"{t:12.2f} {cpu:8.2f} {mb(peak):>6}")
                secs.append(t)
            print(f"{stage:<10} {'  '.join(cells)}" + (f"   {ratio(secs[1], secs[0])}" if len(sizes) == 2 else ""))
        for n in sizes:
            r = results[(n, phase)]
            print(f"  {n:,}: status {r['status']}, pulled {r['pulled']:,}, scored {r['scored']:,}, "
                  f"changes {r['changes']:,}, issues {r['issues']:,}, snapshot rows written {r['snapshot_writes']:,}"
                  + (f", nothing changed since the run of {r['unchanged_since']}" if r.get("unchanged_since") else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--pg-db", default=BENCH_DB, help="the database created (dropped first) for each run")
    parser.add_argument("--model", choices=["chosen", "scorecard"], default="chosen",
                        help="the policy's [model] use: chosen (as a sync does: the first run fits the model in use "
                             "by a backtest of the company's history) or scorecard (no fit: the sync path alone)")
    parser.add_argument("--keep-files", action="store_true",
                        help="use the CSV files an earlier run left in --workdir (the same generator and seed)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.url, dt.date.fromisoformat(args.today), args.model)))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="arwatch-e2e-"))
    print(f"load average before: {load_average()}  ({os.cpu_count()} cores)  workdir {work}  "
          f"[model] use = {args.model}")
    results: dict[str, dict[tuple[int, str], dict[str, Any]]] = {b: {} for b in args.backends}
    for n in args.sizes:
        folder = work / f"n{n}"
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        if args.keep_files and (folder / "invoices.csv").exists() and (folder / "payments.csv").exists():
            from arwatch.demo.company import DEFAULT_TODAY as today
            how = "kept from an earlier run"
        else:
            _, _, today = write_files(folder, n)
            how = f"written in {time.perf_counter() - start:.0f} s"
        size = sum(p.stat().st_size for p in folder.glob("*.csv"))
        print(f"{n:,} invoices + {n:,} payments: files {size / 1e6:,.0f} MB {how} (not timed below)", flush=True)
        for backend in args.backends:
            for outbox in (folder / "outbox").glob("*"):
                outbox.unlink()
            if backend == "sqlite":
                db = folder / "state.sqlite3"
                db.unlink(missing_ok=True)
                url = f"sqlite:///{db}"
            else:
                url = fresh_pg(args.pg_url, args.pg_db)
            for phase in ("first", "rerun"):
                r = child(folder, url, today, args.model)
                results[backend][(n, phase)] = r
                print(f"  {backend} {phase}: {r['total']:.1f} s, peak {mb(r['peak'])} MB, load {load_average()}",
                      flush=True)
    for backend in args.backends:
        print_table(backend, results[backend], args.sizes)
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
