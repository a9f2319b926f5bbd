"""The append-only audit log: who, what, when and why for every flag, hold and task change, and
for every answer written under a collector's note arwatch could not read (op ``answer``), and
for every hold override a manager sets or ends (ops ``lift`` and ``restore``).

Code only ever inserts; the migration adds triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from arwatch.core.actions import Change, Override
from arwatch.core.contract import NoteAnswer

from .rows import OP_TEXT, StoreTable, model_json
from .schema import audit
from .written import insert_many, item_of

ANSWER_OP = "answer"
LIFT_OP, RESTORE_OP = "lift", "restore"  # a manager's hold override set, ended early
#: the columns of an entry as ``insert_many`` is given them
AUDIT_COLUMNS = ("company", "at", "actor", "op", "key", "customer_id", "before", "after", "why", "run_id",
                 "external_id")


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
        insert_many(conn, audit, AUDIT_COLUMNS, [(
            company, at, actor, OP_TEXT[change.op], change.key, change.customer_id,
            model_json(change.before) if change.before else None,
            model_json(item) if (item := item_of(change)) else None,
            why if why is not None else change.why, run_id, external_id,
        ) for change, external_id in entries])

    def append_override(self, conn: Connection, company: str, op: str, override: Override,
                        before: Override | None, actor: str, why: str) -> None:
        """One entry for a manager's hold override: ``op`` ``lift`` (``override`` set, replacing
        ``before``) or ``restore`` (``override`` ended early); who (``actor``), when, why, until
        (the override's ``release_until``, in ``after`` or ``before``)."""
        insert_many(conn, audit, AUDIT_COLUMNS, [(
            company, self.now(), actor, op, f"override:{override.customer_id}", override.customer_id,
            before.model_dump_json() if before else None, override.model_dump_json() if op == LIFT_OP else None,
            why, None, None)])

    def append_answers(self, company: str, answers: Sequence[NoteAnswer], actor: str, run_id: str | None) -> int:
        """One entry per answer whose key the log does not hold yet (a note answered is audited
        once, whatever reports it again); returns how many were added."""
        wanted = {a.key: a for a in answers}
        if not wanted:
            return 0
        with self.engine.begin() as conn:
            known = set(conn.execute(select(audit.c.key).where(
                audit.c.company == company, audit.c.op == ANSWER_OP, audit.c.key.in_(sorted(wanted)))).scalars())
            fresh = [a for k, a in sorted(wanted.items()) if k not in known]
            if fresh:
                at = self.now()
                conn.execute(audit.insert(), [{
                    "company": company, "at": at, "actor": actor, "op": ANSWER_OP, "key": a.key,
                    "customer_id": a.customer_id, "before": None,
                    "after": a.model_dump_json(include={"note_id", "text"}),
                    "why": f"answered note {a.note_id}, which arwatch could not read", "run_id": run_id,
                    "external_id": a.external_id} for a in fresh])
        return len(fresh)

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).where(audit.c.company == company).order_by(audit.c.id))
            return [dict(r) for r in rows.mappings()]
