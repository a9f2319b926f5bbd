"""The SQLite state store: migrations, snapshot merge, append-only audit, locks."""

import subprocess
import sys

from sqlalchemy import inspect
from sync_store_cases import (
    check_audit_is_append_only,
    check_calls_that_told_a_hold_kept_as_told,
    check_closed_ladder_steps_kept_as_done,
    check_lock,
    check_new_rows_inserted_as_they_come,
    check_snapshot_accumulates_and_deletes,
    check_snapshot_read_as_rows_say,
    check_snapshot_reads_back_in_parts,
    check_stale_lock_taken_over,
    check_stored_frame_is_the_record_paths,
    check_unchanged_records_cost_no_write,
)

from arwatch.sync.store import open_store, resolve_url


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_open_store__migrates_once_and_reopens(tmp_path):
    path = tmp_path / "deep" / "state.sqlite3"
    open_store(path).close()
    store = open_store(path)
    tables = set(inspect(store.engine).get_table_names())
    assert {"companies", "cursors", "snapshot_records", "written", "audit_log", "runs", "journal",
            "hold_overrides", "locks", "history", "alembic_version"} <= tables


def test_resolve_url__paths_urls_and_postgres_driver(tmp_path):
    assert resolve_url(tmp_path / "s.db") == f"sqlite:///{tmp_path / 's.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(None).endswith("arwatch/state.sqlite3")


def test_audit_log__update_and_delete_refused(tmp_path):
    check_audit_is_append_only(open_store(tmp_path / "s.sqlite3"))


def test_snapshot__incremental_pulls_accumulate_and_deletions_remove(tmp_path):
    check_snapshot_accumulates_and_deletes(open_store(tmp_path / "s.sqlite3"))


def test_snapshot__records_read_back_in_parts_as_saved(tmp_path):
    check_snapshot_reads_back_in_parts(open_store(tmp_path / "s.sqlite3"))


def test_snapshot__read_as_rows_say_in_parts_of_one_collection_or_several(tmp_path):
    check_snapshot_read_as_rows_say(open_store(tmp_path / "s.sqlite3"))


def test_snapshot__unchanged_records_cost_no_write(tmp_path):
    check_unchanged_records_cost_no_write(open_store(tmp_path / "s.sqlite3"))


def test_snapshot__unchanged_records_cost_no_write_when_saved_in_chunks(tmp_path):
    check_unchanged_records_cost_no_write(open_store(tmp_path / "s.sqlite3"), chunk=700)


def test_snapshot__new_rows_inserted_as_they_come_and_a_key_already_there_fails_the_whole_write(tmp_path):
    check_new_rows_inserted_as_they_come(open_store(tmp_path / "s.sqlite3"))


def test_lock__second_run_refused_until_released(tmp_path):
    check_lock(open_store(tmp_path / "s.sqlite3"))


def test_lock__stale_lock_of_dead_process_or_silent_host_taken_over(tmp_path):
    check_stale_lock_taken_over(open_store(tmp_path / "s.sqlite3"), dead_pid())


def test_written__closed_ladder_steps_kept_as_done(tmp_path):
    check_closed_ladder_steps_kept_as_done(open_store(tmp_path / "s.sqlite3"))


def test_written__calls_that_told_a_hold_kept_as_told(tmp_path):
    check_calls_that_told_a_hold_kept_as_told(open_store(tmp_path / "s.sqlite3"))


def test_audit_log__a_note_answer_is_recorded_once_per_key(tmp_path):
    from arwatch.core.contract import NoteAnswer

    store = open_store(tmp_path / "state.sqlite3")
    first = NoteAnswer(key="answer:msg:7", customer_id="9", note_id="msg:7", text="arwatch could not read this: x",
                       external_id="8")
    other = first.model_copy(update={"key": "answer:msg:9", "note_id": "msg:9"})
    assert store.audit.append_answers("acme", [first], "arwatch", "run1") == 1
    assert store.audit.append_answers("acme", [first, other], "arwatch", "run2") == 1
    assert store.audit.append_answers("other", [first], "arwatch", "run2") == 1  # per company
    entries = store.audit.entries("acme")
    assert [(e["op"], e["key"], e["run_id"], e["external_id"]) for e in entries] == [
        ("answer", "answer:msg:7", "run1", "8"), ("answer", "answer:msg:9", "run2", "8")]


def test_stored_frame__the_record_paths_frame_issues_and_scores(tmp_path):
    check_stored_frame_is_the_record_paths(open_store(tmp_path / "s.sqlite3"))


def test_migration__runs_recorded_before_their_order_was_kept_are_numbered_by_their_start(tmp_path):
    """A store whose runs were recorded before ``runs.seq`` existed: they are numbered in the order
    of their start (the best known), each company on its own, and the next run follows them."""
    import datetime as dt

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from arwatch.sync.store.engine import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0007")
        day = dt.datetime(2013, 6, 1, 12)
        for run_id, company, hours in (("r1", "acme", 5), ("r2", "acme", 1), ("r3", "other", 9), ("r4", "acme", 3)):
            connection.execute(text("INSERT INTO runs (run_id, company, started_at, status, full_pull) "
                                    "VALUES (:r, :c, :s, 'ok', 0)"),
                               {"r": run_id, "c": company, "s": day + dt.timedelta(hours=hours)})
    engine.dispose()
    store = open_store(url)
    try:
        assert [(e["run_id"], e["seq"]) for e in store.runs.entries("acme")] == [("r2", 1), ("r4", 2), ("r1", 3)]
        assert [(e["run_id"], e["seq"]) for e in store.runs.entries("other")] == [("r3", 1)]
        store.runs.start("r5", "acme", full=False)
        assert store.runs.entries("acme")[-1]["run_id"] == "r5" and store.runs.entries("acme")[-1]["seq"] == 4
    finally:
        store.close()
