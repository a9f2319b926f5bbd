"""The write journal: an intent is committed before each write and its outcome after.

An intent without an outcome means the run died in between; the next run looks at the target
to tell whether the write happened (``recovered``) or not (``abandoned``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, select, update

from arwatch.core.actions import Change

from .rows import StoreTable
from .schema import journal

INTENT, DONE, FAILED, RECOVERED, ABANDONED = "intent", "done", "failed", "recovered", "abandoned"


class Journal(StoreTable):

    def intend(self, company: str, run_id: str, changes: Sequence[Change]) -> list[int]:
        """Commit one intent per change; returns their ids, in order (one INSERT ... RETURNING
        for the batch)."""
        if not changes:
            return []
        now = self.now()
        rows = [{"company": company, "run_id": run_id, "key": c.key, "op": c.op.value, "change": c.model_dump_json(),
                 "status": INTENT, "created_at": now} for c in changes]
        with self.engine.begin() as conn:
            result = conn.execute(journal.insert().returning(journal.c.id, sort_by_parameter_order=True), rows)
            return [row_id for (row_id,) in result]

    def settle_many(self, conn: Connection, entry_ids: Sequence[int], status: str,
                    external_ids: Sequence[str | None]) -> None:
        from sqlalchemy import bindparam

        conn.execute(update(journal).where(journal.c.id == bindparam("entry_id")).values(
            status=status, external_id=bindparam("ext"), finished_at=self.now()),
            [{"entry_id": i, "ext": e} for i, e in zip(entry_ids, external_ids, strict=False)])

    def settle(self, conn: Connection, entry_id: int, status: str, external_id: str | None = None,
               error: str = "") -> None:
        conn.execute(update(journal).where(journal.c.id == entry_id).values(
            status=status, external_id=external_id, error=error or None, finished_at=self.now()))

    def pending(self, company: str) -> list[tuple[int, str, Change]]:
        """(id, run id, change) of intents without an outcome, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(journal.c.id, journal.c.run_id, journal.c.change).where(and_(
                journal.c.company == company, journal.c.status == INTENT)).order_by(journal.c.id))
            return [(i, run_id, Change.model_validate_json(text)) for i, run_id, text in rows]

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(journal).where(journal.c.company == company).order_by(journal.c.id))
            return [dict(r) for r in rows.mappings()]
