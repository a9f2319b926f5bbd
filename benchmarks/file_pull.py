"""Benchmark: the file source's pull (``read_mapped``) part by part, on end_to_end.py's files.

    .venv/bin/python benchmarks/file_pull.py --workdir DIR [--sizes 200000 1000000]

For each size N it reads DIR/nN/invoices.csv and payments.csv (written by ``end_to_end.py
--workdir DIR`` or, when absent, here with the same generator and seed) and prints, for the
whole pull and each part, the wall time and the process's CPU time (the machine is shared: CPU
time moves less with the load), the peak RSS above the process's size before the pull (sampled
every 5 ms) and what is still held once it returned (the pull result). The parts:

  read     the files read into columns (``columns.read_columns``, both files)
  invoices the invoice columns checked and kept (``bulk.bulk_invoices``)
  payments the payment columns checked and grouped (``bulk.bulk_payments``)
  netting  credit notes and payments allocated (``netting.net``)

Not run in tests: no test ever asserts a duration.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from end_to_end import load_average, settings, write_files  # noqa: E402

PARTS = {"read": "read_columns", "invoices": "bulk_invoices", "payments": "bulk_payments", "netting": "net"}


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def one_pull(folder: Path) -> dict[str, Any]:
    from arwatch.adapters.file import FileMapping, source
    from arwatch.adapters.file.convert import Rejected

    wall: dict[str, float] = dict.fromkeys(PARTS, 0.0)
    cpu: dict[str, float] = dict.fromkeys(PARTS, 0.0)

    def timed(part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                wall[part] += time.perf_counter() - start
                cpu[part] += time.process_time() - start_cpu
        return run

    for part, name in PARTS.items():
        setattr(source, name, timed(part, getattr(source, name)))
    mapping = FileMapping.model_validate(settings(folder))
    peak, stop = [0], threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = rss()
    start, start_cpu = time.perf_counter(), time.process_time()
    records, issues, _ = source.read_mapped(mapping, "bench", Rejected())
    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    stop.set()
    sampler.join()
    return {"wall": {**wall, "total": total}, "cpu": {**cpu, "total": total_cpu},
            "peak": max(peak[0], rss()) - before, "held": rss() - before, "issues": len(issues),
            "counts": {k: len(records[k]) for k in ("customers", "invoices", "payments")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        print(json.dumps(one_pull(args.child)))
        return
    import json
    import subprocess

    print(f"load average before: {load_average()}  ({os.cpu_count()} cores)")
    for n in args.sizes:
        folder = args.workdir / f"n{n}"
        folder.mkdir(parents=True, exist_ok=True)
        if not ((folder / "invoices.csv").exists() and (folder / "payments.csv").exists()):
            write_files(folder, n)
        done = subprocess.run([sys.executable, __file__, "--workdir", str(args.workdir), "--child", str(folder)],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\n{n:,} invoices + {n:,} payments: {r['counts']}, {r['issues']} problems, "
              f"peak +{r['peak'] / 2**20:,.0f} MB, held +{r['held'] / 2**20:,.0f} MB, load {load_average()}")
        print(f"{'':<10} {'wall s':>8} {'cpu s':>8}")
        for part in (*PARTS, "total"):
            print(f"{part:<10} {r['wall'][part]:8.2f} {r['cpu'][part]:8.2f}")
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
