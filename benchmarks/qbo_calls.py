"""Measure the QuickBooks API calls the adapter makes, against the local stand-in.

    .venv/bin/python benchmarks/qbo_calls.py [--sizes 0,999,1000,2500,10000]

For each size N (invoices, and N/10 customers and payments): the calls of a full pull per
entity, the total against the formula ceil(N/1000) per entity + a constant, then the calls of
an incremental run with no change (pull + read_written_state + apply of nothing) and what it
wrote. Measured on the stand-in, not on QuickBooks Online.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from qbo_adapter_fixtures import Kit, save_tokens  # noqa: E402
from qbo_standin import StandIn  # noqa: E402

from arwatch.adapters.quickbooks.streams import ENTITIES  # noqa: E402


def company(standin: StandIn, n: int) -> dict[str, int]:
    customers = max(1, n // 10)
    standin.load(
        customers=[{"DisplayName": f"Customer {i}", "Active": i % 7 != 0} for i in range(customers)],
        invoices=[{"CustomerRef": {"value": str(i % customers + 1)}, "TxnDate": "2023-11-01",
                   "TotalAmt": 100} for i in range(n)],
        payments=[{"CustomerRef": {"value": str(i * 10 % customers + 1)}, "TxnDate": "2023-12-01",
                   "TotalAmt": 100, "Line": [{"Amount": 100, "LinkedTxn": [
                       {"TxnId": str(i * 10 + 1), "TxnType": "Invoice"}]}]}
                  for i in range(n // 10)])
    co = standin.company()
    return {e: len(co.objects[e]) for e in ENTITIES}


def measure(n: int) -> None:
    with StandIn() as standin, tempfile.TemporaryDirectory() as tmp:
        kit = Kit(standin, Path(tmp))
        save_tokens(standin, kit.store)
        sizes = company(standin, n)
        kit.later()
        standin.clear_log()
        source = kit.source()
        result = source.pull(None, full=True)
        source.read_written_state()
        per_entity = Counter(r.entity for r in standin.requests)
        total = len(standin.requests)
        bound = sum(math.ceil(sizes[e] / 1000) for e in ENTITIES) + len(ENTITIES)
        print(f"N={n:>6} invoices: full pull {total:>3} calls "
              f"(<= sum ceil(rows/1000) + {len(ENTITIES)} = {bound}); per entity "
              + ", ".join(f"{e} {sizes[e]} rows: {per_entity[e]}" for e in ENTITIES)
              + f"; {result.count()} records")
        kit.later()
        standin.clear_log()
        again = kit.source()
        delta = again.pull(result.cursor, full=False)
        again.read_written_state()
        list(again.apply([]))
        writes = [r for r in standin.requests if r.operation not in ("query", "cdc")]
        print(f"{'':>16} no-change incremental: {len(standin.requests)} call(s) "
              f"({Counter(r.operation for r in standin.requests)}), {delta.count()} records, "
              f"{len(writes)} writes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,999,1000,2500,10000")
    for n in (int(s) for s in parser.parse_args().sizes.split(",")):
        measure(n)


if __name__ == "__main__":
    main()
