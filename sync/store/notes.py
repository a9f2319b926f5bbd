"""The collector_notes table: lines of the collector-note syntax recorded with ``arwatch record``.

A line is kept as written and read again (``arwatch.core.notes``) whenever the ledger is loaded,
so the store holds what the collector said, not one reading of it. Each one added is audited
(op ``record``, key ``note:<id>``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select

from .rows import StoreTable, dumps
from .schema import audit, collector_notes


@dataclass(frozen=True)
class StoredNote:
    id: int
    customer_id: str
    on: dt.date
    text: str
    by: str


class NotesTable(StoreTable):

    def add(self, company: str, customer_id: str, on: dt.date, text: str, by: str,
            actor: str | None = None) -> StoredNote:
        """Record one line (already read without a problem by the caller) and audit it: by
        ``actor`` (who ran the command, ``arwatch.commands.who.actor``), else ``by``."""
        at = self.now()
        with self.engine.begin() as conn:
            key = conn.execute(insert(collector_notes).values(
                company=company, customer_id=customer_id, on=on, text=text, by=by, created_at=at)
            ).inserted_primary_key
            assert key is not None
            note_id = key[0]
            conn.execute(insert(audit).values(
                company=company, at=at, actor=actor or by, op="record", key=f"note:{note_id}", customer_id=customer_id,
                before=None, after=dumps({"on": on, "text": text}), why=f"recorded: {text}", run_id=None,
                external_id=None))
        return StoredNote(int(note_id), customer_id, on, text, by)

    def load(self, company: str, customer_id: str | None = None) -> list[StoredNote]:
        """The company's notes (one customer's when given), in the order recorded."""
        query = select(collector_notes).where(collector_notes.c.company == company)
        if customer_id is not None:
            query = query.where(collector_notes.c.customer_id == customer_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(collector_notes.c.id)).mappings().all()
        return [StoredNote(int(r["id"]), r["customer_id"], r["on"], r["text"], r["by"]) for r in rows]

    def records(self, company: str) -> list[dict[str, object]]:
        """The company's notes as raw ``CollectorNote`` records (``load_ledger``'s "notes")."""
        return [{"id": f"rec:{n.id}", "customer_id": n.customer_id, "on": n.on, "text": n.text,
                 "source": "arwatch record"} for n in self.load(company)]
