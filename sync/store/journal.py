"""The write journal: an intent is committed before each write and its outcome after.

An intent without an outcome means the run died in between; the next run looks at the target
to tell whether the write happened (``recovered``) or not (``abandoned``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import BigInteger, Connection, and_, bindparam, select, update
from sqlalchemy.sql.elements import ColumnElement

from arwatch.core.actions import Change

from .rows import OP_TEXT, StoreTable, model_json
from .schema import journal
from .written import among, insert_many

INTENT, DONE, FAILED, RECOVERED, ABANDONED = "intent", "done", "failed", "recovered", "abandoned"
INTENT_COLUMNS = ("company", "run_id", "key", "op", "change", "status", "created_at")  # an intent's row
IDS_PER_STATEMENT = 500  # ids bound in one ``IN (...)``: far below any backend's limit on parameters


class _NotInOrder(Exception):
    """The intents just inserted did not read back as the batch, in order (never expected)."""


def _id_sets(conn: Connection, ids: Sequence[int]) -> Iterator[tuple[ColumnElement[bool], dict[str, Any]]]:
    """The conditions (and their parameters) that select exactly the entries ``ids``: a range
    when the ids are consecutive (as a batch's intents are), one array on PostgreSQL, else
    ``IDS_PER_STATEMENT`` at a time."""
    if not ids:
        return
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids) == len(set(ids)):
        yield journal.c.id.between(bindparam("low"), bindparam("high")), {"low": low, "high": high}
        return
    if conn.dialect.name == "postgresql":
        yield among(conn, journal.c.id, "ids", BigInteger), {"ids": list(ids)}
        return
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield among(conn, journal.c.id, "ids", BigInteger), {"ids": list(ids[start:start + IDS_PER_STATEMENT])}


class Journal(StoreTable):

    def intend(self, company: str, run_id: str, changes: Sequence[Change]) -> list[int]:
        """Commit one intent per change; returns their ids, in order.

        The batch is inserted at once (``insert_many``: SQLite's ``executemany``, PostgreSQL's
        ``COPY``) and its ids read back in the same transaction: the run's open intents by id,
        whose last ``len(changes)`` are this batch's (ids grow with each row inserted in a
        transaction, and the run id is this run's alone); their
        keys are checked against the batch's, in order. Should they ever differ, the transaction
        is rolled back and the batch inserted again with ``INSERT ... RETURNING``, which SQLite
        runs one row at a time when the ids must come back in order.
        """
        if not changes:
            return []
        now = self.now()
        rows = [(company, run_id, c.key, OP_TEXT[c.op], model_json(c, keep=False), INTENT, now) for c in changes]
        keys = [c.key for c in changes]
        try:
            with self.engine.begin() as conn:
                insert_many(conn, journal, INTENT_COLUMNS, rows)
                found = conn.execute(select(journal.c.id, journal.c.key).where(and_(
                    journal.c.company == company, journal.c.run_id == run_id, journal.c.status == INTENT))
                    .order_by(journal.c.id)).all()[-len(rows):]
                if [key for _, key in found] != keys:
                    raise _NotInOrder
                return [row_id for row_id, _ in found]
        except _NotInOrder:
            pass
        with self.engine.begin() as conn:
            result = conn.execute(journal.insert().returning(journal.c.id, sort_by_parameter_order=True),
                                  [dict(zip(INTENT_COLUMNS, row, strict=True)) for row in rows])
            return [row_id for (row_id,) in result]

    def settle_many(self, conn: Connection, entry_ids: Sequence[int], status: str,
                    external_ids: Sequence[str | None], keys: Sequence[str] | None = None) -> None:
        """Settle the entries ``entry_ids`` with ``status`` and their external ids. With ``keys``
        (the entries' keys, in the same order), the entries whose external id is their key (as
        a file target's are) are settled by one UPDATE of a range of ids, or of a list
        (``_id_sets``), the others one by one."""
        now = self.now()
        named = list(zip(entry_ids, external_ids, strict=False))
        if keys is not None:
            by_key = [i for (i, e), k in zip(named, keys, strict=True) if e == k]
            named = [(i, e) for (i, e), k in zip(named, keys, strict=True) if e != k]
            same = update(journal).values(status=status, external_id=journal.c.key, finished_at=now)
            for part in _id_sets(conn, by_key):
                conn.execute(same.where(part[0]), part[1])
        if named:
            conn.execute(update(journal).where(journal.c.id == bindparam("entry_id")).values(
                status=status, external_id=bindparam("ext"), finished_at=now),
                [{"entry_id": i, "ext": e} for i, e in named])

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
