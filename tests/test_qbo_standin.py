"""Tests of the local QuickBooks Online stand-in (tests/qbo_standin), with requests and with
python-quickbooks itself."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import requests

try:  # pytest's default rootdir-relative import puts tests/ on sys.path (no tests/__init__.py)
    from qbo_standin import SCHEMA_FIELDS, Clock, qb_time
    from qbo_standin.fixtures import qb_client, qbo_session, qbo_standin, qbo_tokens  # noqa: F401
except ImportError:  # pragma: no cover - if tests/ ever becomes a package
    from tests.qbo_standin import SCHEMA_FIELDS, Clock, qb_time
    from tests.qbo_standin.fixtures import qb_client, qbo_session, qbo_standin, qbo_tokens  # noqa: F401

from intuitlib.client import AuthClient
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import (
    AuthorizationException,
    ObjectNotFoundException,
    QuickbooksException,
    ValidationException,
)
from quickbooks.objects import Customer, Invoice, Payment

MV = {"minorversion": "75"}
INTUIT_NS = "{http://schema.intuit.com/finance/v3}"


# ------------------------------------------------------------------ helpers
def url(standin, tail, realm=None):
    return f"{standin.company_url(realm)}/{tail}"


def q(session, standin, text, realm=None):
    return session.get(url(standin, "query", realm), params={"query": text, **MV})


def post(session, standin, tail, body, **params):
    return session.post(url(standin, tail), params={**MV, **params}, json=body)


def fault_codes(resp):
    return [e["code"] for e in resp.json()["Fault"]["Error"]]


def sales_line(amount):
    return {"Amount": amount, "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"}}}


def seed_customers(standin, names, **extra):
    return standin.load(customers=[{"DisplayName": n, **extra} for n in names])["Customer"]


def assert_fault_shape(resp, code, status=400):
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"Fault", "time"}
    assert body["Fault"]["type"] == "ValidationFault"
    (err,) = body["Fault"]["Error"]
    assert set(err) == {"Message", "Detail", "code", "element"}
    assert err["code"] == code


# ================================================================== query
def test_query__paging_envelope_with_startposition_and_maxresults(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["Echo", "Alpha", "Delta", "Bravo", "Charlie"])

    resp = q(qbo_session, qbo_standin,
             "SELECT * FROM Customer ORDERBY DisplayName STARTPOSITION 2 MAXRESULTS 2")

    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"QueryResponse", "time"}
    assert set(body["QueryResponse"]) == {"Customer", "startPosition", "maxResults"}
    assert body["QueryResponse"]["startPosition"] == 2
    assert body["QueryResponse"]["maxResults"] == 2
    assert [c["DisplayName"] for c in body["QueryResponse"]["Customer"]] == ["Bravo", "Charlie"]
    assert body["time"] == "2024-01-05T10:15:30.000-08:00"


def test_query__page_past_the_end_is_an_empty_query_response(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["A", "B"])
    resp = q(qbo_session, qbo_standin, "select * from Customer startposition 3 maxresults 10")
    assert resp.json() == {"QueryResponse": {}, "time": "2024-01-05T10:15:30.000-08:00"}


def test_query__maxresults_defaults_to_100_and_is_capped_at_1000(qbo_standin, qbo_session):
    seed_customers(qbo_standin, [f"C{i:04d}" for i in range(1005)])

    default = q(qbo_session, qbo_standin, "SELECT * FROM Customer").json()["QueryResponse"]
    capped = q(qbo_session, qbo_standin, "SELECT * FROM Customer MAXRESULTS 5000").json()
    last = q(qbo_session, qbo_standin,
             "SELECT * FROM Customer STARTPOSITION 1001 MAXRESULTS 1000").json()

    assert default["maxResults"] == 100 and len(default["Customer"]) == 100
    assert capped["QueryResponse"]["maxResults"] == 1000
    assert len(last["QueryResponse"]["Customer"]) == 5


def test_query__post_with_application_text_body_matches_get(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["A", "B", "C"])
    text = "SELECT * FROM Customer WHERE DisplayName IN ('A', 'C')"
    via_post = qbo_session.post(url(qbo_standin, "query"), params=MV, data=text,
                                headers={"Content-Type": "application/text"})
    via_get = q(qbo_session, qbo_standin, text)
    assert via_post.status_code == 200
    assert via_post.json()["QueryResponse"] == via_get.json()["QueryResponse"]
    assert [c["DisplayName"] for c in via_get.json()["QueryResponse"]["Customer"]] == ["A", "C"]


def test_query__inactive_customers_skipped_unless_active_is_filtered(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["Live"])
    seed_customers(qbo_standin, ["Gone"], Active=False)

    def names(text):
        return [c["DisplayName"] for c in
                q(qbo_session, qbo_standin, text).json()["QueryResponse"].get("Customer", [])]

    assert names("SELECT * FROM Customer") == ["Live"]
    assert names("SELECT * FROM Customer WHERE Active IN (true, false)") == ["Live", "Gone"]
    assert names("SELECT * FROM Customer WHERE Active = false") == ["Gone"]
    assert q(qbo_session, qbo_standin, "SELECT COUNT(*) FROM Customer").json()[
        "QueryResponse"] == {"totalCount": 1}


def test_query__count_envelope_ignores_paging(qbo_standin, qbo_session):
    ids = seed_customers(qbo_standin, ["A", "B", "C", "D"])
    resp = q(qbo_session, qbo_standin,
             f"SELECT count(*) FROM Customer WHERE Id > '{ids[0]}' MAXRESULTS 1")
    assert resp.json() == {"QueryResponse": {"totalCount": 3},
                           "time": "2024-01-05T10:15:30.000-08:00"}


@pytest.mark.parametrize("text", [
    "SELECT * FROM Customer WHERE DisplayName = 'A' OR DisplayName = 'B'",
    "SELECT * FROM Invoice JOIN Customer",
    "SELECT * Customer",
    "SELECT DisplayName FROM Customer",
    "SELECT * FROM Customer WHERE DisplayName = 'unterminated",
    "SELECT * FROM Customer WHERE (Active = true)",
    "SELECT * FROM Customer MAXRESULTS ten",
    "SELECT * FROM Customer WHERE DisplayName = 'A' trailing",
    "SELECT * FROM Customer GROUP BY DisplayName",
])
def test_query__syntax_errors_are_fault_4000(qbo_standin, qbo_session, text):
    resp = q(qbo_session, qbo_standin, text)
    assert_fault_shape(resp, "4000")
    err = resp.json()["Fault"]["Error"][0]
    assert err["Message"] == "Error parsing query"
    assert err["Detail"].startswith("QueryParserError:")


def test_query__unknown_entity_or_property_is_fault_4001(qbo_standin, qbo_session):
    assert_fault_shape(q(qbo_session, qbo_standin, "SELECT * FROM Widget"), "4001")
    assert_fault_shape(q(qbo_session, qbo_standin,
                         "SELECT * FROM Customer WHERE CreditHold = true"), "4001")


def test_query__operators_on_dotted_and_reference_fields(qbo_standin, qbo_session):
    clock = qbo_standin.clock
    cust = seed_customers(qbo_standin, ["O'Brien & Sons", "Zed"])
    qbo_standin.load(invoices=[{"CustomerRef": {"value": cust[0]}, "TotalAmt": 10,
                                "TxnDate": "2024-01-01"}])
    clock.advance(minutes=45)  # tokens last an hour of stand-in time
    qbo_standin.load(invoices=[{"CustomerRef": {"value": cust[1]}, "TotalAmt": 250,
                                "TxnDate": "2024-01-03"}])

    def ids(text):
        resp = q(qbo_session, qbo_standin, text)
        assert resp.status_code == 200, resp.text
        return [o["Id"] for o in resp.json()["QueryResponse"].get("Invoice", [])]

    assert ids("SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= "
               "'2024-01-05T11:00:00-08:00'") == ["2"]
    assert ids("SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime < "
               "'2024-01-05T19:00:00Z'") == ["1"]
    assert ids(f"SELECT * FROM Invoice WHERE CustomerRef = '{cust[1]}'") == ["2"]
    assert ids("SELECT * FROM Invoice WHERE TotalAmt > '100' AND TxnDate <= '2024-01-03'") == ["2"]
    assert ids("SELECT * FROM Invoice ORDERBY TotalAmt DESC") == ["2", "1"]
    found = q(qbo_session, qbo_standin,
              "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien & Sons'").json()
    assert [c["Id"] for c in found["QueryResponse"]["Customer"]] == [cust[0]]
    like = q(qbo_session, qbo_standin, "SELECT * FROM Customer WHERE DisplayName LIKE '%brien%'")
    assert [c["Id"] for c in like.json()["QueryResponse"]["Customer"]] == [cust[0]]


# ================================================================== create / update
def test_update__sparse_changes_only_sent_fields(qbo_standin, qbo_session):
    created = post(qbo_session, qbo_standin, "customer", {
        "DisplayName": "Acme", "Notes": "old", "PrimaryEmailAddr": {"Address": "ap@acme.test"},
    }).json()["Customer"]
    qbo_standin.clock.advance(minutes=5)

    resp = post(qbo_session, qbo_standin, "customer", {
        "Id": created["Id"], "SyncToken": created["SyncToken"], "sparse": True, "Notes": "new"})

    updated = resp.json()["Customer"]
    assert updated["Notes"] == "new"
    assert updated["PrimaryEmailAddr"] == {"Address": "ap@acme.test"}
    assert updated["SyncToken"] == "1"
    assert updated["MetaData"]["CreateTime"] == "2024-01-05T10:15:30-08:00"
    assert updated["MetaData"]["LastUpdatedTime"] == "2024-01-05T10:20:30-08:00"


def test_update__full_update_clears_omitted_fields(qbo_standin, qbo_session):
    created = post(qbo_session, qbo_standin, "customer", {
        "DisplayName": "Acme", "Notes": "keep?", "PrimaryEmailAddr": {"Address": "ap@acme.test"},
    }).json()["Customer"]

    updated = post(qbo_session, qbo_standin, "customer", {
        "Id": created["Id"], "SyncToken": "0", "DisplayName": "Acme Ltd"}).json()["Customer"]

    assert updated["DisplayName"] == "Acme Ltd"
    assert "Notes" not in updated and "PrimaryEmailAddr" not in updated
    assert updated["Active"] is True and updated["SyncToken"] == "1"


def test_update__stale_synctoken_is_fault_5010_and_changes_nothing(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    first = post(qbo_session, qbo_standin, "customer",
                 {"Id": cid, "SyncToken": "0", "sparse": True, "Notes": "first"})
    assert first.status_code == 200

    stale = post(qbo_session, qbo_standin, "customer",
                 {"Id": cid, "SyncToken": "0", "sparse": True, "Notes": "second"})

    assert_fault_shape(stale, "5010")
    assert stale.json()["Fault"]["Error"][0]["Message"] == "Stale Object Error"
    assert qbo_standin.get("Customer", cid)["Notes"] == "first"
    assert qbo_standin.get("Customer", cid)["SyncToken"] == "1"


def test_update__unknown_id_is_fault_610(qbo_standin, qbo_session):
    resp = post(qbo_session, qbo_standin, "customer",
                {"Id": "999", "SyncToken": "0", "sparse": True, "Notes": "x"})
    assert_fault_shape(resp, "610")
    assert qbo_session.get(url(qbo_standin, "customer/999"), params=MV).status_code == 400


def test_create__invalid_customer_reference_is_fault_2500(qbo_standin, qbo_session):
    resp = post(qbo_session, qbo_standin, "invoice",
                {"CustomerRef": {"value": "404"}, "Line": [sales_line(10)]})
    assert_fault_shape(resp, "2500")
    assert qbo_standin.company().objects["Invoice"] == {}


def test_create__duplicate_display_name_is_fault_6240(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["Acme Corp"])
    resp = post(qbo_session, qbo_standin, "customer", {"DisplayName": "acme corp"})
    assert_fault_shape(resp, "6240")
    assert len(qbo_standin.company().objects["Customer"]) == 1


def test_create__field_not_in_intuit_schema_is_rejected(qbo_standin, qbo_session):
    resp = post(qbo_session, qbo_standin, "customer", {"DisplayName": "X", "CreditHold": True})
    assert_fault_shape(resp, "2010")
    with pytest.raises(ValueError):
        qbo_standin.load(customers=[{"DisplayName": "Y", "CustomerType": "VIP"}])


def test_create__invoice_totals_due_date_from_term(qbo_standin, qbo_session):
    ids = qbo_standin.load(terms=[{"Name": "Net 30", "DueDays": 30}],
                           customers=[{"DisplayName": "Acme", "SalesTermRef": {"value": "1"}}])
    inv = post(qbo_session, qbo_standin, "invoice", {
        "CustomerRef": {"value": ids["Customer"][0]}, "TxnDate": "2024-01-10",
        "Line": [sales_line(100), sales_line("25.50")]}).json()["Invoice"]
    assert inv["TotalAmt"] == 125.5 and inv["Balance"] == 125.5
    assert inv["DueDate"] == "2024-02-09"
    assert inv["SalesTermRef"]["value"] == ids["Term"][0]
    assert inv["SyncToken"] == "0"
    assert qbo_standin.get("Customer", ids["Customer"][0])["Balance"] == 125.5


# ================================================================== payments, void, delete, send
def test_payment__linked_invoice_balance_and_unapplied_amount(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    inv = post(qbo_session, qbo_standin, "invoice",
               {"CustomerRef": {"value": cid}, "Line": [sales_line(100)]}).json()["Invoice"]
    qbo_standin.clock.advance(minutes=30)

    pay = post(qbo_session, qbo_standin, "payment", {
        "CustomerRef": {"value": cid}, "TotalAmt": 70,
        "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
    }).json()["Payment"]

    assert pay["UnappliedAmt"] == 10.0
    after = qbo_standin.get("Invoice", inv["Id"])
    assert after["Balance"] == 40.0
    assert after["LinkedTxn"] == [{"TxnId": pay["Id"], "TxnType": "Payment"}]
    assert after["SyncToken"] == "1"
    assert after["MetaData"]["LastUpdatedTime"] == "2024-01-05T10:45:30-08:00"
    assert qbo_standin.get("Customer", cid)["Balance"] == 30.0

    over = post(qbo_session, qbo_standin, "payment", {
        "CustomerRef": {"value": cid}, "TotalAmt": 50,
        "Line": [{"Amount": 50, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}]})
    assert_fault_shape(over, "6000")

    voided = qbo_session.post(url(qbo_standin, "payment"),
                              params={**MV, "operation": "update", "include": "void"},
                              json={"Id": pay["Id"], "SyncToken": pay["SyncToken"],
                                    "sparse": True})
    assert voided.status_code == 200, voided.text
    assert voided.json()["Payment"]["TotalAmt"] == 0.0
    assert qbo_standin.get("Invoice", inv["Id"])["Balance"] == 100.0
    assert qbo_standin.get("Invoice", inv["Id"])["LinkedTxn"] == []


def test_payment__loaded_partial_balance_is_kept_and_moves_with_new_payments(qbo_standin,
                                                                              qbo_session):
    ids = qbo_standin.load(customers=[{"DisplayName": "Acme"}],
                           invoices=[{"CustomerRef": {"value": "1"}, "TotalAmt": 500,
                                      "Balance": 200}])
    assert qbo_standin.get("Invoice", ids["Invoice"][0])["Balance"] == 200.0
    post(qbo_session, qbo_standin, "payment", {
        "CustomerRef": {"value": "1"}, "TotalAmt": 150,
        "Line": [{"Amount": 150, "LinkedTxn": [{"TxnId": ids["Invoice"][0],
                                                "TxnType": "Invoice"}]}]})
    assert qbo_standin.get("Invoice", ids["Invoice"][0])["Balance"] == 50.0
    assert qbo_standin.get("Customer", "1")["Balance"] == 50.0


def test_invoice__void_then_delete(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    inv = post(qbo_session, qbo_standin, "invoice",
               {"CustomerRef": {"value": cid}, "Line": [sales_line(80)]}).json()["Invoice"]

    voided = post(qbo_session, qbo_standin, "invoice",
                  {"Id": inv["Id"], "SyncToken": "0"}, operation="void").json()["Invoice"]
    assert voided["TotalAmt"] == 0.0 and voided["Balance"] == 0.0
    assert voided["PrivateNote"].startswith("Voided") and voided["SyncToken"] == "1"

    stale = post(qbo_session, qbo_standin, "invoice", {"Id": inv["Id"], "SyncToken": "0"},
                 operation="delete")
    assert_fault_shape(stale, "5010")
    deleted = post(qbo_session, qbo_standin, "invoice", {"Id": inv["Id"], "SyncToken": "1"},
                   operation="delete")
    assert deleted.json()["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": inv["Id"]}
    assert_fault_shape(qbo_session.get(url(qbo_standin, f"invoice/{inv['Id']}"), params=MV),
                       "610")
    assert q(qbo_session, qbo_standin, "SELECT * FROM Invoice").json()["QueryResponse"] == {}


def test_invoice__send_sets_email_status_and_delivery(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    inv = post(qbo_session, qbo_standin, "invoice",
               {"CustomerRef": {"value": cid}, "Line": [sales_line(10)]}).json()["Invoice"]
    resp = qbo_session.post(url(qbo_standin, f"invoice/{inv['Id']}/send"),
                            params={**MV, "sendTo": "ap@acme.test"},
                            headers={"Content-Type": "application/octet-stream"})
    sent = resp.json()["Invoice"]
    assert sent["EmailStatus"] == "EmailSent"
    assert sent["BillEmail"] == {"Address": "ap@acme.test"}
    assert sent["DeliveryInfo"] == {"DeliveryType": "Email",
                                    "DeliveryTime": "2024-01-05T10:15:30-08:00"}


def test_customer__delete_is_unsupported_deactivate_instead(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    resp = post(qbo_session, qbo_standin, "customer", {"Id": cid, "SyncToken": "0"},
                operation="delete")
    assert_fault_shape(resp, "500")


# ================================================================== requestid
def test_requestid__replayed_create_is_applied_once(qbo_standin, qbo_session):
    first = post(qbo_session, qbo_standin, "customer", {"DisplayName": "Once"}, requestid="r-1")
    qbo_standin.clock.advance(seconds=30)
    again = post(qbo_session, qbo_standin, "customer", {"DisplayName": "Once"}, requestid="r-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(qbo_standin.company().objects["Customer"]) == 1
    assert [r.replayed for r in qbo_standin.calls(operation="create")] == [False, True]
    other = post(qbo_session, qbo_standin, "customer", {"DisplayName": "Once"}, requestid="r-2")
    assert fault_codes(other) == ["6240"]


def test_requestid__replayed_update_and_batch_apply_once(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    body = {"Id": cid, "SyncToken": "0", "sparse": True, "Notes": "n"}
    a = post(qbo_session, qbo_standin, "customer", body, requestid="u-1")
    b = post(qbo_session, qbo_standin, "customer", body, requestid="u-1")
    assert a.json() == b.json() and b.status_code == 200
    assert qbo_standin.get("Customer", cid)["SyncToken"] == "1"

    batch = {"BatchItemRequest": [{"bId": "1", "operation": "create",
                                   "Customer": {"DisplayName": "Batched"}}]}
    r1 = post(qbo_session, qbo_standin, "batch", batch, requestid="b-1")
    r2 = post(qbo_session, qbo_standin, "batch", batch, requestid="b-1")
    assert r1.json() == r2.json()
    assert "Customer" in r2.json()["BatchItemResponse"][0]
    assert len(qbo_standin.company().objects["Customer"]) == 2


# ================================================================== batch
def test_batch__one_bad_item_does_not_stop_the_rest(qbo_standin, qbo_session):
    (cid,) = seed_customers(qbo_standin, ["Existing"])
    resp = post(qbo_session, qbo_standin, "batch", {"BatchItemRequest": [
        {"bId": "1", "operation": "create", "Customer": {"DisplayName": "New One"}},
        {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Existing"}},
        {"bId": "3", "operation": "update",
         "Customer": {"Id": cid, "SyncToken": "0", "sparse": True, "Notes": "batched"}},
        {"bId": "4", "Query": "SELECT count(*) FROM Customer"},
    ]})

    assert resp.status_code == 200
    items = resp.json()["BatchItemResponse"]
    assert [i["bId"] for i in items] == ["1", "2", "3", "4"]
    assert items[0]["Customer"]["DisplayName"] == "New One"
    assert set(items[1]) == {"bId", "Fault"}
    assert items[1]["Fault"]["Error"][0]["code"] == "6240"
    assert items[2]["Customer"]["Notes"] == "batched"
    assert items[3]["QueryResponse"] == {"totalCount": 2}


def test_batch__more_than_30_items_is_rejected_whole(qbo_standin, qbo_session):
    items = [{"bId": str(i), "operation": "create", "Customer": {"DisplayName": f"C{i}"}}
             for i in range(31)]
    resp = post(qbo_session, qbo_standin, "batch", {"BatchItemRequest": items})
    assert_fault_shape(resp, "1040")
    assert qbo_standin.company().objects["Customer"] == {}
    ok = post(qbo_session, qbo_standin, "batch", {"BatchItemRequest": items[:30]})
    assert len(ok.json()["BatchItemResponse"]) == 30


# ================================================================== CDC
def test_cdc__changed_and_deleted_records(qbo_standin, qbo_session):
    old = {"CreateTime": "2024-01-03T08:00:00-08:00"}  # loaded as two days old
    (cid,) = seed_customers(qbo_standin, ["Acme"], MetaData=old)
    ids = qbo_standin.load(invoices=[{"CustomerRef": {"value": cid}, "TotalAmt": n,
                                      "MetaData": old} for n in (10, 20, 30)])["Invoice"]
    since = "2024-01-05T10:00:00-08:00"
    qbo_standin.clock.advance(minutes=10)
    post(qbo_session, qbo_standin, "invoice", {"Id": ids[1], "SyncToken": "0",
                                               "sparse": True, "PrivateNote": "edited"})
    qbo_standin.clock.advance(minutes=10)
    post(qbo_session, qbo_standin, "invoice", {"Id": ids[2], "SyncToken": "0"},
         operation="delete")

    resp = qbo_session.get(url(qbo_standin, "cdc"),
                           params={"entities": "Invoice,Customer", "changedSince": since, **MV})

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {"CDCResponse", "time"}
    (cdc,) = body["CDCResponse"]
    (group,) = cdc["QueryResponse"]  # the customer did not change
    assert set(group) == {"Invoice", "startPosition", "maxResults"}
    assert group["Invoice"][0]["Line"][0]["Amount"] == 20.0  # the loader filled a line
    changed, deleted = group["Invoice"]
    assert changed["Id"] == ids[1] and changed["PrivateNote"] == "edited"
    assert deleted == {"status": "Deleted", "domain": "QBO", "Id": ids[2],
                       "MetaData": {"LastUpdatedTime": "2024-01-05T10:35:30-08:00"}}
    assert group["maxResults"] == 2


def test_cdc__changed_since_older_than_30_days_is_rejected(qbo_standin, qbo_session):
    now = qbo_standin.clock.now()
    too_old = qb_time(now - timedelta(days=30, seconds=1))
    ok = qb_time(now - timedelta(days=29))
    bad = qbo_session.get(url(qbo_standin, "cdc"),
                          params={"entities": "Invoice", "changedSince": too_old, **MV})
    assert_fault_shape(bad, "500")
    assert "older than" in bad.json()["Fault"]["Error"][0]["Detail"]
    good = qbo_session.get(url(qbo_standin, "cdc"),
                           params={"entities": "Invoice", "changedSince": ok, **MV})
    assert good.json()["CDCResponse"] == [{"QueryResponse": []}]


def test_cdc__at_most_1000_objects_in_total(qbo_standin, qbo_session):
    seed_customers(qbo_standin, ["Acme"])
    qbo_standin.load(invoices=[{"CustomerRef": {"value": "1"}, "TotalAmt": 1}] * 1005)
    resp = qbo_session.get(url(qbo_standin, "cdc"), params={
        "entities": "Customer,Invoice", "changedSince": "2024-01-05", **MV})
    groups = resp.json()["CDCResponse"][0]["QueryResponse"]
    assert [len(g.get("Customer", g.get("Invoice"))) for g in groups] == [1, 999]


# ================================================================== OAuth
def _token(standin, data, secret=None):
    return requests.post(standin.token_url, data=data,
                         auth=(standin.default_client_id,
                               secret or standin.clients[standin.default_client_id][0]),
                         headers={"Accept": "application/json"})


def test_oauth__code_exchange_and_refresh_token_rotation(qbo_standin):
    code = qbo_standin.authorization_code()
    first = _token(qbo_standin, {"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": "http://127.0.0.1/callback"})
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["expires_in"] == 3600 and tokens["token_type"] == "bearer"
    assert _token(qbo_standin, {"grant_type": "authorization_code", "code": code,
                                "redirect_uri": "http://127.0.0.1/callback"}).json() == {
        "error": "invalid_grant"}

    rotated = _token(qbo_standin, {"grant_type": "refresh_token",
                                   "refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]

    reuse = _token(qbo_standin, {"grant_type": "refresh_token",
                                 "refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 400 and reuse.json() == {"error": "invalid_grant"}
    again = _token(qbo_standin, {"grant_type": "refresh_token",
                                 "refresh_token": new["refresh_token"]})
    assert again.status_code == 200
    assert qbo_standin.current_refresh_tokens() == [again.json()["refresh_token"]]
    wrong_secret = _token(qbo_standin, {"grant_type": "refresh_token",
                                        "refresh_token": again.json()["refresh_token"]},
                          secret="nope")
    assert wrong_secret.status_code == 401


def test_oauth__intuit_oauth_auth_client_refreshes_against_standin(qbo_standin):
    tokens = qbo_standin.issue_tokens()
    auth = AuthClient(client_id=qbo_standin.default_client_id,
                      client_secret=qbo_standin.clients[qbo_standin.default_client_id][0],
                      redirect_uri="http://127.0.0.1/callback",
                      environment=qbo_standin.discovery_url)
    assert auth.token_endpoint == qbo_standin.token_url

    auth.refresh(refresh_token=tokens["refresh_token"])

    assert auth.access_token and auth.refresh_token != tokens["refresh_token"]
    assert auth.expires_in == 3600
    with pytest.raises(AuthClientError) as err:
        auth.refresh(refresh_token=tokens["refresh_token"])
    assert err.value.status_code == 400
    assert qbo_standin.count(operation="token") == 2


def test_auth__expired_or_missing_token_is_401_authentication_fault(qbo_standin, qbo_session,
                                                                    qbo_tokens):
    seed_customers(qbo_standin, ["A"])
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 200

    qbo_standin.expire_access_tokens()
    resp = q(qbo_session, qbo_standin, "SELECT * FROM Customer")

    assert resp.status_code == 401
    assert "invalid_token" in resp.headers["WWW-Authenticate"]
    (err,) = resp.json()["fault"]["error"]
    assert err["code"] == "3200"
    assert err["message"] == "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    assert resp.json()["fault"]["type"] == "AUTHENTICATION"
    no_token = requests.get(url(qbo_standin, "query"), params={"query": "SELECT * FROM Customer"})
    assert no_token.status_code == 401


def test_auth__access_token_expires_after_an_hour_of_standin_time(qbo_standin, qbo_session):
    qbo_standin.clock.advance(seconds=3599)
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 200
    qbo_standin.clock.advance(seconds=1)
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 401


def test_auth__token_of_another_realm_is_403(qbo_standin, qbo_session):
    qbo_standin.add_realm("4620816365000000002")
    resp = q(qbo_session, qbo_standin, "SELECT * FROM Customer", realm="4620816365000000002")
    assert resp.status_code == 403
    assert resp.json()["fault"]["error"][0]["code"] == "3100"


# ================================================================== faults, limits, log
def test_inject__429_with_xml_throttle_body_then_recovers(qbo_standin, qbo_session):
    qbo_standin.inject("Customer", status=429, times=2)

    first = q(qbo_session, qbo_standin, "SELECT * FROM Customer")
    second = q(qbo_session, qbo_standin, "SELECT * FROM Customer")
    third = q(qbo_session, qbo_standin, "SELECT * FROM Customer")

    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(first.content)
    assert root.tag == INTUIT_NS + "IntuitResponse"
    error = root.find(f"{INTUIT_NS}Fault/{INTUIT_NS}Error")
    assert error.get("code") == "3001"
    assert "ThrottleExceeded" in error.find(INTUIT_NS + "Message").text
    assert qbo_standin.count(status=429) == 2


def test_inject__server_errors_and_slow_response(qbo_standin, qbo_session):
    qbo_standin.inject("/v3/company/", status=503, body="json")
    qbo_standin.inject("query", status=500)
    slow = qbo_standin.inject("query", status=None, hold=True)

    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 503
    err = q(qbo_session, qbo_standin, "SELECT * FROM Customer")
    assert err.status_code == 500 and err.json()["Fault"]["type"] == "SystemFault"
    with pytest.raises(requests.exceptions.ReadTimeout):  # held: no answer before release
        qbo_session.get(url(qbo_standin, "query"),
                        params={"query": "SELECT * FROM Customer"}, timeout=0.3)
    slow.wait_held()
    assert slow.answered == 0 and qbo_standin.count(operation="query") == 2
    slow.release()
    slow.wait_answered()  # the held request goes through, late
    late = qbo_standin.calls(operation="query")[-1]
    assert late.held and late.status == 200 and not late.injected
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 200


def test_rate_limit__per_realm_per_minute_of_standin_time(qbo_standin, qbo_session):
    other = "4620816365000000002"
    qbo_standin.add_realm(other)
    other_session = requests.Session()
    other_session.headers["Authorization"] = "Bearer " + qbo_standin.issue_tokens(other)[
        "access_token"]
    qbo_standin.set_rate_limit(3)

    statuses = [q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert q(other_session, qbo_standin, "SELECT * FROM Customer", realm=other).status_code == 200
    qbo_standin.clock.advance(seconds=61)
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 200


def test_request_log__counts_calls_by_operation_and_entity(qbo_standin, qbo_session):
    seed_customers(qbo_standin, [f"C{i}" for i in range(5)])
    for start in (1, 3, 5):
        q(qbo_session, qbo_standin, f"SELECT * FROM Customer STARTPOSITION {start} MAXRESULTS 2")
    post(qbo_session, qbo_standin, "customer", {"DisplayName": "New"})

    assert qbo_standin.count(operation="query", entity="Customer") == 3
    assert qbo_standin.count(method="POST") == 1
    assert qbo_standin.count() == 4
    (create,) = qbo_standin.calls(operation="create")
    assert create.params == {"minorversion": "75"} and create.status == 200
    qbo_standin.clear_log()
    assert qbo_standin.count() == 0


# ================================================================== schema & clock
def _walk_keys(entity, obj):
    bad = [k for k in obj if k not in SCHEMA_FIELDS[entity]]
    bad += [f"MetaData.{k}" for k in obj.get("MetaData", {})
            if k not in SCHEMA_FIELDS["ModificationMetaData"]]
    for line in obj.get("Line", []):
        bad += [f"Line.{k}" for k in line if k not in SCHEMA_FIELDS["Line"]]
        for link in line.get("LinkedTxn", []):
            bad += [f"Line.LinkedTxn.{k}" for k in link if k not in SCHEMA_FIELDS["LinkedTxn"]]
    for link in obj.get("LinkedTxn", []):
        bad += [f"LinkedTxn.{k}" for k in link if k not in SCHEMA_FIELDS["LinkedTxn"]]
    for key in ("DeliveryInfo",):
        bad += [f"{key}.{k}" for k in obj.get(key, {})
                if k not in SCHEMA_FIELDS["TransactionDeliveryInfo"]]
    for key, val in obj.items():
        if key.endswith("Ref") and isinstance(val, dict):
            bad += [f"{key}.{k}" for k in val if k not in {"value", "name", "type"}]
    return bad


def test_schema__every_emitted_field_is_in_intuit_xsd(qbo_standin, qbo_session):
    term = post(qbo_session, qbo_standin, "term", {"Name": "Net 15", "DueDays": 15})
    cust = post(qbo_session, qbo_standin, "customer", {
        "DisplayName": "Acme", "SalesTermRef": {"value": term.json()["Term"]["Id"]},
        "PrimaryEmailAddr": {"Address": "ap@acme.test"}, "Notes": "n"}).json()["Customer"]
    inv = post(qbo_session, qbo_standin, "invoice", {
        "CustomerRef": {"value": cust["Id"]}, "Line": [sales_line(40)]}).json()["Invoice"]
    cm = post(qbo_session, qbo_standin, "creditmemo", {
        "CustomerRef": {"value": cust["Id"]}, "Line": [sales_line(5)]}).json()["CreditMemo"]
    pay = post(qbo_session, qbo_standin, "payment", {
        "CustomerRef": {"value": cust["Id"]}, "TotalAmt": 35, "Line": [
            {"Amount": 40, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]},
            {"Amount": 5, "LinkedTxn": [{"TxnId": cm["Id"], "TxnType": "CreditMemo"}]}]})
    att = post(qbo_session, qbo_standin, "attachable", {
        "Note": "call log", "AttachableRef": [{"EntityRef": {"type": "Invoice",
                                                             "value": inv["Id"]}}]})
    qbo_session.post(url(qbo_standin, f"invoice/{inv['Id']}/send"),
                     params={**MV, "sendTo": "x@acme.test"})
    assert pay.status_code == 200 and pay.json()["Payment"]["UnappliedAmt"] == 0.0
    assert qbo_standin.get("CreditMemo", cm["Id"])["RemainingCredit"] == 0.0
    assert att.status_code == 200

    company = qbo_standin.company()
    problems = {e: _walk_keys(e, o) for e, rows in company.objects.items()
                for o in rows.values() if _walk_keys(e, o)}
    assert problems == {}
    assert sum(len(rows) for rows in company.objects.values()) == 6


def test_clock__metadata_follows_settable_clock_and_company_zone(qbo_standin, qbo_session):
    qbo_standin.clock.set("2024-07-01T09:00:00-07:00")
    assert q(qbo_session, qbo_standin, "SELECT * FROM Customer").status_code == 401  # old token
    qbo_session.headers["Authorization"] = "Bearer " + qbo_standin.issue_tokens()["access_token"]
    cust = post(qbo_session, qbo_standin, "customer", {"DisplayName": "Summer"}).json()
    assert cust["Customer"]["MetaData"]["CreateTime"] == "2024-07-01T09:00:00-07:00"
    assert cust["time"] == "2024-07-01T09:00:00.000-07:00"
    clock = Clock("2024-01-05T18:15:30+00:00")
    assert clock.stamp() == "2024-01-05T10:15:30-08:00"


# ================================================================== python-quickbooks
def test_python_quickbooks__queries_paging_count_and_active(qbo_standin, qb_client):
    seed_customers(qbo_standin, [f"C{i}" for i in range(7)])
    seed_customers(qbo_standin, ["Inactive"], Active=False)

    page = Customer.filter(Active=True, order_by="DisplayName", start_position=3,
                           max_results=3, qb=qb_client)
    everyone = Customer.where("Active IN (true, false)", max_results=1000, qb=qb_client)

    assert [c.DisplayName for c in page] == ["C2", "C3", "C4"]
    assert len(everyone) == 8
    assert Customer.count(qb=qb_client) == 7
    assert Customer.filter(DisplayName="Nobody", qb=qb_client) == []
    with pytest.raises(ValidationException) as err:
        Customer.where("DisplayName = 'a' OR DisplayName = 'b'", qb=qb_client)
    assert err.value.error_code == 4000
    queries = qbo_standin.calls(operation="query")
    assert all(r.method == "POST" and r.params["minorversion"] == "75" for r in queries)


def test_python_quickbooks__save_sparse_update_and_stale_token(qbo_standin, qb_client):
    created = Customer()
    created.DisplayName = "Library Co"
    created.Notes = "first"
    created = created.save(qb=qb_client, request_id="lib-1")
    assert created.Id == "1" and created.SyncToken == "0"

    raw = qb_client.update_object("Customer", json.dumps(
        {"Id": created.Id, "SyncToken": created.SyncToken, "sparse": True, "Notes": "second"}))
    assert raw["Customer"]["Notes"] == "second"
    assert raw["Customer"]["DisplayName"] == "Library Co"

    created.Notes = "third"  # still SyncToken 0: stale
    with pytest.raises(QuickbooksException) as err:
        created.save(qb=qb_client)
    assert err.value.error_code == 5010
    with pytest.raises(ObjectNotFoundException):
        Customer.get("999", qb=qb_client)


def test_python_quickbooks__batch_create_reports_the_fault_item(qbo_standin, qb_client):
    seed_customers(qbo_standin, ["Taken"])
    objs = []
    for name in ("Fresh 1", "Taken", "Fresh 2"):
        c = Customer()
        c.DisplayName = name
        objs.append(c)

    result = batch_create(objs, qb=qb_client)

    assert sorted(c.DisplayName for c in result.successes) == ["Fresh 1", "Fresh 2"]
    (fault,) = result.faults
    assert fault.original_object.DisplayName == "Taken"
    assert fault.Error[0].code == "6240"
    assert qbo_standin.count(operation="batch") == 1


def test_python_quickbooks__cdc_invoice_void_and_payment(qbo_standin, qb_client):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    old = {"CreateTime": "2024-01-02T09:00:00-08:00"}
    ids = qbo_standin.load(invoices=[{"CustomerRef": {"value": cid}, "TotalAmt": 100,
                                      "MetaData": old},
                                     {"CustomerRef": {"value": cid}, "TotalAmt": 50,
                                      "MetaData": old}])["Invoice"]
    since = qbo_standin.clock.now()

    inv = Invoice.get(ids[1], qb=qb_client)
    inv.void(qb=qb_client)
    payment = Payment.from_json({
        "CustomerRef": {"value": cid}, "TotalAmt": 100,
        "Line": [{"Amount": 100, "LinkedTxn": [{"TxnId": ids[0], "TxnType": "Invoice"}]}]})
    payment.save(qb=qb_client)

    cdc = change_data_capture([Invoice, Payment], since.strftime("%Y-%m-%dT%H:%M:%S"),
                              qb=qb_client)
    invoices = {i.Id: i for i in cdc.Invoice}
    assert invoices[ids[0]].Balance == 0.0
    assert invoices[ids[1]].TotalAmt == 0.0
    assert [p.TotalAmt for p in cdc.Payment] == [100.0]
    assert qbo_standin.get("Customer", cid)["Balance"] == 0.0


def test_python_quickbooks__invoice_send_and_429_surfaces_as_code_10000(qbo_standin, qb_client):
    (cid,) = seed_customers(qbo_standin, ["Acme"])
    qbo_standin.load(invoices=[{"CustomerRef": {"value": cid}, "TotalAmt": 10}])
    inv = Invoice.get("1", qb=qb_client)
    sent = inv.send(qb=qb_client, send_to="ap@acme.test")
    assert sent["Invoice"]["EmailStatus"] == "EmailSent"
    assert qbo_standin.calls(operation="send")[0].params["sendTo"] == "ap@acme.test"

    qbo_standin.inject("Invoice", status=429)
    with pytest.raises(QuickbooksException) as err:
        Invoice.all(qb=qb_client)
    assert err.value.error_code == 10000
    assert "ThrottleExceeded" in err.value.message


def test_python_quickbooks__refresh_at_construction_and_401_after_expiry(qbo_standin,
                                                                         monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    tokens = qbo_standin.issue_tokens()
    auth = AuthClient(client_id=qbo_standin.default_client_id,
                      client_secret=qbo_standin.clients[qbo_standin.default_client_id][0],
                      redirect_uri="http://127.0.0.1/callback",
                      environment=qbo_standin.discovery_url)
    client = QuickBooks(auth_client=auth, refresh_token=tokens["refresh_token"],
                        company_id=qbo_standin.realm, minorversion=75)
    client.api_url_v3 = client.sandbox_api_url_v3 = qbo_standin.api_base

    assert auth.refresh_token != tokens["refresh_token"]  # rotated: the caller must save it
    assert qbo_standin.current_refresh_tokens() == [auth.refresh_token]
    assert Customer.all(qb=client) == []

    qbo_standin.expire_access_tokens()
    with pytest.raises(AuthorizationException) as err:
        Customer.all(qb=client)
    assert err.value.error_code == 401
