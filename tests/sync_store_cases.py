"""Store behaviour checked on every backend (SQLite here, PostgreSQL in test_sync_postgres)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from arwatch.core.actions import HOLD_ON_CALL, ApplyResult, Change, Hold, Op, Task
from arwatch.core.contract import PullResult
from arwatch.sync.errors import Locked
from arwatch.sync.merge import merge
from arwatch.sync.store import Store
from arwatch.sync.store import snapshot as snapshot_table

T = dt.date(2026, 11, 20)
HOLD = Hold(customer_id="c1", rule="test", reason="level critical", since=T)


def place_hold(store: Store, company: str = "acme") -> None:
    change = Change(op=Op.PLACE_HOLD, key=HOLD.key, customer_id="c1", hold=HOLD, why="level critical")
    with store.begin() as conn:
        store.written.record(conn, company, change, ApplyResult(key=HOLD.key, op=change.op, ok=True,
                                                                details={"previous_term": "Net 30"}))
        store.audit.append(conn, company, change, "arwatch", "run1")


def check_audit_is_append_only(store: Store) -> None:
    place_hold(store)
    for statement in ("UPDATE audit_log SET why = 'edited'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.begin() as conn:
                conn.execute(text(statement))
    (entry,) = store.audit.entries("acme")
    assert entry["why"] == "level critical" and entry["actor"] == "arwatch"
    assert store.written.details("acme", HOLD.key) == {"previous_term": "Net 30"}


def check_snapshot_accumulates_and_deletes(store: Store) -> None:
    def save(pull):
        company, stored = store.snapshot.load("acme")
        merged = merge(company, stored, pull, "test")
        with store.begin() as conn:
            store.snapshot.save(conn, "acme", "test", merged.company, merged.upserts, merged.removed, "r")
            store.snapshot.set_cursor(conn, "acme", pull.cursor, "r")
        return merged

    save(PullResult(records={"invoices": [{"id": "I1", "total": "1"}, {"id": "I2", "total": "2"}]}, cursor="c1"))
    save(PullResult(records={"invoices": [{"id": "I2", "total": "3"}, {"id": "I3", "total": "4"}]},
                    deletions={"invoices": ("I1",)}, cursor="c2"))
    _, stored = store.snapshot.load("acme")
    assert stored["invoices"] == {"I2": {"id": "I2", "total": "3"}, "I3": {"id": "I3", "total": "4"}}
    assert store.snapshot.cursor("acme") == "c2"
    save(PullResult(records={"invoices": [{"id": "I3", "total": "4"}]}, complete=True, cursor="c3"))
    assert store.snapshot.load("acme")[1]["invoices"] == {"I3": {"id": "I3", "total": "4"}}


def check_unchanged_records_cost_no_write(store: Store, chunk: int | None = None) -> None:
    """A record pulled again unchanged is not written; a changed or new one is, with its run.
    ``chunk``: records serialised and written at once (``SAVE_CHUNK``; default: all 3,000)."""
    def save(pull, run_id):
        company, stored = store.snapshot.load("acme")
        merged = merge(company, stored, pull, "test")
        with pytest.MonkeyPatch.context() as patch, store.begin() as conn:
            if chunk is not None:
                patch.setattr(snapshot_table, "SAVE_CHUNK", chunk)
            return store.snapshot.save(conn, "acme", "test", merged.company, merged.upserts, merged.removed, run_id)

    many = [{"id": f"I{i}", "total": str(i), "lines": [{"n": i}]} for i in range(3000)]
    assert save(PullResult(records={"invoices": many}), "r1") == 3000
    assert save(PullResult(records={"invoices": many}), "r2") == 0
    changed = [*many[:10], {"id": "I10", "total": "changed"}, {"id": "new", "total": "1"}, *many[11:]]
    assert save(PullResult(records={"invoices": changed}), "r3") == 2
    with store.engine.connect() as conn:
        by_run = dict(conn.execute(text("SELECT run_id, count(*) FROM snapshot_records GROUP BY run_id")).all())
    assert by_run == {"r1": 2999, "r3": 2}
    _, stored = store.snapshot.load("acme")
    assert stored["invoices"]["I10"] == {"id": "I10", "total": "changed"}
    assert stored["invoices"]["I2999"] == {"id": "I2999", "total": "2999", "lines": [{"n": 2999}]}
    assert len(stored["invoices"]) == 3001


def check_new_rows_inserted_as_they_come(store: Store) -> None:
    """``bulk_insert`` takes its rows from an iterator (SQLite: a few at a time); a key already in
    the table, or a row that cannot be made, fails the whole write: nothing of it is kept."""
    from arwatch.sync.store import bulk
    from arwatch.sync.store.schema import snapshot

    columns, keys = ("company", "collection", "record_id", "payload", "run_id", "content_hash"), \
        ("company", "collection", "record_id")

    def rows(ids, run_id, fail_at=None):
        for rid in ids:
            if rid == fail_at:
                raise TypeError("cannot store object as JSON")
            yield "acme", "invoices", rid, f'{{"id":"{rid}"}}', run_id, None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "PART", 2)
        with store.begin() as conn:
            assert bulk.bulk_insert(conn, snapshot, columns, rows(["I1", "I2", "I3"], "r1"), keys) == 3
        with pytest.raises(Exception, match="(?i)unique"), store.begin() as conn:  # the driver's or SQLAlchemy's
            bulk.bulk_insert(conn, snapshot, columns, rows(["I4", "I5", "I6", "I1"], "r2"), keys)
        with pytest.raises(TypeError), store.begin() as conn:
            bulk.bulk_insert(conn, snapshot, columns, rows(["I7", "I8", "I9"], "r3", fail_at="I9"), keys)
    assert store.snapshot.load("acme")[1] == {"invoices": {rid: {"id": rid} for rid in ("I1", "I2", "I3")}}


def check_snapshot_reads_back_in_parts(store: Store) -> None:
    """Records of every shape read back as ``json.loads`` of what was saved, when the rows come
    in several parts (each part's payloads are decoded together); a damaged payload raises as
    ``json.loads`` of it."""
    records = [{"id": "I1", "total": "1.50", "allocations": [{"invoice_id": "x", "amount": "1"}]},
               {"id": "I2", "name": "Müller \u2603 \"q\"", "n": 10**20, "f": 0.1, "none": None, "flag": True},
               {"id": "I3"}, {"id": "I4", "nested": {"b": [1, {"c": []}], "a": ""}},
               {"id": "I5", "total": "2", "allocations": []}]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot_table, "CHUNK", 2)
        with store.begin() as conn:
            store.snapshot.save(conn, "acme", "test", None, {"invoices": [(r["id"], r) for r in records]}, {}, "r1")
        _, stored = store.snapshot.load("acme")
        assert stored == {"invoices": {r["id"]: json.loads(json.dumps(r)) for r in records}}
        with store.begin() as conn:
            conn.execute(text("UPDATE snapshot_records SET payload = :p WHERE record_id = 'I4'"), {"p": '{"id": "I4",'})
        with pytest.raises(json.JSONDecodeError):
            store.snapshot.load("acme")


def check_snapshot_read_as_rows_say(store: Store) -> None:
    """The snapshot read back part by part, parts that hold one collection and parts that mix
    them, is each row's ``json.loads`` in the order the database returns the rows (the order
    the frame's ties and the load's problems follow), as read row by row through SQLAlchemy."""
    upserts = {"customers": [(f"C{k}", {"id": f"C{k}", "name": f"n{k}"}) for k in (3, 1, 2)],
               "invoices": [(f"I{k}", {"id": f"I{k}", "customer_id": "C1", "total": f"{k}.5"}) for k in range(7)],
               "payments": [("P1", {"id": "P1", "allocations": [{"invoice_id": "I1", "amount": "1"}]})]}
    with store.begin() as conn:
        store.snapshot.save(conn, "acme", "test", {"id": "acme"}, upserts, {}, "r1")
        store.snapshot.save(conn, "other", "test", None, {"invoices": [("I1", {"id": "I1"})]}, {}, "r1")
    expected: dict[str, dict[str, object]] = {}
    with store.engine.connect() as conn:
        for collection, record_id, payload in conn.execute(text(
                "SELECT collection, record_id, payload FROM snapshot_records WHERE company = 'acme'")):
            expected.setdefault(collection, {})[record_id] = json.loads(payload)
    for part in (2, 3, 5000):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(snapshot_table, "CHUNK", part)
            company, stored = store.snapshot.load("acme")
        assert company == {"id": "acme"}
        assert stored == expected
        assert [(c, list(rows.items())) for c, rows in stored.items()] == \
            [(c, list(rows.items())) for c, rows in expected.items()]
    assert store.snapshot.load("nobody") == (None, {})


def check_lock(store: Store) -> None:
    store.locks.acquire("acme", "run-a")
    with pytest.raises(Locked, match="being synced by PID"):
        store.locks.acquire("acme", "run-b")
    store.locks.acquire("other", "run-b")  # per company
    store.locks.release("acme", "run-a")
    assert store.locks.acquire("acme", "run-b") is None
    for company in ("acme", "other"):  # released for good (on PostgreSQL: the advisory lock too)
        store.locks.release(company, "run-b")
        assert store.locks.holder(company) is None
    assert store.locks.acquire("acme", "run-c") is None
    store.locks.release("acme", "run-c")


def check_stale_lock_taken_over(store: Store, dead_pid: int) -> None:
    from arwatch.sync.store.schema import locks

    with store.begin() as conn:  # a lock left by a process that died on this host
        conn.execute(locks.insert().values(company="acme", owner="dead-run", host=store.locks.host, pid=dead_pid,
                                           acquired_at=store.locks.now(), heartbeat_at=store.locks.now()))
    assert store.locks.acquire("acme", "run-new") == "dead-run"
    assert store.locks.holder("acme")["owner"] == "run-new"
    with store.begin() as conn:  # a lock from another host whose heartbeat stopped long ago
        conn.execute(locks.insert().values(company="far", owner="far-run", host="elsewhere", pid=1,
                                           acquired_at=store.locks.now(),
                                           heartbeat_at=store.locks.now() - dt.timedelta(hours=2)))
    assert store.locks.acquire("far", "run-new") == "far-run"


def check_closed_ladder_steps_kept_as_done(store: Store) -> None:
    """A closed step of the ladder (cause ``episode:``) stays as a done task; another closed task goes."""
    rung = Task(customer_id="c1", step="reminder", cause="episode:2026-10-01", title="Remind", due_date=T)
    other = Task(customer_id="c1", step="sales_review", cause="external_distress", title="Review", due_date=T)
    opened = [Change(op=Op.OPEN_TASK, key=t.key, customer_id="c1", task=t, why="test") for t in (rung, other)]
    closed = [Change(op=Op.CLOSE_TASK, key=t.key, customer_id="c1", before=t, why="cause gone") for t in (rung, other)]
    for changes in (opened, closed):
        with store.begin() as conn:
            store.written.record_many(conn, "acme", [(c, None) for c in changes])
    state = store.written.state("acme")
    assert state.tasks == () and state.done_tasks == (rung,)
    assert set(store.written.rows("acme")) == set()  # the mirror of the target holds open items only
    with store.begin() as conn:  # reopened (a new run of the same key): open again, no longer done
        store.written.record_many(conn, "acme", [(opened[0], None)])
    state = store.written.state("acme")
    assert state.tasks == (rung,) and state.done_tasks == ()


def check_calls_that_told_a_hold_kept_as_told(store: Store) -> None:
    """A call that told a credit hold is kept as told from its opening, open or closed (the hold
    notice's memory, not the target's mirror), or from its closing; a call that told none is not;
    a rerun's recording of the same opening writes nothing new."""
    told = Task(customer_id="c1", step="phone_call", cause="plan:2026-10-01", due_date=T,
                title="Call C1 about the payment plan of 1 Oct 2026" + HOLD_ON_CALL)
    plain = Task(customer_id="c2", step="phone_call", cause="promise:2026-10-01", due_date=T, title="Call C2")
    opened = [Change(op=Op.OPEN_TASK, key=t.key, customer_id=t.customer_id, task=t, why="test") for t in (told, plain)]
    closed = [Change(op=Op.CLOSE_TASK, key=t.key, customer_id=t.customer_id, before=t, why="cause gone")
              for t in (told, plain)]
    for changes in (opened, opened, closed):
        with store.begin() as conn:
            store.written.record_many(conn, "acme", [(c, None) for c in changes])
        assert store.written.told("acme") == (told,)
    state = store.written.state("acme")
    assert state.tasks == () and state.done_tasks == () and state.told == ()  # the target's state: no memory
    assert set(store.written.rows("acme")) == set()  # the mirror of the target holds open items only
    with store.begin() as conn:  # reopened (its cause came back): open again, and still told
        store.written.record_many(conn, "acme", [(opened[0], None)])
    assert store.written.state("acme").tasks == (told,) and store.written.told("acme") == (told,)
    before = told.model_copy(update={"customer_id": "c3"})  # opened before the store kept the calls that told
    with store.begin() as conn:
        store.written.record_many(conn, "acme", [(Change(op=Op.CLOSE_TASK, key=before.key, customer_id="c3",
                                                         before=before, why="cause gone"), None)])
    assert store.written.told("acme") == (told, before)  # kept when it closes


