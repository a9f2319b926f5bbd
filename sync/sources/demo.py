"""The demo source: the generated demo company (``arwatch.demo``), written back into the store.

Each pull is the whole generated ledger (``complete``); the cursor names seed and day, so an
unchanged demo pulls nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arwatch.adapters.file.target import StoreTarget
from arwatch.core.contract import ConfigError, Cursor, PullResult
from arwatch.sync.store import Store

DEFAULT_DAY = dt.date(2026, 11, 20)


class DemoSource(StoreTarget):
    name = "demo"
    unavailable: frozenset[str] = frozenset({"orders"})  # the demo company invoices, it has no sale orders

    def __init__(self, company: str, store: Store, seed: int = 7, today: dt.date = DEFAULT_DAY,
                 outbox: Path | None = None):
        super().__init__(store.records_of(company), outbox)
        self.company, self.seed, self.today = company, seed, today
        self.data_day = today  # the generated company is fixed at this day (see contract.data_day)

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        cursor = f"demo:{self.seed}:{self.today.isoformat()}"
        if since == cursor and not full:
            return PullResult(cursor=cursor)
        try:
            from arwatch.demo.company import build_demo_company
        except ImportError:
            raise ConfigError("the demo generator (arwatch.demo.company) is not installed") from None
        data = dict(build_demo_company(seed=self.seed, today=self.today).data)
        return PullResult(records=data, cursor=cursor, complete=True)
