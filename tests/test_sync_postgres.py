"""The state store on PostgreSQL (ARWATCH_TEST_PG_URL, default local trust auth as postgres).

A throwaway database is created per test session and dropped after. Skipped when the server
is unreachable, unless ARWATCH_REQUIRE_POSTGRES=1 (then it fails).
"""

import datetime as dt
from functools import partial

import psycopg
import pytest
from pg_database import throwaway_database
from sqlalchemy import create_engine, text
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner
from sync_store_cases import (
    check_audit_is_append_only,
    check_calls_that_told_a_hold_kept_as_told,
    check_closed_ladder_steps_kept_as_done,
    check_hold_overrides_set_read_and_ended,
    check_lock,
    check_new_rows_inserted_as_they_come,
    check_snapshot_accumulates_and_deletes,
    check_snapshot_read_as_rows_say,
    check_snapshot_reads_back_in_parts,
    check_stale_lock_taken_over,
    check_stored_frame_is_the_record_paths,
    check_unchanged_records_cost_no_write,
)
from test_sync_lock import Interleaved
from test_sync_store import dead_pid

from arwatch.adapters.file import FileMapping, FileSource
from arwatch.core.policy import Policy
from arwatch.sync.errors import Locked, LockLost
from arwatch.sync.runner import run_sync
from arwatch.sync.store import open_store, resolve_url
from arwatch.sync.store.bulk import bulk_insert
from arwatch.sync.store.lock import advisory_key
from arwatch.sync.store.schema import snapshot

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def pg_database():
    with throwaway_database("arwatch_test_") as (url, _, _):
        yield url


