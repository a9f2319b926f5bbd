"""The add-on's columnar read (``arwatch.core.odoo_rows.columns`` behind ``ledger_sql.load_frame``)
gives exactly the record path's frame and problems (``load_raw`` -> ``load_ledger`` ->
``LedgerFrame.from_ledger``) on the same rows: array by array, as SQL (``Decimal``) and as Odoo's
cursor (numeric columns as floats) give them; rows the record path reports take that path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import random
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)
COMPANY = {"id": 1, "name": "Bench", "currency": "EUR"}


def _ledger_sql():
    spec = importlib.util.spec_from_file_location("arwatch_addon_ledger_sql_cols",
                                                  ROOT / "addon/arwatch/lib/ledger_sql.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SQL = _ledger_sql()
TABLES = ("CONTACTS", "CUSTOMERS", "INVOICES", "ALLOCATIONS", "PAYMENTS", "DISPUTES", "ATTEMPTS", "PLAN_LINES",
          "SIGNALS", "AGENCY", "ORDERS")
COLUMNS = {
    "INVOICES": ("id", "name", "commercial_partner_id", "move_type", "invoice_date", "invoice_date_due",
                 "amount_total_signed", "amount_residual_signed"),
    "ALLOCATIONS": ("invoice_id", "source_id", "source_type", "origin_payment_id", "amount", "max_date",
                    "source_date", "payer_account"),
    "PAYMENTS": ("id", "customer_id", "date", "amount_company_currency_signed", "state", "write_date", "memo",
                 "payer_account"),
    "ORDERS": ("id", "name", "customer_id", "date_order", "amount_total", "currency_rate"),
}


class Cursor:
    """Answers ledger_sql's queries from tables of dict rows, as dicts or tuples (with a description)."""

    def __init__(self, tables, floats=False):
        self.tables, self.floats, self.rows, self.names = tables, floats, [], ()
        self.by_query = {getattr(SQL, name): name for name in TABLES}

    def execute(self, query, params=None):
        name = self.by_query[query]
        self.rows = [self._cast(row) for row in self.tables.get(name, [])]
        self.names = COLUMNS.get(name) or (tuple(self.rows[0]) if self.rows else ())

    def _cast(self, row):
        if not self.floats:
            return dict(row)
        return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}

    def dictfetchall(self):
        return self.rows

    def fetchall(self):
        return [tuple(row[n] for n in self.names) for row in self.rows]

    @property
    def description(self):
        return [(n,) for n in self.names]


