"""load_ledger: good records kept, every bad one reported by record and field, none fatal."""

from arwatch.core.load import load_ledger

CUSTOMERS = [{"id": "c1", "name": "Acme", "currency": "EUR"}, {"id": "c2", "name": "Beta"}]


def inv(id_, cust="c1", total="100", issue="2024-01-01", due="2024-01-31", **kw):
    return {"id": id_, "number": f"INV/{id_}", "customer_id": cust, "issue_date": issue,
            "due_date": due, "total": total, **kw}


def pay(id_, allocs, cust="c1", amount="100", **kw):
    return {"id": id_, "customer_id": cust, "date": "2024-02-01", "amount": amount,
            "allocations": [{"invoice_id": i, "amount": a} for i, a in allocs], **kw}


def issues_of(data):
    ledger, issues = load_ledger({"customers": CUSTOMERS, **data}, source="test")
    return ledger, {(i.record_type, i.record_id, i.field): i.message for i in issues}


def test_load__negative_total_and_due_before_issue_name_the_field():
    ledger, issues = issues_of({"invoices": [inv("1", total="-5"), inv("2", due="2023-12-01"), inv("3")]})
    assert [i.id for i in ledger.invoices] == ["3"]
    assert "greater than or equal to 0" in issues[("invoice", "1", "total")]
    assert "before issue_date" in issues[("invoice", "2", "due_date")]


def test_load__duplicate_ids_keep_the_first():
    ledger, issues = issues_of({"invoices": [inv("1", total="10"), inv("1", total="20")]})
    assert [str(i.total) for i in ledger.invoices] == ["10"]
    assert ("invoice", "1", "id") in issues


def test_load__unknown_customer_and_unknown_invoice_allocation():
    ledger, issues = issues_of({"invoices": [inv("1"), inv("9", cust="nobody")],
                                "payments": [pay("p1", [("404", "10")]), pay("p2", [("1", "100")])]})
    assert "unknown customer 'nobody'" in issues[("invoice", "9", "customer_id")]
    assert "unknown invoice '404'" in issues[("payment", "p1", "allocations[0].invoice_id")]
    assert [p.id for p in ledger.payments] == ["p2"]


def test_load__allocations_above_invoice_total_reject_the_later_payment():
    ledger, issues = issues_of({"invoices": [inv("1")],
                                "payments": [pay("p1", [("1", "60")], amount="60"),
                                             pay("p2", [("1", "60")], amount="60", date="2024-02-05")]})
    assert [p.id for p in ledger.payments] == ["p1"]
    assert "more than the total 100" in issues[("payment", "p2", "allocations[0].amount")]


def test_load__payment_allocating_more_than_its_amount():
    _, issues = issues_of({"invoices": [inv("1")], "payments": [pay("p1", [("1", "80")], amount="50")]})
    assert "more than the amount 50" in issues[("payment", "p1", "allocations")]


def test_load__currency_mismatch_between_payment_and_invoice():
    ledger, issues = issues_of({"invoices": [inv("1", currency="USD")],
                                "payments": [pay("p1", [("1", "100")], currency="EUR")]})
    assert "currency EUR does not match invoice INV/1 in USD" in issues[("payment", "p1", "allocations[0]")]
    assert not ledger.payments


def test_load__payment_for_another_customers_invoice():
    _, issues = issues_of({"invoices": [inv("1", cust="c2")], "payments": [pay("p1", [("1", "100")])]})
    assert "belongs to another customer" in issues[("payment", "p1", "allocations[0].invoice_id")]


def test_load__credit_note_and_payments_together_never_exceed_the_total():
    note = inv("CN1", total="30", kind="credit_note", allocations=[{"invoice_id": "1", "amount": "30"}])
    ledger, issues = issues_of({"invoices": [inv("1"), note], "payments": [pay("p1", [("1", "80")], amount="80")]})
    assert ("payment", "p1", "allocations[0].amount") in issues
    assert {i.id for i in ledger.invoices} == {"1", "CN1"}


def test_load__one_bad_row_among_many_keeps_all_the_others():
    rows = [inv(str(i)) for i in range(500)]
    rows[250] = inv("250", issue="not a date")
    ledger, issues = issues_of({"invoices": rows})
    assert len(ledger.invoices) == 499
    assert list(issues) == [("invoice", "250", "issue_date")]


def test_load__unknown_field_and_missing_id_row_named_by_position():
    _, issues = issues_of({"invoices": [inv("1", colour="red"), {"number": "X", "customer_id": "c1"}]})
    assert ("invoice", "1", "colour") in issues
    assert ("invoice", "#2", "id") in issues


def test_load__returned_payment_needs_its_return_day():
    _, issues = issues_of({"invoices": [inv("1")], "payments": [pay("p1", [("1", "100")], state="returned")]})
    assert "needs the day it was returned" in issues[("payment", "p1", "returned_on")]


def test_load__bounced_payment_then_its_replacement_both_kept():
    bounced = pay("p1", [("1", "100")], state="returned", returned_on="2024-02-03")
    replacement = pay("p2", [("1", "100")], date="2024-02-10")
    ledger, issues = issues_of({"invoices": [inv("1")], "payments": [bounced, replacement]})
    assert not issues
    assert [p.id for p in ledger.payments] == ["p1", "p2"]


def order(id_, cust="c1", total="100", date="2024-01-05", **kw):
    return {"id": id_, "number": f"S{id_}", "customer_id": cust, "order_date": date, "total": total, **kw}


def test_load__orders_bad_fields_are_named_and_the_good_ones_kept():
    ledger, issues = issues_of({"orders": [order("1", total="-5"), order("2", date="2024-13-01"),
                                           order("3", state="draft"), order("4", currency="euro"),
                                           order("5", fx_rate="0"), order("6", cust="nobody"),
                                           order("7", state="cancelled", currency="USD", fx_rate="0.9"),
                                           order("7"), order("8")]})
    assert [o.id for o in ledger.orders] == ["7", "8"]
    assert ledger.orders[0].state.value == "cancelled" and str(ledger.orders[0].fx_rate) == "0.9"
    assert ledger.orders[1].state.value == "confirmed" and ledger.orders[1].currency == "EUR"  # defaults
    assert "greater than or equal to 0" in issues[("order", "1", "total")]
    assert ("order", "2", "order_date") in issues
    assert "'confirmed' or 'cancelled'" in issues[("order", "3", "state")]
    assert ("order", "4", "currency") in issues and ("order", "5", "fx_rate") in issues
    assert "unknown customer 'nobody'" in issues[("order", "6", "customer_id")]
    assert "duplicate id" in issues[("order", "7", "id")]
    assert len(issues) == 7


def test_load__an_order_without_its_number_or_date_names_the_field():
    _, issues = issues_of({"orders": [{"id": "9", "customer_id": "c1", "total": "1"}]})
    assert set(issues) == {("order", "9", "number"), ("order", "9", "order_date")}


def test_load__no_orders_key_means_the_source_has_no_orders():
    without, _ = load_ledger({"customers": CUSTOMERS}, unavailable=("contacts",))
    assert without.unavailable == {"contacts", "orders"}
    assert load_ledger({"customers": CUSTOMERS, "orders": None})[0].unavailable == {"orders"}
    empty, _ = load_ledger({"customers": CUSTOMERS, "orders": []})
    assert empty.unavailable == frozenset() and empty.orders == ()
