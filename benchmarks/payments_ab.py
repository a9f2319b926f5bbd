"""Benchmark: the payments' checks and the netting of two checkouts, one after the other in one process.

    .venv/bin/python benchmarks/payments_ab.py --workdir DIR --other ../wt-main [--size 1000000] [--rounds 3]

Reads DIR/nN/invoices.csv and payments.csv (``end_to_end.py --workdir DIR`` writes them) once,
checks the invoices once, then, ``--rounds`` times, runs ``bulk_payments`` and ``netting.net``
of the checkout at ``--other`` (its ``adapters/file/bulk.py`` and ``netting.py`` loaded beside
this one's) and of this checkout, alternately on the same columns, and prints each one's CPU
time (the machine is shared: CPU time moves less with the load than wall time, and
alternating in one process puts both under the same load) and, on the first round, a hash of
the netted payments (the two must be equal).

Not run in tests: no test ever asserts a duration.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import inspect
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from end_to_end import load_average, settings, write_files  # noqa: E402


def _load(name: str, path: Path) -> ModuleType:
    """``path`` as the module ``arwatch.adapters.file.<name>`` (its relative imports are this checkout's)."""
    spec = importlib.util.spec_from_file_location(f"arwatch.adapters.file.{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--other", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from arwatch.adapters.file import FileMapping, bulk, netting
    from arwatch.adapters.file.convert import Rejected
    from arwatch.adapters.file.source import _by_id, _columns, _invoices_only

    other_bulk = _load("other_bulk", args.other / "adapters/file/bulk.py")
    other_netting = _load("other_netting", args.other / "adapters/file/netting.py")
    folder = args.workdir / f"n{args.size}"
    folder.mkdir(parents=True, exist_ok=True)
    if not ((folder / "invoices.csv").exists() and (folder / "payments.csv").exists()):
        write_files(folder, args.size)
    mapping = FileMapping.model_validate(settings(folder))
    assert mapping.payments is not None and mapping.payment_columns is not None
    gc.disable()  # as read_mapped runs
    cols, table, formats, _ = _columns(mapping.invoices, mapping, mapping.columns.mapped(), "invoice")
    records, _, paid = bulk.bulk_invoices(cols, mapping, table.name, False, Rejected(), formats)
    del cols
    by_id = _by_id(records["invoices"])
    invoices = _invoices_only(by_id, records["invoices"])
    pay_cols, pay_table, pay_formats, _ = _columns(mapping.payments, mapping, mapping.payment_columns.mapped(),
                                                   "payment")

    def run(bulk_module: ModuleType, netting_module: ModuleType) -> tuple[float, float, Any]:
        start = time.process_time()
        made = bulk_module.bulk_payments(pay_cols, mapping, pay_table.name, invoices, Rejected(), pay_formats)
        checked = time.process_time()
        extra = {"named": made[2]} if len(made) > 2 and "named" in inspect.signature(netting_module.net).parameters \
            else {}
        netted = netting_module.net(records["invoices"], made[0], paid, by_id=by_id, **extra)
        return checked - start, time.process_time() - checked, netted

    print(f"load average before: {load_average()}; {args.size:,} invoices + {args.size:,} payments; CPU s")
    for round_ in range(args.rounds):
        for label, modules in (("other", (other_bulk, other_netting)), ("this", (bulk, netting))):
            payments_s, netting_s, netted = run(*modules)
            digest = hashlib.sha256(json.dumps(netted).encode()).hexdigest()[:12] if round_ == 0 else ""
            del netted
            gc.collect()
            both = payments_s + netting_s
            print(f"{label:<6} bulk_payments {payments_s:6.2f}  net {netting_s:6.2f}  both {both:6.2f}  {digest}",
                  flush=True)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
