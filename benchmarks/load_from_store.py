"""Benchmark: the frame of a company from its stored snapshot (what ``runner.score_stored`` and a
sync's rerun do before scoring), step by step, in CPU and wall seconds.

    .venv/bin/python benchmarks/load_from_store.py --url sqlite:///DIR/n1000000/state.sqlite3 [--repeat 3]

The path is ``runner.stored_frame``'s (``score_stored``'s). Steps: ``read``
(``SnapshotTable.load``, or ``load_columns`` where there is one: the rows and their payloads
decoded, the invoices' and payments' into columns), ``merge`` (with an empty pull),
``load`` (``load_frame`` without its ``frame_columns``) and ``frame`` (``load_frame.frame_columns``);
for each, the CPU seconds the cyclic garbage collector ran in it ("outside": between steps) and
the process's RSS when it ended. A store is made by ``benchmarks/end_to_end.py --keep-files``
(its company is "bench"). It also prints a digest of the frame's arrays and of the issues, so
two commits can be checked to give the same frame from the same store. Not run in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """The process's resident set now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class Collector:
    """CPU seconds the cyclic garbage collector ran, per step of ``clock`` (``gc.callbacks``)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}
        self.started = 0.0
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = cpu()
        else:
            step = self.clock.current or "outside"
            self.seconds[step] = self.seconds.get(step, 0.0) + cpu() - self.started


class Clock:
    """CPU and wall seconds per step; a step nested in another counts only in the inner one."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.current: str | None = None
        self.peak: dict[str, float] = {}  # MB: the largest RSS seen when a step ended

    def wrap(self, step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            outer, self.current = self.current, step
            c, w = cpu(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dc, dw = cpu() - c, time.perf_counter() - w
                self.cpu[step] = self.cpu.get(step, 0.0) + dc
                self.wall[step] = self.wall.get(step, 0.0) + dw
                if outer is not None:
                    self.cpu[outer] = self.cpu.get(outer, 0.0) - dc
                    self.wall[outer] = self.wall.get(outer, 0.0) - dw
                self.peak[step] = max(self.peak.get(step, 0.0), rss_mb())
                self.current = outer
        return timed


def digest(frame: Any, issues: Any) -> str:
    """A hash of every array of the frame (dtype, shape, values) and of the issues."""
    import dataclasses

    h = hashlib.sha256()
    for f in dataclasses.fields(frame):
        value = getattr(frame, f.name)
        h.update(f.name.encode())
        if isinstance(value, np.ndarray):
            h.update(f"{value.dtype}{value.shape}".encode())
            h.update(value.tobytes() if value.dtype != object else repr(value.tolist()).encode())
        else:
            h.update(repr(value).encode())
    h.update(repr(issues).encode())
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--company", default="bench")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", help="write a cProfile of the last repeat here")
    args = parser.parse_args()

    from arwatch.core import load_frame as load_frame_module
    from arwatch.core.contract import PullResult
    from arwatch.demo.company import DEFAULT_TODAY
    from arwatch.sync import runner
    from arwatch.sync.merge import merge
    from arwatch.sync.store import open_store

    today: dt.date = DEFAULT_TODAY
    clock = Clock()
    collector = Collector(clock)
    store = open_store(args.url)
    store.snapshot.load = clock.wrap("read", store.snapshot.load)  # type: ignore[method-assign]
    if hasattr(store.snapshot, "load_columns"):  # the read of stored_frame since issue 23's load4
        store.snapshot.load_columns = clock.wrap("read", store.snapshot.load_columns)
    merged_of = runner.merge = clock.wrap("merge", merge)  # as runner.stored_frame calls them
    load = runner.load_frame = clock.wrap("load", load_frame_module.load_frame)
    load_frame_module.frame_columns = clock.wrap("frame", load_frame_module.frame_columns)

    def once() -> tuple[Any, Any]:
        if hasattr(runner, "stored_frame"):
            return runner.stored_frame(store, args.company, "file", (), today)
        company, stored = store.snapshot.load(args.company)  # before it (main before issue 23's load3)
        merged = merged_of(company, stored, PullResult(), "file")
        del company, stored
        return load(runner.ledger_data(merged, store, args.company), source="file", as_of=today)

    for k in range(args.repeat):
        clock.cpu.clear()
        clock.wall.clear()
        collector.seconds.clear()
        if args.profile and k == args.repeat - 1:
            import cProfile

            profiler = cProfile.Profile(time.process_time)  # CPU seconds, as the steps
            frame, issues = profiler.runcall(once)
            profiler.dump_stats(args.profile)
        else:
            frame, issues = once()
        steps = "  ".join(f"{s} {clock.cpu[s]:.2f}/{clock.wall[s]:.2f}" for s in ("read", "merge", "load", "frame"))
        print(f"run {k + 1}: cpu/wall s: {steps}  total cpu {sum(clock.cpu.values()):.2f} "
              f"wall {sum(clock.wall.values()):.2f}  load+frame cpu {clock.cpu['load'] + clock.cpu['frame']:.2f}",
              flush=True)
        print("  of it the collector (cpu s): "
              + "  ".join(f"{s} {v:.2f}" for s, v in sorted(collector.seconds.items()))
              + "  rss at the end of each step (MB): "
              + "  ".join(f"{s} {clock.peak.get(s, 0):,.0f}" for s in ("read", "merge", "load", "frame")),
              flush=True)
        del frame, issues
    frame, issues = once()
    print(f"customers {len(frame.c_id):,}, invoices {len(frame.i_id):,}, payments {len(frame.p_id):,}, "
          f"issues {len(issues):,}, digest {digest(frame, issues)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