def _book(seed=5, customers=40, invoices=400):
    """A company's rows: invoices and credit notes, payments settling one or two invoices (some
    partly, one bounced), statement lines reconciled directly, a zero exchange partial, a partial
    of a payment not read, orders, disputes (one on an invoice), contacts, an agency placement."""
    rng = random.Random(seed)
    money = lambda low, high: Decimal(rng.randint(low * 100, high * 100)) / 100  # noqa: E731
    cust = [{"id": 100 + i, "name": f"C{i}" if i % 7 else None, "user_id": 3 if i % 3 else None,
             "create_date": dt.date(2024, 1, 1), "active": True,
             "credit_limit": Decimal("5000") if i % 4 == 0 else None, "terms_days": 30} for i in range(customers)]
    moves, partials, payments = [], [], []
    for k in range(invoices):
        issued = TODAY - dt.timedelta(days=rng.randint(0, 700))
        total = money(50, 4000)
        moves.append({"id": 1000 + k, "name": f"INV/{k}" if k % 50 else None,
                      "commercial_partner_id": 100 + k % customers,
                      "move_type": "out_invoice", "invoice_date": issued,
                      "invoice_date_due": issued + dt.timedelta(days=rng.choice((0, 14, 30))) if k % 9 else None,
                      "amount_total_signed": total, "amount_residual_signed": total})
    pay_id = 5000
    left = {m["id"]: m["amount_total_signed"] for m in moves}
    for k in range(0, invoices - 1, 2):
        inv = moves[k]
        if rng.random() < 0.2 or not left[inv["id"]]:
            continue
        day = min(inv["invoice_date"] + dt.timedelta(days=rng.randint(1, 90)), TODAY)
        pay_id += 1
        share = left[inv["id"]] if rng.random() < 0.8 else (left[inv["id"]] / 2).quantize(Decimal("0.01"))
        allocs = [(inv, share)]
        if k % 6 == 0:  # two invoices of one customer settled by one payment
            same = next((m for m in moves[k + 2:k + 200] if m["commercial_partner_id"] == inv["commercial_partner_id"]),
                        None)
            if same is not None and same["invoice_date"] <= day:
                allocs.append((same, Decimal("10.00")))
        for m, amount in allocs:
            left[m["id"]] -= amount
        state = "rejected" if k % 40 == 0 else rng.choice(("paid", "in_process"))
        if k % 10 == 4:  # a statement line reconciled directly: no account.payment
            for m, amount in allocs:
                partials.append({"invoice_id": m["id"], "source_id": 90000 + k, "source_type": "entry",
                                 "origin_payment_id": None, "amount": -amount if k % 20 == 4 else amount,
                                 "max_date": day, "source_date": day, "payer_account": "BE71 0961" if k % 3 else None})
            continue
        payments.append({"id": pay_id, "customer_id": inv["commercial_partner_id"], "date": day,
                         "amount_company_currency_signed": sum(a for _, a in allocs) - (Decimal("0.01") if k % 8 == 0
                                                                                         else 0),
                         "state": state, "write_date": day + dt.timedelta(days=3), "memo": "m",
                         "payer_account": f"ACC{k % 5}" if k % 4 else None})
        for m, amount in allocs:
            partials.append({"invoice_id": m["id"], "source_id": 80000 + k, "source_type": "entry",
                             "origin_payment_id": pay_id, "amount": amount, "max_date": day if k % 5 else None,
                             "source_date": day, "payer_account": None})
        if k % 12 == 0:  # an exchange difference's zero partial, and a netting payment not read
            partials.append({"invoice_id": inv["id"], "source_id": 81000 + k, "source_type": "entry",
                             "origin_payment_id": pay_id, "amount": Decimal("0"), "max_date": day,
                             "source_date": day, "payer_account": None})
            partials.append({"invoice_id": inv["id"], "source_id": 82000 + k, "source_type": "entry",
                             "origin_payment_id": 77, "amount": Decimal("0.50"), "max_date": day,
                             "source_date": day, "payer_account": None})
    for k in range(1, invoices, 37):  # credit notes on unpaid invoices of their customer
        inv = moves[k]
        if any(p["invoice_id"] == inv["id"] for p in partials):
            continue
        note_id = 3000 + k
        moves.append({"id": note_id, "name": f"RINV/{k}", "commercial_partner_id": inv["commercial_partner_id"],
                      "move_type": "out_refund", "invoice_date": inv["invoice_date"],
                      "invoice_date_due": inv["invoice_date"], "amount_total_signed": -Decimal("20.00"),
                      "amount_residual_signed": Decimal("0")})
        partials.append({"invoice_id": inv["id"], "source_id": note_id, "source_type": "out_refund",
                         "origin_payment_id": None, "amount": Decimal("20.00"),
                         "max_date": inv["invoice_date"] if k % 2 else None, "source_date": inv["invoice_date"],
                         "payer_account": None})
    moves.sort(key=lambda m: m["id"])
    partials.reverse()
    return {
        "CUSTOMERS": cust,
        "CONTACTS": [{"commercial_partner_id": 100, "id": 900, "name": "Jo", "function": "buyer",
                      "create_date": dt.date(2025, 1, 2), "active": False, "arwatch_archived_on": dt.date(2026, 1, 5),
                      "write_date": dt.date(2026, 2, 1)}],
        "INVOICES": moves, "ALLOCATIONS": partials, "PAYMENTS": payments,
        "DISPUTES": [{"id": 1, "partner_id": 101, "invoice_id": 1001, "opened_on": dt.date(2026, 10, 1),
                      "resolved_on": None, "amount": None, "reason": "broken", "kind": "dispute"},
                     {"id": 2, "partner_id": 102, "invoice_id": None, "opened_on": dt.date(2026, 9, 1),
                      "resolved_on": dt.date(2026, 9, 20), "amount": Decimal("10"), "reason": "", "kind": "complaint"}],
        "AGENCY": [{"id": 4, "partner_id": 103, "agency_since": dt.date(2026, 10, 1), "agency_recalled_on": None}],
        "ORDERS": [{"id": 70 + k, "name": f"S{k}", "customer_id": 100 + k % customers,
                    "date_order": TODAY - dt.timedelta(days=k), "amount_total": Decimal("360.00"),
                    "currency_rate": Decimal("1.1") if k % 2 else None} for k in range(30)],
    }


def _record_path(tables, ids, orders, floats):
    issues: list = []
    raw = SQL.load_raw(Cursor(tables, floats), COMPANY, ids, orders=orders, issues=issues)
    ledger, refused = load_ledger(raw, source="odoo")
    return LedgerFrame.from_ledger(ledger, as_of=TODAY), tuple(issues) + tuple(refused)


