"""Bulk upserts of many rows into one table, in the open transaction.

SQLite: one ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE``. PostgreSQL: ``COPY`` into
a temporary staging table, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` (a COPY
moves rows an order of magnitude faster than parameterised INSERTs). Either way the rows join
the caller's transaction: nothing is visible, or kept after a crash, before it commits.

``bulk_insert`` is for rows the caller knows are not in the table (it read their keys in the
same transaction, under the company's lock): PostgreSQL copies them straight into the table,
without the staging table and the conflict check (a first sync's snapshot: well under half
the time, measured). Should one be there after all, the COPY fails and the transaction with
it: nothing is half written. SQLite writes them as ``bulk_upsert`` does (a plain INSERT is
no faster there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

STAGE = "arwatch_bulk_stage"


def bulk_upsert(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                keys: Sequence[str]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; a row whose ``keys``
    are there already replaces that row's other columns. Keys must not repeat within ``rows``."""
    if not rows:
        return
    names = ", ".join(columns)
    update = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {update}" if update else "NOTHING")
    if conn.dialect.name == "postgresql":
        _copy_upsert(conn, table.name, names, rows, conflict)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}", list(rows))


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                keys: Sequence[str]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``), whose ``keys`` are not in ``table``
    (module docstring); keys must not repeat within ``rows``."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        bulk_upsert(conn, table, columns, rows, keys)
        return
    driver = conn.connection.driver_connection  # psycopg 3, in the transaction SQLAlchemy began
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_upsert(conn: Connection, table: str, names: str, rows: Sequence[tuple[Any, ...]], conflict: str) -> None:
    driver = conn.connection.driver_connection  # psycopg 3, in the transaction SQLAlchemy began
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        with cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {STAGE} {conflict}")
        cursor.execute(f"DROP TABLE {STAGE}")
