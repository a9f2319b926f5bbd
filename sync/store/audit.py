"""The append-only audit log: who, what, when and why for every flag, hold and task change.

Code only ever inserts; the migration adds triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from arwatch.core.actions import Change

from .rows import now
from .schema import audit
from .written import item_of


class AuditLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def append(self, conn: Connection, company: str, change: Change, actor: str, run_id: str | None,
               external_id: str | None = None, why: str | None = None) -> None:
        after = item_of(change)
        conn.execute(audit.insert().values(
            company=company, at=now(), actor=actor, op=change.op.value, key=change.key,
            customer_id=change.customer_id,
            before=change.before.model_dump_json() if change.before else None,
            after=after.model_dump_json() if after else None,
            why=why if why is not None else change.why, run_id=run_id, external_id=external_id))

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).where(audit.c.company == company).order_by(audit.c.id))
            return [dict(r) for r in rows.mappings()]
