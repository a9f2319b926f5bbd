"""Bad QuickBooks records each give an issue naming the entity, its Id, the field and the value,
and the rest of the pull goes on. Before: a negative amount said "negative amount" without the
value, a payment line with a negative amount was dropped without a word (the invoice it names
looked unpaid by it), and a term whose DueDays is not a number stopped the whole run (ValueError,
exit code 1). Mapped from the JSON QuickBooks answers (``mapping``), and one pull on the stand-in.
"""

from __future__ import annotations

from qbo_adapter_fixtures import kit, qbo_standin  # noqa: F401  (fixtures)

from arwatch.adapters.quickbooks.mapping import MapContext, map_customer, map_invoice, map_payment

CTX = MapContext(terms={"7": {"Name": "Net ten", "DueDays": "ten", "Type": "STANDARD"}})


def test_a_negative_total_names_its_value():
    record, [problem] = map_invoice({"Id": "5", "CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01",
                                     "TotalAmt": -5}, CTX)
    assert record is None
    assert (problem.record_type, problem.record_id, problem.field) == ("Invoice", "5", "TotalAmt")
    assert "-5" in problem.message


def test_a_negative_payment_line_is_an_issue_not_dropped():
    record, [problem] = map_payment({"Id": "8", "CustomerRef": {"value": "1"}, "TxnDate": "2023-12-01",
                                     "TotalAmt": 10, "Line": [
                                         {"Amount": 20, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]},
                                         {"Amount": -10, "LinkedTxn": [{"TxnId": "2", "TxnType": "Invoice"}]}]},
                                    CTX)
    assert record is None
    assert (problem.record_type, problem.record_id, problem.field) == ("Payment", "8", "Line[1].Amount")
    assert "-10" in problem.message


def test_a_term_with_days_that_are_no_number_is_an_issue_on_the_customer():
    record, [problem] = map_customer({"Id": "3", "DisplayName": "Acme", "SalesTermRef": {"value": "7"}}, CTX)
    assert record is not None and record["terms_days"] == 30  # the default terms
    assert (problem.record_type, problem.record_id, problem.field) == ("Customer", "3", "SalesTermRef")
    assert "DueDays 'ten'" in problem.message


def test_a_pull_with_a_bad_term_goes_on(kit):  # noqa: F811
    kit.standin.load(terms=[{"Name": "Net 30", "DueDays": 30}],
                     customers=[{"DisplayName": "Acme", "SalesTermRef": {"value": "1"}}, {"DisplayName": "Bolt"}])
    kit.standin.company().objects["Term"]["1"]["DueDays"] = "thirty"  # as a broken answer would have it
    kit.later()
    result = kit.source().pull(None, full=True)
    assert sorted(c["id"] for c in result.records["customers"]) == ["1", "2"]
    assert [(i.record_type, i.record_id, i.field) for i in result.issues] == [("Customer", "1", "SalesTermRef")]
