"""The synthetic benchmark generator at small scale: exact counts, clean loads, same behaviours."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from arwatch.core.load import load_ledger
from arwatch.core.model import Invoice, InvoiceKind, Ledger, Payment, PaymentState

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
_spec = importlib.util.spec_from_file_location("arwatch_benchmarks_synthetic", _PATH)
synthetic = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = synthetic
_spec.loader.exec_module(synthetic)

SIZES = dict(n_customers=1_000, n_invoices=10_000, n_payments=10_000)


@pytest.fixture(scope="module")
def plain() -> dict:
    return synthetic.build_synthetic(**SIZES, validate=True)


@pytest.fixture(scope="module")
def fast() -> dict:
    return synthetic.build_synthetic(**SIZES)


def test_build_synthetic__validated_path_has_the_requested_counts(plain):
    assert len(plain["customers"]) == 1_000
    assert len(plain["invoices"]) == 10_000
    assert len(plain["payments"]) == 10_000
    json.dumps(plain)  # plain JSON-able values only


def test_build_synthetic__validated_path_loads_with_zero_issues(plain):
    ledger, issues = load_ledger(plain, source="synthetic")
    assert issues == ()
    assert (len(ledger.customers), len(ledger.invoices), len(ledger.payments)) == (1_000, 10_000, 10_000)
    assert ledger.disputes and ledger.contact_attempts and ledger.payment_plans and ledger.signals


def test_build_synthetic__fast_path_holds_records_that_load_cleanly(fast):
    assert isinstance(fast["invoices"][0], Invoice) and isinstance(fast["payments"][0], Payment)
    ledger, issues = load_ledger(fast, source="synthetic")
    assert issues == ()
    assert (len(ledger.invoices), len(ledger.payments)) == (10_000, 10_000)


def test_build_synthetic__fast_and_validated_paths_agree(plain, fast):
    for key in ("customers", "invoices", "payments", "disputes", "contact_attempts",
                "payment_plans", "signals"):
        assert len(plain[key]) == len(fast[key]), key
    validated = load_ledger(plain, source="synthetic")[0]
    assert validated.invoices[:50] == tuple(fast["invoices"][:50])
    assert validated.payments[-50:] == tuple(fast["payments"][-50:])
    assert validated.customers[:20] == tuple(fast["customers"][:20])


def test_build_synthetic__deterministic_per_seed():
    small = dict(n_customers=200, n_invoices=2_000, n_payments=1_500)
    a = synthetic.build_synthetic(**small, seed=3, validate=True)
    b = synthetic.build_synthetic(**small, seed=3, validate=True)
    c = synthetic.build_synthetic(**small, seed=4, validate=True)
    assert a == b
    assert a["invoices"] != c["invoices"]
    assert len(c["payments"]) == 1_500


@pytest.mark.parametrize("n_invoices,n_payments", [(5_000, 2_000), (2_000, 6_000), (3_000, 0)])
def test_build_synthetic__odd_ratios_still_give_exact_counts(n_invoices, n_payments):
    data = synthetic.build_synthetic(300, n_invoices, n_payments, seed=9, validate=True)
    assert (len(data["invoices"]), len(data["payments"])) == (n_invoices, n_payments)


def test_build_synthetic__mix_of_behaviours(plain):
    payments = plain["payments"]
    per_payment = Counter(len(p.get("allocations", ())) for p in payments)
    assert per_payment[1] > 0.8 * len(payments)  # most payments settle one invoice
    assert sum(n for k, n in per_payment.items() if k >= 2) > 50
    assert sum(p["state"] == "returned" for p in payments) >= 50
    allocated = defaultdict(Decimal)
    for p in payments:
        assert sum(Decimal(a["amount"]) for a in p.get("allocations", ())) <= Decimal(p["amount"])
        for a in p.get("allocations", ()):
            allocated[a["invoice_id"]] += Decimal(a["amount"])
    notes = [i for i in plain["invoices"] if i["kind"] == "credit_note"]
    assert 100 <= len(notes) <= 400
    for n in notes:
        for a in n["allocations"]:
            allocated[a["invoice_id"]] += Decimal(a["amount"])
    invoices = {i["id"]: i for i in plain["invoices"] if i["kind"] == "invoice"}
    assert all(allocated[i] <= Decimal(invoices[i]["total"]) for i in allocated)
    assert sum(allocated[i] < Decimal(inv["total"]) for i, inv in invoices.items()) > 200  # open ones
    assert sum(1 for i in allocated if 0 < allocated[i] < Decimal(invoices[i]["total"])) > 20  # partial
    kinds = {s["kind"] for s in plain["signals"]}
    assert {"hearsay", "fraud_suspicion", "industry_distress", "staff_left"} <= kinds
    assert {d["kind"] for d in plain["disputes"]} == {"dispute", "complaint"}
    assert any(a["promise_date"] for a in plain["contact_attempts"])
    assert any(not a["answered"] for a in plain["contact_attempts"])
    accounts = defaultdict(set)
    for p in payments:
        accounts[p["customer_id"]].add(p["payer_account"])
    assert sum(len(a) >= 2 for a in accounts.values()) >= 10  # bank churners
    assert any(k["archived_on"] for c in plain["customers"] for k in c["contacts"])


def test_synthetic_ledger__fast_and_validated(plain):
    small = dict(n_customers=300, n_invoices=3_000, n_payments=3_000)
    fast = synthetic.synthetic_ledger(**small)
    checked = synthetic.synthetic_ledger(**small, validate=True)
    assert isinstance(fast, Ledger) and isinstance(checked, Ledger)
    assert fast.invoices == checked.invoices and fast.payments == checked.payments
    assert fast.source == checked.source == "synthetic"
    assert any(inv.kind is InvoiceKind.CREDIT_NOTE for inv in fast.invoices)
    assert any(p.state is PaymentState.RETURNED for p in fast.payments)
