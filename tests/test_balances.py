"""core.balances: open and overdue per customer on a day, in Decimal, netting credit notes and
unapplied payments; and a frame of a ledger with credit notes but no payments."""

import datetime as dt
from decimal import Decimal

from arwatch.core.balances import balances
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger

LEDGER = {
    "company": {"id": "co", "name": "Co", "currency": "EUR"},
    "customers": [{"id": "c1", "name": "One"}, {"id": "c2", "name": "Two"}, {"id": "c3", "name": "Three"}],
    "invoices": [
        {"id": "i1", "number": "I1", "customer_id": "c1", "issue_date": "2026-01-01", "due_date": "2026-01-31",
         "total": "100.00"},
        {"id": "i2", "number": "I2", "customer_id": "c1", "issue_date": "2026-02-01", "due_date": "2026-03-03",
         "total": "50.00"},
        {"id": "n1", "number": "N1", "customer_id": "c1", "kind": "credit_note", "issue_date": "2026-02-10",
         "due_date": "2026-02-10", "total": "30.00",
         "allocations": [{"invoice_id": "i1", "amount": "30.00"}]},
        {"id": "n2", "number": "N2", "customer_id": "c2", "kind": "credit_note", "issue_date": "2026-02-10",
         "due_date": "2026-02-10", "total": "25.00"},
        {"id": "i3", "number": "I3", "customer_id": "c3", "issue_date": "2026-01-01", "due_date": "2026-01-31",
         "total": "80.00"},
    ],
    "payments": [
        {"id": "p1", "customer_id": "c3", "date": "2026-02-01", "amount": "80.00", "state": "returned",
         "returned_on": "2026-02-15", "allocations": [{"invoice_id": "i3", "amount": "80.00"}]},
        {"id": "p2", "customer_id": "c1", "date": "2026-03-05", "amount": "60.00",
         "allocations": [{"invoice_id": "i2", "amount": "50.00"}]},
    ],
}


def _balances(day):
    ledger, issues = load_ledger(LEDGER)
    assert not issues
    return {c: (str(b.open), str(b.overdue), b.currency) for c, b in balances(ledger, day).items()}


def test_balances__credit_notes_and_payments_net_as_of_the_day():
    assert _balances(dt.date(2026, 2, 5)) == {
        "c1": ("150.00", "100.00", "EUR"), "c2": ("0.00", "0.00", "EUR"), "c3": ("0.00", "0.00", "EUR")}
    # N1 settles 30 of I1, N2 is credit nobody used, P1 bounced on 15 Feb, P2 pays I2 and 10 more
    assert _balances(dt.date(2026, 3, 10)) == {
        "c1": ("60.00", "60.00", "EUR"), "c2": ("-25.00", "0.00", "EUR"), "c3": ("80.00", "80.00", "EUR")}


def test_frame__credit_notes_applied_and_no_payments_cut_at_a_day():
    data = {**LEDGER, "payments": [], "customers": LEDGER["customers"][:2],
            "invoices": [i for i in LEDGER["invoices"] if i["customer_id"] != "c3"]}
    ledger, issues = load_ledger(data)
    assert not issues
    frame = LedgerFrame.from_ledger(ledger, dt.date(2026, 3, 1))
    assert len(frame.a_inv) == 1 and frame.a_payment.tolist() == [-1]
    assert balances(ledger, dt.date(2026, 3, 1))["c1"].open == Decimal("120.00")
