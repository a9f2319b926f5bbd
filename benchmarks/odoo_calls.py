"""RPC calls and time of a full pull and of a no-change incremental run, against a real Odoo.

    ARWATCH_ODOO_URL=... ARWATCH_ODOO_DB=... ARWATCH_ODOO_LOGIN=... ARWATCH_ODOO_KEY=... \\
        python benchmarks/odoo_calls.py [copies ...]

Each size pushes ``copies`` copies of the small test ledger (3 customers, 11 invoices and credit
notes, 5 payments each) into a new company, then measures with ``page_size`` 50: the full pull,
and two incremental runs (pull + read of the written state, which is empty) made after the
cursor's second has passed: the first from the full pull's cursor, the second from the first's.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ledgers import ledger_data  # noqa: E402
from odoo_demo_ledger import LEDGER, TODAY  # noqa: E402
from odoo_demo_loader import Loader, create_company  # noqa: E402

from arwatch.adapters.odoo import OdooAdapter, OdooSettings, connect  # noqa: E402


def copies(n: int) -> str:
    parts = []
    for k in range(n):
        text = re.sub(r"\bc(\d)\b", rf"c\g<1>r{k}", LEDGER)
        text = re.sub(r"\b(R?)([ABC])-", rf"\g<1>\g<2>{k}-", text)
        parts.append(text)
    return "\n".join(parts)


def measure(transport, url: str, db: str, n: int) -> dict[str, float]:
    company = create_company(transport, f"arwatch bench {n} {int(time.time())}")
    Loader(transport, company).load(ledger_data(copies(n)))
    adapter = OdooAdapter(transport, OdooSettings(url=url, database=db, login="-", company_ids=(company,),
                                                  page_size=50, overlap_seconds=0), today=TODAY)
    start, t0 = transport.calls, time.perf_counter()
    full = adapter.pull(None, True)
    full_calls, full_s = transport.calls - start, time.perf_counter() - t0
    time.sleep(1.1)  # write_date has whole seconds: let the cursor's second pass
    result: dict[str, float] = {"records": full.count(), "full_calls": full_calls, "full_s": round(full_s, 2)}
    cursor = full.cursor
    for run in ("incr", "incr2"):  # the second one reads the overlap window as the first left it
        start, t0 = transport.calls, time.perf_counter()
        again = adapter.pull(cursor, False)
        pull_calls = transport.calls - start
        written = adapter.read_written_state()
        cursor = again.cursor
        result.update({f"{run}_records": again.count(), f"{run}_pull_calls": pull_calls,
                       f"{run}_calls": transport.calls - start, f"{run}_s": round(time.perf_counter() - t0, 2)})
    result["written"] = len(written.flags) + len(written.tasks)
    return result


def main() -> None:
    url, db, login, key = (os.environ[f"ARWATCH_ODOO_{k}"] for k in ("URL", "DB", "LOGIN", "KEY"))
    transport = connect(url, db, login, key)
    print(f"Odoo {transport.version[0]}.{transport.version[1]}")
    for n in [int(a) for a in sys.argv[1:]] or [1, 10]:
        print(n, measure(transport, url, db, n))


if __name__ == "__main__":
    main()
