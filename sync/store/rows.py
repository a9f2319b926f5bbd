"""Helpers shared by the store's tables: the table base class, JSON, portable upsert."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

from arwatch.core.actions import Op
from arwatch.core.clock import Now

from ..clock import system_now

CHUNK = 5000


class StoreTable:
    """One table's access class: the engine, and ``now`` for its timestamps (the run's clock)."""

    def __init__(self, engine: Engine, now: Now = system_now):
        self.engine = engine
        self.now = now


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), sort_keys=True)


def model_json(model: BaseModel, keep: bool = True) -> str:
    """``model.model_dump_json()``, the same text, from the model's serializer without the
    method's Python wrapper (its keyword arguments, a third of the time for the small models the
    write path stores: journal, mirror and audit rows, one or more per change). Inside
    ``texts_kept`` a model's text is made once (``TextsKept``); ``keep`` False for a model whose
    text is stored once (a change in the journal): made, not kept."""
    kept = _KEPT.get() if keep else None
    if kept is not None:
        return kept.text(model)
    return model.__pydantic_serializer__.to_json(model).decode()


#: each op's text as stored (``Op.value``, without the enum's descriptor call per row)
OP_TEXT: dict[Op, str] = {op: op.value for op in Op}


class TextsKept:
    """``model_json``'s texts of the models it was given, each made once: the write path stores
    the same item as the mirror's payload and as the audit log's ``after`` (a change's ``before``
    as the audit's ``before`` and, for a step of the ladder closed, as the mirror's ``done``
    row). Each model is held with its text, so that its id names it alone while it is kept."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[BaseModel, str]] = {}

    def text(self, model: BaseModel) -> str:
        found = self._texts.get(id(model))
        if found is not None and found[0] is model:
            return found[1]
        made = model.__pydantic_serializer__.to_json(model).decode()
        self._texts[id(model)] = (model, made)
        return made


_KEPT: ContextVar[TextsKept | None] = ContextVar("arwatch_texts_kept", default=None)


_T = TypeVar("_T")


@contextmanager
def context_set(var: ContextVar[_T | None], value: _T) -> Iterator[_T]:
    """``var`` set to ``value`` within the block (in this thread's or task's context only)."""
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)


def texts_kept() -> AbstractContextManager[TextsKept]:
    """Within: ``model_json`` makes each model's text once (the models are frozen: a text stays
    theirs) and keeps it, and the model, until the block ends (one write batch: its changes')."""
    return context_set(_KEPT, TextsKept())


def copy_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: ``rows`` (tuples in the order of ``columns``) appended to ``table`` by one
    ``COPY ... FROM STDIN`` through the driver (psycopg 3), in the transaction SQLAlchemy began:
    nothing is visible, or kept after a crash, before it commits. A serial id column takes its
    values in the order of the rows, as an ``INSERT`` of them one after another would."""
    driver = conn.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in columns)
    rows = list(rows)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        text = _copy_text(rows)
        if text is not None:
            copy.write(text)
            return
        for row in rows:
            copy.write_row(row)


def _copy_text(rows: Sequence[Sequence[Any]]) -> str | None:
    """``rows`` in COPY's text format, when they hold only texts, NULLs and aware times (a
    journal's or audit log's rows): each value escaped as psycopg's ``write_row`` escapes it,
    without its work per value in Python. None for any other value: ``write_row`` writes them."""
    out: list[str] = []
    times: dict[dt.datetime, str] = {}
    for row in rows:
        cells = []
        for value in row:
            if value is None:
                cells.append("\\N")
            elif type(value) is str:
                if "\\" in value:
                    value = value.replace("\\", "\\\\")
                if "\n" in value or "\r" in value or "\t" in value:
                    value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
                cells.append(value)
            elif type(value) is dt.datetime and value.tzinfo is not None:
                found = times.get(value)
                if found is None:
                    found = times[value] = value.isoformat()
                cells.append(found)
            else:
                return None
        out.append("\t".join(cells))
    out.append("")
    return "\n".join(out)


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, in chunks, on SQLite and PostgreSQL."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), CHUNK):
        stmt = dialect.insert(table)
        update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=update) if update \
            else stmt.on_conflict_do_nothing(index_elements=list(keys))
        conn.execute(stmt, list(rows[start:start + CHUNK]))
