"""Odoo rows -> a ``LedgerFrame`` without a record per invoice or payment: the add-on's nightly path.

The record path maps every row to a dict (``odoo_rows``), validates each with pydantic
(``load_ledger``) and pulls the frame's columns out of the records (``LedgerFrame.from_ledger``):
about 90 % of a no-change nightly run for 2,000 customers. Here the big tables (invoices and credit
notes, the partials that settled them, payments, sale orders) go from the query's columns straight
to the frame's arrays, with the same mapping, order and float conversion; the customers and the
add-on's small collections records still take the record path (a few thousand records at most).

Exactly the record path's result or none: wherever a big table holds a row the record path would
refuse or report (a row that cannot be mapped, an amount pydantic refuses, a customer not loaded,
an allocation to another customer's invoice, more allocated than an invoice's total),
``frame_from_columns`` returns None and the caller takes the record path, which names the problem.
``tests/test_odoo_rows_columns.py`` compares both paths array by array.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from ..columnar import NEVER
from ..frame import LedgerFrame
from ..frame_build import build_columns
from ..issues import Issue
from ..load import load_ledger
from ..model import PaymentState
from .moves import PAYMENT_STATES, invoice, order
from .values import CENT, Record, Unmappable, day, money

#: a query's result by column: ``{column name: values}``, every list as long as the rows
Columns = Mapping[str, Sequence[Any]]
_STATES = tuple(PaymentState)
_POSTED = _STATES.index(PaymentState.POSTED)
_LIMIT = Decimal(10) ** 14  # Money: at most 20 digits, 6 of them decimals


class _NeedsRecords(Exception):
    """A row the record path must read (and report, where it refuses it)."""


def columns_of(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """A query's tuples by column (``names`` from the cursor's description), each a tuple."""
    if not rows:
        return {name: () for name in names}
    return dict(zip(names, zip(*rows, strict=True), strict=True))


def rows_of(columns: Columns) -> list[dict[str, Any]]:
    """The columns as dict rows, as ``dictfetchall`` gives them (for the record path)."""
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*(columns[n] for n in names), strict=True)]


def frame_from_columns(company: Mapping[str, Any], customers: list[Record], collections: Mapping[str, list[Record]],
                       invoices: Columns, partials: Columns, payments: Columns, orders: Columns | None,
                       as_of: dt.date) -> tuple[LedgerFrame, tuple[Issue, ...]] | None:
    """The frame as of ``as_of`` and the problems, as ``load_ledger`` + ``LedgerFrame.from_ledger``
    give them for the raw dict the record path builds from the same rows; None where the big
    tables need the record path. ``company``: id, name, currency; ``customers`` and
    ``collections`` (disputes, contact_attempts, payment_plans, signals, switches): raw records
    as ``odoo_rows`` maps them; the rest: the add-on's queries' columns (``lib/ledger_sql.py``);
    ``orders`` None where the company sells without orders."""
    currency = company["currency"]
    disputed = {d["invoice_id"] for d in collections.get("disputes", ()) if d.get("invoice_id")}
    try:
        named = _disputed_invoices(invoices, disputed, currency)
    except (_NeedsRecords, Unmappable, TypeError, ValueError, ArithmeticError):
        return None
    small = {"company": company, "customers": customers, "invoices": named, "payments": [], **collections,
             "orders": None if orders is None else []}
    ledger, issues = load_ledger(small, source="odoo")
    cols = build_columns(ledger)
    c_index = {cid: i for i, cid in enumerate(cols["c_id"].tolist())}
    try:
        moves = _moves(invoices, partials, payments, c_index)
        if orders is not None:
            moves.update(_orders(orders, c_index, currency))
    except (_NeedsRecords, Unmappable, TypeError, ValueError, ArithmeticError):
        return None
    small_ids = cols["i_id"]
    d_inv = cols["d_inv"]
    # a dispute on an invoice: that invoice's position among all of them (most disputes have none)
    wanted = {small_ids[k] for k in d_inv if k >= 0}
    i_index = {iid: i for i, iid in enumerate(moves["i_id"].tolist()) if iid in wanted}
    cols.update(moves)
    cols["d_inv"] = np.array([i_index[small_ids[k]] if k >= 0 else -1 for k in d_inv], dtype=np.int32)
    frame = LedgerFrame(as_of_day=int(NEVER) - 1, source=ledger.source, currency=ledger.company.currency,
                        unavailable=ledger.unavailable, company_name=ledger.company.name, **cols)
    return frame.as_of_date(as_of), issues


def _disputed_invoices(invoices: Columns, wanted: set[str], currency: str) -> list[Record]:
    """The records of the invoices a dispute names (the loader checks a dispute's invoice)."""
    if not wanted:
        return []
    names = list(invoices)
    return [invoice({name: invoices[name][k] for name in names}, currency, [])
            for k, ident in enumerate(invoices["id"]) if str(ident) in wanted]


def _moves(invoices: Columns, partials: Columns, payments: Columns, c_index: dict[str, int]) -> dict[str, Any]:
    """Invoice, payment and allocation columns (uncut), as ``frame_build`` builds them from the
    records ``lib/ledger_sql`` maps: each table in the record path's order, then sorted alike."""
    customers = _Keys(np.array([int(c) for c in c_index], dtype=np.int64))

    # invoices, then credit notes, in the rows' order (odoo_rows.invoice)
    kind = np.array(invoices["move_type"], dtype=object)
    rows = np.concatenate([np.flatnonzero(kind == "out_invoice"), np.flatnonzero(kind == "out_refund")])
    ident = _ints(invoices["id"])[rows]
    partner = _ints(invoices["commercial_partner_id"])[rows]
    cust = customers.index(partner)
    issue = _days(invoices["invoice_date"])[rows]
    due = _days(invoices["invoice_date_due"])[rows]
    due = np.where(due == NEVER, issue, due)
    if (issue == NEVER).any() or (due < issue).any():
        raise _NeedsRecords
    total, total_cents = _money(invoices["amount_total_signed"])
    total, total_cents = total[rows], total_cents[rows]
    _money(invoices["amount_residual_signed"])  # the record keeps it: pydantic checks it
    credit = kind[rows] == "out_refund"
    names, idents = invoices["name"], invoices["id"]
    number = [names[k] or f"move {idents[k]}" for k in rows.tolist()]
    invoice_keys = _Keys(ident)  # positions in the record order
    billed = invoice_keys.sorted[~credit[invoice_keys.order]]  # out_invoice ids
    credited = invoice_keys.sorted[credit[invoice_keys.order]]  # out_refund ids
    text_rank = _text_rank(ident)

    # what settled them (lib/ledger_sql._settlements)
    p_inv = _ints(partials["invoice_id"])
    amount, amount_cents = _money(partials["amount"])
    source = _ints(partials["source_id"])
    from_note = np.array(partials["source_type"], dtype=object) == "out_refund"
    pay_of = np.array([x or 0 for x in partials["origin_payment_id"]], dtype=np.int64)
    kept = np.isin(p_inv, billed) & (amount_cents != 0)
    note_rows = np.flatnonzero(kept & from_note & np.isin(source, credited))
    a_date = _days(partials["max_date"])

    # payments read (odoo_rows.payment), then the other entries that settled (entry_payment)
    pay_ident = _ints(payments["id"])
    pay_keys = _Keys(pay_ident)
    pay_rows = np.flatnonzero(kept & ~from_note & (pay_of != 0) & np.isin(pay_of, pay_ident))
    entry_rows = np.flatnonzero(kept & ~from_note & (pay_of == 0))
    pay_cust = customers.index(_ints(payments["customer_id"]))
    pay_day = _days(payments["date"])
    # each payment's state code (PaymentState's position), mapped once per distinct Odoo state
    mapped_states = {s: PAYMENT_STATES.get(str(s)) for s in set(payments["state"])}
    if (pay_day == NEVER).any() or None in mapped_states.values():
        raise _NeedsRecords
    code_of = {s: _STATES.index(PaymentState(state)) for s, state in mapped_states.items()}
    pay_state = np.fromiter(map(code_of.__getitem__, payments["state"]), dtype=np.int8, count=len(pay_day))
    _, pay_cents = _money([v or None for v in payments["amount_company_currency_signed"]])
    written = _days(payments["write_date"])
    returned = np.where(pay_state != _POSTED, np.maximum(pay_day, np.where(written == NEVER, pay_day, written)), NEVER)
    entry_ids, first = np.unique(source[entry_rows], return_index=True)
    by_first = np.argsort(first, kind="stable")
    entry_ids, first = entry_ids[by_first], entry_rows[first[by_first]]
    n_pay, n_entry = len(pay_ident), len(entry_ids)
    entry_partner = partner[invoice_keys.index(p_inv[first])]
    all_cust = np.concatenate([pay_cust, customers.index(entry_partner)]).astype(np.int32)
    all_day = np.concatenate([pay_day, _days([partials["source_date"][k] for k in first.tolist()])]).astype(np.int32)
    if (all_day == NEVER).any():
        raise _NeedsRecords
    all_state = np.concatenate([pay_state, np.full(n_entry, _POSTED, dtype=np.int8)])
    all_returned = np.concatenate([returned, np.full(n_entry, NEVER)]).astype(np.int32)
    all_account = list(payments["payer_account"]) + [partials["payer_account"][k] for k in first.tolist()]
    all_ident = [f"pay:{i}" for i in payments["id"]] + [f"move:{i}" for i in entry_ids.tolist()]

    # every allocation with its owner: a payment or entry (its index above), -1 for a credit note
    alloc_rows = np.concatenate([pay_rows, entry_rows, note_rows])
    n_owned = len(pay_rows) + len(entry_rows)
    owner = np.concatenate([pay_keys.index(pay_of[pay_rows]), n_pay + _Keys(entry_ids).index(source[entry_rows]),
                            np.full(len(note_rows), -1, dtype=np.int64)])
    note_at = invoice_keys.index(source[note_rows])  # record position of each credit note
    alloc_inv = invoice_keys.index(p_inv[alloc_rows])
    alloc_cents = amount_cents[alloc_rows]
    owner_cust = np.concatenate([all_cust[owner[:n_owned]], cust[note_at]])
    if (cust[alloc_inv] != owner_cust).any():
        raise _NeedsRecords  # the loader refuses an allocation to another customer's invoice
    posted = all_state == _POSTED
    settles = np.concatenate([posted[owner[:n_owned]], np.ones(len(note_rows), dtype=bool)])
    settled = np.zeros(len(ident), dtype=np.int64)
    np.add.at(settled, alloc_inv[settles], alloc_cents[settles])
    if (settled > total_cents).any():
        raise _NeedsRecords  # more than an invoice's total: the loader refuses one of them
    paid_cents = np.zeros(n_pay + n_entry, dtype=np.int64)
    np.add.at(paid_cents, owner[:n_owned], alloc_cents[:n_owned])
    all_cents = np.maximum(np.concatenate([pay_cents, np.zeros(n_entry, dtype=np.int64)]), paid_cents)
    if (all_cents >= _LIMIT_CENTS).any():
        raise _NeedsRecords

    # invoices by (customer, issue day, record order)
    i_order = np.lexsort((issue, cust))
    i_pos = np.empty(len(i_order), dtype=np.int64)
    i_pos[i_order] = np.arange(len(i_order))
    cols: dict[str, Any] = {
        "i_id": _obj([str(i) for i in ident[i_order].tolist()]),
        "i_number": _obj([number[k] for k in i_order.tolist()]),
        "i_cust": cust[i_order].astype(np.int32), "i_issue": issue[i_order], "i_due": due[i_order],
        "i_total": total[i_order], "i_credit": credit[i_order].astype(bool),
        "i_disputed": np.zeros(len(i_order), dtype=bool), "i_delivery": _obj([""] * len(i_order)),
        "i_disputed_day": np.full(len(i_order), NEVER, dtype=np.int32),
    }

    # payments by (customer, day, record order)
    p_order = np.lexsort((all_day, all_cust))
    p_pos = np.empty(len(p_order), dtype=np.int64)
    p_pos[p_order] = np.arange(len(p_order))
    accounts: dict[str, int] = {}
    codes = [-1 if not (a := all_account[k]) else accounts.setdefault(a, len(accounts)) for k in p_order.tolist()]
    cols.update(
        p_id=_obj([all_ident[k] for k in p_order.tolist()]), p_cust=all_cust[p_order], p_day=all_day[p_order],
        p_amount=all_cents[p_order] / 100.0,
        p_state=all_state[p_order],
        p_returned=all_returned[p_order], p_account=np.array(codes, dtype=np.int32), accounts=tuple(accounts))

    # allocations: each payment's by invoice id (as text), then each credit note's by (day,
    # invoice id as text), then all by (invoice, day), as frame_build orders the records' ones
    own_day = np.concatenate([all_day[owner[:n_owned]], issue[note_at]])
    day_col = a_date[alloc_rows]
    day_col = np.where(day_col == NEVER, own_day, day_col).astype(np.int32)
    rank = np.concatenate([p_pos[owner[:n_owned]], len(p_order) + i_pos[note_at]])
    first_key = np.concatenate([text_rank[alloc_inv[:n_owned]], day_col[n_owned:]])
    second_key = np.concatenate([np.zeros(n_owned, dtype=np.int64), text_rank[alloc_inv[n_owned:]]])
    a_inv = i_pos[alloc_inv]
    a_order = np.lexsort((alloc_rows, second_key, first_key, rank, day_col, a_inv))
    a_payment = np.concatenate([p_pos[owner[:n_owned]], np.full(len(note_rows), -1, dtype=np.int64)])
    cols.update(a_inv=a_inv[a_order].astype(np.int32), a_day=day_col[a_order],
                a_amount=amount[alloc_rows][a_order], a_payment=a_payment[a_order].astype(np.int32))
    return cols


class _Keys:
    """Positions of integer keys (ids) in their array, by binary search."""

    def __init__(self, keys: np.ndarray):
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]

    def index(self, wanted: np.ndarray) -> np.ndarray:
        """The position of each of ``wanted``; a key that is not there needs the record path."""
        if not len(wanted):
            return np.zeros(0, dtype=np.int64)
        if not len(self.sorted):
            raise _NeedsRecords
        at = np.minimum(np.searchsorted(self.sorted, wanted), len(self.sorted) - 1)
        if (self.sorted[at] != wanted).any():
            raise _NeedsRecords
        return np.asarray(self.order[at], dtype=np.int64)


