"""What arwatch has written back, per company and key, with external ids and prior values.

This is the store's mirror of the target; for sources that cannot be written into (a file
export, the demo) it is the target itself. Also the managers' hold overrides, the ladder's
steps after they closed (kind ``done``, see ``actions.remembered``): the planner reads a
customer's position on the ladder from them, and the calls that told a credit hold, from the
day they were opened or closed (kind ``told``, key ``told:<task key>``, see
``actions.told_hold``): the hold notice does not tell a hold twice, however the call closed and
whatever the target forgets. Both are kept ``DONE_KEPT_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, String, Table, and_, any_, bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from arwatch.core.actions import (
    REMEMBERED_DAYS,
    ApplyResult,
    Change,
    Flag,
    Hold,
    Op,
    Override,
    Task,
    WrittenState,
    remembered,
    told_hold,
)

from .bulk import bulk_upsert
from .rows import StoreTable, context_set, copy_rows, dumps, model_json, upsert
from .schema import hold_overrides, written

_KINDS: dict[str, type[Flag | Hold | Task]] = {"flag": Flag, "hold": Hold, "task": Task}
PLACING = {Op.SET_FLAG: "flag", Op.PLACE_HOLD: "hold", Op.OPEN_TASK: "task"}
REMOVING = {Op.CLEAR_FLAG, Op.RELEASE_HOLD, Op.CLOSE_TASK}
DONE = "done"
TOLD = "told"
DONE_KEPT_DAYS = REMEMBERED_DAYS


def among(conn: Connection, column: ColumnElement[Any], name: str, kind: type[TypeEngine[Any]]) -> ColumnElement[bool]:
    """``column IN`` the list bound as ``name`` at execution: on PostgreSQL ``= ANY`` of one array
    parameter (a statement of one bind however long the list, which the driver does not parse
    again bind by bind), elsewhere an expanding ``IN``."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(kind())))
    return column.in_(bindparam(name, expanding=True))


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Append ``rows`` (tuples in the order of ``columns``) to ``table``, in the open transaction:
    on SQLite by ``executemany``, on PostgreSQL by one ``COPY`` (``rows.copy_rows``); either way
    without SQLAlchemy's work per row, which is most of an insert's time."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, table, columns, rows)
        return
    executemany(conn, table.insert(), columns, rows)