def _with_problems(data: dict) -> dict:
    """``data`` with records the load rejects or the columns cannot take (each goes the model's
    way or is dropped with an issue): an unknown customer, a bad amount, a date of another
    shape, an allocation to an unknown invoice, a payment of an extra field."""
    data = copy.deepcopy(data)
    invoices, payments = data["invoices"], data["payments"]
    invoices[0]["customer_id"] = "nobody"
    invoices[1]["total"] = "12,50"
    invoices[2]["due_date"] = "2026-02-30"
    invoices[3]["total"] = "7.1234567"
    payments[0]["allocations"] = [{"invoice_id": "no-such-invoice", "amount": "1.00"}]
    payments[1]["note"] = "an extra field"
    payments[2]["amount"] = " 5.00"
    return data


def check_stored_frame_is_the_record_paths(store: Store) -> None:
    """``runner.stored_frame`` (the frame of a stored snapshot, as reports and ``score`` make it)
    gives exactly the frame, the issues and the scores of the record path (``load_ledger`` +
    ``LedgerFrame.from_ledger``) on the records the store reads back, and those records are the
    ones saved (``json.loads`` of their payloads; ``load_columns``, its read, the same rows in the
    same order, the invoices' and payments' as payloads in columns), on ledgers saved in parts of one collection
    and parts that mix them: the demo company, the synthetic generator, and records with problems."""
    from frames_equal import assert_frames_equal

    from arwatch.core.frame import LedgerFrame
    from arwatch.core.load import load_ledger
    from arwatch.core.scoring import score
    from arwatch.demo.company import build_demo_company
    from arwatch.demo.synthetic import build_synthetic
    from arwatch.sync.runner import ledger_data, stored_frame
    from arwatch.sync.store.rows import dumps

    def plain(data: dict) -> dict:  # as a pull brings records: JSON values
        return {key: json.loads(dumps(value)) for key, value in data.items()}

    demo = build_demo_company()
    synthetic = plain(build_synthetic(300, 3000, 3000, seed=3))
    cases = {"demo": (plain(demo.data), demo.today), "synthetic": (synthetic, dt.date(2026, 6, 30)),
             "problems": (_with_problems(synthetic), dt.date(2026, 6, 30))}
    for company, (data, _) in cases.items():
        pull = PullResult(records={k: v for k, v in data.items() if k != "company"}, complete=True)
        merged = merge(None, {}, pull, "file")
        with store.begin() as conn:
            store.snapshot.save(conn, company, "file", merged.company, merged.upserts, merged.removed, "r1")
    for part in (997, 5000):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(snapshot_table, "CHUNK", part)
            for company, (data, today) in cases.items():
                stored_company, stored = store.snapshot.load(company)
                assert stored == {key: {r["id"]: r for r in records}
                                  for key, records in data.items() if key != "company" and records}
                # the read of stored_frame: the same rows in the same order, invoices and payments as payloads
                columns_company, rest, parsed = store.snapshot.load_columns(company)
                assert columns_company == stored_company
                assert sorted(parsed) == [k for k in ("invoices", "payments") if k in stored]
                assert rest == {key: records for key, records in stored.items() if key not in parsed}
                assert {key: [json.loads(t) for t in p.texts] for key, p in parsed.items()} == \
                    {key: list(stored[key].values()) for key in parsed}
                ledger, issues = load_ledger(ledger_data(merge(stored_company, stored, PullResult(), "file"), store,
                                                         company), source="file")
                theirs = LedgerFrame.from_ledger(ledger, today)
                mine, my_issues = stored_frame(store, company, "file", (), today)
                assert [i.model_dump() for i in my_issues] == [i.model_dump() for i in issues]
                assert len(issues) >= (7 if company == "problems" else 0)
                assert_frames_equal(mine, theirs)
                assert score(mine).score.tolist() == score(theirs).score.tolist()