def empty_store(store) -> None:
    """Every table of the store emptied (the schema's own list, so a new table is not missed); the
    append-only audit log can only be emptied by TRUNCATE, with its trigger off meanwhile."""
    from arwatch.sync.store.schema import metadata

    names = ", ".join(table.name for table in metadata.sorted_tables)
    with store.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text(f"TRUNCATE {names}"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


@pytest.fixture
def pg_store(pg_database):
    store = open_store(pg_database)
    yield store
    empty_store(store)  # a clean slate per test
    store.close()


def test_postgres__migrations_are_idempotent(pg_database, pg_store):
    from alembic.script import ScriptDirectory

    from arwatch.sync.store.engine import MIGRATIONS

    open_store(pg_database).close()
    [head] = ScriptDirectory(str(MIGRATIONS)).get_heads()  # one line of migrations, at its newest
    with pg_store.begin() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head


def test_postgres__audit_log_refuses_update_and_delete(pg_store):
    check_audit_is_append_only(pg_store)


def test_postgres__hold_overrides_set_read_and_ended_with_their_audit_entries(pg_store):
    check_hold_overrides_set_read_and_ended(pg_store)


def test_postgres__unchanged_records_cost_no_write(pg_store):
    check_unchanged_records_cost_no_write(pg_store)


def test_postgres__unchanged_records_cost_no_write_when_saved_in_chunks(pg_store):
    check_unchanged_records_cost_no_write(pg_store, chunk=700)


def test_postgres__snapshot_reads_back_in_parts(pg_store):
    check_snapshot_reads_back_in_parts(pg_store)


def test_postgres__snapshot_read_as_rows_say_in_parts_of_one_collection_or_several(pg_store):
    check_snapshot_read_as_rows_say(pg_store)


def test_postgres__new_rows_copied_straight_in_and_a_key_already_there_fails_the_whole_write(pg_store):
    columns, keys = ("company", "collection", "record_id", "payload", "run_id", "content_hash"), \
        ("company", "collection", "record_id")
    with pg_store.begin() as conn:
        bulk_insert(conn, snapshot, columns, [("acme", "invoices", "I1", '{"id":"I1"}', "r1", None)], keys)
    with pytest.raises(psycopg.errors.UniqueViolation), pg_store.begin() as conn:
        bulk_insert(conn, snapshot, columns, [("acme", "invoices", "I2", '{"id":"I2"}', "r2", None),
                                              ("acme", "invoices", "I1", '{"id":"I1","x":1}', "r2", None)], keys)
    assert pg_store.snapshot.load("acme")[1] == {"invoices": {"I1": {"id": "I1"}}}


def test_postgres__new_rows_inserted_as_they_come(pg_store):
    check_new_rows_inserted_as_they_come(pg_store)


def test_postgres__stored_frame_is_the_record_paths(pg_store):
    check_stored_frame_is_the_record_paths(pg_store)


def test_postgres__snapshot_accumulates(pg_store):
    check_snapshot_accumulates_and_deletes(pg_store)


def test_postgres__closed_ladder_steps_kept_as_done(pg_store):
    check_closed_ladder_steps_kept_as_done(pg_store)


def test_postgres__calls_that_told_a_hold_kept_as_told(pg_store):
    check_calls_that_told_a_hold_kept_as_told(pg_store)


def test_postgres__lock_and_stale_takeover(pg_store):
    check_lock(pg_store)
    with pg_store.begin() as conn:
        conn.execute(text("DELETE FROM locks"))
    check_stale_lock_taken_over(pg_store, dead_pid())


def test_postgres__full_sync_then_rerun(pg_store, tmp_path):
    source = FileSource("ibm", FileMapping.model_validate(file_settings(IBM_EXCERPT, tmp_path / "out")),
                        pg_store.records_of("ibm"))
    planner = partial(simple_planner, hold={"0465-DTULQ"})
    first = run_sync("ibm", pg_store, source, Policy(), dt.date(2013, 6, 1), planner=planner)
    assert first.status == "ok" and first.counts["flags"]["created"] == 6 and first.counts["holds"]["created"] == 1
    assert len(pg_store.snapshot.load("ibm")[1]["invoices"]) == 40
    again = run_sync("ibm", pg_store, source, Policy(), dt.date(2013, 6, 1), planner=planner)
    assert again.changes == () and len(pg_store.audit.entries("ibm")) == 7


def advisory_lock_free(url: str, company: str) -> bool:
    """Whether another session could take the company's advisory lock (taken and given back)."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": advisory_key(company)}).scalar()
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(company)})
            return bool(got)
    finally:
        engine.dispose()


def test_postgres__the_lock_is_an_advisory_lock_held_by_the_runs_session(pg_database, pg_store):
    held = pg_store.locks.hold("acme", "run-a")
    other = open_store(pg_database, migrate_schema=False)
    try:
        assert not advisory_lock_free(pg_database, "acme")
        with pg_store.begin() as conn:  # a row that looks silent on another host for days:
            conn.execute(text("UPDATE locks SET host = 'elsewhere', heartbeat_at = now() - interval '3 days'"))
        with pytest.raises(Locked, match="being synced by PID"):  # the database still refuses
            other.locks.acquire("acme", "run-b")
        with pg_store.begin() as conn:
            conn.execute(text("DELETE FROM locks"))  # even with no row at all
        with pytest.raises(Locked, match="another session of this database"):
            other.locks.acquire("acme", "run-b")
    finally:
        held.release()
    assert advisory_lock_free(pg_database, "acme")
    assert other.locks.acquire("acme", "run-b") is None
    other.locks.release("acme", "run-b")
    other.close()


def test_postgres__a_run_whose_session_ended_has_lost_its_lock(pg_database, pg_store):
    held = pg_store.locks.hold("acme", "run-a")
    admin = create_engine(resolve_url(pg_database), isolation_level="AUTOCOMMIT")
    other = open_store(pg_database, migrate_schema=False)
    try:
        with admin.connect() as conn:  # the run's session ends (a restart, a network cut, an admin)
            (pid,) = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                                       "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                       )).scalars().all()
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        with pytest.raises(LockLost, match="session holding this run's lock ended"):
            held.check("write the changes")
        assert other.locks.acquire("acme", "run-b") == "run-a"  # free again: taken over at once
    finally:
        held.release()  # only its own: the new holder keeps the lock
        admin.dispose()
    assert pg_store.locks.holder("acme")["owner"] == "run-b" and not advisory_lock_free(pg_database, "acme")
    other.locks.release("acme", "run-b")
    other.close()


def test_postgres__a_sync_run_holds_the_advisory_lock_throughout(pg_database, pg_store, tmp_path):
    source = FileSource("ibm", FileMapping.model_validate(file_settings(IBM_EXCERPT, tmp_path / "out")),
                        pg_store.records_of("ibm"))
    free = {}
    adapter = Interleaved(source, pull=lambda: free.setdefault("pull", advisory_lock_free(pg_database, "ibm")),
                          applied=lambda: free.setdefault("applied", advisory_lock_free(pg_database, "ibm")))
    summary = run_sync("ibm", pg_store, adapter, Policy(), dt.date(2013, 6, 1),
                       planner=partial(simple_planner, hold={"0465-DTULQ"}))
    assert summary.status == "ok" and free == {"pull": False, "applied": False}
    assert advisory_lock_free(pg_database, "ibm") and pg_store.locks.holder("ibm") is None
