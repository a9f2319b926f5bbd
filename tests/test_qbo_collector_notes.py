"""Collectors' notes in QuickBooks (issue 18.1), through the stand-in: a note written on a customer
or an invoice, or an answer to an arwatch task note, is pulled by CDC on Attachable and becomes
the record its syntax line says, dated by the day the line appeared; an unreadable line is
answered in the note once, never silently."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from qbo_adapter_fixtures import Kit, qbo_standin, save_tokens  # noqa: F401
from qbo_standin import SCHEMA_FIELDS

from arwatch.adapters.quickbooks.collector_notes import ANSWER
from arwatch.adapters.quickbooks.streams import UNAVAILABLE
from arwatch.core.actions import DesiredState, WrittenState
from arwatch.core.load import load_ledger
from arwatch.core.model import SignalKind
from arwatch.core.policy import Policy
from arwatch.sync.merge import merge
from arwatch.sync.runner import run_sync
from arwatch.sync.store import open_store

START = "2026-12-01T09:00:00-08:00"  # the stand-in's clock, Pacific


@pytest.fixture
def books(qbo_standin, tmp_path):  # noqa: F811
    qbo_standin.clock.set(START)  # before the tokens are issued: they are valid from here
    kit = Kit(qbo_standin, tmp_path)
    save_tokens(qbo_standin, kit.store)
    kit.standin.load(customers=[{"DisplayName": "Acme"}, {"DisplayName": "Bolt"}],
                     invoices=[{"CustomerRef": {"value": "1"}, "DocNumber": "1042", "TxnDate": "2026-10-01",
                                "DueDate": "2026-10-31", "TotalAmt": 1200},
                               {"CustomerRef": {"value": "2"}, "DocNumber": "2001", "TxnDate": "2026-10-05",
                                "DueDate": "2026-11-04", "TotalAmt": 300}])
    kit.later()
    return Books(kit)


class Books:
    """A QuickBooks company pulled in full once; its snapshot follows each incremental pull."""

    def __init__(self, kit: Kit):  # noqa: F811
        self.kit, self.source = kit, kit.source()
        first = self.source.pull(None, full=True)
        self.cursor, self.merged, self.issues = first.cursor, merge(None, {}, first, "quickbooks"), first.issues
        kit.later()

    def note(self, text: str, on: str = "Customer", target: str = "1") -> str:
        """A note the collector adds in QuickBooks."""
        obj = self.kit.standin.company().create(
            "Attachable", {"Note": text, "AttachableRef": [{"EntityRef": {"type": on, "value": target}}]})
        self.kit.later()
        return str(obj["Id"])

    def edit(self, att_id: str, text: str) -> None:
        company = self.kit.standin.company()
        obj = company.get("Attachable", att_id)
        company.update("Attachable", {**{k: obj[k] for k in ("Id", "SyncToken", "AttachableRef")}, "Note": text})
        self.kit.later()

    def pull(self):
        result = self.source.pull(self.cursor, full=False)
        self.cursor, self.issues = result.cursor, result.issues
        self.merged = merge(self.merged.company, self.merged.records, result, "quickbooks")
        self.kit.later()
        return result

    def ledger(self):
        ledger, issues = load_ledger(self.merged.ledger_data(), "quickbooks", unavailable=UNAVAILABLE)
        assert issues == (), issues
        return ledger


DAY = dt.date(2026, 12, 1)


def test_qbo_notes__contact_attempts_are_no_longer_unavailable():
    assert "contact_attempts" not in UNAVAILABLE


def test_qbo_notes__call_no_answer_on_the_customer(books):
    books.note("call: no answer")
    books.pull()
    (attempt,) = books.ledger().contact_attempts
    assert (attempt.customer_id, attempt.on, attempt.answered) == ("1", DAY, False)


def test_qbo_notes__call_reached_with_a_promise(books):
    books.note("call: reached Anna, promised 1,200.00 by 15 Dec")
    books.pull()
    (attempt,) = books.ledger().contact_attempts
    assert (attempt.answered, attempt.promise_date, attempt.promise_amount) == (
        True, dt.date(2026, 12, 15), Decimal("1200.00"))


def test_qbo_notes__promise(books):
    books.note("promise: 2026-12-15 1200")
    books.pull()
    (attempt,) = books.ledger().contact_attempts
    assert (attempt.promise_date, attempt.promise_amount) == (dt.date(2026, 12, 15), Decimal(1200))


def test_qbo_notes__dispute_by_number_then_resolved(books):
    books.note("dispute: 1042 wrong goods")
    books.pull()
    (dispute,) = books.ledger().disputes
    assert (dispute.customer_id, dispute.invoice_id, dispute.reason, dispute.resolved_on) == (
        "1", "1", "wrong goods", None)
    books.kit.standin.clock.advance(hours=24)
    books.note("resolved: 1042")
    books.pull()
    (dispute,) = books.ledger().disputes
    assert dispute.resolved_on == dt.date(2026, 12, 2)


def test_qbo_notes__a_note_on_an_invoice_disputes_that_invoice_and_names_its_customer(books):
    books.note("dispute: two pallets missing", on="Invoice", target="2")
    result = books.pull()
    assert books.kit.standin.count(operation="query", entity="Invoice") >= 1  # the invoice's customer, read
    (dispute,) = books.ledger().disputes
    assert (dispute.customer_id, dispute.invoice_id) == ("2", "2")
    assert [r["invoice_id"] for r in result.records["notes"]] == ["2"]


def test_qbo_notes__snooze_exclude_include_placed(books):
    books.note("snooze: until 2027-01-10\nexclude: lawyer handles it\ninclude")
    books.note("placed: Acme Collections", target="2")
    books.pull()
    switches = books.ledger().switches
    assert sorted((s.customer_id, s.kind.value, s.until) for s in switches) == [
        ("1", "exclude", None), ("1", "include", None), ("1", "snooze", dt.date(2027, 1, 10)),
        ("2", "placed", None)]


def test_qbo_notes__signal_and_plan(books):
    books.note("signal: staff_exodus CFO left\nplan: 3 x 400.00 monthly from 2027-01-05")
    books.pull()
    ledger = books.ledger()
    assert [(s.kind, s.note) for s in ledger.signals] == [(SignalKind.STAFF_LEFT, "CFO left")]
    assert [len(p.instalments) for p in ledger.payment_plans] == [3]
    assert "payment_plans" not in ledger.unavailable  # a note gave one


def test_qbo_notes__an_answer_to_an_arwatch_task_note_keeps_each_lines_own_day(books):
    att = books.note("arwatch task task:1:phone_call:episode:2026-11-01 [open]\nDue 2026-12-01 | call\nCall Acme")
    books.pull()
    books.kit.standin.clock.advance(hours=24)
    task = books.kit.standin.company().get("Attachable", att)["Note"]
    books.edit(att, task + "\ncall: no answer")
    books.pull()
    books.kit.standin.clock.advance(hours=48)
    books.edit(att, task + "\ncall: no answer\ncall: reached Bo, promised 600 by 20 Dec")
    books.pull()
    attempts = books.ledger().contact_attempts
    assert [(a.on, a.answered) for a in attempts] == [(dt.date(2026, 12, 2), False), (dt.date(2026, 12, 4), True)]


def test_qbo_notes__a_line_removed_or_a_note_deleted_leaves_the_ledger(books):
    att = books.note("call: no answer\nsignal: hearsay not paying suppliers")
    books.pull()
    books.edit(att, "signal: hearsay not paying suppliers")
    books.pull()
    ledger = books.ledger()
    assert ledger.contact_attempts == () and len(ledger.signals) == 1
    company = books.kit.standin.company()
    company.delete("Attachable", {k: company.get("Attachable", att)[k] for k in ("Id", "SyncToken")})
    books.kit.later()
    books.pull()
    assert books.ledger().signals == ()


def test_qbo_notes__an_unreadable_line_is_answered_once_in_the_note(books):
    att = books.note("Customer asked for a copy.\nsnooze: later\ncall: no answer")
    books.pull()
    assert [i.message for i in books.issues] == [
        "'snooze: later': expected 'snooze: until <date>' or 'snooze: for <n> days' (answered in the note)"]
    assert len(books.ledger().contact_attempts) == 1  # the readable line counts
    books.source.finish(WrittenState())
    note = books.kit.standin.company().get("Attachable", att)["Note"]
    assert note.split("\n") == ["Customer asked for a copy.", "snooze: later",
                                ANSWER + "expected 'snooze: until <date>' or 'snooze: for <n> days'",
                                "call: no answer"]
    books.kit.later()
    books.pull()  # CDC brings the answered note back: answered already
    assert books.issues == ()
    books.kit.standin.clear_log()
    books.source.finish(WrittenState())
    assert books.kit.standin.count(method="POST") == 0  # nothing written twice
    assert len(books.ledger().contact_attempts) == 1  # the answer moved no line's day or id


def test_qbo_notes__reads_only_fields_of_intuits_schema():
    assert {"Id", "SyncToken", "Note", "AttachableRef", "MetaData"} <= SCHEMA_FIELDS["Attachable"]
    assert {"CreateTime", "LastUpdatedTime"} <= SCHEMA_FIELDS["ModificationMetaData"]
    assert {"Id", "CustomerRef", "DocNumber"} <= SCHEMA_FIELDS["Invoice"]  # a note's invoice, read by Id


def test_qbo_notes__an_answer_is_audited_once_by_the_sync_run(books, tmp_path):
    """The answer arwatch appends to an unreadable note is a write-back: the run that writes it
    records it in the audit log (who, the note, the line written); the next runs, which find the
    note answered, add nothing."""
    store = open_store(tmp_path / "state.sqlite3")
    att = books.note("snooze: later\ncall: no answer")

    def sync():
        summary = run_sync("acme", store, books.source, Policy(), DAY, planner=lambda *_: DesiredState(as_of=DAY))
        assert summary.status in ("ok", "partial"), summary.error
        books.kit.later()
        return [e for e in store.audit.entries("acme") if e["op"] == "answer"]

    (entry,) = sync()
    assert (entry["customer_id"], entry["external_id"], entry["actor"]) == ("1", att, "arwatch")
    assert json.loads(entry["after"]) == {  # the line written into the note, under the one it answers
        "note_id": att, "text": ANSWER + "expected 'snooze: until <date>' or 'snooze: for <n> days'"}
    note = books.kit.standin.company().get("Attachable", att)["Note"]
    assert note.count(ANSWER) == 1
    assert sync() == [entry]  # the note comes back answered: nothing written, nothing audited
    assert books.kit.standin.company().get("Attachable", att)["Note"] == note
