"""``load_frame`` (the big collections checked in columns, no model per record) gives exactly
what ``load_ledger`` + ``LedgerFrame.from_ledger`` give: the same frame arrays, the same issues
in the same order and the same scores, on the repository's ledgers (the demo company, the
synthetic generator, the file exports and their bad rows, as pulled and as the store keeps
them) and on generated ledgers full of records the columns cannot take (which go the model's
way). Every ledger text of the suite is compared too (``ledgers.frame_at``)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from frames_equal import assert_same_load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledgers import ledger_data
from odoo_demo_ledger import LEDGER as ODOO_DEMO_LEDGER
from odoo_demo_ledger import TODAY as ODOO_DEMO_TODAY
from sync_helpers import DATA, IBM_COLUMNS, IBM_EXCERPT
from test_file_bulk import (
    BAD_INVOICES,
    BAD_PAYMENTS,
    EXPECTED,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    _bad_mapping,
    _messy_settings,
    _write_demo,
)

from arwatch.adapters.file import FileMapping, MappingError
from arwatch.adapters.file.source import read_mapped
from arwatch.demo.company import build_demo_company
from arwatch.demo.synthetic import build_synthetic
from arwatch.sync.store.rows import dumps


def stored(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as the snapshot store gives it back (each record through its JSON payload)."""
    return {key: json.loads(dumps(value)) for key, value in data.items()}


def test_load_frame__the_demo_company_as_built_and_as_stored():
    company = build_demo_company()
    frame = assert_same_load(company.data, company.today, source="demo")
    assert frame.n_customers == 200
    assert_same_load(stored(company.data), company.today, source="demo")


def test_load_frame__the_synthetic_ledger_as_built_and_as_stored():
    data = build_synthetic(300, 3000, 3000, seed=3)
    assert_same_load(data, dt.date(2026, 6, 30))
    assert_same_load(stored(data), dt.date(2026, 6, 30))


def test_load_frame__the_odoo_demo_ledger():
    assert_same_load(ledger_data(ODOO_DEMO_LEDGER), ODOO_DEMO_TODAY, source="odoo")


def _pulled(mapping: FileMapping) -> dict[str, Any] | None:
    try:
        return read_mapped(mapping, "co")[0]
    except MappingError:
        return None


@pytest.mark.parametrize("name", sorted(EXPECTED["cases"]))
def test_load_frame__the_messy_exports(name):
    data = _pulled(FileMapping.model_validate(_messy_settings(EXPECTED["cases"][name])))
    if data is not None:
        as_of = dt.date.fromisoformat(str(EXPECTED["defaults"]["as_of"]))
        assert_same_load(data, as_of)
        assert_same_load(stored(data), as_of)


@pytest.mark.parametrize("excerpt", [IBM_EXCERPT, DATA / "ibm-ar-backtest-excerpt.csv"])
def test_load_frame__the_ibm_excerpts(excerpt):
    mapping = FileMapping.model_validate({"invoices": str(excerpt), "date_format": "m/d/yyyy", "currency": "USD",
                                          "columns": dict(IBM_COLUMNS)})
    data = _pulled(mapping)
    assert data is not None and data["invoices"]
    assert_same_load(data, dt.date(2013, 12, 31))
    assert_same_load(stored(data), dt.date(2013, 12, 31))


def test_load_frame__the_demo_company_as_an_export(tmp_path):
    invoices, payments = _write_demo(tmp_path)
    mapping = FileMapping.model_validate({"invoices": str(invoices), "payments": str(payments),
                                          "columns": INVOICE_COLUMNS, "payment_columns": PAYMENT_COLUMNS})
    data = _pulled(mapping)
    assert data is not None
    assert_same_load(stored(data), build_demo_company().today)


@pytest.mark.parametrize("payments", [BAD_PAYMENTS, None])
def test_load_frame__exports_with_bad_rows(tmp_path, payments):
    data = _pulled(_bad_mapping(tmp_path, BAD_INVOICES, payments))
    assert data is not None
    assert_same_load(stored(data), dt.date(2026, 3, 1))


# ---------------------------------------------------------------- generated ledgers, good and bad records

