"""``load_frame``: ``load_ledger`` then ``LedgerFrame.from_ledger``, without a model per record.

The big collections (customers, invoices, payments) are checked and kept in columns
(``load_columns.py``); the small ones (disputes, contact attempts, plans, signals, orders,
switches, notes) are validated as records by ``load_ledger``'s own functions. The checks run in
``load_ledger``'s order, so the issues are its issues in its order, and the frame is built from
the columns exactly as ``frame_build`` builds it from the records (tests/test_load_frame.py
compares both on every fixture and on generated ledgers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .columnar import NEVER
from .frame import LedgerFrame
from .frame_build import _flag_days, _orders, _small_tables, _switches, index_of, obj
from .gcpause import with_gc_paused
from .issues import Issue
from .load import (
    _TYPE_NAMES,
    _add_note_records,
    _drop_duplicates,
    _drop_unknown_customers,
    _drop_unknown_invoice_disputes,
    validate_records,
)
from .load_columns import (
    Table,
    checked_allocations,
    customers_table,
    first_of_each,
    invoices_table,
    known_customers,
    payments_table,
)
from .model import COLLECTIONS, OPTIONAL_COLLECTIONS, Company, Customer, Ledger, Record

BIG = ("customers", "invoices", "payments")


@with_gc_paused
def load_frame(data: Mapping[str, Any], source: str = "file", unavailable: Iterable[str] = (),
               as_of: dt.date | None = None) -> tuple[LedgerFrame, tuple[Issue, ...]]:
    """``LedgerFrame.from_ledger(load_ledger(data, source, unavailable)[0], as_of)`` and the
    load's issues, the same arrays and issues, built from columns."""
    company = data.get("company") or {"id": "company", "name": "Company"}
    company = company if isinstance(company, Company) else Company.model_validate(company)
    issues: list[Issue] = []
    tables: dict[str, Table] = {}
    good: dict[str, list[Record]] = {}
    builders = {"customers": customers_table, "invoices": invoices_table, "payments": payments_table}
    for key, record_type in COLLECTIONS:
        type_name = _TYPE_NAMES[key]
        raws = data.get(key)
        raws = [] if raws is None else list(raws)
        if key in builders:
            table, found = builders[key](raws, source)
            tables[key], dupes = first_of_each(table, type_name, source)
        else:
            records, found = validate_records(raws, record_type, type_name, source)
            good[key], dupes = _drop_duplicates(records, type_name, source)
        issues += found + dupes

    customer_ids = set(tables["customers"].cols["id"].tolist())
    for key in ("invoices", "payments", "disputes", "contact_attempts", "payment_plans", "signals", "orders",
                "switches", "notes"):
        if key in tables:
            tables[key], found = known_customers(tables[key], customer_ids, _TYPE_NAMES[key], source)
        else:
            good[key], found = _drop_unknown_customers(good[key], customer_ids, _TYPE_NAMES[key], source)
        issues += found

    tables["invoices"], tables["payments"], found = checked_allocations(tables["invoices"], tables["payments"], source)
    issues += found
    invoices = tables["invoices"]
    good["disputes"], found = _drop_unknown_invoice_disputes(good["disputes"], set(invoices.cols["id"].tolist()),
                                                             source)
    issues += found
    numbers = dict(zip(invoices.cols["id"].tolist(), invoices.cols["number"].tolist(), strict=True))
    found, filled = _add_note_records(good, source, numbers)
    issues += found

    missing = {key for key in OPTIONAL_COLLECTIONS if data.get(key) is None}
    customers = tables["customers"]
    with_contacts = tuple(c for c in customers.cols["record"].tolist() if isinstance(c, Customer) and c.contacts)
    fields: dict[str, Any] = {key: tuple(records) for key, records in good.items()}
    rest = Ledger.model_construct(company=company, source=source, customers=with_contacts,
                                  unavailable=(frozenset(unavailable) | missing) - filled, **fields)
    cols = frame_columns(customers, invoices, tables["payments"], rest)
    frame = LedgerFrame(as_of_day=int(NEVER) - 1, source=source, currency=company.currency,
                        unavailable=rest.unavailable, company_name=company.name, **cols)
    return (frame if as_of is None else frame.as_of_date(as_of)), tuple(issues)