def _text_rank(ids: np.ndarray) -> np.ndarray:
    """Each id's rank among ``ids`` compared as text, as ``sorted(..., key=str)`` orders them.

    Positive ids without text: decimal digits compare as text the way the numbers padded on the
    right with zeros to the longest one's length compare, the shorter first where those are equal
    (``"1" < "10" < "100" < "19" < "2"``)."""
    rank = np.empty(len(ids), dtype=np.int64)
    if len(ids) and ids.min() > 0 and ids.max() < 10**17:
        digits = np.ones(len(ids), dtype=np.int64)
        for power in range(1, 18):
            digits += ids >= 10**power
        padded = ids * 10 ** (digits.max() - digits)
        order = np.lexsort((digits, padded))
    else:
        order = np.argsort(np.array([str(i) for i in ids.tolist()], dtype=str), kind="stable")
    rank[order] = np.arange(len(ids))
    return rank


def _ints(values: Sequence[Any]) -> np.ndarray:
    """Record ids (SQL ints); a missing one needs the record path."""
    try:
        return np.fromiter(values, dtype=np.int64, count=len(values))
    except (TypeError, ValueError):
        raise _NeedsRecords from None


def _days(values: Sequence[Any]) -> np.ndarray:
    """Day numbers of ``odoo_rows.day`` values (NEVER for none)."""
    try:
        return np.fromiter(map(dt.date.toordinal, values), dtype=np.int32, count=len(values))
    except TypeError:
        found = (day(v) for v in values)
        return np.fromiter((int(NEVER) if d is None else d.toordinal() for d in found), dtype=np.int32,
                           count=len(values))