_DAYS = ["2026-01-02", "2026-01-09", "2026-02-01", "2026-02-15", "2026-03-01"]
_TEXT = st.sampled_from(["A", "B", "C", " A", "", "x" * 201, "B\n"])
_AMOUNT = st.one_of(st.sampled_from(["10", "10.00", "0", "5.5", "007.25", "12.1234567", "-3", "1e3", "999999999.999999",
                                     "1000000000", " 4", "abc", "4\x00", "\x004", ".5", "5.", "1.2.3", "",
                                     "123456789.123456", "0.000001", "\u0664"]),
                    st.integers(0, 50).map(str), st.integers(1, 40).map(Decimal), st.just(7), st.just(2.5))
_DAY = st.one_of(st.sampled_from(_DAYS), st.sampled_from(["2026-02-30", "2026/01/02", "20260102", " 2026-01-02"]),
                 st.just(None), st.just(dt.date(2026, 1, 20)))


def _maybe(draw, record: dict[str, Any], key: str, value: Any) -> None:
    if draw(st.booleans()):
        record[key] = value


@st.composite
def raw_ledgers(draw):
    """Customers, invoices, credit notes and payments as raw dicts: mostly well formed, some with
    a bad or unusual field (padded or over-long ids, bad dates and amounts, too many decimals,
    non-text values, unknown keys, fx rates, states), some naming unknown records, repeating ids,
    over-allocating or crossing customers and currencies."""
    customers = []
    for i in range(draw(st.integers(0, 4))):
        c: dict[str, Any] = {"id": draw(st.sampled_from(["A", "B", "C", "D"])) if draw(st.booleans()) else f"K{i}",
                             "name": draw(st.sampled_from(["Acme", " Beta", "Gamma"]))}
        _maybe(draw, c, "currency", draw(st.sampled_from(["EUR", "USD", "eur", None])))
        _maybe(draw, c, "terms_days", draw(st.sampled_from([0, 30, 60, 4000, -1, True, "30"])))
        _maybe(draw, c, "country", draw(st.sampled_from(["DE", None, "", " FR"])))
        _maybe(draw, c, "credit_limit", draw(st.sampled_from(["1000", "-5", None])))
        _maybe(draw, c, "salesperson", draw(st.sampled_from(["ann", None])))
        if draw(st.integers(0, 9)) == 0:
            c["contacts"] = [{"id": "k1", "name": "Jo", "created_on": "2026-01-01"}]
        if draw(st.integers(0, 19)) == 0:
            c["industry"] = "retail"
        customers.append(c)
    invoices = []
    for i in range(draw(st.integers(0, 10))):
        inv: dict[str, Any] = {"id": draw(st.sampled_from([f"I{i}", f"I{i}", "I0", " I1", ""])),
                               "number": f"N{i}", "customer_id": draw(_TEXT),
                               "issue_date": draw(_DAY), "due_date": draw(_DAY), "total": draw(_AMOUNT)}
        _maybe(draw, inv, "kind", draw(st.sampled_from(["invoice", "invoice", "credit_note", "bill"])))
        _maybe(draw, inv, "state", draw(st.sampled_from(["posted", "draft", "cancelled", "open"])))
        _maybe(draw, inv, "currency", draw(st.sampled_from(["EUR", "EUR", "USD", "usd"])))
        _maybe(draw, inv, "disputed", draw(st.sampled_from([True, False, "yes", 1, 0, None])))
        _maybe(draw, inv, "disputed_on", draw(_DAY))
        _maybe(draw, inv, "delivery", draw(st.sampled_from(["Paper", None, " EDI"])))
        if draw(st.integers(0, 9)) == 0:
            inv["fx_rate"] = draw(st.sampled_from(["0.9", "2", "0"]))
        if draw(st.integers(0, 19)) == 0:
            inv["memo"] = "not a field of an invoice"
        if draw(st.integers(0, 3)) == 0:
            inv["allocations"] = [{"invoice_id": f"I{draw(st.integers(0, 9))}", "amount": draw(_AMOUNT)}
                                  for _ in range(draw(st.integers(0, 2)))]
        invoices.append(inv)
    payments = []
    for p in range(draw(st.integers(0, 8))):
        allocs = []
        for _ in range(draw(st.integers(0, 3))):
            a: dict[str, Any] = {"invoice_id": f"I{draw(st.integers(0, 11))}", "amount": draw(_AMOUNT)}
            _maybe(draw, a, "date", draw(_DAY))
            if draw(st.integers(0, 19)) == 0:
                a = draw(st.sampled_from(["I1", {**a, "note": "x"}, None]))
            allocs.append(a)
        pay: dict[str, Any] = {"id": draw(st.sampled_from([f"P{p}", "P0", f"P{p}"])), "customer_id": draw(_TEXT),
                               "date": draw(_DAY), "amount": draw(_AMOUNT), "allocations": allocs}
        _maybe(draw, pay, "currency", draw(st.sampled_from(["EUR", "EUR", "USD"])))
        _maybe(draw, pay, "state", draw(st.sampled_from(["posted", "returned", "voided", "lost"])))
        _maybe(draw, pay, "returned_on", draw(_DAY))
        _maybe(draw, pay, "payer_account", draw(st.sampled_from(["DE01", "DE02", "", None, " X"])))
        if draw(st.integers(0, 9)) == 0:
            pay["fx_rate"] = "0.5"
        if draw(st.integers(0, 9)) == 0:
            pay["allocations"] = draw(st.sampled_from(["all", None, ("I1",)]))
        elif draw(st.integers(0, 9)) == 0:
            del pay["allocations"]
        if draw(st.integers(0, 19)) == 0:
            pay["memo"] = "not a field of a payment"
        payments.append(pay)
    if draw(st.integers(0, 9)) == 0 and payments:
        payments.append(["not", "a", "record"])
    return {"customers": customers, "invoices": invoices, "payments": payments,
            "disputes": [{"id": "D1", "customer_id": "A", "invoice_id": draw(st.sampled_from(["I0", "I3", None])),
                          "opened_on": "2026-02-01"}] if draw(st.booleans()) else []}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=raw_ledgers(), as_of=st.sampled_from([None, dt.date(2026, 1, 31), dt.date(2026, 4, 1)]))
