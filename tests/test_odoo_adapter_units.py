"""Unit tests of the Odoo adapter's pure parts and its write-back against a fake transport."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from arwatch.adapters.odoo import markers
from arwatch.adapters.odoo.errors import RecordRefused, Retriable, ServerUnreachable
from arwatch.adapters.odoo.lookups import Lookups
from arwatch.adapters.odoo.query import MOVES, domain, since_value
from arwatch.adapters.odoo.reader import Reader
from arwatch.adapters.odoo.retry import call_with_retries
from arwatch.adapters.odoo.transport import parse_version
from arwatch.adapters.odoo.writeback import WriteBack
from arwatch.core import odoo_rows as m
from arwatch.core.actions import Change, Flag, Hold, Op, Task

DAY = dt.date(2026, 11, 20)


class FakeOdoo:
    """Answers the calls the write-back makes from an in-memory partner table."""

    def __init__(self, partners, refuse=()):
        self.version, self.uid, self.calls = (18, 0), 2, 0
        self.partners, self.refuse, self.log = partners, set(refuse), []

    def call(self, model, method, ids=None, **kw):
        self.calls += 1
        self.log.append((model, method, ids, kw))
        if ids and set(ids) & self.refuse and method in ("write", "message_post"):
            raise RecordRefused("ValidationError", "locked by a rule")
        if model == "res.partner" and method == "search_read":
            pid = kw["domain"][0][2]
            return [dict(self.partners[pid], id=pid)] if pid in self.partners else []
        if model == "res.partner" and method == "write":
            self.partners[ids[0]].update(kw["vals"])
            return True
        if model == "res.partner" and method == "fields_get":
            return {"sale_warn": {}, "sale_warn_msg": {}}
        if model == "res.partner.category" and method == "search_read":
            return [{"id": 1, "name": "Risk: high"}]
        if method == "message_post":
            return 99
        if model == "mail.message":
            return []
        raise AssertionError(f"unexpected call {model}.{method}")


def _hold_change(cid: str) -> Change:
    hold = Hold(customer_id=cid, rule="segment:delinquent", reason="90 days late", since=DAY)
    return Change(op=Op.PLACE_HOLD, key=hold.key, customer_id=cid, hold=hold)


def test_writeback__one_refused_record_is_reported_and_the_rest_applied():
    odoo = FakeOdoo({7: {"sale_warn": "no-message", "sale_warn_msg": False},
                     8: {"sale_warn": "no-message", "sale_warn_msg": False}}, refuse={7})
    results = list(WriteBack(odoo, Lookups(odoo), company_ids=(1,)).apply([_hold_change("7"), _hold_change("8")]))
    assert [r.ok for r in results] == [False, True]
    assert "ValidationError" in results[0].error
    assert odoo.partners[8]["sale_warn"] == "block" and "[arwatch:hold@1]" in odoo.partners[8]["sale_warn_msg"]


def test_writeback__hold_keeps_the_previous_warning_and_release_restores_it():
    odoo = FakeOdoo({7: {"sale_warn": "warning", "sale_warn_msg": "pays by cheque"}})
    back = WriteBack(odoo, Lookups(odoo), details_of=lambda key: stored, company_ids=(1,))
    placed = back.apply_one(_hold_change("7"))
    stored = placed.details
    assert stored == {"previous_sale_warn": "warning", "previous_sale_warn_msg": "pays by cheque"}
    released = back.apply_one(Change(op=Op.RELEASE_HOLD, key="hold:7", customer_id="7", why="paid"))
    assert released.ok
    assert odoo.partners[7] == {"sale_warn": "warning", "sale_warn_msg": "pays by cheque"}


def test_writeback__release_leaves_a_warning_a_user_changed_since():
    odoo = FakeOdoo({7: {"sale_warn": "warning", "sale_warn_msg": "call Bob first"}})
    result = WriteBack(odoo, Lookups(odoo), company_ids=(1,)).apply_one(
        Change(op=Op.RELEASE_HOLD, key="hold:7", customer_id="7", why="paid"))
    assert result.ok and "left as it is" in result.details["note"]
    assert odoo.partners[7] == {"sale_warn": "warning", "sale_warn_msg": "call Bob first"}
    assert not [c for c in odoo.log if c[1] == "write"]


def test_writeback__flag_replaces_other_risk_tags_and_notes_the_reasons():
    odoo = FakeOdoo({7: {"category_id": [5, 1]}})
    odoo.call = _with_tags(odoo.call)
    flag = Flag(customer_id="7", level="critical", score=91, segment="delinquent", reasons=("aging: INV/1 <late>",),
                as_of=DAY)
    change = Change(op=Op.SET_FLAG, key=flag.key, customer_id="7", flag=flag)
    result = WriteBack(odoo, Lookups(odoo), company_ids=(1,)).apply_one(change)
    assert result.ok
    write = next(c for c in odoo.log if c[1] == "write")
    assert write[3]["vals"]["category_id"] == [[3, 1], [4, 2]]
    note = next(c for c in odoo.log if c[1] == "message_post")[3]["body"]
    assert "aging: INV/1 &lt;late&gt;" in note
    assert markers.payload("flag", note)["level"] == "critical"


def _with_tags(inner):
    def call(model, method, ids=None, **kw):
        if model == "res.partner.category" and method == "create":
            return [2]
        return inner(model, method, ids=ids, **kw)
    return call


def test_markers__task_key_round_trips_through_html_escaping():
    key = Task(customer_id="12", step="first_reminder", cause="invoice:INV/2026/0041", title="t",
               due_date=DAY).key
    assert markers.task_key(f"<p>Call them</p><p>{markers.task_mark(key)}</p>") == key
    assert markers.task_key("<p>no mark</p>") is None


def test_markers__damaged_payload_reads_as_none():
    text = markers.payload_mark("flag", {"level": "high"})
    assert markers.payload("flag", text) == {"level": "high"}
    assert markers.payload("flag", text.replace(text[20:30], "A" * 10)) is None


def test_query__domain_adds_company_cursor_and_page():
    assert domain(MOVES, (1, 3), "2026-11-20 10:00:00", 41)[-3:] == [
        ["company_id", "in", [1, 3]], ["write_date", ">=", "2026-11-20 10:00:00"], ["id", ">", 41]]
    assert since_value("2026-11-20 10:00:00", 300) == "2026-11-20 09:55:00"
    assert since_value(None, 300) is None


def test_reader__pages_grow_with_pages_not_records():
    class Rows:
        version, uid, calls = (18, 0), 2, 0

        def call(self, model, method, ids=None, **kw):
            self.calls += 1
            after = next((t[2] for t in kw["domain"] if t[0] == "id"), 0)
            return [{"id": i} for i in range(after + 1, min(after + kw["limit"], 1234) + 1)]

    t = Rows()
    rows = Reader(t, (1,), page_size=500).pages(MOVES)
    assert len(rows) == 1234 and t.calls == 3


def test_mapping__invoice_in_company_currency_and_bad_rows_become_issues():
    row = {"id": 5, "name": "INV/5", "move_type": "out_invoice", "commercial_partner_id": [9, "Acme"],
           "invoice_date": "2026-10-01", "invoice_date_due": "2026-10-31", "amount_total_signed": 1100.0,
           "amount_residual_signed": 100.0}
    inv = m.invoice(row, "EUR", [])
    assert (inv["total"], inv["residual"], inv["currency"], inv["due_date"]) == (
        Decimal("1100.00"), Decimal("100.00"), "EUR", dt.date(2026, 10, 31))
    issues = []
    assert m.mapped("account.move", dict(row, invoice_date_due="2026-09-01"),
                    lambda r: m.invoice(r, "EUR", []), issues) is None
    assert (issues[0].record_type, issues[0].record_id, issues[0].field) == ("account.move", "5", "invoice_date_due")


def test_mapping__rejected_payment_is_returned_with_its_payer_account():
    row = {"id": 3, "date": "2026-10-01", "amount": 50.0, "amount_company_currency_signed": 45.0,
           "state": "rejected", "write_date": "2026-10-04 09:00:00", "memo": "Oct"}
    pay = m.payment(row, 9, "EUR", [], "DE89 3704")
    assert (pay["state"], pay["returned_on"], pay["amount"], pay["payer_account"]) == (
        "returned", dt.date(2026, 10, 4), Decimal("45.00"), "DE89 3704")


def test_mapping__done_call_reads_no_answer_and_promise():
    msg = {"id": 4, "date": "2026-11-02 10:00:00",
           "body": "<p>Call done</p><p>Feedback: promised to pay 2026-11-15 300.50</p>"}
    attempt = m.contact_attempt(msg, 9, "call")
    assert attempt["answered"] and attempt["promise_date"] == dt.date(2026, 11, 15)
    assert attempt["promise_amount"] == Decimal("300.50")
    assert not m.contact_attempt(dict(msg, body="no answer, left voicemail"), 9, "call")["answered"]


def test_transport__version_parsing_handles_saas_builds():
    assert parse_version({"server_version_info": [18, 0, 0, "final", 0, ""]}) == (18, 0)
    assert parse_version({"server_version_info": ["saas~18", 3, 0, "final", 0, ""]}) == (18, 3)
    with pytest.raises(ServerUnreachable):
        parse_version({"server_version_info": ["x", 0], "server_version": "x"})


def test_retry__retriable_faults_are_retried_others_are_not():
    tries = []

    def flaky():
        tries.append(1)
        if len(tries) < 3:
            raise Retriable("timeout")
        return "ok"

    assert call_with_retries(flaky, 4, 0) == "ok" and len(tries) == 3

    def refused():
        tries.append(1)
        raise RecordRefused("AccessError", "no")

    tries.clear()
    with pytest.raises(RecordRefused):
        call_with_retries(refused, 4, 0)
    assert len(tries) == 1


class _Answer:
    def __init__(self, status, body):
        self.status_code, self._body, self.text = status, body, str(body)

    def json(self):
        return self._body


class _Session:
    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    def post(self, url, json=None, headers=None, timeout=None):
        self.sent.append((url, json))
        return self.answers.pop(0)


def test_json2__wrong_key_is_a_login_error_without_the_key():
    from arwatch.adapters.odoo.errors import LoginRefused
    from arwatch.adapters.odoo.transport_json2 import Json2Transport

    secret = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(LoginRefused) as caught:
        Json2Transport("https://acme.odoo.com", "acme", "bot", secret, (19, 0),
                       session=_Session(_Answer(401, {"name": "werkzeug.exceptions.Unauthorized"})), wait=0)
    assert secret not in str(caught.value) and "Custom plan" in str(caught.value)


def test_json2__5xx_is_retried_and_access_error_is_a_record_fault():
    from arwatch.adapters.odoo.transport_json2 import Json2Transport

    session = _Session(_Answer(200, {"uid": 2}), _Answer(502, {}), _Answer(200, [{"id": 1}]),
                       _Answer(403, {"name": "odoo.exceptions.AccessError", "message": "no rights on account.move"}))
    t = Json2Transport("http://odoo.test", "db", "bot", "k", (19, 0), session=session, wait=0)
    assert t.call("res.partner", "search_read", domain=[]) == [{"id": 1}]
    with pytest.raises(RecordRefused, match="AccessError: no rights"):
        t.call("account.move", "write", ids=[4], vals={})
    assert t.calls == 4 and session.sent[-1][1] == {"vals": {}, "ids": [4]}


def test_window__rows_read_again_unchanged_are_dropped_and_a_late_row_is_not():
    from arwatch.adapters.odoo.window import Windows, digest

    rows = [{"id": 7, "write_date": "2026-11-20 10:00:00"}, {"id": 9, "write_date": "2026-11-20 10:04:00"}]
    first = Windows({})
    assert first.rows("moves", rows, None) == rows  # a full pull sends everything
    seen = first.digests({"moves": "2026-11-20 10:04:00"}, 300)
    assert seen == {"moves": digest(rows)}
    assert Windows(seen).rows("moves", list(rows), "2026-11-20 09:59:00") == []
    late = rows + [{"id": 8, "write_date": "2026-11-20 10:01:00"}]  # committed late, older write_date
    assert Windows(seen).rows("moves", late, "2026-11-20 09:59:00") == late


def test_written__any_of_joins_alternatives_with_prefix_or():
    from arwatch.adapters.odoo.query import PARTNERS, domain
    from arwatch.adapters.odoo.written import any_of

    a, b, c = ("x", "=", 1), ("y", "=", 2), ("z", "=", 3)
    assert any_of((a,), (), ("&", b, c)) == ("|", a, "&", b, c)
    assert any_of((a,)) == (a,) and any_of((), ()) == ()
    terms = domain(PARTNERS, (1,), "2026-11-20 10:00:00")
    assert terms[:2] == ["|", "&"] and terms[-1] == ["write_date", ">=", "2026-11-20 10:00:00"]


def test_mapping__sale_order_in_company_currency_and_bad_rows_become_issues():
    row = {"id": 12, "name": "S00012", "state": "sale", "partner_id": [31, "Acme, Jo"],
           "date_order": "2026-10-03 14:20:00", "amount_total": 1100.0, "currency_rate": 1.1}
    order = m.order(row, 9, "EUR")
    assert order == {"id": "12", "number": "S00012", "customer_id": "9", "order_date": dt.date(2026, 10, 3),
                     "total": Decimal("1000.00"), "currency": "EUR", "state": "confirmed"}
    issues = []
    for bad, field in ((dict(row, date_order=False), "date_order"), (dict(row, currency_rate=-1), "currency_rate")):
        assert m.mapped("sale.order", bad, lambda r: m.order(r, 9, "EUR"), issues) is None
        assert (issues[-1].record_type, issues[-1].record_id, issues[-1].field) == ("sale.order", "12", field)
    assert m.mapped("sale.order", row, lambda r: m.order(r, None, "EUR"), issues) is None
    assert issues[-1].field == "partner_id"


class OrdersOdoo:
    """Answers the pull's streams: no invoices or payments, two orders (one a contact's), and on an
    incremental pull one order cancelled since."""

    version, uid, calls = (18, 0), 2, 0

    def __init__(self, cancelled: bool = False):
        self.cancelled, self.log = cancelled, []

    def call(self, model, method, ids=None, **kw):
        self.log.append((model, method, kw.get("domain")))
        if model == "sale.order":
            rows = [{"id": 1, "name": "S1", "state": "sale", "partner_id": [7, "Acme"],
                     "date_order": "2026-09-01 10:00:00",
                     "amount_total": 100.0, "currency_rate": 1.0, "write_date": "2026-11-01 10:00:00"},
                    {"id": 2, "name": "S2", "state": "cancel" if self.cancelled else "sale",
                     "partner_id": [8, "Acme, Jo"],
                     "date_order": "2026-10-01 10:00:00", "amount_total": 50.0, "currency_rate": 1.0,
                     "write_date": "2026-11-02 10:00:00"}]
            wants_state = ["state", "=", "sale"] in kw["domain"]
            return [r for r in rows if not wants_state or r["state"] == "sale"]
        wanted = next((t[2] for t in kw.get("domain") or () if isinstance(t, list) and t[:2] == ["id", "in"]), None)
        if model == "res.partner" and method == "search_read" and wanted:
            return [{"id": i, "commercial_partner_id": [7, "Acme"]} for i in wanted if i in (7, 8)]
        if method == "search_read":
            return []
        raise AssertionError(f"unexpected call {model}.{method}")


def test_pull__confirmed_orders_of_the_commercial_partner_and_cancelled_ones_deleted():
    from arwatch.adapters.odoo.pull import pull as odoo_pull
    from arwatch.adapters.odoo.reader import Reader

    company = {"id": "1", "name": "Acme", "currency": "EUR"}
    odoo = OrdersOdoo()
    full = odoo_pull(Reader(odoo, (1,), 50), (18, 0), company, None, True, 0, orders=True)
    assert [(o["id"], o["customer_id"], o["total"]) for o in full.records["orders"]] == [
        ("1", "7", "100.00"), ("2", "7", "50.00")]  # as JSON; the contact's order is its company's
    later = OrdersOdoo(cancelled=True)
    incremental = odoo_pull(Reader(later, (1,), 50), (18, 0), company, full.cursor, False, 0, orders=True)
    assert incremental.deletions.get("orders") == ("2",)
    assert [o["id"] for o in incremental.records["orders"]] == ["1"]
    assert any(model == "sale.order" and ["write_date", ">=", "2026-11-02 10:00:00"] in domain
               for model, _, domain in later.log)
    without = odoo_pull(Reader(OrdersOdoo(), (1,), 50), (18, 0), company, None, True, 0)
    assert "orders" not in without.records


class NotesReader:
    """``where_in`` over a list of chatter notes; each call logged as (partners, after id)."""

    def __init__(self, notes):
        self.notes, self.log = notes, []

    def where_in(self, stream, field, values, extra=()):
        after = next((t[2] for t in extra if t[:2] == ("id", ">")), 0)
        self.log.append((sorted(values), after))
        return [n for n in self.notes if n["res_id"] in set(values) and n["id"] > after]


def _flag_note(note_id: int, pid: int, level: str, score: float) -> dict:
    from arwatch.adapters.odoo import notes as odoo_notes

    flag = Flag(customer_id=str(pid), level=level, score=score, segment="delinquent", as_of=dt.date(2026, 11, 20))
    return {"id": note_id, "res_id": pid, "body": odoo_notes.flag_note(flag)}


def test_written__notes_read_back_only_after_the_newest_the_mirror_knows():
    from arwatch.adapters.odoo.written import _notes

    day = dt.date(2026, 11, 20)
    history = [_flag_note(3, 8, "high", 70)] + [_flag_note(i, 7, "high", 50 + i) for i in range(10, 40)]
    mirror = {"flag:7": (Flag(customer_id="7", level="high", score=88, segment="delinquent", as_of=day), "39"),
              "hold:7": (Hold(customer_id="7", rule="segment:delinquent", reason="late", since=day), "38")}
    reader = NotesReader(history)
    found = _notes(reader, {7: ["high"]}, {7}, mirror)
    assert reader.log == [([7], 39)]  # one call for the notes after the newest known: none
    assert found["flag"][7]["score"] == 88 and found["hold"][7]["hold"]["reason"] == "late"

    reader = NotesReader(history + [_flag_note(41, 7, "critical", 91)])  # a note arwatch wrote, then crashed
    found = _notes(reader, {7: ["critical"]}, set(), mirror)
    assert reader.log == [([7], 39)] and found["flag"][7]["level"] == "critical"

    reader = NotesReader(history)
    found = _notes(reader, {7: ["high"], 8: ["high"]}, set(), mirror)  # 8: not in the mirror (a new store)
    assert reader.log == [([7, 8], 39), ([8], 0)] and found["flag"][8]["score"] == 70

    reader = NotesReader(history)
    found = _notes(reader, {7: ["medium"]}, set(), mirror)  # someone changed the tag: the mirror's level is stale
    assert reader.log == [([7], 39), ([7], 0)] and found["flag"][7]["level"] == "high"  # its latest note

    reader = NotesReader(history)
    _notes(reader, {7: ["high"]}, set(), None)  # no store: the whole history
    assert reader.log == [([7], 0)]
