"""The write stage in bulk (issue 23): a batch's intents inserted at once and their ids read back
in order, outcomes settled by key, and the outbox's worklist.json written by pydantic's
serializer: the same rows and the same bytes as one at a time."""

import datetime as dt
import json

import pytest
from sqlalchemy import text
from test_sync_postgres import pg_database  # noqa: F401  (the fixture)

from arwatch.adapters.file.target import NOT_LISTED, indented_json
from arwatch.core.actions import Change, Flag, Hold, Op, Override, Task, WrittenState
from arwatch.sync.store import open_store
from arwatch.sync.store.journal import DONE, INTENT

T = dt.date(2026, 11, 20)


def holds(first, n):
    return [Change(op=Op.PLACE_HOLD, key=f"hold:c{i}", customer_id=f"c{i}", why="level critical",
                   hold=Hold(customer_id=f"c{i}", rule="level:critical", reason="risk", since=T))
            for i in range(first, first + n)]


def test_intend__ids_in_the_batch_order_and_each_outcome_with_its_own_external_id(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    other = store.journal.intend("other", "run0", holds(0, 3))  # another company's open intents
    batch = holds(10, 5)[::-1]  # keys not in id order
    ids = store.journal.intend("acme", "run1", batch)
    assert len(set(ids + other)) == 8
    entries = {e["id"]: e for e in store.journal.entries("acme")}
    assert [entries[i]["key"] for i in ids] == [c.key for c in batch]
    assert [json.loads(entries[i]["change"])["key"] for i in ids] == [c.key for c in batch]
    external = [batch[0].key, "odoo:41", None, batch[3].key, "odoo:42"]
    with store.begin() as conn:
        store.journal.settle_many(conn, ids, DONE, external, [c.key for c in batch])
    entries = {e["id"]: e for e in store.journal.entries("acme")}
    assert [entries[i]["external_id"] for i in ids] == external
    assert {e["status"] for e in entries.values()} == {DONE}
    assert all(e["finished_at"] is not None for e in entries.values())
    assert {e["status"] for e in store.journal.entries("other")} == {INTENT}

    later = store.journal.intend("acme", "run1", holds(20, 3))  # the run's next batch
    assert [e["key"] for e in store.journal.entries("acme") if e["id"] in later] == ["hold:c20", "hold:c21",
                                                                                    "hold:c22"]
    assert min(later) > max(ids)


def test_intend__a_batch_with_open_intents_of_the_run_before_it_gets_its_own_ids(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    first = store.journal.intend("acme", "run1", holds(0, 4))
    second = store.journal.intend("acme", "run1", holds(0, 4))  # the same keys again, the first still open
    assert len(set(first + second)) == 8 and min(second) > max(first)
    pending = store.journal.pending("acme")
    assert [i for i, _, _ in pending] == first + second


TEXTS = ["plain", "€1,234.50 open", "naïve café", "ß and 漢字", "emoji 😀 and 🇩🇪", 'quote " and back\\slash',
         "tab\tnew\nline\rcr\bbs\fff", "ctrl \x01\x1f and del \x7f", "slash / and <tag> & 'single'", ""]


def state(scores=(72.0, 0.0, 55.5, 100.0)):
    flags = tuple(Flag(customer_id=f"c{i}", level="high", score=s, segment="good", reasons=tuple(TEXTS[i:i + 3]),
                       as_of=T) for i, s in enumerate(scores))
    held = tuple(Hold(customer_id=f"h{i}", rule="segment:delinquent", reason=t, since=T) for i, t in enumerate(TEXTS))
    tasks = tuple(Task(customer_id=f"t{i}", step="reminder", cause="overdue", title=t, body=t * 3, due_date=T,
                       assignee=None if i % 2 else "ar@example.com", evidence=(t,) * (i % 3), invoice_id=None,
                       needs_approval=bool(i % 2)) for i, t in enumerate(TEXTS))
    return WrittenState(flags=flags, holds=held, tasks=tasks, done_tasks=tasks[:2],
                        overrides=(Override(customer_id="h1", release_until=T, by="ann", reason="paid 😀"),))


@pytest.mark.parametrize("written", [state(), WrittenState(), state(scores=(1e-05, 1e16, -0.0, 0.1)),
                                     state(scores=(float("nan"), float("inf"), 1e300, 5e-324))])
def test_indented_json__the_bytes_of_json_dumps_indent_1(written):
    assert indented_json(written) == json.dumps(written.model_dump(mode="json"), indent=1).encode()


def test_indented_json__the_worklist_leaves_out_the_calls_that_told_a_hold():
    written = state().model_copy(update={"told": state().tasks[:3]})
    listed = json.loads(indented_json(written, NOT_LISTED))
    assert "told" not in listed and listed["tasks"] == json.loads(indented_json(written))["tasks"]
    assert indented_json(written, NOT_LISTED) == json.dumps(written.model_dump(mode="json", exclude=set(NOT_LISTED)),
                                                            indent=1).encode()


def test_indented_json__a_text_pydantic_cannot_write_is_written_by_json_dumps():
    written = WrittenState(holds=(Hold(customer_id="c\ud800", rule="r", reason="x", since=T),))
    assert indented_json(written) == json.dumps(written.model_dump(mode="json"), indent=1).encode()


def test_indented_json__runs_outside_ascii_inside_one_another_and_many_distinct_ones():
    nested = ["€", "é€", "€é\x7f", "\x7f", "ü😀€", "😀", "x€y", "€€€"]
    many = [chr(0x400 + i) + chr(0x4E00 + i) for i in range(100)]  # more distinct runs than replaced one by one
    for texts in (nested, many, nested + many):
        written = WrittenState(holds=tuple(Hold(customer_id=f"h{i}", rule="r", reason=t, since=T)
                                           for i, t in enumerate(texts)))
        assert indented_json(written) == json.dumps(written.model_dump(mode="json"), indent=1).encode()


def _texts_round_trip(store):
    """Journal intents and audit entries of texts COPY's text format must escape come back as written."""
    changes = [Change(op=Op.PLACE_HOLD, key=f"hold:{t}", customer_id=t, why=t,
                      hold=Hold(customer_id=t, rule="r\\n", reason=t + "\t\\t", since=T)) for t in TEXTS]
    ids = store.journal.intend("texts", "run1", changes)
    with store.begin() as conn:
        store.audit.append_many(conn, "texts", [(c, None if i % 2 else c.key) for i, c in enumerate(changes)],
                                "arwatch", "run1")
    entries = {e["id"]: e for e in store.journal.entries("texts")}
    assert [(entries[i]["key"], entries[i]["change"]) for i in ids] == [(c.key, c.model_dump_json()) for c in changes]
    audit = store.audit.entries("texts")
    assert [(a["key"], a["customer_id"], a["why"], a["after"], a["external_id"]) for a in audit] == [
        (c.key, c.customer_id, c.why, c.hold.model_dump_json(), None if i % 2 else c.key)
        for i, c in enumerate(changes)]
    assert all(a["at"].tzinfo is not None or store.engine.dialect.name == "sqlite" for a in audit)


def test_intend_and_audit__texts_to_escape_come_back_as_written_on_sqlite(tmp_path):
    _texts_round_trip(open_store(tmp_path / "state.sqlite3"))


@pytest.mark.postgres
def test_intend_and_audit__texts_to_escape_come_back_as_written_on_postgresql(pg_database):  # noqa: F811
    store = open_store(pg_database)
    try:
        _texts_round_trip(store)
    finally:
        with store.begin() as conn:  # the session's database left as found (the audit log only by TRUNCATE)
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text("TRUNCATE audit_log, journal"))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        store.close()


def test_indented_json__a_long_text_escaped_a_part_at_a_time_gives_the_same_bytes(monkeypatch):
    """Parts cut after a newline, however small: characters outside ASCII (DEL among them) on both
    sides of each cut, and a part of ASCII alone, come out as ``json.dumps`` writes them."""
    from arwatch.adapters.file import target

    texts = ["€" * 40, "naïve café\x7f", "plain " * 30, "😀 é\n€", "ß and 漢字" * 7, "x"]
    written = WrittenState(holds=tuple(Hold(customer_id=f"h{i}", rule="r", reason=t, since=T)
                                       for i, t in enumerate(texts * 5)))
    expected = json.dumps(written.model_dump(mode="json"), indent=1).encode()
    for part in (1, 7, 64, 1000):
        monkeypatch.setattr(target, "_PART", part)
        assert indented_json(written) == expected
