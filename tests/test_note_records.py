"""Collectors' notes become ledger records when the ledger is loaded (core/note_records.py): calls,
promises, disputes and their resolution, signals, plans and switches; a line that does not read,
or names an invoice or dispute that is not there, is an issue naming the note."""

import datetime as dt
from decimal import Decimal

from ledgers import board_at, ledger_data

from arwatch.core.holds import fired
from arwatch.core.load import load_ledger
from arwatch.core.model import SignalKind, SwitchKind

D = dt.date.fromisoformat
BASE = """
customer a "Alpha" terms=30
invoice a INV-1042 2024-01-01 800.00
invoice a INV-1043 2024-01-05 300.00
"""


def load(text: str, unavailable=()):
    return load_ledger(ledger_data(BASE + text), unavailable=unavailable)


def test_notes__calls_and_promises_are_contact_attempts():
    ledger, issues = load('note a 2024-02-01 "call: no answer"\n'
                          'note a 2024-02-03 "call: reached Anna, promised 1,200.00 by 15 Feb"\n'
                          'note a 2024-02-04 "promise: 2024-02-20 300"', unavailable=("contact_attempts",))
    assert issues == ()
    assert [(t.on, t.answered, t.promise_date, t.promise_amount) for t in ledger.contact_attempts] == [
        (D("2024-02-01"), False, None, None), (D("2024-02-03"), True, D("2024-02-15"), Decimal("1200.00")),
        (D("2024-02-04"), True, D("2024-02-20"), Decimal(300))]
    assert "contact_attempts" not in ledger.unavailable  # the notes gave them


def test_notes__a_dispute_names_its_invoice_by_number_and_resolved_closes_it():
    ledger, issues = load('note a 2024-02-01 "dispute: INV-1042 350.00 wrong goods"\n'
                          'note a 2024-02-02 "dispute: inv-1043 late"\n'
                          'note a 2024-03-01 "resolved: INV-1042"')
    assert issues == ()
    assert [(d.invoice_id, d.amount, d.reason, d.opened_on, d.resolved_on) for d in ledger.disputes] == [
        ("INV-1042", Decimal("350.00"), "wrong goods", D("2024-02-01"), D("2024-03-01")),
        ("INV-1043", None, "late", D("2024-02-02"), None)]


def test_notes__bare_resolved_closes_every_open_dispute_and_a_note_on_an_invoice_disputes_it():
    ledger, issues = load('note a 2024-02-01 "dispute: wrong goods" invoice=INV-1043\n'
                          'note a 2024-02-02 "dispute: prices do not match"\n'
                          'note a 2024-03-01 "resolved"')
    assert issues == ()
    assert [(d.invoice_id, d.resolved_on) for d in ledger.disputes] == [("INV-1043", D("2024-03-01")),
                                                                       (None, D("2024-03-01"))]


def test_notes__unknown_invoice_nothing_to_resolve_and_unreadable_lines_are_issues():
    ledger, issues = load('note a 2024-02-01 "dispute: INV-9 wrong goods"\n'
                          'note a 2024-02-02 "resolved: INV-1042"\n'
                          'note a 2024-02-03 "snooze: later"')
    assert ledger.disputes == () and ledger.switches == ()
    assert [(i.record_type, i.field) for i in issues] == [("note", "text"), ("note", "invoice"),
                                                          ("note", "resolved")]
    assert issues[0].message == ("'snooze: later': expected 'snooze: until <date>' or 'snooze: for <n> days'")
    assert "no invoice numbered 'INV-9'" in issues[1].message


def test_notes__signals_plans_and_switches():
    ledger, issues = load('note a 2024-02-01 "signal: staff_exodus CFO left"\n'
                          'note a 2024-02-01 "plan: 2 x 400.00 monthly from 2024-03-01"\n'
                          'note a 2024-02-02 "snooze: until 2024-02-20"\n'
                          'note a 2024-02-03 "exclude: lawyer"\n'
                          'note a 2024-02-04 "placed: Acme Collections"')
    assert issues == ()
    (signal,) = ledger.signals
    assert (signal.kind, signal.on, signal.note) == (SignalKind.STAFF_LEFT, D("2024-02-01"), "CFO left")
    (plan,) = ledger.payment_plans
    assert [(i.due_date, i.amount) for i in plan.instalments] == [(D("2024-03-01"), Decimal("400.00")),
                                                                  (D("2024-04-01"), Decimal("400.00"))]
    assert [(s.kind, s.until, s.note) for s in ledger.switches] == [
        (SwitchKind.SNOOZE, D("2024-02-20"), ""), (SwitchKind.EXCLUDE, None, "lawyer"),
        (SwitchKind.PLACED, None, "Acme Collections")]


def test_notes__several_lines_of_one_note_each_make_a_record_with_its_own_id():
    ledger, issues = load(r'note a 2024-02-01 "arwatch task: call\ncall: no answer\nsignal: hearsay not paying anyone"')
    assert issues == ()
    note_id = ledger.notes[0].id
    assert [t.id for t in ledger.contact_attempts] == [f"{note_id}#1"]
    assert [s.id for s in ledger.signals] == [f"{note_id}#2"]


def test_notes__a_signal_note_fires_its_indicator_from_its_day():
    text = BASE + 'note a 2024-02-01 "signal: fraud_suspicion asked to pay into a new account"'
    assert not fired(board_at(text, "2024-01-31"), "fraud_suspicion")[0]
    assert fired(board_at(text, "2024-02-01"), "fraud_suspicion")[0]
