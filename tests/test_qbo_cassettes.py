"""Mapping unit tests replayed from pytest-vcr cassettes of Intuit's documented sample shapes.

The payloads below follow the samples of Intuit's API reference (the "Amy's Bird Sanctuary"
sample company: invoice 1070, a payment linking it, a credit memo, the Net 30 term) and stay
within the fields of Intuit's schema (the stand-in refuses others). The cassettes in
tests/cassettes/quickbooks/ were recorded against the local stand-in loaded with them, never
against QuickBooks Online; Authorization headers are filtered and any token-looking field is
redacted before recording. Delete a cassette to record it again (the stand-in is then started).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qbo_adapter_fixtures import save_tokens
from qbo_standin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, Clock, StandIn

from arwatch.adapters.quickbooks.client import ClientOptions
from arwatch.adapters.quickbooks.limits import CompanyLimits
from arwatch.adapters.quickbooks.tokens import Tokens, TokenStore
from arwatch.adapters.redaction import redact
from arwatch.core.load import load_ledger

CASSETTES = Path(__file__).parent / "cassettes" / "quickbooks"
REALM = "9130350000000001"
NOW = "2015-08-10T09:00:00-07:00"

ADDR = {"Id": "2", "Line1": "4581 Finch St.", "City": "Bayshore", "CountrySubDivisionCode": "CA",
        "PostalCode": "94326", "Lat": "INVALID", "Long": "INVALID"}
META = {"CreateTime": "2015-07-24T10:33:39-07:00", "LastUpdatedTime": "2015-07-24T10:35:08-07:00"}
SAMPLES = dict(
    terms=[{"Id": "3", "Name": "Net 30", "Active": True, "Type": "STANDARD", "DueDays": 30,
            "DiscountPercent": 0, "DiscountDays": 0, "SyncToken": "0", "MetaData": META}],
    customers=[
        {"Id": "1", "DisplayName": "Amy's Bird Sanctuary", "CompanyName": "Amy's Bird Sanctuary",
         "GivenName": "Amy", "FamilyName": "Lauterbach", "Notes": "Here are other details.",
         "PrimaryEmailAddr": {"Address": "Birds@Intuit.com"}, "BillAddr": ADDR,
         "PrimaryPhone": {"FreeFormNumber": "(650) 555-3311"}, "Taxable": False, "Job": False,
         "BillWithParent": False, "Active": True, "SalesTermRef": {"value": "3"},
         "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
         "PreferredDeliveryMethod": "Print", "SyncToken": "0", "MetaData": META},
        {"Id": "3", "DisplayName": "Cool Cars", "CompanyName": "Cool Cars", "Active": False,
         "PrimaryEmailAddr": {"Address": "Cool_Cars@intuit.com"}, "Taxable": False,
         "CurrencyRef": {"value": "CAD", "name": "Canadian Dollar"}, "SyncToken": "1",
         "MetaData": META},
    ],
    invoices=[
        {"Id": "239", "DocNumber": "1070", "TxnDate": "2015-07-24", "DueDate": "2015-08-23",
         "CustomerRef": {"value": "1", "name": "Amy's Bird Sanctuary"}, "TotalAmt": 150.0,
         "Line": [{"Id": "1", "LineNum": 1, "Amount": 150.0, "DetailType": "SalesItemLineDetail",
                   "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"},
                                           "TaxCodeRef": {"value": "NON"}}}],
         "ApplyTaxAfterDiscount": False, "PrintStatus": "NeedToPrint", "EmailStatus": "NotSet",
         "BillAddr": ADDR, "Deposit": 0, "TxnTaxDetail": {"TotalTax": 0},
         "SalesTermRef": {"value": "3"}, "SyncToken": "0", "MetaData": META},
        {"Id": "130", "DocNumber": "1036", "TxnDate": "2015-06-15", "DueDate": "2015-07-15",
         "CustomerRef": {"value": "3", "name": "Cool Cars"}, "TotalAmt": 2369.52,
         "CurrencyRef": {"value": "CAD", "name": "Canadian Dollar"}, "ExchangeRate": 0.7885,
         "Line": [{"Id": "1", "LineNum": 1, "Amount": 2369.52,
                   "DetailType": "SalesItemLineDetail",
                   "SalesItemLineDetail": {"ItemRef": {"value": "3", "name": "Concrete"}}}],
         "SyncToken": "0", "MetaData": META},
    ],
    credit_memos=[
        {"Id": "73", "DocNumber": "1026", "TxnDate": "2015-07-28",
         "CustomerRef": {"value": "1", "name": "Amy's Bird Sanctuary"}, "TotalAmt": 50.0,
         "Line": [{"Id": "1", "LineNum": 1, "Amount": 50.0, "DetailType": "SalesItemLineDetail",
                   "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"}}}],
         "SyncToken": "0", "MetaData": META},
    ],
    payments=[
        {"Id": "163", "TxnDate": "2015-07-30", "TotalAmt": 55.0, "PaymentRefNum": "4536",
         "CustomerRef": {"value": "1", "name": "Amy's Bird Sanctuary"},
         "DepositToAccountRef": {"value": "4"}, "ProcessPayment": False,
         "Line": [{"Amount": 75.0, "LinkedTxn": [{"TxnId": "239", "TxnType": "Invoice"}]},
                  {"Amount": 20.0, "LinkedTxn": [{"TxnId": "73", "TxnType": "CreditMemo"}]}],
         "SyncToken": "0", "MetaData": META},
    ],
)


def scrub_request(request):
    request.headers.pop("Authorization", None)
    return request


def scrub_response(response):
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = redact(body.decode("utf-8")).encode("utf-8")
    return response


@pytest.fixture(scope="module")
def vcr_config():
    return {"filter_headers": ["authorization"], "match_on": ["method", "path", "query", "body"],
            "before_record_request": scrub_request, "before_record_response": scrub_response,
            "decode_compressed_response": True}


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return str(CASSETTES)


@pytest.fixture
def sample_source(request, tmp_path, vcr_cassette_name):
    """A source for the sample company: the stand-in when recording, nothing when replaying."""
    now = Clock(NOW).now
    store = TokenStore(tmp_path / "tokens.json")
    recording = not (CASSETTES / f"{vcr_cassette_name}.yaml").exists()
    standin = StandIn(realm=REALM, clock=Clock(NOW)).start() if recording else None
    try:
        if standin is not None:
            standin.load(**SAMPLES)
            save_tokens(standin, store)
            api_base = standin.api_base
        else:
            store.save(Tokens.from_grant(REALM, "replayed-access", "replayed-refresh", 3600, None,
                                         now()))
            api_base = "http://quickbooks.invalid/v3"
        options = ClientOptions(api_base=api_base, now=now, sleep=lambda s: None,
                                limits=CompanyLimits())
        config = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
                  "redirect_uri": DEFAULT_REDIRECT_URI, "api_base": api_base,
                  "environment": "http://unused.invalid", "company_name": "Sandbox Company_US_1"}
        from arwatch.adapters.quickbooks.source import QuickBooksSource

        yield QuickBooksSource(config, store.path, options=options)
    finally:
        if standin is not None:
            standin.stop()


def by_id(records):
    return {r["id"]: r for r in records}


@pytest.mark.vcr
def test_cassette__full_pull_of_the_sample_company(sample_source):
    result = sample_source.pull(None, full=True)
    customers = by_id(result.records["customers"])
    assert customers["1"] == {"id": "1", "name": "Amy's Bird Sanctuary", "currency": "USD",
                              "terms_days": 30, "active": True, "email": "Birds@Intuit.com",
                              "created_on": "2015-07-24"}
    assert customers["3"]["active"] is False and customers["3"]["currency"] == "CAD"
    invoices = by_id(result.records["invoices"])
    assert invoices["239"]["number"] == "1070" and invoices["239"]["due_date"] == "2015-08-23"
    assert invoices["239"]["residual"] == "75.0"  # 150 - 75 applied (20 of it the credit)
    assert (invoices["130"]["currency"], invoices["130"]["fx_rate"]) == ("CAD", "0.7885")
    assert invoices["cm-73"]["allocations"] == [{"invoice_id": "239", "amount": "20.0",
                                                 "date": "2015-07-30"}]
    payment = by_id(result.records["payments"])["163"]
    assert payment["allocations"] == [{"invoice_id": "239", "amount": "55.0"}]
    assert payment["reference"] == "4536"
    assert result.records["company"]["name"] == "Sandbox Company_US_1"
    ledger, issues = load_ledger(result.records, "quickbooks")
    assert issues == () and result.issues == ()


@pytest.mark.vcr
def test_cassette__written_state_of_the_sample_company_is_empty(sample_source):
    written = sample_source.read_written_state()
    assert written.flags == () and written.holds == () and written.tasks == ()


def test_cassettes__hold_no_credentials():
    for cassette in CASSETTES.glob("*.yaml"):
        text = cassette.read_text()
        assert "Bearer" not in text and "authorization" not in text.lower()
        assert "refresh_token" not in text


def test_cassettes__exist():
    assert sorted(p.name for p in CASSETTES.glob("*.yaml")) == [
        "test_cassette__full_pull_of_the_sample_company.yaml",
        "test_cassette__written_state_of_the_sample_company_is_empty.yaml"]



