"""SQLite's ``bulk_insert``: rows inserted ``PART`` at a time by one multi-row statement and the
last few by an ``executemany``, from a list or from an iterator (made in a second thread), give
the rows a plain row-by-row insert gives; a statement never binds more parameters than SQLite
allows; a first sync's save that fails in the middle keeps the stored snapshot as it was."""

import sqlite3
import threading

import pytest
from sqlalchemy import text

from arwatch.sync.store import bulk, open_store
from arwatch.sync.store import snapshot as snapshot_table
from arwatch.sync.store.schema import snapshot

COLUMNS = ("company", "collection", "record_id", "payload", "run_id", "content_hash")
KEYS = ("company", "collection", "record_id")


def rows(count: int) -> list[tuple[str, ...]]:
    return [("acme", "invoices", f"I{n:03}", f'{{"id":"I{n:03}","name":"O\'Hara \\u00e9"}}', "r1", f"h{n}")
            for n in range(count)]


def stored(store) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT company, collection, record_id, payload, run_id, content_hash FROM snapshot_records "
            "ORDER BY rowid")).all()]


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7, 9])
@pytest.mark.parametrize("lazy", [False, True])
def test_parts_and_the_last_rows_give_the_rows_in_order(tmp_path, monkeypatch, count, lazy):
    monkeypatch.setattr(bulk, "PART", 3)
    store = open_store(tmp_path / "s.sqlite3")
    expected = rows(count)
    with store.begin() as conn:
        assert bulk.bulk_insert(conn, snapshot, COLUMNS, iter(expected) if lazy else list(expected), KEYS) == count
    assert stored(store) == expected
    store.close()


@pytest.mark.skipif(not hasattr(sqlite3.Connection, "setlimit"), reason="sqlite3 limits: Python 3.11+")
def test_a_statement_binds_no_more_parameters_than_sqlite_allows(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    expected = rows(25)
    with store.begin() as conn:
        driver = conn.connection.driver_connection
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 13)  # two rows of six per statement
        assert bulk.bulk_insert(conn, snapshot, COLUMNS, iter(expected), KEYS) == 25
    assert stored(store) == expected
    store.close()


def test_a_first_sync_save_failing_midway_keeps_the_previous_snapshot(tmp_path, monkeypatch):
    """A collection the snapshot does not hold yet is saved from a second thread; a record that
    cannot be stored, after several parts went in, fails the save and nothing of it is kept."""
    monkeypatch.setattr(bulk, "PART", 2)
    store = open_store(tmp_path / "s.sqlite3")
    customers = {"customers": [("C1", {"id": "C1", "name": "Acme"})]}
    with store.begin() as conn:
        store.snapshot.save(conn, "acme", "test", None, customers, {}, "r1")
    before = stored(store)
    invoices = [(f"I{n}", {"id": f"I{n}", "total": str(n)}) for n in range(20)]
    invoices[11] = ("I11", {"id": "I11", "total": object()})  # not JSON: raised in the thread
    with pytest.raises(TypeError, match="cannot store object"), store.begin() as conn:
        store.snapshot.save(conn, "acme", "test", None, {"invoices": invoices}, {}, "r2")
    assert [t for t in threading.enumerate() if t.name == "arwatch-bulk-rows"] == []
    assert stored(store) == before
    assert store.snapshot.load("acme")[1] == {"customers": {"C1": {"id": "C1", "name": "Acme"}}}
    store.close()


def test_a_process_killed_during_a_first_sync_save_leaves_the_previous_snapshot(tmp_path):
    """The process ends abruptly (``os._exit``, from the thread making the rows) after thousands
    of rows went into the save's transaction, more than SQLite's page cache holds (so some are
    in the WAL, uncommitted): the next open reads the snapshot saved before, and the file is whole."""
    import subprocess
    import sys

    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    with store.begin() as conn:
        store.snapshot.save(conn, "acme", "test", None, {"customers": [("C1", {"id": "C1"})]}, {}, "r1")
    store.close()
    script = f"""
import os
from arwatch.sync.store import bulk, open_store, snapshot
bulk.PART = 100  # the thread makes at most a few hundred rows ahead of the inserts
made = 0
text_of = snapshot.payload_text
def dying(raw):
    global made
    made += 1
    if made == 6000:
        os._exit(70)
    return text_of(raw)
snapshot.payload_text = dying
store = open_store({str(path)!r})
invoices = [(f"I{{n:05}}", {{"id": f"I{{n:05}}", "memo": "x" * 1000}}) for n in range(8000)]
with store.begin() as conn:
    store.snapshot.save(conn, "acme", "test", None, {{"invoices": invoices}}, {{}}, "r2")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 70, done.stderr
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 4_000_000  # the killed save's rows reached the WAL
    store = open_store(path)
    assert store.snapshot.load("acme")[1] == {"customers": {"C1": {"id": "C1"}}}
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("SELECT count(*) FROM snapshot_records WHERE run_id = 'r2'")).scalar() == 0
    store.close()


def test_the_rows_of_a_first_sync_save_are_those_of_its_records(tmp_path, monkeypatch):
    """The save's rows (payload and hash of each record) with several parts and a short last
    one, as ``_rows`` makes them one by one."""
    monkeypatch.setattr(bulk, "PART", 4)
    store = open_store(tmp_path / "s.sqlite3")
    invoices = [(f"I{n}", {"id": f"I{n}", "total": str(n), "lines": [{"n": n}]}) for n in range(11)]
    with store.begin() as conn:
        assert store.snapshot.save(conn, "acme", "test", None, {"invoices": invoices}, {}, "r1") == 11
    assert stored(store) == list(snapshot_table._rows("acme", "invoices", invoices, "r1"))
    store.close()
