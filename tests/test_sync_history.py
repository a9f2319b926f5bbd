"""The state store's history table: a day's points written whole, read back oldest first."""

import datetime as dt

from sqlalchemy import inspect

from arwatch.sync.store import open_store

NOV, DEC = dt.date(2026, 11, 30), dt.date(2026, 12, 31)


def test_history__a_day_is_written_whole_and_read_back_oldest_first(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    store.history.record("acme", DEC, "run", {"": {"open": 10.0}, "C1": {"score": 80.0}}, run_id="r2")
    store.history.record("acme", NOV, "replay", {"": {"open": 5.0}, "C1": {"score": 40.0}, "C2": {"score": 1.0}})
    store.history.record("other", NOV, "run", {"": {"open": 99.0}})
    assert store.history.days("acme") == {NOV: "replay", DEC: "run"}
    assert store.history.load("acme", "C1") == [(NOV, "C1", "replay", {"score": 40.0}),
                                                (DEC, "C1", "run", {"score": 80.0})]
    assert [row[:2] for row in store.history.load("acme")] == [(NOV, ""), (NOV, "C1"), (NOV, "C2"),
                                                               (DEC, ""), (DEC, "C1")]


def test_history__a_run_replaces_the_day_it_records(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    store.history.record("acme", NOV, "replay", {"": {"open": 5.0}, "C1": {"score": 40.0}, "C2": {"score": 1.0}})
    store.history.record("acme", NOV, "run", {"": {"open": 6.0}, "C1": {"score": 41.0}})
    assert store.history.load("acme") == [(NOV, "", "run", {"open": 6.0}), (NOV, "C1", "run", {"score": 41.0})]


def test_history__its_migration_adds_the_table_alone(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    columns = {c["name"] for c in inspect(store.engine).get_columns("history")}
    assert columns == {"company", "as_of", "customer_id", "source", "run_id", "payload", "recorded_at"}
    assert inspect(store.engine).get_pk_constraint("history")["constrained_columns"] == ["company", "as_of",
                                                                                         "customer_id"]
