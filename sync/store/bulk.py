"""Bulk upserts of many rows into one table, in the open transaction.

SQLite: one ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE``. PostgreSQL: ``COPY`` into
a temporary staging table, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` (a COPY
moves rows an order of magnitude faster than parameterised INSERTs). Either way the rows join
the caller's transaction: nothing is visible, or kept after a crash, before it commits.

``bulk_insert`` is for rows the caller knows are not in the table (it read their keys in the
same transaction, under the company's lock), and takes them as they come (an iterator: the
caller makes each row while the database stores the ones before it). PostgreSQL copies them
straight into the table, without the staging table and the conflict check (a first sync's
snapshot: well under half the time, measured), and the server stores the rows already sent
while the caller makes the next ones. SQLite takes them ``PART`` rows per plain ``INSERT`` of
that many ``VALUES`` rows, each value a bound parameter (one statement run instead of one per
row: about a third less of SQLite's CPU time), the last few rows by an ``executemany``; rows
that come from an iterator are made in a second thread (``aside.made_aside``) while SQLite
stores the part before them. Should one be there after all, the write fails and the
transaction with it: nothing is half written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, Table

from .aside import made_aside

STAGE = "arwatch_bulk_stage"
PART = 5000  # rows per SQLite INSERT in bulk_insert, fewer if SQLite allows fewer parameters
VARIABLES = 999  # parameters per SQLite statement where the driver cannot tell (before Python 3.11)
_LIMIT_VARIABLE_NUMBER = 9  # sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER (Python 3.11+)


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


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]],
                keys: Sequence[str]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, read once as they come), whose
    ``keys`` are not in ``table`` (module docstring); keys must not repeat within ``rows``.
    Returns how many rows it inserted."""
    names = ", ".join(columns)
    if conn.dialect.name != "postgresql":
        return _sqlite_insert(conn, table.name, names, len(columns), rows)
    driver = conn.connection.driver_connection  # psycopg 3, in the transaction SQLAlchemy began
    assert driver is not None
    count = 0
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write(row)
            count += 1
    return count


def _sqlite_insert(conn: Connection, table: str, names: str, width: int, rows: Iterable[tuple[Any, ...]]) -> int:
    """``rows`` inserted ``size`` at a time by one statement, the last part's by an
    ``executemany``; made in a second thread unless they are a sequence already."""
    driver = conn.connection.driver_connection
    limit = getattr(driver, "getlimit", None)
    variables = limit(_LIMIT_VARIABLE_NUMBER) if limit is not None else VARIABLES
    size = max(1, min(PART, variables // width))
    marks = f"({', '.join('?' for _ in range(width))})"
    one, many = f"INSERT INTO {table} ({names}) VALUES {marks}", f"INSERT INTO {table} ({names}) VALUES " + \
        ", ".join([marks] * size)
    count = 0
    made = _parts(rows, size)
    with nullcontext(made) if isinstance(rows, Sequence) else made_aside(made, "arwatch-bulk-rows") as parts:
        for part, params in parts:  # through SQLAlchemy: its errors ("database is locked")
            conn.exec_driver_sql(many if params else one, params or part)
            count += len(part)
    return count


def _parts(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[tuple[list[tuple[Any, ...]], tuple[Any, ...]]]:
    """(rows, their values in one tuple) of each ``size`` rows; the last part's fewer rows with
    an empty tuple (an ``executemany`` of them)."""
    rows = iter(rows)
    while part := list(islice(rows, size)):
        yield part, (tuple(chain.from_iterable(part)) if len(part) == size else ())


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