def check_hold_overrides_set_read_and_ended(store: Store) -> None:
    """A manager's override and its audit entry are written in one transaction (both or neither),
    read back one customer at a time or in force on a day, and ended early."""
    from arwatch.core.actions import Override
    from arwatch.sync.store.audit import LIFT_OP, RESTORE_OP

    lift = Override(customer_id="c1", release_until=T + dt.timedelta(days=10), by="ann", reason="pays Friday")
    with pytest.raises(RuntimeError, match="stop"), store.begin() as conn:
        store.written.set_override("acme", lift, conn)
        store.audit.append_override(conn, "acme", LIFT_OP, lift, None, "ann", "lifted")
        raise RuntimeError("stop")
    assert store.written.override("acme", "c1") is None and store.audit.entries("acme") == []
    with store.begin() as conn:
        store.written.set_override("acme", lift, conn)
        store.audit.append_override(conn, "acme", LIFT_OP, lift, None, "ann", "lifted")
    store.written.set_override("other", lift)  # another company's own
    assert store.written.override("acme", "c1") == lift and store.written.override("acme", "c2") is None
    assert store.written.overrides("acme", T + dt.timedelta(days=10)) == (lift,)
    assert store.written.overrides("acme", T + dt.timedelta(days=11)) == ()
    with store.begin() as conn:
        assert store.written.end_override("acme", "c1", conn) is True
        store.audit.append_override(conn, "acme", RESTORE_OP, lift, lift, "bob", "ended")
    assert store.written.end_override("acme", "c1") is False
    assert store.written.override("acme", "c1") is None and store.written.override("other", "c1") == lift
    entries = store.audit.entries("acme")
    assert [(e["op"], e["actor"], e["key"], e["why"]) for e in entries] == [
        ("lift", "ann", "override:c1", "lifted"), ("restore", "bob", "override:c1", "ended")]
    assert json.loads(entries[0]["after"])["release_until"] == "2026-11-30" and entries[0]["before"] is None
    assert entries[1]["after"] is None and json.loads(entries[1]["before"])["by"] == "ann"
