"""Odoo without the add-on (issue 18.2): the lines of a done activity's feedback in the
collector-note syntax become the records they say; a done call whose feedback records the call
itself is not counted twice. (Pure functions of adapters/odoo/notes.py; the cassette scenario in
real Odoo 18.0/19.0 is still to be recorded.)"""

import datetime as dt
from decimal import Decimal

from arwatch.adapters.odoo import notes
from arwatch.core.load import load_ledger

DAY = dt.date(2026, 11, 2)
FEEDBACK = ("<p>Call done</p><p>call: reached Anna, promised 1,200.00 by 15 Nov</p>"
            "<p>dispute: INV/2026/0042 wrong goods<br>snooze: until 2026-11-20</p>")


def message(body: str, mid: int = 4) -> dict:
    return {"id": mid, "date": "2026-11-02 10:00:00", "body": body}


def ledger_with(records: list[dict]):
    data = {"customers": [{"id": "9", "name": "Acme"}],
            "invoices": [{"id": "42", "number": "INV/2026/0042", "customer_id": "9", "issue_date": "2026-10-01",
                          "due_date": "2026-10-31", "total": "500"}],
            "notes": records}
    return load_ledger(data, source="odoo")


def test_odoo_notes__feedback_lines_keep_their_paragraphs_and_breaks():
    assert notes.text_lines(FEEDBACK) == ["Call done", "call: reached Anna, promised 1,200.00 by 15 Nov",
                                          "dispute: INV/2026/0042 wrong goods", "snooze: until 2026-11-20"]


def test_odoo_notes__each_syntax_line_is_a_note_of_the_message():
    found = notes.collector_notes(message(FEEDBACK), "9", None, DAY)
    assert [(n["id"], n["text"]) for n in found] == [
        ("msg:4#1", "call: reached Anna, promised 1,200.00 by 15 Nov"),
        ("msg:4#2", "dispute: INV/2026/0042 wrong goods"), ("msg:4#3", "snooze: until 2026-11-20")]
    assert notes.records_a_contact(found)
    assert not notes.records_a_contact(notes.collector_notes(message("<p>snooze: for 5 days</p>"), "9", None, DAY))


def test_odoo_notes__the_records_they_make():
    ledger, issues = ledger_with(notes.collector_notes(message(FEEDBACK), "9", None, DAY))
    assert issues == ()
    (attempt,) = ledger.contact_attempts
    assert (attempt.on, attempt.answered, attempt.promise_date, attempt.promise_amount) == (
        DAY, True, dt.date(2026, 11, 15), Decimal("1200.00"))
    (dispute,) = ledger.disputes
    assert (dispute.invoice_id, dispute.reason) == ("42", "wrong goods")
    assert [(s.kind.value, s.until) for s in ledger.switches] == [("snooze", dt.date(2026, 11, 20))]


def test_odoo_notes__a_note_on_an_invoice_disputes_it_and_an_unreadable_line_is_an_issue():
    found = notes.collector_notes(message("<p>dispute: not what we ordered</p><p>promise: soon</p>", 7), "9", "42",
                                  DAY)
    ledger, issues = ledger_with(found)
    assert [d.invoice_id for d in ledger.disputes] == ["42"]
    (issue,) = issues
    assert (issue.source, issue.record_id, issue.field) == ("odoo", "msg:7#2", "text")
    assert issue.message.startswith("'promise: soon': expected 'promise: <date> [<amount>]'")


def test_odoo_notes__free_text_feedback_makes_no_note():
    assert notes.collector_notes(message("<p>Spoke to Anna, all fine</p>"), "9", None, DAY) == []