def _assert_same(old, new):
    for field in dataclasses.fields(old):
        a, b = getattr(old, field.name), getattr(new, field.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, field.name
            if a.dtype.kind == "f":
                assert np.array_equal(a, b, equal_nan=True), field.name
            else:
                assert a.tolist() == b.tolist(), field.name
        elif field.name != "extra":
            assert a == b, field.name


@pytest.mark.parametrize("floats", [False, True], ids=["sql-decimals", "odoo-cursor-floats"])
@pytest.mark.parametrize("orders", [True, False])
def test_columns__same_frame_and_problems_as_the_record_path(floats, orders):
    tables = _book()
    ids = [c["id"] for c in tables["CUSTOMERS"]]
    old, old_issues = _record_path(tables, ids, orders, floats)
    assert old_issues == ()  # the fast path is taken on a clean book
    new, new_issues = SQL.load_frame(Cursor(tables, floats), COMPANY, ids, TODAY, orders=orders)
    assert new_issues == ()
    assert len(new.a_inv) > 150 and new.i_credit.any() and len(new.b_inv) and new.accounts
    _assert_same(old, new)


def test_columns__the_fast_path_is_taken_on_a_clean_book(monkeypatch):
    tables = _book()
    ids = [c["id"] for c in tables["CUSTOMERS"]]
    monkeypatch.setattr(SQL, "load_ledger", lambda *a, **k: pytest.fail("took the record path"))
    SQL.load_frame(Cursor(tables, True), COMPANY, ids, TODAY, orders=True)


def _spoil(tables, how):
    moves, partials, payments = tables["INVOICES"], tables["ALLOCATIONS"], tables["PAYMENTS"]
    if how == "due before issue":
        moves[3]["invoice_date_due"] = moves[3]["invoice_date"] - dt.timedelta(days=1)
    elif how == "another customer's invoice":
        payments[0]["customer_id"] = 100 + (payments[0]["customer_id"] - 99) % 40
    elif how == "more than the total":
        row = next(p for p in partials if p["origin_payment_id"] == payments[1]["id"])
        row["amount"] = next(m for m in moves if m["id"] == row["invoice_id"])["amount_total_signed"] * 3
    elif how == "unknown payment state":
        payments[2]["state"] = "draft"
    elif how == "a customer that cannot be read":
        tables["CUSTOMERS"][5]["create_date"] = "not a date"
    elif how == "three decimals":
        moves[4]["amount_total_signed"] = Decimal("12.345")
    elif how == "dispute on a credit note that goes":
        note = next(m for m in moves if m["move_type"] == "out_refund")
        tables["DISPUTES"][0]["invoice_id"] = note["id"]


@pytest.mark.parametrize("how", ["due before issue", "another customer's invoice", "more than the total",
                                 "unknown payment state", "a customer that cannot be read", "three decimals",
                                 "dispute on a credit note that goes"])
def test_columns__rows_the_record_path_reports_give_its_frame_and_problems(how):
    tables = _book()
    _spoil(tables, how)
    ids = [c["id"] for c in tables["CUSTOMERS"]]
    old, old_issues = _record_path(tables, ids, True, False)
    new, new_issues = SQL.load_frame(Cursor(tables), COMPANY, ids, TODAY, orders=True)
    assert new_issues == old_issues
    if how not in ("three decimals", "dispute on a credit note that goes"):
        assert old_issues, how
    _assert_same(old, new)


@pytest.mark.parametrize("seed", range(20))
def test_columns__ids_ranked_as_text_without_making_text(seed):
    """Allocations are ordered by invoice id as text (as the record path's ``str`` ids sort):
    the numeric ranking gives exactly ``sorted(..., key=str)``'s ranks, duplicates in input order."""
    from arwatch.core.odoo_rows.columns import _text_rank

    rng = random.Random(seed)
    top = rng.choice([9, 10, 11, 99, 101, 1000, 10**6, 2**31, 10**16])
    ids = [rng.randint(1, top) for _ in range(rng.randint(0, 80))] + rng.choice([[], [1, 10, 100, 10, 1, 9, 19]])
    expected = np.empty(len(ids), dtype=np.int64)
    expected[sorted(range(len(ids)), key=lambda k: str(ids[k]))] = np.arange(len(ids))
    assert _text_rank(np.array(ids, dtype=np.int64)).tolist() == expected.tolist()