_LIMIT_CENTS = 10**16


def _money(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """``float(odoo_rows.money(v))`` of each value, and the same in whole cents; an amount the
    record path would refuse, or one not in whole cents (compared exactly only in cents here),
    needs the record path."""
    if set(map(type, values)) <= {float}:  # Odoo's cursor gives numeric columns as floats
        amounts = np.abs(np.array(values, dtype=np.float64))
        inexact = np.flatnonzero(np.rint(amounts * 100) / 100 != amounts)
        for k in inexact.tolist():  # not written in whole cents: money() rounds its text
            amounts[k] = float(money(values[k]))
    else:
        exact = [money(v) for v in values]
        if any(not d.is_finite() or d != d.quantize(CENT) for d in exact):
            raise _NeedsRecords
        amounts = np.array([float(d) for d in exact], dtype=np.float64)
    if not np.isfinite(amounts).all() or (amounts >= float(_LIMIT)).any():
        raise _NeedsRecords
    return amounts, np.rint(amounts * 100).astype(np.int64)


def _orders(orders: Columns, c_index: dict[str, int], currency: str) -> dict[str, Any]:
    """Confirmed sale orders by (customer, order day, input order), as ``odoo_rows.order`` maps them."""
    mapped = [order(row, row["customer_id"], currency) for row in rows_of(orders)]
    if any(o["customer_id"] not in c_index or o["total"] >= _LIMIT for o in mapped):
        raise _NeedsRecords
    o_cust = np.array([c_index[o["customer_id"]] for o in mapped], dtype=np.int32)
    o_day = np.array([o["order_date"].toordinal() for o in mapped], dtype=np.int32)
    o_order = np.lexsort((o_day, o_cust))
    return {"o_id": _obj([mapped[k]["id"] for k in o_order]), "o_number": _obj([mapped[k]["number"] for k in o_order]),
            "o_cust": o_cust[o_order], "o_day": o_day[o_order],
            "o_total": np.array([float(mapped[k]["total"]) for k in o_order], dtype=np.float64)}


def _obj(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
