"""RPC calls and time of a full pull and of a no-change incremental run, against a real Odoo.

    ARWATCH_ODOO_URL=... ARWATCH_ODOO_DB=... ARWATCH_ODOO_LOGIN=... ARWATCH_ODOO_KEY=... \\
        python benchmarks/odoo_calls.py [copies ...]

Each size pushes ``copies`` copies of the small test ledger (3 customers, 11 invoices and credit
notes, 5 payments each) into a new company, then measures with ``page_size`` 50: connecting (a
new transport and adapter: version, login, modules, company), the full pull, and two incremental
runs (pull + read of the written state, which is empty) made after the cursor's second has
passed: the first from the full pull's cursor, the second from the first's. The calls of the last
incremental run are listed (model.method), which with the connect calls is a whole no-change
``arwatch sync`` run.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

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


class Logged:
    """The transport, with the (model, method) of each call kept."""

    def __init__(self, inner):
        self.inner, self.log = inner, []
        self.version, self.uid = inner.version, inner.uid

    @property
    def calls(self) -> int:
        return self.inner.calls

    def call(self, model, method, ids=None, **kw):
        self.log.append(f"{model}.{method}")
        return self.inner.call(model, method, ids=ids, **kw)


def measure(transport, url: str, db: str, n: int, login: str, key: str) -> dict[str, float]:
    company = create_company(transport, f"arwatch bench {n} {secrets.token_hex(4)}")
    Loader(transport, company).load(ledger_data(copies(n)))
    fresh = connect(url, db, login, key)
    transport = Logged(fresh)
    adapter = OdooAdapter(transport, OdooSettings(url=url, database=db, login="-", company_ids=(company,),
                                                  page_size=50, overlap_seconds=0), today=TODAY)
    mode = adapter.mode  # its first use reads the installed modules and the companies: connecting
    connect_calls = transport.calls
    start, t0 = transport.calls, time.perf_counter()
    full = adapter.pull(None, True)
    full_calls, full_s = transport.calls - start, time.perf_counter() - t0
    time.sleep(1.1)  # write_date has whole seconds: let the cursor's second pass
    result: dict[str, Any] = {"mode": mode, "connect_calls": connect_calls, "records": full.count(),
                              "full_calls": full_calls, "full_s": round(full_s, 2)}
    cursor = full.cursor
    for run in ("incr", "incr2"):  # the second one reads the overlap window as the first left it
        start, t0 = transport.calls, time.perf_counter()
        transport.log.clear()
        again = adapter.pull(cursor, False)
        pull_calls = transport.calls - start
        written = adapter.read_written_state()
        cursor = again.cursor
        result.update({f"{run}_records": again.count(), f"{run}_pull_calls": pull_calls,
                       f"{run}_calls": transport.calls - start, f"{run}_s": round(time.perf_counter() - t0, 2)})
    result["written"] = len(written.flags) + len(written.tasks)
    result["no_change_calls"] = list(transport.log)
    return result


def main() -> None:
    url, db, login, key = (os.environ[f"ARWATCH_ODOO_{k}"] for k in ("URL", "DB", "LOGIN", "KEY"))
    transport = connect(url, db, login, key)
    print(f"Odoo {transport.version[0]}.{transport.version[1]}")
    for n in [int(a) for a in sys.argv[1:]] or [1, 10]:
        print(n, measure(transport, url, db, n, login, key))


if __name__ == "__main__":
    main()
