"""End to end against a real Odoo 18.0 / 19.0: live (``-m odoo`` with ARWATCH_ODOO_URL, _DB,
_LOGIN, _KEY) or replayed from the cassettes recorded from real servers (no Odoo needed).

Recording: ARWATCH_ODOO_RECORD=1 ARWATCH_ODOO_CASSETTE=odoo18 plus the live settings.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest
from odoo_e2e import scenario
from odoo_vcr import HOST, cassette_target, cassette_vcr, live_odoo, recording

from arwatch.adapters.odoo.transport import connect
from arwatch.core.actions import Op


def _check(outcome: dict, version: tuple[int, int]) -> None:
    first, second, third, fourth = outcome["runs"]
    assert sorted(c.op.value for c in first.changes) == ["open_task"] * 3 + ["place_hold", "set_flag"]
    assert all(r.ok for r in first.results), [r.error for r in first.results if not r.ok]
    assert second.changes == () and second.results == []
    assert sorted(c.op.value for c in third.changes) == ["clear_flag"] + ["close_task"] * 3 + ["release_hold"]
    assert all(r.ok for r in third.results), [r.error for r in third.results if not r.ok]
    assert fourth.changes == ()
    written = outcome["written"]
    assert written.flags == () and written.holds == () and written.tasks == ()
    partner = outcome["partner"]
    assert not partner["sale_warn_msg"]
    if version < (19, 0):
        assert partner["sale_warn"] == "no-message"
    hold = next(c for c in first.changes if c.op is Op.PLACE_HOLD)
    assert hold.customer_id == str(outcome["held"])
    _check_shared(outcome["shared"])
    key, legacy = outcome["legacy"]
    assert outcome["upgraded"].changes == (), "a task written without company is still this company's"
    assert str(legacy) in {r.external_id for r in third.results if r.op is Op.CLOSE_TASK}, "and closed with the rest"
    _check_collector(outcome["collector"])
    _check_chatter(outcome["chatter"])


def _check_collector(collector: dict) -> None:
    """A done call's feedback in the note syntax is read as the call and the snooze it records."""
    ledger, customer = collector["ledger"], str(collector["partner"])
    assert collector["run"].pulled >= 1
    notes = [n for n in ledger.notes if n.customer_id == customer]
    assert [n.text for n in notes] == ["call: no answer", "snooze: until 2027-12-31"]
    attempts = [a for a in ledger.contact_attempts if a.customer_id == customer]
    assert [(a.answered, a.on) for a in attempts] == [(False, notes[0].on)], "counted once, from its feedback"
    assert [(w.kind.value, w.until.isoformat()) for w in ledger.switches if w.customer_id == customer] == [
        ("snooze", "2027-12-31")]


def _check_chatter(chatter: dict) -> None:
    """Chatter notes in the note syntax on a customer and on its invoice are read, dated by the
    message: a promise to pay, a dispute on that invoice; the line that does not read is answered
    once in the invoice's chatter (a reply to the note), and the answer is not read back."""
    ledger, customer, invoice = chatter["ledger"], str(chatter["partner"]), str(chatter["invoice"])
    on_customer, on_invoice = chatter["notes"]
    read, again = chatter["runs"]
    notes = sorted((n.id, n.text, n.invoice_id) for n in ledger.notes if n.customer_id == customer)
    assert notes == sorted([(f"msg:{on_customer}", "promise: 2027-12-15 1200", None),
                            (f"msg:{on_invoice}#1", "dispute: wrong goods", invoice),
                            (f"msg:{on_invoice}#2", "promise: soon", invoice)])
    day = next(n.on for n in ledger.notes if n.id == f"msg:{on_customer}")
    assert [(a.on, a.promise_date.isoformat(), a.promise_amount) for a in ledger.contact_attempts
            if a.customer_id == customer] == [(day, "2027-12-15", Decimal("1200"))]
    disputes = [(d.invoice_id, d.reason) for d in ledger.disputes if d.customer_id == customer]
    assert disputes == [(invoice, "wrong goods")]
    assert [i.record_id for i in chatter["issues"] if (i.record_id or "").startswith("msg:")] == [
        f"msg:{on_invoice}#2"], "and said in arwatch's issues"
    [answer] = read.answers
    assert (answer.customer_id, answer.note_id) == (customer, f"msg:{on_invoice}")
    assert again.answers == [], "read again, answered already"
    assert chatter["replies"][on_customer] == []
    [reply] = chatter["replies"][on_invoice]
    assert (reply["model"], reply["res_id"], reply["message_type"]) == ("account.move", int(invoice), "comment")
    assert "arwatch could not read this: expected" in reply["body"] and str(reply["id"]) == answer.external_id


def _check_shared(shared: dict) -> None:
    """Two arwatch companies of one database sharing a customer keep their own tasks."""
    first, second, keys = shared["first"], shared["second"], sorted(t.key for t in shared["tasks"])
    assert shared["seen_by_second"] == (), "the second company does not read the first's tasks"
    assert shared["second_closes"] and all(r.ok and r.external_id is None for r in shared["second_closes"])
    assert sorted(shared["after_close"].values()) == sorted((k, first) for k in keys), "none of them closed"
    [opened] = shared["second_opens"]
    assert opened.ok and int(opened.external_id) not in shared["after_close"], "its own activity, beside the first's"
    assert shared["after_open"][int(opened.external_id)] == (opened.key, second)
    assert [t.key for t in shared["second_reads"]] == [opened.key]
    assert sorted(t.key for t in shared["first_reads"]) == keys
    assert shared["first_runs"].changes == (), "the first company writes nothing because of the second's task"
    [cleaned] = shared["second_cleans"]
    assert cleaned.external_id == opened.external_id and shared["after_clean"] == shared["after_close"]


@pytest.mark.odoo
def test_odoo_e2e_live_odoo():
    live = live_odoo()
    if live is None:
        pytest.skip("live Odoo tier: set ARWATCH_ODOO_URL, ARWATCH_ODOO_DB, ARWATCH_ODOO_LOGIN and "
                    "ARWATCH_ODOO_KEY (a user who may create companies) to run it")
    url, db, login, key = live
    transport = connect(url, db, login, key)
    _check(scenario(transport, url, db, secrets.token_hex(4)), transport.version)


@pytest.mark.parametrize("name", ["odoo18", "odoo19"])
def test_odoo_e2e__from_cassette(name):
    url, db, login, key, meta = cassette_target(name, "e2e")
    with cassette_vcr().use_cassette(f"{name}/e2e.yaml"):
        transport = connect(url, db, login, key, retries=1, wait=0)
        outcome = scenario(transport, url if recording() else HOST, db, meta["tag"])
    _check(outcome, transport.version)