def test_load_frame__generated_ledgers_load_as_with_records(data, as_of):
    assert_same_load(copy.deepcopy(data), as_of)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=raw_ledgers())
def test_load_frame__generated_ledgers_of_known_customers_load_as_with_records(data):
    """The same with every customer named and every record's own currency EUR, so that more
    records pass and the allocation checks and the frame see more of them."""
    for c in "ABC":
        data["customers"].append({"id": c, "name": c})
    for record in data["invoices"] + [p for p in data["payments"] if isinstance(p, dict)]:
        if not isinstance(record.get("customer_id"), str) or record["customer_id"].strip() not in "ABC":
            record["customer_id"] = "A"
    assert_same_load(data, dt.date(2026, 4, 1))


def test_load_frame__an_account_dispute_of_a_company_without_invoices():
    """(Found by the generated ledgers: cutting such a frame at a day indexed an empty array.)"""
    data = {"customers": [{"id": "A", "name": "Acme"}],
            "disputes": [{"id": "D1", "customer_id": "A", "opened_on": "2026-02-01"}]}
    frame = assert_same_load(data, dt.date(2026, 4, 1))
    assert frame.d_inv.tolist() == [-1]


@pytest.mark.parametrize("amount", ["4\x00", "\x004", "4\x00\x00", "12.5\x00", "\u0664", "4 ", "1.0000000", "0.000001",
                                    "999999999.999999", "123456789", "00000000012.5"])
def test_load_frame__amount_texts_at_the_edge_of_the_columns_check(amount):
    """A text the column check reads wrongly would pass there and fail the model (a NUL at the
    end is no character to numpy): each amount loads as the model reads it."""
    data = {"customers": [{"id": "A", "name": "A"}],
            "invoices": [{"id": "I1", "number": "1", "customer_id": "A", "issue_date": "2026-01-02",
                          "due_date": "2026-02-01", "total": amount}],
            "payments": [{"id": "P1", "customer_id": "A", "date": "2026-01-09", "amount": amount,
                          "allocations": [{"invoice_id": "I1", "amount": amount}]}]}
    assert_same_load(data, dt.date(2026, 3, 1))