def frame_columns(customers: Table, invoices: Table, payments: Table, rest: Ledger) -> dict[str, Any]:
    """``frame_build.build_columns`` of the ledger whose customers, invoices and payments are
    these tables and whose other records are ``rest``'s (its ``customers``: those with contacts,
    as records)."""
    c = customers.cols
    c_ids = c["id"].tolist()
    c_index = dict(zip(c_ids, range(len(c_ids)), strict=True))
    cols: dict[str, Any] = {
        "c_id": obj(c_ids), "c_name": obj(c["name"].tolist()), "c_terms": c["terms"].astype(np.int32),
        "c_credit_limit": c["credit_limit"].astype(np.float64), "c_salesperson": obj(c["salesperson"].tolist()),
        "c_email": obj(c["email"].tolist()), "c_phone": obj(c["phone"].tolist()),
        "c_country": obj([v or "" for v in c["country"].tolist()])}

    posted = invoices.take(invoices.cols["posted"])
    i_order, i_cust, i_issue = _by_customer(posted, c_index, "issue")
    inv = {name: col[i_order] for name, col in posted.cols.items()}
    i_id = inv["id"].tolist()
    rate = inv["rate"].astype(np.float64)
    i_index = dict(zip(i_id, range(len(i_id)), strict=True))
    is_credit = inv["credit"].astype(bool)
    cols.update(i_id=obj(i_id), i_number=obj(inv["number"].tolist()), i_cust=i_cust, i_issue=i_issue,
                i_due=inv["due"].astype(np.int32),
                i_total=inv["total"].astype(np.float64) * rate if len(i_id) else np.zeros(0),
                i_credit=is_credit, i_disputed=inv["disputed"].astype(bool),
                i_delivery=obj([d or "" for d in inv["delivery"].tolist()]))

    p_order, p_cust, p_day = _by_customer(payments, c_index, "day")
    pay = {name: col[p_order] for name, col in payments.cols.items()}
    states = pay["state"].astype(np.int8)
    accounts: dict[str, int] = {}
    n_pay = len(p_order)
    cols.update(p_id=obj(pay["id"].tolist()), p_cust=p_cust, p_day=p_day,
                p_amount=pay["amount"].astype(np.float64) * pay["rate"].astype(np.float64) if n_pay else np.zeros(0),
                p_state=states,
                p_returned=np.where(states != 0, pay["returned"], NEVER).astype(np.int32)
                if n_pay else np.zeros(0, np.int32),
                p_account=np.array([-1 if not a else accounts.setdefault(a, len(accounts))
                                    for a in pay["account"].tolist()], dtype=np.int32),
                accounts=tuple(accounts))

    cols.update(_allocations(payments, p_order, p_day, posted, i_order, i_issue, is_credit, i_index, rate))
    cols.update(_small_tables(rest, c_index, i_index))
    cols.update(_orders(rest, c_index))
    cols.update(_switches(rest, c_index))
    cols["i_disputed_day"] = _flag_days(cols, inv["disputed_on"].astype(np.int32))
    return cols


def _by_customer(table: Table, c_index: dict[str, int], day: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``frame_build._sorted_by_customer`` on a table: the order, and its customer and day columns."""
    cust = index_of(c_index, table.cols["customer_id"].tolist())
    day_col = table.cols[day].astype(np.int32)
    order = np.lexsort((day_col, cust))
    return order, cust[order], day_col[order]


def _allocations(payments: Table, p_order: np.ndarray, p_day: np.ndarray, invoices: Table, i_order: np.ndarray,
                 i_issue: np.ndarray, is_credit: np.ndarray, i_index: dict[str, int],
                 rate: np.ndarray) -> dict[str, np.ndarray]:
    """``frame_build._allocations``: the payments' allocations in the payments' sorted order,
    then the credit notes' in the invoices' sorted order; ``owner`` as there."""
    parts = []
    for table, order, sign in ((payments, p_order, 1), (invoices, i_order, -1)):
        allocs = table.allocs
        assert allocs is not None
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        pos = position[allocs.cols["owner"]] if allocs.n else np.zeros(0, dtype=np.int64)
        if table is invoices:
            keep = is_credit[pos] if allocs.n else np.zeros(0, dtype=bool)
            pos = pos[keep]
            cols = {name: col[keep] for name, col in allocs.cols.items()}
        else:
            cols = allocs.cols
        sort = np.argsort(pos, kind="stable")
        owner = pos[sort] if sign > 0 else -pos[sort] - 2
        parts.append((owner, cols["invoice_id"][sort], cols["amount"][sort], cols["day"][sort]))
    owner = np.concatenate([p[0] for p in parts]).astype(np.int64)
    inv_ids = np.concatenate([p[1] for p in parts]).tolist() if any(len(p[1]) for p in parts) else []
    amounts = np.concatenate([p[2] for p in parts]).astype(np.float64)
    a_inv = index_of(i_index, inv_ids)
    own_day = np.where(owner >= 0, p_day[np.maximum(owner, 0)] if len(p_day) else 0,
                       i_issue[np.maximum(-owner - 2, 0)] if len(i_issue) else 0)
    a_day = np.concatenate([p[3] for p in parts]).astype(np.int32)
    a_day = np.where(a_day == NEVER, own_day, a_day).astype(np.int32)
    keep = a_inv >= 0
    a_inv, a_day, owner = a_inv[keep], a_day[keep], owner[keep]
    a_amount = amounts[keep] * rate[a_inv] if len(a_inv) else np.zeros(0)
    order = np.lexsort((a_day, a_inv))
    return {"a_inv": a_inv[order], "a_day": a_day[order], "a_amount": a_amount[order],
            "a_payment": np.where(owner >= 0, owner, -1)[order].astype(np.int32)}

