"""Source adapters' own memory (``arwatch.core.contract.AdapterMemory``), per company and adapter."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, and_, select

from arwatch.core.clock import Now

from ..clock import system_now
from .rows import StoreTable, dumps, upsert
from .schema import adapter_state


class AdapterStateTable(StoreTable):
    """Saves of a company in ``dry`` are dropped: a dry run writes nothing anywhere, and, taking
    no lock, would otherwise save after a real run the memory it read before it."""

    def __init__(self, engine: Engine, now: Now = system_now):
        super().__init__(engine, now)
        self._dry: set[str] = set()

    @contextlib.contextmanager
    def dry(self, company: str) -> Iterator[None]:
        self._dry.add(company)
        try:
            yield
        finally:
            self._dry.discard(company)

    def load(self, company: str, adapter: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            payload = conn.execute(select(adapter_state.c.payload).where(
                and_(adapter_state.c.company == company, adapter_state.c.adapter == adapter))).scalar()
        return json.loads(payload) if payload else None

    def save(self, company: str, adapter: str, data: dict[str, Any]) -> None:
        if company in self._dry:
            return
        with self.engine.begin() as conn:
            upsert(conn, adapter_state, [{"company": company, "adapter": adapter, "payload": dumps(data),
                                          "updated_at": self.now()}], ["company", "adapter"])


class CompanyMemory:
    """``AdapterMemory`` of one company's adapter."""

    def __init__(self, table: AdapterStateTable, company: str, adapter: str):
        self.table, self.company, self.adapter = table, company, adapter

    def load(self) -> dict[str, Any] | None:
        return self.table.load(self.company, self.adapter)

    def save(self, data: dict[str, Any]) -> None:
        self.table.save(self.company, self.adapter, data)
