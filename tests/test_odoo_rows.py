"""The one Odoo-rows mapping (arwatch.core.odoo_rows) the add-on (rows from SQL) and the sync's
Odoo adapter (rows over the external API) share, and the add-on's SQL reader built on it, fed by a
stand-in cursor. Where the two former copies differed, the tests pin the behaviour kept."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

from arwatch.core import odoo_rows as m
from arwatch.core.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


def _ledger_sql():
    """The add-on's SQL reader as a plain module (it imports only arwatch.core, no Odoo)."""
    spec = importlib.util.spec_from_file_location("arwatch_addon_ledger_sql", ROOT / "addon/arwatch/lib/ledger_sql.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- values as either caller reads them ---------------------------------------------------------

def test_values__many2one_date_and_money_as_rpc_and_sql_give_them():
    assert [m.m2o_id(v) for v in ([7, "Acme"], 7, False, None, True)] == [7, 7, None, None, None]
    assert [m.m2o_name(v) for v in ([7, "Acme"], 7, False)] == ["Acme", None, None]
    assert m.day("2026-11-20 08:00:00") == m.day(dt.datetime(2026, 11, 20, 8)) == m.day(D(2026, 11, 20)) \
        == D(2026, 11, 20)
    assert m.day(False) is None and m.day(None) is None
    # RPC floats are rounded to cents; SQL numerics are exact (a currency of three decimals keeps them)
    assert m.money(-1100.0) == Decimal("1100.00") and m.money(0.1 + 0.2) == Decimal("0.30")
    assert m.money(Decimal("-12.345")) == Decimal("12.345")
    assert m.money(None) == m.money(False) == 0


# --- partners ----------------------------------------------------------------------------------

def test_customer__a_nameless_customer_is_kept_under_its_id_on_both_paths():
    """The RPC copy left a nameless customer out (an Issue), so every invoice it owes was then
    refused as owed by an unknown customer; the SQL copy named it "partner <id>". Kept: the latter."""
    for row in ({"id": 7, "name": False, "active": True}, {"id": 7, "name": None, "active": True}):
        record = m.customer(row, "EUR", 0, [], None)
        assert (record["id"], record["name"]) == ("7", "partner 7")


def test_customer__terms_limit_and_salesperson_as_the_caller_names_them():
    rpc = {"id": 7, "name": "Acme", "credit_limit": 5000.0, "user_id": [2, "Mitchell Admin"], "active": True,
           "create_date": "2025-01-02 10:00:00", "email": "ap@acme.test", "country_code": "BE",
           "industry_id": [3, "Retail"]}
    sql = {"id": 7, "name": "Acme", "credit_limit": Decimal("5000"), "user_id": 2, "active": True,
           "create_date": D(2025, 1, 2)}
    a = m.customer(rpc, "EUR", 30, [], m.m2o_name(rpc["user_id"]))
    b = m.customer(sql, "EUR", 30, [], str(sql["user_id"]))
    assert (a["terms_days"], a["credit_limit"], a["salesperson"], a["industry"], a["country"]) == (
        30, Decimal("5000"), "Mitchell Admin", "Retail", "BE")
    assert (b["terms_days"], b["credit_limit"], b["salesperson"], b["industry"]) == (30, Decimal("5000"), "2", None)
    assert a["created_on"] == b["created_on"] == D(2025, 1, 2)
    assert m.customer(dict(sql, credit_limit=0), "EUR", None, [], None)["credit_limit"] is None


def test_contact__archive_day_is_the_addons_when_read_else_the_last_write():
    row = {"id": 9, "name": "Jo", "function": "AP clerk", "active": False, "write_date": "2026-03-04 09:00:00"}
    assert m.contact(row)["archived_on"] == D(2026, 3, 4)
    assert m.contact(dict(row, arwatch_archived_on=D(2026, 2, 1)))["archived_on"] == D(2026, 2, 1)
    assert m.contact(dict(row, active=True, arwatch_archived_on=D(2026, 2, 1)))["archived_on"] is None
    assert m.contact({"id": 9, "name": False})["name"] == "contact 9"


# --- moves -------------------------------------------------------------------------------------

INVOICE_RPC = {"id": 5, "name": "INV/5", "move_type": "out_invoice", "commercial_partner_id": [7, "Acme"],
               "invoice_date": "2026-10-01", "invoice_date_due": "2026-10-31", "amount_total_signed": 1100.0,
               "amount_residual_signed": 100.0}
INVOICE_SQL = {"id": 5, "name": "INV/5", "move_type": "out_invoice", "commercial_partner_id": 7,
               "invoice_date": D(2026, 10, 1), "invoice_date_due": D(2026, 10, 31),
               "amount_total_signed": Decimal("1100.00"), "amount_residual_signed": Decimal("100.00")}


def test_invoice__rpc_and_sql_rows_of_one_invoice_map_to_the_same_record():
    assert m.invoice(INVOICE_RPC, "EUR", []) == m.invoice(INVOICE_SQL, "EUR", [])
    no_due = m.invoice(dict(INVOICE_SQL, invoice_date_due=None), "EUR", [])
    assert no_due["due_date"] == D(2026, 10, 1)


def test_invoice__due_before_issue_is_an_issue_on_both_paths():
    """The SQL copy passed such a row on and the core's model refused it; now both name the field."""
    for row in (dict(INVOICE_RPC, invoice_date_due="2026-09-01"), dict(INVOICE_SQL, invoice_date_due=D(2026, 9, 1))):
        issues: list = []
        assert m.mapped("account.move", row, lambda r: m.invoice(r, "EUR", []), issues) is None
        assert (issues[0].record_type, issues[0].record_id, issues[0].field) == ("account.move", "5",
                                                                                "invoice_date_due")


def test_credit_note__allocations_in_date_then_invoice_order_whatever_the_partials_order():
    """The SQL copy kept the partials' id order, the RPC copy sorted by day and invoice: sorted kept
    (the same credit note gives the same record whichever path read it)."""
    note = dict(INVOICE_SQL, id=6, move_type="out_refund", amount_total_signed=Decimal("-50"))
    late = m.allocation({"amount": Decimal("20"), "max_date": D(2026, 10, 9)}, 5)
    early = m.allocation({"amount": Decimal("30"), "max_date": D(2026, 10, 2)}, 8)
    record = m.invoice(note, "EUR", [late, early])
    assert record["kind"] == "credit_note" and [a["invoice_id"] for a in record["allocations"]] == ["8", "5"]
    assert "allocations" not in m.invoice(INVOICE_SQL, "EUR", [])


def test_allocation__a_partial_of_no_amount_settles_nothing():
    """Kept from the SQL copy: the RPC copy sent a 0.00 allocation (an exchange difference's
    counterpart), which the model refuses, so the whole payment was refused."""
    assert m.allocation({"amount": 0.0, "max_date": "2026-10-02"}, 5) is None
    assert m.allocation({"amount": Decimal("0"), "max_date": D(2026, 10, 2)}, 5) is None
    assert m.allocation({"amount": 12.5, "max_date": "2026-10-02"}, 5) == {
        "invoice_id": "5", "amount": Decimal("12.50"), "date": D(2026, 10, 2)}


def test_payment__exchange_difference_allocating_a_cent_more_than_the_amount_is_accepted():
    """Kept from the SQL copy: the amount is raised to what the allocations settle; the RPC copy
    sent the payment as it was and the model refused it whole."""
    allocs = [m.allocation({"amount": 60.01, "max_date": "2026-10-03"}, 5),
              m.allocation({"amount": 40.0, "max_date": "2026-10-03"}, 4)]
    row = {"id": 3, "date": "2026-10-03", "amount": 110.0, "amount_company_currency_signed": 100.0,
           "state": "paid", "memo": "Oct"}
    pay = m.payment(row, 7, "EUR", allocs, None)
    assert pay["amount"] == Decimal("100.01") and [a["invoice_id"] for a in pay["allocations"]] == ["4", "5"]
    ledger, issues = load_ledger({"company": {"id": "1", "name": "C", "currency": "EUR"},
                                  "customers": [m.customer({"id": 7, "name": "Acme"}, "EUR", 0, [], None)],
                                  "invoices": [m.invoice(dict(INVOICE_SQL, amount_residual_signed=0), "EUR", []),
                                               m.invoice(dict(INVOICE_SQL, id=4), "EUR", [])],
                                  "payments": [pay]}, source="odoo")
    assert issues == () and ledger.payments[0].amount == Decimal("100.01")


def test_payment__states_returned_day_and_reference_from_either_path():
    sql = {"id": 3, "date": D(2026, 10, 1), "amount_company_currency_signed": Decimal("45"), "state": "rejected",
           "write_date": D(2026, 10, 4), "memo": None}
    pay = m.payment(sql, 7, "EUR", [], "BE71 0961")
    assert (pay["state"], pay["returned_on"], pay["amount"], pay["reference"], pay["payer_account"]) == (
        "returned", D(2026, 10, 4), Decimal("45"), None, "BE71 0961")
    assert m.payment(dict(sql, state="canceled"), 7, "EUR", [], None)["state"] == "voided"
    issues: list = []
    assert m.mapped("account.payment", dict(sql, state="draft"), lambda r: m.payment(r, 7, "EUR", [], None),
                    issues) is None
    assert issues[0].field == "state"
    assert m.mapped("account.payment", sql, lambda r: m.payment(r, None, "EUR", [], None), issues) is None
    assert issues[1].field == "partner_id"


def test_entry_payment__what_a_statement_line_settled_on_its_day():
    allocs = [m.allocation({"amount": Decimal("70"), "max_date": D(2026, 10, 5)}, 5)]
    pay = m.entry_payment({"id": 40, "date": D(2026, 10, 5)}, 7, "EUR", allocs, "BE71 0961")
    assert (pay["id"], pay["customer_id"], pay["amount"], pay["date"], pay["payer_account"], pay["reference"]) == (
        "move:40", "7", Decimal("70"), D(2026, 10, 5), "BE71 0961", None)
    assert m.entry_payment({"id": 40, "date": "2026-10-05", "name": "BNK1/40"}, 7, "EUR", allocs)["reference"] \
        == "BNK1/40"


def test_moveless_payment__settles_its_invoices_in_id_order_up_to_each_total():
    row = {"id": 3, "date": "2026-10-03", "amount_company_currency_signed": 150.0, "invoice_ids": [9, 5]}
    allocs = m.moveless_allocations(row, {5: Decimal("100.00"), 9: Decimal("80.00")})
    assert [(a["invoice_id"], a["amount"]) for a in allocs] == [("5", Decimal("100.00")), ("9", Decimal("50.00"))]


def test_order__total_in_company_currency_a_missing_rate_reads_as_one():
    sql = {"id": 12, "name": "S00012", "date_order": D(2026, 10, 3), "amount_total": Decimal("1100"),
           "currency_rate": Decimal("1.1")}
    assert m.order(sql, 7, "EUR")["total"] == Decimal("1000.00")
    assert m.order(dict(sql, currency_rate=0), 7, "EUR")["total"] == Decimal("1100.00")
    assert m.order(dict(sql, currency_rate=None), 7, "EUR")["total"] == Decimal("1100.00")
    issues: list = []
    assert m.mapped("sale.order", dict(sql, date_order=None), lambda r: m.order(r, 7, "EUR"), issues) is None
    assert issues[0].field == "date_order"


# --- the add-on's own records ---------------------------------------------------------------------

def test_collections__plans_gather_their_lines_and_records_name_their_customer():
    lines = [{"id": 1, "partner_id": 7, "agreed_on": D(2026, 9, 1), "cancelled_on": None,
              "due_date": D(2026, 10, 1), "amount": Decimal("50")},
             {"id": 1, "partner_id": 7, "agreed_on": D(2026, 9, 1), "cancelled_on": None,
              "due_date": D(2026, 11, 1), "amount": Decimal("50")},
             {"id": 2, "partner_id": 8, "agreed_on": D(2026, 9, 2), "cancelled_on": D(2026, 9, 9),
              "due_date": D(2026, 10, 2), "amount": Decimal("10")}]
    plans = m.plans(lines)
    assert [(p["id"], p["customer_id"], len(p["instalments"])) for p in plans] == [("1", "7", 2), ("2", "8", 1)]
    dispute = m.dispute({"id": 4, "partner_id": 7, "invoice_id": None, "opened_on": D(2026, 9, 1),
                         "resolved_on": None, "amount": None, "reason": None, "kind": None})
    assert (dispute["customer_id"], dispute["invoice_id"], dispute["reason"], dispute["kind"]) == (
        "7", None, "", "dispute")
    attempt = m.attempt({"id": 5, "partner_id": 7, "date": D(2026, 9, 3), "channel": None, "answered": False,
                         "outcome": None, "promise_date": None, "promise_amount": Decimal("0")})
    assert (attempt["channel"], attempt["answered"], attempt["promise_amount"]) == ("call", False, None)


# --- the add-on's SQL reader, fed by a stand-in cursor ---------------------------------------------

class Cursor:
    """Answers ledger_sql's queries by the table they read first, as dict rows."""

    def __init__(self, tables):
        self.tables, self.queries, self._rows = tables, [], []

    def execute(self, query, params=None):
        self.queries.append(query)
        key = next(k for k in self.tables if k in " ".join(query.split()))
        self._rows = self.tables[key]

    def dictfetchall(self):
        return [dict(r) for r in self._rows]


def _addon_tables():
    inv = dict(INVOICE_SQL, amount_residual_signed=Decimal("0"))
    bad = dict(INVOICE_SQL, id=6, name="INV/6", invoice_date_due=D(2026, 9, 1))
    note = dict(INVOICE_SQL, id=8, name="RINV/8", move_type="out_refund", amount_total_signed=Decimal("-100"),
                amount_residual_signed=Decimal("0"))
    return {
        "FROM res_partner c": [{"commercial_partner_id": 7, "id": 70, "name": "Jo", "function": None,
                                "create_date": D(2025, 1, 2), "active": False,
                                "arwatch_archived_on": D(2026, 1, 5), "write_date": D(2026, 2, 1)}],
        "FROM res_partner p": [{"id": 7, "name": None, "user_id": 2, "create_date": D(2025, 1, 1), "active": True,
                                "credit_limit": Decimal("0"), "terms_days": 30}],
        "FROM account_move m": [inv, bad, note],
        "FROM account_partial_reconcile": [
            # the credit note: 100; a payment: 600 and a zero exchange counterpart; a bank line: 400.01
            {"invoice_id": 5, "source_id": 8, "source_type": "out_refund", "origin_payment_id": None,
             "amount": Decimal("100"), "max_date": D(2026, 10, 2), "source_date": D(2026, 10, 2),
             "payer_account": None},
            {"invoice_id": 5, "source_id": 30, "source_type": "entry", "origin_payment_id": 3,
             "amount": Decimal("600"), "max_date": D(2026, 10, 3), "source_date": D(2026, 10, 3),
             "payer_account": None},
            {"invoice_id": 5, "source_id": 31, "source_type": "entry", "origin_payment_id": 3,
             "amount": Decimal("0"), "max_date": D(2026, 10, 3), "source_date": D(2026, 10, 3),
             "payer_account": None},
            {"invoice_id": 5, "source_id": 40, "source_type": "entry", "origin_payment_id": None,
             "amount": Decimal("400"), "max_date": D(2026, 10, 5), "source_date": D(2026, 10, 5),
             "payer_account": "BE71 0961"},
            # an outbound netting payment the query did not read: left out
            {"invoice_id": 5, "source_id": 50, "source_type": "entry", "origin_payment_id": 99,
             "amount": Decimal("1"), "max_date": D(2026, 10, 6), "source_date": D(2026, 10, 6),
             "payer_account": None}],
        "FROM account_payment pay": [{"id": 3, "customer_id": 7, "date": D(2026, 10, 3),
                                      "amount_company_currency_signed": Decimal("599.99"), "state": "paid",
                                      "write_date": D(2026, 10, 3), "memo": "Oct", "payer_account": None}],
        "FROM arwatch_dispute": [], "FROM arwatch_contact_attempt": [], "FROM arwatch_payment_plan": [],
        "FROM arwatch_signal": [],
        "AND agency_since IS NOT NULL": [{"id": 4, "partner_id": 7, "agency_since": D(2026, 10, 1),
                                          "agency_recalled_on": D(2026, 10, 20)}],
        "FROM sale_order o": [{"id": 12, "name": "S12", "customer_id": 7, "date_order": D(2026, 9, 30),
                               "amount_total": Decimal("1100"), "currency_rate": Decimal("1")}],
    }


def test_addon_sql_reader__settles_each_invoice_once_and_names_the_rows_it_cannot_read():
    cr = Cursor(_addon_tables())
    issues: list = []
    raw = _ledger_sql().load_raw(cr, {"id": 1, "name": "C", "currency": "EUR"}, [7], orders=True, issues=issues)
    assert len(cr.queries) == 11  # ten (the agency placements the tenth), and the orders
    assert [(i.record_type, i.record_id, i.field) for i in issues] == [("account.move", "6", "invoice_date_due")]
    customer = raw["customers"][0]
    assert (customer["name"], customer["salesperson"], customer["terms_days"], customer["credit_limit"]) == (
        "partner 7", "2", 30, None)
    assert customer["contacts"][0]["archived_on"] == D(2026, 1, 5)
    assert [(i["id"], i["kind"]) for i in raw["invoices"]] == [("5", "invoice"), ("8", "credit_note")]
    assert raw["invoices"][1]["allocations"] == [{"invoice_id": "5", "amount": Decimal("100"),
                                                  "date": D(2026, 10, 2)}]
    payments = {p["id"]: p for p in raw["payments"]}
    assert set(payments) == {"pay:3", "move:40"}
    assert payments["pay:3"]["amount"] == Decimal("600")  # the exchange difference's cent
    assert [a["amount"] for a in payments["pay:3"]["allocations"]] == [Decimal("600")]
    assert (payments["move:40"]["amount"], payments["move:40"]["payer_account"]) == (Decimal("400"), "BE71 0961")
    assert raw["orders"][0]["total"] == Decimal("1100.00")
    ledger, refused = load_ledger(raw, source="odoo")
    assert refused == () and len(ledger.payments) == 2
    assert [(w.kind.value, w.on) for w in ledger.switches] == [
        ("placed", D(2026, 10, 1)), ("recalled", D(2026, 10, 20))]


def test_addon_sql_reader__collections_records_for_the_sync_api():
    tables = _addon_tables()
    tables["FROM account_move WHERE"] = [(7,)]
    tables["FROM arwatch_signal"] = [{"id": 3, "partner_id": 7, "kind": "bankruptcy_filing", "date": D(2026, 9, 1),
                                      "source": None, "note": None, "severity": "high", "confidence": 0.9,
                                      "expires_on": None}]
    cr = Cursor(tables)
    cr.fetchall = lambda: [(7,)]
    records = _ledger_sql().collections_raw(cr, 1)
    assert set(records) == {"disputes", "contact_attempts", "payment_plans", "signals", "switches"}
    assert [(w["customer_id"], w["kind"], w["on"]) for w in records["switches"]] == [
        ("7", "placed", D(2026, 10, 1)), ("7", "recalled", D(2026, 10, 20))]  # as a placed: note and a recall
    assert (records["signals"][0]["customer_id"], records["signals"][0]["source"]) == ("7", "manual")