def executemany(conn: Connection, stmt: UpdateBase, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """``conn.execute(stmt, rows)``, one statement for many rows (tuples in the order of
    ``columns``). On SQLite the rows go to the driver's ``executemany`` as they are (reordered
    only where the compiled statement binds its columns in another order), a value through its
    column's bind processor only where the column has one (a time), and each distinct value
    once: SQLAlchemy's work per row is most of an insert's time there, and a dict per row the
    most of what was left. Elsewhere SQLAlchemy runs it as usual."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, [dict(zip(columns, row, strict=True)) for row in rows])
        return
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
    names = list(compiled.positiontup or [])
    processors = {k: process for k, name in enumerate(names)
                  if (process := compiled.binds[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))}
    order = [columns.index(name) for name in names]  # the bound names are the columns' own keys
    values: Sequence[tuple[Any, ...]] = rows if order == list(range(len(columns))) else \
        list(map(itemgetter(*order), rows)) if len(order) > 1 else [(row[order[0]],) for row in rows]
    for k, process in processors.items():  # a time: the same few values in every row
        done: dict[Any, Any] = {None: None}
        for value in {row[k] for row in values} - done.keys():
            done[value] = process(value)
        values = [(*row[:k], done[row[k]], *row[k + 1:]) for row in values]
    conn.exec_driver_sql(compiled.string, values if isinstance(values, list) else list(values))


#: SQLite's ``json_each`` (JSON1: built in from 3.38, and in most builds before)
_JSON_EACH = sqlite3.sqlite_version_info >= (3, 38, 0)
_RECORDED = select(written.c.key, written.c.external_id, written.c.details).where(
    written.c.company == bindparam("company"))


def _recorded(conn: Connection, company: str, keys: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """The external id and details recorded for each of ``keys`` that has a row. On SQLite the
    keys are bound as one JSON array (``json_each``): one statement text whatever their number,
    compiled once by SQLite (an expanding ``IN`` is a text of as many parameters, parsed and
    compiled again for each batch); elsewhere ``among``."""
    if conn.dialect.name == "sqlite" and _JSON_EACH:
        found = conn.execute(_RECORDED.where(written.c.key.in_(text("SELECT value FROM json_each(:keys)"))),
                             {"company": company, "keys": json.dumps(list(keys))})
    else:  # keys bound at execution: no construct per key
        found = conn.execute(_RECORDED.where(among(conn, written.c.key, "keys", String)),
                             {"company": company, "keys": keys})
    return {k: (e, d) for k, e, d in found}


#: the columns of a mirror row as ``record_many`` makes it, in the table's order
WRITTEN_COLUMNS = ("company", "key", "kind", "customer_id", "payload", "external_id", "details", "updated_at")


def _outcome(result: ApplyResult | None, old: tuple[str | None, str | None] | None) -> tuple[str | None, str | None]:
    """A placed item's external id and details (JSON, or None for none): the result's, else
    those already recorded for its key (``old``); the details merged, the result's winning."""
    old_external, old_details = old if old is not None else (None, None)
    new_details = result.details if result is not None else None
    external = (result.external_id if result is not None else None) or old_external
    if not old_details and not new_details:
        return external, None
    details = dict(json.loads(old_details)) if old_details else {}
    details.update(new_details or {})
    return external, dumps(details) if details else None


class ModelsKept:
    """The items ``record_many`` wrote in this block, each with the text it was written as
    (by company and key): ``state`` reads a row that still holds that text as that item, not
    parsed again (a first sync at a million invoices reads back 131,792 items for the outbox's
    worklist, and parsing them was most of that read). The items are frozen values that their
    text gives back as they are; a flag whose score is not finite (written as ``null``, which
    does not parse back) is not kept."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, tuple[str, Flag | Hold | Task]]] = {}

    def of(self, company: str) -> dict[str, tuple[str, Flag | Hold | Task]]:
        return self._items.setdefault(company, {})


_MODELS: ContextVar[ModelsKept | None] = ContextVar("arwatch_models_kept", default=None)


def models_kept() -> AbstractContextManager[ModelsKept]:
    """Within: ``WrittenTable.state`` takes the items ``record_many`` wrote from memory where
    their rows still hold what was written (``ModelsKept``); they are let go when the block ends."""
    return context_set(_MODELS, ModelsKept())


@dataclass(frozen=True)
class WrittenRow:
    key: str
    item: Flag | Hold | Task
    external_id: str | None = None
    details: dict[str, str] = field(default_factory=dict)


def item_of(change: Change) -> Flag | Hold | Task | None:
    return change.flag or change.hold or change.task


def _told_call(change: Change) -> Task | None:
    """The call opened or closed by ``change`` where it told a credit hold (``actions.told_hold``)."""
    call = change.task if change.op is Op.OPEN_TASK else change.before if change.op is Op.CLOSE_TASK else None
    return call if isinstance(call, Task) and told_hold(call) else None


class WrittenTable(StoreTable):

    def rows(self, company: str, conn: Connection | None = None) -> dict[str, WrittenRow]:
        if conn is None:
            with self.engine.connect() as own:
                return self.rows(company, own)
        result = conn.execute(select(written.c.key, written.c.kind, written.c.payload, written.c.external_id,
                                     written.c.details).where(and_(written.c.company == company,
                                                                   written.c.kind.notin_((DONE, TOLD)))))
        return {key: WrittenRow(key, _KINDS[kind].model_validate_json(payload), external_id,
                                json.loads(details) if details else {})
                for key, kind, payload, external_id, details in result}

    def state(self, company: str, today: dt.date | None = None) -> WrittenState:
        """The written state; ``overrides`` are those still in force on ``today``. Within
        ``models_kept`` an item this process wrote is not parsed again where its row still holds
        the text it was written as (``ModelsKept``)."""
        with self.engine.connect() as conn:
            found = conn.execute(select(written.c.key, written.c.kind, written.c.payload).where(and_(
                written.c.company == company, written.c.kind.notin_((DONE, TOLD))))).all()
        found = sorted(found, key=itemgetter(0))  # by key as Python orders texts (a server's collation may not)
        kept = _MODELS.get()
        mine = kept.of(company) if kept is not None else {}
        items = [hit[1] if (hit := mine.get(key)) is not None and hit[0] == payload and type(hit[1]) is _KINDS[kind]
                 else _KINDS[kind].model_validate_json(payload) for key, kind, payload in found]
        del found
        return WrittenState(flags=tuple(i for i in items if isinstance(i, Flag)),
                            holds=tuple(i for i in items if isinstance(i, Hold)),
                            tasks=tuple(i for i in items if isinstance(i, Task)),
                            overrides=self.overrides(company, today), done_tasks=self.done(company))

    def done(self, company: str) -> tuple[Task, ...]:
        """The ladder's steps closed in the last ``DONE_KEPT_DAYS``, by key."""
        return self._kept(company, DONE)

    def told(self, company: str) -> tuple[Task, ...]:
        """The calls that told a credit hold opened in the last ``DONE_KEPT_DAYS``, open or
        closed, by key."""
        return self._kept(company, TOLD)

    def _kept(self, company: str, kind: str) -> tuple[Task, ...]:
        with self.engine.connect() as conn:
            payloads = conn.execute(select(written.c.payload).where(and_(written.c.company == company,
                                                                         written.c.kind == kind))
                                    .order_by(written.c.key)).scalars().all()
        return tuple(Task.model_validate_json(p) for p in payloads)

    def details(self, company: str, key: str) -> dict[str, str]:
        """Prior values recorded when ``key`` was written (for undo), or {}."""
        row = self.rows(company).get(key)
        return dict(row.details) if row else {}

    def record(self, conn: Connection, company: str, change: Change, result: ApplyResult | None) -> None:
        """Make the mirror show ``change`` applied (idempotent: upsert or delete by key)."""
        self.record_many(conn, company, [(change, result)])

    def record_many(self, conn: Connection, company: str,
                    applied: Sequence[tuple[Change, ApplyResult | None]]) -> None:
        """``record`` for a batch: one select, one upsert, one delete (a closed step of the ladder
        is kept as ``done``; a call that told a credit hold is kept as ``told`` when it opens, and
        when it closes: one opened before the store kept them)."""
        kept = [c for c, _ in applied if c.op is Op.CLOSE_TASK and isinstance(c.before, Task) and remembered(c.before)]
        told = [t for c, _ in applied if c.op is Op.OPEN_TASK or c.op is Op.CLOSE_TASK
                if (t := _told_call(c)) is not None]
        kept_keys = {c.key for c in kept}
        gone = [c.key for c, _ in applied if c.op in REMOVING and c.key not in kept_keys]
        placed = [(c, r) for c, r in applied if c.op not in REMOVING]
        keys = [c.key for c, _ in placed]
        old = _recorded(conn, company, keys) if keys else {}
        now = self.now()
        rows = [(company, change.key, PLACING[change.op], change.customer_id,
                 model_json(item_of(change)),  # type: ignore[arg-type]
                 *_outcome(result, old.get(change.key)), now) for change, result in placed]
        if (kept_models := _MODELS.get()) is not None:
            mine = kept_models.of(company)
            mine.update((change.key, (row[4], item)) for (change, _), row in zip(placed, rows, strict=False)
                        if (item := item_of(change)) is not None
                        and (not isinstance(item, Flag) or math.isfinite(item.score)))
        rows += [(company, c.key, DONE, c.customer_id, model_json(c.before), None, None, now)  # type: ignore[arg-type]
                 for c in kept]
        rows += [(company, f"{TOLD}:{t.key}", TOLD, t.customer_id, model_json(t), None, None, now) for t in told]
        if conn.dialect.name == "sqlite" and rows:  # rows.upsert's statement, its rows handed to the driver
            stmt = sqlite.insert(written)
            executemany(conn, stmt.on_conflict_do_update(index_elements=["company", "key"], set_={
                c: stmt.excluded[c] for c in WRITTEN_COLUMNS if c not in ("company", "key")}), WRITTEN_COLUMNS, rows)
        elif conn.dialect.name == "postgresql" and rows:  # COPY into a staging table, one INSERT ... ON CONFLICT
            last = {row[1]: row for row in rows}  # a key twice: the later row wins, as on SQLite
            bulk_upsert(conn, written, WRITTEN_COLUMNS, list(last.values()), ["company", "key"])
        else:
            upsert(conn, written, [dict(zip(WRITTEN_COLUMNS, row, strict=True)) for row in rows], ["company", "key"])
        if gone:
            conn.execute(delete(written).where(and_(written.c.company == company, written.c.key.in_(gone))))
        if kept or told:
            expired = now - dt.timedelta(days=DONE_KEPT_DAYS)
            conn.execute(delete(written).where(and_(written.c.company == company, written.c.kind.in_((DONE, TOLD)),
                                                    written.c.updated_at < expired)))

    def overrides(self, company: str, today: dt.date | None = None) -> tuple[Override, ...]:
        query = select(hold_overrides).where(hold_overrides.c.company == company)
        if today is not None:
            query = query.where(hold_overrides.c.release_until >= today)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(hold_overrides.c.customer_id)).mappings().all()
        return tuple(Override(customer_id=r["customer_id"], release_until=r["release_until"], by=r["by"],
                              reason=r["reason"]) for r in rows)

    def override(self, company: str, customer_id: str, conn: Connection | None = None) -> Override | None:
        """The customer's stored override, in force or not, or None."""
        if conn is None:
            with self.engine.connect() as own:
                return self.override(company, customer_id, own)
        row = conn.execute(select(hold_overrides).where(and_(hold_overrides.c.company == company,
                                                             hold_overrides.c.customer_id == customer_id))
                           ).mappings().first()
        return None if row is None else Override(customer_id=row["customer_id"], release_until=row["release_until"],
                                                 by=row["by"], reason=row["reason"])

    def set_override(self, company: str, override: Override, conn: Connection | None = None) -> None:
        """Store the customer's override (replacing any earlier one), in ``conn``'s transaction
        when given."""
        if conn is None:
            with self.engine.begin() as own:
                self.set_override(company, override, own)
            return
        upsert(conn, hold_overrides, [{"company": company, "customer_id": override.customer_id,
                                       "release_until": override.release_until, "by": override.by,
                                       "reason": override.reason, "created_at": self.now()}],
               ["company", "customer_id"])

    def end_override(self, company: str, customer_id: str, conn: Connection | None = None) -> bool:
        """Remove the customer's override (the hold rules apply again at the next run); False when
        there was none. The audit log keeps who lifted it and why."""
        if conn is None:
            with self.engine.begin() as own:
                return self.end_override(company, customer_id, own)
        gone = conn.execute(delete(hold_overrides).where(and_(hold_overrides.c.company == company,
                                                              hold_overrides.c.customer_id == customer_id)))
        return bool(gone.rowcount)
