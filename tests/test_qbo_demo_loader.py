"""The demo loader: core raw records -> QuickBooks JSON in the stand-in -> pulled back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from qbo_adapter_fixtures import kit, qbo_standin  # noqa: F401
from qbo_demo_loader import load_demo_into_standin

from arwatch.core.load import load_ledger

DEMO = {
    "company": {"id": "demo", "name": "Demo", "currency": "USD"},
    "customers": [
        {"id": "C1", "name": "Acme", "terms_days": 30, "email": "ap@acme.test"},
        {"id": "C2", "name": "Euro GmbH", "terms_days": 14, "currency": "EUR", "active": False},
    ],
    "invoices": [
        {"id": "I1", "number": "INV/1", "customer_id": "C1", "issue_date": "2023-10-01",
         "due_date": "2023-10-31", "total": "100.00"},
        {"id": "I2", "number": "INV/2", "customer_id": "C2", "issue_date": "2023-10-05",
         "due_date": "2023-10-19", "total": "50.00", "currency": "EUR", "fx_rate": "1.08"},
        {"id": "R1", "number": "CN/1", "customer_id": "C1", "kind": "credit_note",
         "issue_date": "2023-10-10", "due_date": "2023-10-10", "total": "10.00",
         "allocations": [{"invoice_id": "I1", "amount": "10.00", "date": "2023-10-12"}]},
    ],
    "payments": [
        {"id": "P1", "customer_id": "C1", "date": "2023-10-20", "amount": "60.00",
         "allocations": [{"invoice_id": "I1", "amount": "60.00"}]},
        {"id": "P2", "customer_id": "C2", "date": "2023-11-01", "amount": "50.00",
         "currency": "EUR", "fx_rate": "1.1", "state": "returned", "returned_on": "2023-11-09"},
    ],
}


def test_demo_loader__pulls_back_the_same_ledger(kit):  # noqa: F811
    ids = load_demo_into_standin(kit.standin, DEMO)
    kit.later()
    result = kit.source().pull(None, full=True)
    ledger, issues = load_ledger(result.records, "quickbooks")
    assert issues == () and result.issues == ()
    back = {v: k for k, v in ids["invoices"].items()}
    invoices = {back.get(i.id, i.id): i for i in ledger.invoices}
    assert invoices["I1"].residual == Decimal("30") and invoices["I1"].due_date.isoformat() == "2023-10-31"
    assert invoices["I2"].currency == "EUR" and invoices["I2"].fx_rate == Decimal("1.08")
    credit = invoices["cm-" + ids["credit_notes"]["R1"]]
    assert [(a.invoice_id, a.amount) for a in credit.allocations] == [(ids["invoices"]["I1"],
                                                                       Decimal("10"))]
    payments = {p.id: p for p in ledger.payments}
    returned = payments[ids["payments"]["P2"]]
    assert returned.state.value == "voided" and returned.returned_on.isoformat() == "2023-11-09"
    customers = {c.id: c for c in ledger.customers}
    assert customers[ids["customers"]["C2"]].active is False
    assert customers[ids["customers"]["C2"]].terms_days == 14


def test_demo_loader__loads_the_demo_company_if_present(kit):  # noqa: F811
    company = pytest.importorskip("arwatch.demo.company")
    data = company.build_demo_company().data
    ids = load_demo_into_standin(kit.standin, data)
    kit.later()
    result = kit.source(home_currency=data["company"]["currency"]).pull(None, full=True)
    assert result.issues == ()
    assert len(result.records["customers"]) == len(ids["customers"])
    assert len(result.records["payments"]) == len(ids["payments"])
    ledger, issues = load_ledger(result.records, "quickbooks")
    assert issues == ()
