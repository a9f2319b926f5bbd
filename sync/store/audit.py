"""The append-only audit log: who, what, when and why for every flag, hold and task change.

Code only ever inserts; the migration adds triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from arwatch.core.actions import Change

from .rows import StoreTable
from .schema import audit
from .written import item_of


class AuditLog(StoreTable):

    def append(self, conn: Connection, company: str, change: Change, actor: str, run_id: str | None,
               external_id: str | None = None, why: str | None = None) -> None:
        self.append_many(conn, company, [(change, external_id)], actor, run_id, why)

    def append_many(self, conn: Connection, company: str, entries: Sequence[tuple[Change, str | None]],
                    actor: str, run_id: str | None, why: str | None = None) -> None:
        """One entry per (change, external id), in order."""
        if not entries:
            return
        at = self.now()
        conn.execute(audit.insert(), [{
            "company": company, "at": at, "actor": actor, "op": change.op.value, "key": change.key,
            "customer_id": change.customer_id,
            "before": change.before.model_dump_json() if change.before else None,
            "after": item_of(change).model_dump_json() if item_of(change) else None,  # type: ignore[union-attr]
            "why": why if why is not None else change.why, "run_id": run_id, "external_id": external_id,
        } for change, external_id in entries])

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).where(audit.c.company == company).order_by(audit.c.id))
            return [dict(r) for r in rows.mappings()]
