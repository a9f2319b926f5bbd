"""``load_frame``: ``load_ledger`` then ``LedgerFrame.from_ledger``, without a model per record.

The big collections (customers, invoices, payments) are checked and kept in columns
(``load_columns.py``); the small ones (disputes, contact attempts, plans, signals, orders,
switches, notes) are validated as records by ``load_ledger``'s own functions. The checks run in
``load_ledger``'s order, so the issues are its issues in its order, and the frame is built from
the columns exactly as ``frame_build`` builds it from the records (tests/test_load_frame.py
compares both on every fixture and on generated ledgers). The invoices and payments may also
come as their stored payloads parsed into columns (``load_payloads.PayloadRecords``, what
``runner.stored_frame`` reads): the same table and issues, without a dict per record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import repeat
from operator import is_
from typing import Any

import numpy as np
import pyarrow as pa

from .columnar import NEVER, order_by
from .frame import LedgerFrame
from .frame_build import _flag_days, _orders, _small_tables, _switches
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
from .load_payloads import PayloadRecords, payload_table
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
        if isinstance(raws, PayloadRecords):  # stored payloads parsed into columns (load_payloads.py)
            table, found = payload_table(raws, source)
            tables[key], dupes = first_of_each(table, type_name, source, with_index=key != "payments")
            issues += found + dupes
            continue
        raws = [] if raws is None else list(raws)
        if key in builders:
            table, found = builders[key](raws, source)
            tables[key], dupes = first_of_each(table, type_name, source, with_index=key != "payments")
        else:
            records, found = validate_records(raws, record_type, type_name, source)
            good[key], dupes = _drop_duplicates(records, type_name, source)
        issues += found + dupes

    customer_ids = tables["customers"].row_of()
    customer_keys = _texts(tables["customers"].cols["id"]) \
        if any(tables[key].arrow is not None for key in ("invoices", "payments")) else None
    for key in ("invoices", "payments", "disputes", "contact_attempts", "payment_plans", "signals", "orders",
                "switches", "notes"):
        if key in tables:
            tables[key], found = known_customers(tables[key], customer_ids, _TYPE_NAMES[key], source, customer_keys)
        else:
            good[key], found = _drop_unknown_customers(good[key], customer_ids.keys(), _TYPE_NAMES[key], source)
        issues += found

    tables["invoices"], tables["payments"], found = checked_allocations(tables["invoices"], tables["payments"], source)
    issues += found
    invoices, payments = tables["invoices"], tables["payments"]
    if good["disputes"]:
        good["disputes"], found = _drop_unknown_invoice_disputes(good["disputes"], invoices.row_of().keys(), source)
        issues += found
    numbers = dict(zip(invoices.cols["id"].tolist(), invoices.cols["number"].tolist(), strict=True)) \
        if good["notes"] else {}
    found, filled = _add_note_records(good, source, numbers)
    issues += found

    missing = {key for key in OPTIONAL_COLLECTIONS if data.get(key) is None}
    customers = tables["customers"]
    with_contacts = tuple(c for c in customers.cols["record"].tolist() if isinstance(c, Customer) and c.contacts)
    fields: dict[str, Any] = {key: tuple(records) for key, records in good.items()}
    rest = Ledger.model_construct(company=company, source=source, customers=with_contacts,
                                  unavailable=(frozenset(unavailable) | missing) - filled, **fields)
    del good, fields, tables
    cols = frame_columns(customers, invoices, payments, rest)
    frame = LedgerFrame(as_of_day=int(NEVER) - 1, source=source, currency=company.currency,
                        unavailable=rest.unavailable, company_name=company.name, **cols)
    return (frame if as_of is None else frame.as_of_date(as_of)), tuple(issues)


def _texts(ids: np.ndarray) -> pa.Array | None:
    """The ids as a pyarrow array of text; None if one is not a text."""
    try:
        return pa.array(ids.tolist(), type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def frame_columns(customers: Table, invoices: Table, payments: Table, rest: Ledger) -> dict[str, Any]:
    """``frame_build.build_columns`` of the ledger whose customers, invoices and payments are
    these tables (as ``checked_allocations`` returns them: their rows' customer in "cust", their
    allocations' invoice in "inv") and whose other records are ``rest``'s (its ``customers``:
    those with contacts, as records)."""
    c = customers.cols
    c_index = customers.row_of()
    cols: dict[str, Any] = {
        "c_id": c["id"], "c_name": c["name"], "c_terms": c["terms"].astype(np.int32),
        "c_credit_limit": c["credit_limit"].astype(np.float64), "c_salesperson": c["salesperson"],
        "c_email": c["email"], "c_phone": c["phone"], "c_country": _or_empty(c["country"]),
        "c_active": c["active"].astype(bool)}

    posted = invoices.cols["posted"]
    i_rows, i_cust, i_issue = _by_customer(invoices, np.flatnonzero(posted), "issue")
    inv = invoices.cols
    rate = inv["rate"][i_rows].astype(np.float64)
    is_credit = inv["credit"][i_rows].astype(bool)
    n_inv = len(i_rows)
    cols.update(i_id=inv["id"][i_rows], i_number=inv["number"][i_rows], i_cust=i_cust, i_issue=i_issue,
                i_due=inv["due"][i_rows].astype(np.int32),
                i_total=inv["total"][i_rows].astype(np.float64) * rate if n_inv else np.zeros(0),
                i_credit=is_credit, i_disputed=inv["disputed"][i_rows].astype(bool),
                i_delivery=_or_empty(inv["delivery"][i_rows]))

    p_rows, p_cust, p_day = _by_customer(payments, np.arange(payments.n), "day")
    pay = payments.cols
    states = pay["state"][p_rows].astype(np.int8)
    n_pay = len(p_rows)
    account, accounts = _accounts(pay["account"][p_rows])
    cols.update(p_id=pay["id"][p_rows], p_cust=p_cust, p_day=p_day,
                p_amount=pay["amount"][p_rows].astype(np.float64) * pay["rate"][p_rows].astype(np.float64)
                if n_pay else np.zeros(0),
                p_state=states,
                p_returned=np.where(states != 0, pay["returned"][p_rows], NEVER).astype(np.int32)
                if n_pay else np.zeros(0, np.int32),
                p_account=account, accounts=accounts)

    cols.update(_allocations(payments, p_rows, p_day, invoices, i_rows, i_issue, rate))
    i_index = dict(zip(cols["i_id"].tolist(), range(n_inv), strict=True)) if rest.disputes else {}
    cols.update(_small_tables(rest, c_index, i_index))
    cols.update(_orders(rest, c_index))
    cols.update(_switches(rest, c_index))
    cols["i_disputed_day"] = _flag_days(cols, inv["disputed_on"][i_rows].astype(np.int32))
    return cols


def _or_empty(values: np.ndarray) -> np.ndarray:
    """The texts, "" for None (``v or ""`` of each)."""
    out = values.astype(object)
    out[_is_none(out)] = ""
    return out


def _is_none(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(is_, values.tolist(), repeat(None)), dtype=bool, count=len(values))


def _accounts(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each payer account's code (-1 for none) by first appearance, and the accounts by code."""
    if _is_none(values).all():
        return np.full(len(values), -1, dtype=np.int32), ()
    accounts: dict[str, int] = {}
    codes = np.array([-1 if not a else accounts.setdefault(a, len(accounts)) for a in values.tolist()],
                     dtype=np.int32)
    return codes, tuple(accounts)


def _by_customer(table: Table, rows: np.ndarray, day: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``frame_build._sorted_by_customer`` of a table's ``rows``: those rows by (customer, day,
    row), and their customer and day columns."""
    cust = table.cols["cust"][rows].astype(np.int32)
    day_col = table.cols[day][rows].astype(np.int32)
    order = order_by(cust, day_col)
    return rows[order], cust[order], day_col[order]


def _allocations(payments: Table, p_rows: np.ndarray, p_day: np.ndarray, invoices: Table, i_rows: np.ndarray,
                 i_issue: np.ndarray, rate: np.ndarray) -> dict[str, np.ndarray]:
    """``frame_build._allocations``: the payments' allocations in the payments' sorted order,
    then the credit notes' in the invoices' sorted order; ``owner`` as there. ``p_rows``,
    ``i_rows``: the tables' rows in the frame's order (the posted invoices only)."""
    parts = []
    for table, rows, sign in ((payments, p_rows, 1), (invoices, i_rows, -1)):
        allocs = table.allocs
        assert allocs is not None
        position = np.full(table.n, -1, dtype=np.int64)  # a row's place in the frame; -1: not in it
        position[rows] = np.arange(len(rows))
        owner = allocs.cols["owner"]
        pos = position[owner] if allocs.n else np.zeros(0, dtype=np.int64)
        if table is invoices:  # a posted credit note's
            keep = (pos >= 0) & table.cols["credit"][owner] if allocs.n else np.zeros(0, dtype=bool)
            pos = pos[keep]
            cols = {name: allocs.cols[name][keep] for name in ("inv", "amount", "day")}
        else:
            cols = allocs.cols
        sort = np.argsort(pos, kind="stable")
        owner_code = pos[sort] if sign > 0 else -pos[sort] - 2
        parts.append((owner_code, cols["inv"][sort], cols["amount"][sort], cols["day"][sort]))
    owner = np.concatenate([p[0] for p in parts]).astype(np.int64)
    inv_rows = np.concatenate([p[1] for p in parts]).astype(np.int64)
    amounts = np.concatenate([p[2] for p in parts]).astype(np.float64)
    frame_pos = np.full(invoices.n, -1, dtype=np.int64)
    frame_pos[i_rows] = np.arange(len(i_rows))
    a_inv = np.where(inv_rows >= 0, frame_pos[np.maximum(inv_rows, 0)], -1).astype(np.int32) \
        if len(inv_rows) and invoices.n else np.full(len(inv_rows), -1, dtype=np.int32)
    own_day = np.where(owner >= 0, p_day[np.maximum(owner, 0)] if len(p_day) else 0,
                       i_issue[np.maximum(-owner - 2, 0)] if len(i_issue) else 0)
    a_day = np.concatenate([p[3] for p in parts]).astype(np.int32)
    a_day = np.where(a_day == NEVER, own_day, a_day).astype(np.int32)
    keep = a_inv >= 0
    a_inv, a_day, owner = a_inv[keep], a_day[keep], owner[keep]
    a_amount = amounts[keep] * rate[a_inv] if len(a_inv) else np.zeros(0)
    order = order_by(a_inv, a_day)
    return {"a_inv": a_inv[order], "a_day": a_day[order], "a_amount": a_amount[order],
            "a_payment": np.where(owner >= 0, owner, -1)[order].astype(np.int32)}
