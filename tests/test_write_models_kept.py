"""The written state read back after a write (the outbox's worklist) takes the items this run
wrote from memory (``written.models_kept``) where their rows still hold what was written, and
parses every other row from the store; the mirror's keys already recorded are found by one
statement however many (SQLite: bound as one JSON array)."""

import datetime as dt

from sqlalchemy import update

from arwatch.core.actions import ApplyResult, Change, Flag, Hold, Op
from arwatch.sync.store import open_store
from arwatch.sync.store.schema import written
from arwatch.sync.store.written import models_kept

T = dt.date(2026, 11, 20)
KEYS = ["plain", "ü and €", 'a "quote" and \\ back', "漢字 😀", "x'y"]  # texts JSON and SQL escape


def flags(ids, score=50.0):
    return [Change(op=Op.SET_FLAG, key=f"flag:{c}", customer_id=c, why="risk",
                   flag=Flag(customer_id=c, level="high", score=score, segment="new", reasons=(f"why {c}",), as_of=T))
            for c in ids]


def record(store, changes, results=None):
    with store.begin() as conn:
        store.written.record_many(conn, "acme", list(zip(changes, results or [None] * len(changes), strict=True)))


def test_models_kept__the_items_written_are_read_back_as_written_without_parsing_them_again(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    record(store, flags(["before"]))  # written before the block: parsed from its row
    changes = flags(KEYS) + [Change(op=Op.PLACE_HOLD, key="hold:h", customer_id="h", why="late",
                                    hold=Hold(customer_id="h", rule="delinquent", reason="late", since=T))]
    with models_kept():
        record(store, changes)
        kept = store.written.state("acme", T)
    parsed = store.written.state("acme", T)  # outside the block: every row parsed
    assert kept == parsed
    by_key = {item.key: item for item in (*kept.flags, *kept.holds)}
    assert all(by_key[c.key] is (c.flag or c.hold) for c in changes)  # the very items written
    assert by_key["flag:before"] == flags(["before"])[0].flag
    assert [f.customer_id for f in kept.flags] == sorted(["before", *KEYS])


def test_models_kept__a_row_written_since_by_someone_else_is_read_from_the_store(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    with models_kept():
        record(store, flags(["a", "b"]))
        other = flags(["a"], score=90.0)[0].flag
        with store.begin() as conn:  # another writer's text for "a"
            conn.execute(update(written).where(written.c.key == "flag:a").values(payload=other.model_dump_json()))
        state = store.written.state("acme", T)
    assert [f.score for f in state.flags] == [90.0, 50.0]


def test_record_many__keys_already_recorded_keep_their_external_ids_and_details_whatever_their_text(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    first = flags(KEYS)
    record(store, first, [ApplyResult(key=c.key, op=c.op, ok=True, external_id=f"ext-{c.key}",
                                      details={"old": c.key}) for c in first])
    record(store, flags(KEYS + ["new"], score=70.0))  # no results: what was recorded stays
    rows = store.written.rows("acme")
    assert {k: (r.external_id, r.details) for k, r in rows.items() if k != "flag:new"} == {
        c.key: (f"ext-{c.key}", {"old": c.key}) for c in first}
    assert rows["flag:new"].external_id is None and all(r.item.score == 70.0 for r in rows.values())
