"""Pulls against the stand-in: paging, inactive customers, CDC, fallbacks, currencies, cost."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest
from qbo_adapter_fixtures import Kit, kit, qbo_standin  # noqa: F401
from qbo_standin import parse_query

from arwatch.adapters.quickbooks.pull import SamePageTwice
from arwatch.adapters.quickbooks.streams import ENTITIES
from arwatch.core.load import load_ledger


def by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in records}


def company(kit: Kit, invoices: int = 3) -> None:  # noqa: F811
    kit.standin.load(
        terms=[{"Name": "Net 30", "DueDays": 30}, {"Name": "Net 15", "DueDays": 15}],
        customers=[{"DisplayName": "Acme", "SalesTermRef": {"value": "1"}},
                   {"DisplayName": "Bolt", "SalesTermRef": {"value": "2"}},
                   {"DisplayName": "Gone Ltd", "Active": False}],
        invoices=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01", "DueDate": "2023-12-01",
                   "TotalAmt": 100 + i} for i in range(invoices)],
        credit_memos=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-05", "TotalAmt": 20}],
        payments=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-12-10", "TotalAmt": 30,
                   "Line": [{"Amount": 50, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]},
                            {"Amount": 20, "LinkedTxn": [{"TxnId": "1", "TxnType": "CreditMemo"}]}]}])
    kit.later()


def first_pull(kit: Kit):  # noqa: F811
    source = kit.source()
    result = source.pull(None, full=False)
    kit.later()
    kit.standin.clear_log()
    return source, result


# ---------------------------------------------------------------------- full
def test_full_pull__maps_every_entity_and_includes_inactive_customers(kit):  # noqa: F811
    company(kit)
    result = kit.source().pull(None, full=True)
    customers = by_id(result.records["customers"])
    assert set(customers) == {"1", "2", "3"} and customers["3"]["active"] is False
    assert customers["2"]["terms_days"] == 15
    invoices = by_id(result.records["invoices"])
    assert invoices["1"]["residual"] == "50.0"  # 100 - 50 (20 from the credit, 30 cash)
    assert invoices["cm-1"]["kind"] == "credit_note"
    assert invoices["cm-1"]["allocations"] == [{"invoice_id": "1", "amount": "20",
                                                "date": "2023-12-10"}]
    assert by_id(result.records["payments"])["1"]["allocations"] == [
        {"invoice_id": "1", "amount": "30"}]
    assert result.complete and result.cursor
    ledger, issues = load_ledger(result.records, "quickbooks")
    assert issues == () and len(ledger.invoices) == 4


def test_full_pull__pages_of_1000_with_the_envelope(kit):  # noqa: F811
    company(kit, invoices=2500)
    result = kit.source().pull(None, full=True)
    assert len([r for r in result.records["invoices"] if r["kind"] == "invoice"]) == 2500
    pages = [parse_query(c.body) for c in kit.standin.calls(operation="query", entity="Invoice")]
    assert [(p.start_position, p.max_results) for p in pages] == [(1, 1000), (1001, 1000),
                                                                   (2001, 1000)]


@pytest.mark.parametrize("n", [0, 999, 1000, 2500])
def test_full_pull__costs_one_query_per_1000_rows_per_entity(kit, n):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}],
                     invoices=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01",
                                "TotalAmt": 10} for _ in range(n)])
    kit.source().pull(None, full=True)
    assert kit.standin.count(operation="query", entity="Invoice") == n // 1000 + 1
    # the constant: one page each for Term, Customer, CreditMemo, Payment, Attachable, and the
    # company's name (CompanyInfo, read on a full pull when the config names no company_name)
    assert kit.standin.count(operation="read", entity="CompanyInfo") == 1
    assert kit.standin.count() == n // 1000 + 1 + len(ENTITIES) - 1 + 1
    assert kit.standin.count() <= math.ceil(n / 1000) + len(ENTITIES) + 1


def test_full_pull__same_page_twice_fails(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": f"C{i}"} for i in range(5)])
    page = kit.standin.company().query(parse_query(
        "SELECT * FROM Customer WHERE Active IN (true,false) STARTPOSITION 1 MAXRESULTS 2"))
    kit.standin.inject("Customer", status=200, body={"QueryResponse": page, "time": "x"}, times=2)
    source = kit.source()
    source.puller.settings = dataclasses.replace(source.puller.settings, page_size=2)
    with pytest.raises(SamePageTwice):
        source.pull(None, full=True)


def test_full_pull__mapping_problems_name_entity_id_and_field(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}],
                     invoices=[{"Id": "9", "CustomerRef": {"value": "1"}, "TxnDate": "2023-11-10",
                                "DueDate": "2023-11-01", "TotalAmt": 10},
                               {"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-10",
                                "TotalAmt": 10}])
    result = kit.source().pull(None, full=True)
    problem = [i for i in result.issues if i.record_type == "Invoice"]
    assert [(i.record_id, i.field) for i in problem] == [("9", "DueDate")]
    assert len(result.records["invoices"]) == 1


def test_full_pull__multi_currency(kit):  # noqa: F811
    kit.standin.load(
        customers=[{"DisplayName": "Euro GmbH", "CurrencyRef": {"value": "EUR", "name": "Euro"}}],
        invoices=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01", "DueDate": "2023-12-01",
                   "TotalAmt": 200, "CurrencyRef": {"value": "EUR"}, "ExchangeRate": 1.0875},
                  {"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01", "TotalAmt": 5,
                   "CurrencyRef": {"value": "EUR"}}],
        payments=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-12-01", "TotalAmt": 200,
                   "CurrencyRef": {"value": "EUR"}, "ExchangeRate": 1.1,
                   "Line": [{"Amount": 200, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]}]}])
    result = kit.source().pull(None, full=True)
    assert result.records["customers"][0]["currency"] == "EUR"
    invoice = by_id(result.records["invoices"])["1"]
    assert (invoice["currency"], Decimal(invoice["fx_rate"])) == ("EUR", Decimal("1.0875"))
    payment = result.records["payments"][0]
    assert (payment["currency"], Decimal(payment["fx_rate"])) == ("EUR", Decimal("1.1"))
    assert [(i.record_type, i.record_id, i.field) for i in result.issues] == [
        ("Invoice", "2", "ExchangeRate")]  # a foreign invoice without a rate is reported
    ledger, issues = load_ledger(result.records, "quickbooks")
    assert issues == () and ledger.invoices[0].fx_rate == Decimal("1.0875")


# ---------------------------------------------------------------------- incremental
def test_incremental__no_change_costs_one_call_and_writes_nothing(kit):  # noqa: F811
    company(kit)
    source, first = first_pull(kit)
    again = kit.source()  # a new process: state comes from the files
    result = again.pull(first.cursor, full=False)
    written = again.read_written_state()
    list(again.apply([]))
    assert result.count() == 0 and not result.deletions and not result.complete
    assert kit.standin.count() <= 2
    assert kit.standin.count(operation="cdc") == 1
    assert [c for c in kit.standin.requests if c.operation not in ("cdc", "query")] == []
    assert written == source.read_written_state()


def test_incremental__cdc_brings_changes_deletions_and_voids(kit):  # noqa: F811
    company(kit)
    source, first = first_pull(kit)
    co = kit.standin.company()
    co.remove("Invoice", "3")  # deleted in the QuickBooks UI
    co.void("Payment", {"Id": "1", "SyncToken": co.get("Payment", "1")["SyncToken"]})
    co.create("Invoice", {"CustomerRef": {"value": "2"}, "TxnDate": "2024-01-05",
                          "Line": [{"Amount": 70, "DetailType": "SalesItemLineDetail",
                                    "SalesItemLineDetail": {}}]})
    kit.later()
    result = source.pull(first.cursor, full=False)
    assert result.deletions == {"invoices": ("3",)}
    payment = by_id(result.records["payments"])["1"]
    assert payment["state"] == "voided" and payment["allocations"] == []
    assert payment["returned_on"] == "2024-01-05"
    invoices = by_id(result.records["invoices"])
    assert invoices["1"]["residual"] == "100.0"  # the void released the payment and credit
    assert invoices["cm-1"]["allocations"] == []
    assert invoices["4"]["customer_id"] == "2" and invoices["4"]["due_date"] == "2024-01-20"
    assert kit.standin.count(operation="cdc") == 1
    # voiding an invoice
    kit.standin.clear_log()
    co.void("Invoice", {"Id": "2", "SyncToken": co.get("Invoice", "2")["SyncToken"]})
    kit.later()
    voided = source.pull(result.cursor, full=False)
    assert by_id(voided.records["invoices"])["2"]["state"] == "cancelled"


def test_incremental__a_credit_applied_later_rebuilds_the_credit_note(kit):  # noqa: F811
    company(kit)
    kit.standin.load(credit_memos=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-12-20",
                                    "TotalAmt": 15}])
    source, first = first_pull(kit)
    kit.standin.company().create("Payment", {
        "CustomerRef": {"value": "1"}, "TotalAmt": 0, "TxnDate": "2024-01-05",
        "Line": [{"Amount": 15, "LinkedTxn": [{"TxnId": "2", "TxnType": "Invoice"}]},
                 {"Amount": 15, "LinkedTxn": [{"TxnId": "2", "TxnType": "CreditMemo"}]}]})
    kit.later()
    result = source.pull(first.cursor, full=False)
    credit = by_id(result.records["invoices"])["cm-2"]
    assert credit["allocations"] == [{"invoice_id": "2", "amount": "15", "date": "2024-01-05"}]
    assert "2" not in by_id(result.records["payments"])  # a credit application, no money
    assert result.deletions == {"payments": ("2",)}


def test_incremental__cursor_older_than_30_days_is_a_full_pull(kit):  # noqa: F811
    company(kit)
    source, first = first_pull(kit)
    kit.standin.company().remove("Invoice", "2")
    kit.standin.clock.advance(days=31)
    result = source.pull(first.cursor, full=False)
    assert result.complete  # deletions older than CDC's window show as absence
    assert "2" not in by_id(result.records["invoices"])
    assert kit.standin.count(operation="cdc") == 0


def test_incremental__cdc_refusing_the_date_falls_back_to_a_full_pull(kit):  # noqa: F811
    company(kit)
    source, first = first_pull(kit)
    kit.standin.inject("cdc", status=400, body={"Fault": {"Error": [{
        "Message": "Unsupported Operation", "code": "500",
        "Detail": "Operation cdc with changedSince date which is older than fixed days is not "
                  "supported."}], "type": "ValidationFault"}, "time": "x"})
    result = source.pull(first.cursor, full=False)
    assert result.complete and len(result.records["customers"]) == 3


def test_incremental__over_the_cdc_cap_is_a_full_pull(kit):  # noqa: F811
    company(kit)
    source, first = first_pull(kit)
    source.puller.settings = dataclasses.replace(source.puller.settings, cdc_cap=5)
    kit.standin.company().cdc_max_objects = 5
    for i in range(8):
        kit.standin.company().create("Invoice", {
            "CustomerRef": {"value": "2"}, "TxnDate": "2024-01-05",
            "Line": [{"Amount": 10 + i, "DetailType": "SalesItemLineDetail",
                      "SalesItemLineDetail": {}}]})
    kit.standin.company().remove("Invoice", "3")
    kit.later()
    result = source.pull(first.cursor, full=False)
    new = [r for r in result.records["invoices"] if r["customer_id"] == "2"]
    assert len(new) == 8  # CDC returned 5 of them; the full read brought all
    assert result.complete and "3" not in {r["id"] for r in result.records["invoices"]}  # deleted
    assert result.issues == ()
    queries = [parse_query(c.body) for c in kit.standin.calls(operation="query")]
    assert {q.entity for q in queries} == set(ENTITIES)


# ---------------------------------------------------------------------- the company's name
def test_company_name__without_company_name_in_the_config_it_is_quickbooks_own(kit):  # noqa: F811
    """Letters are signed with the company's name: without `company_name` in the config it was
    "QuickBooks company 9130350000000001", the realm id. Now it is CompanyInfo's CompanyName,
    read on the full pull and kept in the adapter's memory for the incremental ones."""
    company(kit)
    kit.standin.company().company_info = {"CompanyName": "Northwind Supplies", "LegalName": "Northwind Supplies Ltd"}
    source = kit.source()
    assert source.pull(None, full=True).records["company"]["name"] == "Northwind Supplies"
    assert kit.standin.count(operation="read", entity="CompanyInfo") == 1
    kit.later()
    result = source.pull(source.pull(None, full=True).cursor, full=False)
    assert result.records["company"]["name"] == "Northwind Supplies"
    assert kit.standin.count(operation="read", entity="CompanyInfo") == 2  # once per full pull only
    assert kit.source(company_name="Northwind").pull(None, full=True).records[
        "company"]["name"] == "Northwind"  # the config's name wins, and CompanyInfo is not read
    assert kit.standin.count(operation="read", entity="CompanyInfo") == 2


def test_company_name__when_quickbooks_will_not_say_it_is_the_config_name_never_the_realm_id(kit):  # noqa: F811
    company(kit)  # the stand-in answers CompanyInfo "not found"
    name = kit.source(config_name="acme").pull(None, full=True).records["company"]["name"]
    assert name == "acme" and kit.standin.realm not in name
