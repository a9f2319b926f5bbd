"""Benchmark: a full sync of a synthetic N-invoice CSV through the file source.

    python benchmarks/sync_file_source.py --invoices 1000000 [--customers 20000] [--workdir DIR]

Generates the CSV with numpy (IBM sample's columns; every invoice settled or open), syncs it
into a fresh SQLite store with a planner that flags every customer and opens a task per
overdue invoice, and reports wall time per step and peak memory (ru_maxrss). Not run in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sync_helpers import IBM_COLUMNS, simple_planner  # noqa: E402

from arwatch.adapters.file import FileMapping, FileSource  # noqa: E402
from arwatch.core.policy import Policy  # noqa: E402
from arwatch.sync.runner import run_sync  # noqa: E402
from arwatch.sync.store import open_store  # noqa: E402

TODAY = dt.date(2014, 1, 1)


def generate(path: Path, n: int, customers: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    cust = rng.integers(0, customers, n)
    issue = rng.integers(0, 720, n)
    due = issue + 30
    late = np.where(rng.random(n) < 0.35, rng.integers(1, 40, n), 0)
    settle = due - rng.integers(0, 25, n) + late
    open_ = rng.random(n) < 0.05
    amount = np.round(rng.gamma(2.0, 40.0, n) + 5, 2)
    iso = lambda d: (np.datetime64("2012-01-01") + d.astype("timedelta64[D]")).astype(str)  # noqa: E731
    with path.open("w") as out:
        out.write("countryCode,customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate\n")
        step = 200_000
        for start in range(0, n, step):
            s = slice(start, start + step)
            cols = [np.full(len(cust[s]), "391"), np.char.add("C", cust[s].astype(str)),
                    np.char.add("INV", np.arange(start, start + len(cust[s])).astype(str)),
                    iso(issue[s]), iso(due[s]), amount[s].astype(str),
                    np.where(rng.random(len(cust[s])) < 0.2, "Yes", "No"),
                    np.where(open_[s], "", iso(settle[s]))]
            rows = cols[0]
            for col in cols[1:]:
                rows = np.char.add(np.char.add(rows, ","), col)
            out.write("\n".join(rows.tolist()) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="arwatch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / "invoices.csv"
    t0 = time.perf_counter()
    generate(csv_path, args.invoices, args.customers)
    t1 = time.perf_counter()
    store = open_store(work / "state.sqlite3")
    mapping = FileMapping.model_validate({"invoices": str(csv_path), "date_format": "yyyy-mm-dd", "currency": "USD",
                                         "columns": {k: v for k, v in IBM_COLUMNS.items()}})
    steps: dict[str, float] = {}

    def progress(desc, total):
        steps[desc] = time.perf_counter()

        class Bar:
            def update(self, n=1):
                pass

            def close(self):
                steps[desc + " (end)"] = time.perf_counter()
        return Bar()

    summary = run_sync("bench", store, FileSource("bench", mapping, store.records_of("bench")), Policy(), TODAY,
                       planner=partial(simple_planner, hold=set()), progress=progress, batch_size=1000)
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"invoices {args.invoices:,}  customers {args.customers:,}  csv {csv_path.stat().st_size / 1e6:.0f} MB")
    print(f"generate {t1 - t0:.1f} s   full sync {t2 - t1:.1f} s   peak RSS {peak_mb:.0f} MB")
    if "write back" in steps:
        print(f"  pull+merge+save+score+plan {steps['write back'] - t1:.1f} s   write back "
              f"{steps['write back (end)'] - steps['write back']:.1f} s")
    print(summary.line())


if __name__ == "__main__":
    main()
