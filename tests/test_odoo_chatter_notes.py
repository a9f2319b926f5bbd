"""Odoo without the add-on (issue 18.2): chatter notes (internal notes and messages on a customer,
one of its contacts, or a customer invoice) in the collector-note syntax become the records they
say, dated by the message's own date; arwatch's own posts, vendor bills and non-customers are not
read; a note with a line that does not read is answered once in the chatter. A fake transport
answers the pull's calls (no Odoo); the same flow runs against real Odoo in tests/odoo_e2e.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from arwatch.adapters.odoo import notes
from arwatch.adapters.odoo.answers import answer
from arwatch.adapters.odoo.pull import Unreadable, parse_cursor, pull
from arwatch.adapters.odoo.query import MESSAGES, domain
from arwatch.adapters.odoo.reader import Reader
from arwatch.core.actions import Flag
from arwatch.core.load import load_ledger
from arwatch.core.notes import ANSWER

COMPANY = {"id": "1", "name": "Acme", "currency": "EUR"}
CUSTOMER, CONTACT, VENDOR = 7, 8, 20
INVOICE, BILL = 42, 43


def message(mid: int, body: str, model: str = "res.partner", res_id: int = CUSTOMER, day: str = "2026-11-02",
            message_type: str = "comment", activity: int | bool = False) -> dict:
    return {"id": mid, "model": model, "res_id": res_id, "date": f"{day} 10:00:00", "body": body,
            "mail_activity_type_id": [activity, "Call"] if activity else False, "message_type": message_type,
            "write_date": f"{day} 10:00:0{mid % 10}"}


def _terms(dom) -> dict:
    return {t[0]: t[2] for t in dom or () if isinstance(t, list)}


class ChatterOdoo:
    """A database of one customer (7, with contact 8), a vendor (20), a customer invoice (42) and a
    vendor bill (43), holding ``messages``; replies posted are kept and found by ``parent_id``."""

    version, uid = (18, 0), 2

    def __init__(self, messages: list[dict]):
        self.messages, self.posted, self.log, self.calls = list(messages), [], [], 0

    def call(self, model, method, ids=None, **kw):
        self.calls += 1
        self.log.append((model, method, kw))
        terms = _terms(kw.get("domain"))
        wanted = set(terms.get("id", ())) if "id" in terms else None
        if method == "message_post":
            reply = 900 + len(self.posted)
            self.posted.append({"id": reply, "model": model, "res_id": ids[0], **kw})
            return reply
        if model == "mail.message" and method == "search_read":
            if "body" in terms:  # the replies on these records whose body holds the text
                return [{"id": p["id"], "body": p["body"]} for p in self.posted if p["model"] in terms["model"]
                        and p["res_id"] in terms["res_id"] and terms["body"] in p["body"]]
            return [m for m in self.messages if m["id"] > terms.get("id", 0)]  # the page after ``id >``
        if model == "res.partner" and method == "search_read" and wanted is not None:
            if "customer_rank" in terms:  # which of these are customers
                return [{"id": i} for i in wanted if i == CUSTOMER]
            return [{"id": i, "commercial_partner_id": [CUSTOMER if i in (CUSTOMER, CONTACT) else i, "x"]}
                    for i in wanted]
        if model == "account.move" and method == "search_read" and wanted is not None:
            kinds = {INVOICE: "out_invoice", BILL: "in_invoice"}
            return [{"id": i, "commercial_partner_id": [CUSTOMER if i == INVOICE else VENDOR, "x"],
                     "move_type": kinds[i]} for i in wanted]
        if method == "search_read":
            return []
        raise AssertionError(f"unexpected call {model}.{method}")


def pulled(odoo: ChatterOdoo, cursor: str | None = None):
    unreadable: list[Unreadable] = []
    result = pull(Reader(odoo, (1,), 50), (18, 0), COMPANY, cursor, cursor is None, 0, unreadable=unreadable)
    return result, unreadable


def ledger_of(result):
    data = {"customers": [{"id": str(CUSTOMER), "name": "Acme"}],
            "invoices": [{"id": str(INVOICE), "number": "INV/2026/0042", "customer_id": str(CUSTOMER),
                          "issue_date": "2026-10-01", "due_date": "2026-10-31", "total": "500"}],
            "notes": result.records["notes"], "contact_attempts": result.records["contact_attempts"]}
    return load_ledger(data, source="odoo")


FLAG = Flag(customer_id=str(CUSTOMER), level="high", score=60, segment="delinquent", as_of=dt.date(2026, 11, 1))
MESSAGES_ROWS = [
    message(1, "<p>promise: 2026-12-15 1200</p>"),
    message(2, "<p>Spoke to Jo.</p><p>call: no answer</p>", res_id=CONTACT, day="2026-11-03"),
    message(3, "<p>dispute: wrong goods</p>", model="account.move", res_id=INVOICE, day="2026-11-04"),
    message(4, "<p>dispute: wrong goods</p>", model="account.move", res_id=BILL),  # a vendor bill
    message(5, "<p>call: no answer</p>", res_id=VENDOR),  # not a customer
    message(6, notes.flag_note(FLAG), day="2026-11-05"),  # arwatch's own flag note
    message(7, "<p>arwatch could not read this: expected 'x'</p><p>call: no answer</p>", day="2026-11-05"),
    message(8, "<p>Sent the statement again.</p>"),  # free text
]


def test_chatter__the_stream_reads_done_activities_and_notes_behind_the_company_wall():
    terms = domain(MESSAGES, (1,))
    assert terms[:6] == [["model", "in", ["res.partner", "account.move"]], "|", "&",
                         ["mail_activity_type_id", "!=", False], ["message_type", "=", "notification"],
                         ["message_type", "=", "comment"]]
    assert ["record_company_id", "in", [1, False]] in terms  # the company's records and shared partners


def test_chatter__notes_on_the_customer_its_contact_and_its_invoice_are_read_others_not():
    result, unreadable = pulled(ChatterOdoo(MESSAGES_ROWS))
    assert [(n["id"], n["customer_id"], n["invoice_id"], n["on"], n["text"]) for n in result.records["notes"]] == [
        ("msg:1", "7", None, "2026-11-02", "promise: 2026-12-15 1200"),
        ("msg:2", "7", None, "2026-11-03", "call: no answer"),
        ("msg:3", "7", "42", "2026-11-04", "dispute: wrong goods")]
    assert result.records["contact_attempts"] == [], "a note is no contact attempt of its own"
    assert unreadable == []
    assert parse_cursor(result.cursor)["messages"] == "2026-11-05 10:00:07", "past arwatch's own posts too"


def test_chatter__the_records_they_make_dated_by_the_message():
    ledger, issues = ledger_of(pulled(ChatterOdoo(MESSAGES_ROWS))[0])
    assert issues == ()
    assert [(a.on, a.answered, a.promise_date, a.promise_amount) for a in ledger.contact_attempts] == [
        (dt.date(2026, 11, 2), True, dt.date(2026, 12, 15), Decimal("1200.00")),
        (dt.date(2026, 11, 3), False, None, None)]
    (dispute,) = ledger.disputes
    assert (dispute.invoice_id, dispute.opened_on, dispute.reason) == ("42", dt.date(2026, 11, 4), "wrong goods")


def test_chatter__a_done_call_still_counts_once_beside_the_notes():
    rows = [message(11, "<p>Called</p>", message_type="notification", activity=3),
            message(12, "<p>call: no answer</p>", message_type="notification", activity=3)]
    odoo = ChatterOdoo(rows)
    odoo.call = _with_types(odoo.call)
    result, _ = pulled(odoo)
    assert [(a["id"], a["answered"]) for a in result.records["contact_attempts"]] == [("msg:11", True)]
    assert [n["id"] for n in result.records["notes"]] == ["msg:12"]  # its own line is the attempt


def _with_types(call):
    def typed(model, method, ids=None, **kw):
        if model == "mail.activity.type":
            return [{"id": 3, "name": "Call", "category": "phonecall", "icon": "fa-phone"}]
        return call(model, method, ids=ids, **kw)
    return typed


def test_chatter__an_unreadable_note_is_answered_once_and_its_answer_not_read_back():
    odoo = ChatterOdoo([message(21, "<p>promise: soon</p><p>call: no answer</p>"),
                        message(22, "<p>snooze: later</p>", model="account.move", res_id=INVOICE)])
    result, unreadable = pulled(odoo)
    assert [(u.model, u.res_id, u.message_id, u.customer_id, [p.text for p in u.problems]) for u in unreadable] == [
        ("res.partner", CUSTOMER, 21, "7", ["promise: soon"]), ("account.move", INVOICE, 22, "7", ["snooze: later"])]
    _, issues = ledger_of(result)
    assert [i.record_id for i in issues] == ["msg:21#1", "msg:22"], "never silent in arwatch either"
    answers = answer(odoo, unreadable)
    assert [(a.key, a.customer_id, a.note_id, a.external_id) for a in answers] == [
        ("answer:msg:21", "7", "msg:21", "900"), ("answer:msg:22", "7", "msg:22", "901")]
    assert answers[0].text == ANSWER + "expected 'promise: <date> [<amount>]' or 'promise: <amount> by <date>' " \
                                       "(under 'promise: soon')"
    first = odoo.posted[0]
    assert (first["model"], first["res_id"], first["parent_id"], first["subtype_xmlid"]) == (
        "res.partner", CUSTOMER, 21, "mail.mt_note")
    assert first["body"].endswith("<p>[arwatch:answer:21]</p>"), "the mark names the note (Odoo re-parents replies)"
    assert [(p["model"], p["res_id"]) for p in odoo.posted] == [("res.partner", 7), ("account.move", 42)]
    # read again (the pull's overlap, a full pull): found answered, nothing posted twice
    odoo.messages += [message(30 + k, p["body"], model=p["model"], res_id=p["res_id"]) for k, p in
                      enumerate(odoo.posted)]
    again, unreadable = pulled(odoo)
    assert [u.message_id for u in unreadable] == [21, 22]
    assert [n["id"] for n in again.records["notes"]] == ["msg:21#1", "msg:21#2", "msg:22"], "answers are not notes"
    assert answer(odoo, unreadable) == []
    assert len(odoo.posted) == 2


def test_chatter__nothing_to_answer_costs_no_call():
    odoo = ChatterOdoo([])
    assert answer(odoo, []) == [] and odoo.calls == 0
