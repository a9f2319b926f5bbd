"""Scoring speed and memory on a synthetic ledger (default: 100,000 customers, 1,000,000
invoices, 1,000,000 payments). Not a test: run it and read the figures.

    .venv/bin/python benchmarks/score_synthetic.py [--customers N --invoices N --payments N]

Reports, separately:
- build: generating the synthetic records (not arwatch's work);
- load: ``load_ledger`` (cross-record checks) + ``LedgerFrame.from_ledger`` (records to columns);
- scoring: cut at today + all 16 indicators + segments + scores, wall time (best of --repeat)
  and peak memory allocated during one run (tracemalloc, numpy included);
- evidence: rendering the explained result (top reasons with evidence) of every customer at
  medium risk or above.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import LEVELS
from arwatch.core.scoring import score
from arwatch.demo.company import DEFAULT_TODAY
from arwatch.demo.synthetic import build_synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = build_synthetic(args.customers, args.invoices, args.payments, seed=1)
    t1 = time.perf_counter()
    ledger, issues = load_ledger(data, source="synthetic")
    del data
    t2 = time.perf_counter()
    frame = LedgerFrame.from_ledger(ledger)
    t3 = time.perf_counter()
    print(f"ledger: {len(ledger.customers):,} customers, {len(ledger.invoices):,} invoices, "
          f"{len(ledger.payments):,} payments, {len(issues)} issues")
    print(f"build (synthetic generator): {t1 - t0:.1f} s")
    print(f"load: load_ledger {t2 - t1:.1f} s + frame {t3 - t2:.1f} s = {t3 - t1:.1f} s")

    gc.collect()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        board = score(frame.as_of_date(DEFAULT_TODAY))
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    board = score(frame.as_of_date(DEFAULT_TODAY))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"scoring (cut + 16 indicators + segments + scores): best {min(times):.2f} s, "
          f"runs {', '.join(f'{t:.2f}' for t in times)} s; peak allocated {peak / 2**20:,.0f} MiB")

    flagged = [int(i) for i in board.ranking() if board.level[i] >= LEVELS.index("medium")]
    start = time.perf_counter()
    for c in flagged:
        board.customer(c)
    print(f"evidence for {len(flagged):,} customers at medium or above: {time.perf_counter() - start:.2f} s")
    counts = {level: int((board.level == i).sum()) for i, level in enumerate(LEVELS)}
    print("levels:", counts)


if __name__ == "__main__":
    main()
