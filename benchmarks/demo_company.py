"""Time to build the demo company (Northwind Supplies: about 200 customers over three years).
Not a test: run it and read the figures.

    .venv/bin/python benchmarks/demo_company.py [--seed 11 --repeat 5]

Reports, separately:
- build: ``build_demo_company(seed)``, wall time of each run (best and median of --repeat);
- load: ``load_ledger`` of the built data (the validated ledger ``arwatch demo`` scores), once.

The budget for the build is 2 s. It used to be a test (tests/test_demo_company.py); a duration
depends on the machine and its load, so it is measured here and reported, not asserted.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from arwatch.core.load import load_ledger
from arwatch.demo.company import build_demo_company

BUDGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    times = []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        demo = build_demo_company(args.seed)
        times.append(time.perf_counter() - start)
    data = demo.data
    print(f"demo company (seed {args.seed}, as of {demo.today}): {len(data['customers'])} customers, "
          f"{len(data['invoices']):,} invoices and credit notes, {len(data['payments']):,} payments, "
          f"{len(data['contact_attempts']):,} contact attempts")
    best = min(times)
    print(f"build: best {best:.2f} s, median {statistics.median(times):.2f} s, "
          f"runs {', '.join(f'{t:.2f}' for t in times)} s "
          f"(budget {BUDGET:g} s: {'met' if best < BUDGET else 'NOT met'})")

    start = time.perf_counter()
    _, issues = load_ledger(data, source="demo", unavailable=("orders",))
    print(f"load: load_ledger {time.perf_counter() - start:.2f} s, {len(issues)} issues")


if __name__ == "__main__":
    main()
