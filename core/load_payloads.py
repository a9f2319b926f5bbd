"""Invoices and payments read from their stored JSON payloads straight into columns.

``load_frame`` checks a collection's records in columns (``load_columns.py``), but from a dict
per record: at a million invoices and as many payments, decoding the payloads into dicts and
reading each field back out of them was most of the time from the store to the frame. Here the
payload texts (``rows.dumps`` of each record: one JSON object, keys sorted) are parsed by
pyarrow's JSON reader with an explicit schema, a part at a time, into one column per field, and
``load_columns``' checks are made on those columns (pyarrow compute, and numpy).

Only a record that is certain to pass ``load_columns``' own checks with the same values is
taken from the columns; every other one goes the record's way (decoded by ``json.loads`` and
checked by ``load_columns._collection`` as before: its checks, or its model and its issues):

- a part of the payloads the reader refuses (a field of another type, a record that is not an
  object, a key twice, a text that is not valid UTF-8), that has a field the schema lacks (at
  any depth), or a payload that is not one line starting an object, is halved until the
  records at fault are found; a piece of at most ``SMALLEST`` records that still fails goes
  the record's way whole;
- where a field given as JSON ``null`` is not the same as a field left out (``NULL_MATTERS``:
  the reader sees both as null), a payload writing it so goes the record's way;
- a record failing any column check goes the record's way, whose checks and model decide.

The records keep their input order (``_merge``), so the table is the one ``load_columns``
makes from the decoded records, and the issues are the same (tests/test_load_payloads.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from .columnar import NEVER
from .issues import Issue
from .load_columns import (
    _MAX_ALLOCATIONS,
    BAD,
    INVOICE_STATES,
    KINDS,
    PAYMENT_STATES,
    SCALE,
    Columns,
    Table,
    _iso_day,
    invoices_table,
    payments_table,
)

PART = 65_536  # payloads parsed at once
SMALLEST = 256  # a refused piece this small goes the record's way whole
_NEVER = int(NEVER)
_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())  # what str.strip() strips
_AMOUNT = r"^[0-9]{1,9}(?:\.[0-9]{1,6})?$"  # load_columns._AMOUNT, anchored

_TEXT = pa.string()
_ALLOCATION = pa.struct([("amount", _TEXT), ("date", _TEXT), ("invoice_id", _TEXT)])
SCHEMAS = {
    "invoices": pa.schema([(name, _TEXT) for name in (
        "currency", "customer_id", "delivery", "disputed_on", "due_date", "id", "issue_date", "kind", "number",
        "state", "total")] + [("disputed", pa.bool_()), ("allocations", pa.list_(_ALLOCATION))]),
    "payments": pa.schema([(name, _TEXT) for name in (
        "amount", "currency", "customer_id", "date", "id", "payer_account", "reference", "returned_on", "state")]
        + [("allocations", pa.list_(_ALLOCATION))]),
}
# fields whose null is not their absence to load_columns (a missing one has a default, a null fails)
NULL_MATTERS = {"invoices": ("allocations", "currency", "disputed", "kind", "state"),
                "payments": ("allocations", "currency", "state")}
_NULLS = {name: re.compile("|".join(f'"{field}":null' for field in fields)) for name, fields in NULL_MATTERS.items()}


@dataclass
class PayloadRecords:
    """A collection's stored payloads in their order: those parsed into columns (``table``, the
    rows of the payloads at ``rows``) and the texts, for the others (``json.loads``)."""

    collection: str
    texts: list[str]
    table: pa.Table
    rows: np.ndarray  # int64, ascending
    arrays: dict[str, pa.Array] = field(default_factory=dict)  # ``column``'s, made once

    def __len__(self) -> int:
        return len(self.texts)

    def column(self, name: str) -> pa.Array:
        """A column of ``table`` as one array."""
        found = self.arrays.get(name)
        if found is None:
            column = self.table.column(name)
            found = self.arrays[name] = column.chunk(0) if column.num_chunks == 1 else \
                pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], column.type)
        return found


def payload_records(texts: list[str], collection: str) -> PayloadRecords:
    """The payloads of ``collection`` ("invoices" or "payments") parsed into columns where the
    reader takes them (module docstring)."""
    schema = SCHEMAS[collection]
    nulls = _NULLS[collection]
    tables: list[pa.Table] = []
    rows: list[np.ndarray] = []

    def parse(start: int, stop: int) -> None:
        part = texts[start:stop]
        data = "\n".join(part)
        if '":null' in data and nulls.search(data):  # a few records write such a null: the others are parsed
            keep = [i for i, text in enumerate(part) if not nulls.search(text)]
            for a, b in _runs(keep):
                parse(start + a, start + b)
            return
        # one row per line only when each payload is one line starting an object (the reader skips
        # a blank line and reads two objects on one line as two rows)
        lines = stop - start - 1
        one_each = data.startswith("{") and data.count("\n") == lines and data.count("\n{") == lines
        table = _read(data.encode(), schema) if one_each else None
        if table is not None and len(table) == stop - start:
            tables.append(table)
            rows.append(np.arange(start, stop, dtype=np.int64))
        elif stop - start > SMALLEST:
            middle = (start + stop) // 2
            parse(start, middle)
            parse(middle, stop)

    for start in range(0, len(texts), PART):
        parse(start, min(start + PART, len(texts)))
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    return PayloadRecords(collection, texts, table, np.concatenate(rows) if rows else np.zeros(0, np.int64))


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs [a, b) of ascending ``indexes``."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _read(data: bytes, schema: pa.Schema) -> pa.Table | None:
    """The payloads (one per line) as a table of exactly ``schema``; None when the reader
    refuses them or finds a field the schema lacks."""
    import io  # noqa: PLC0415 (only here)

    try:
        table = pa_json.read_json(io.BytesIO(data), read_options=pa_json.ReadOptions(use_threads=False,
                                                                                      block_size=len(data) + 1),
                                  parse_options=pa_json.ParseOptions(explicit_schema=schema,
                                                                     unexpected_field_behavior="infer",
                                                                     newlines_in_values=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not table.schema.equals(schema):  # a field the schema lacks (here or in an allocation)
        return None
    return table


# ---------------------------------------------------------------- column checks


def _np(mask: Any) -> np.ndarray:
    """A pyarrow boolean array as numpy, null as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _clean(values: pa.Array) -> pa.Array:
    """Whether each text has nothing ``str.strip`` would take off (null: null)."""
    return pc.equal(pc.utf8_length(pc.utf8_trim(values, _WHITESPACE)), pc.utf8_length(values))


def _id_ok(values: pa.Array) -> np.ndarray:
    length = pc.utf8_length(values)
    return _np(pc.and_(_clean(values), pc.and_(pc.greater(length, 0), pc.less_equal(length, 200))))


def _text_ok(values: pa.Array) -> np.ndarray:
    return _np(_clean(values))


def _optional_text_ok(values: pa.Array) -> np.ndarray:
    return _np(pc.or_kleene(pc.is_null(values), _clean(values)))


def _objects(values: pa.Array) -> np.ndarray:
    out: np.ndarray = values.to_numpy(zero_copy_only=False)
    return out if out.dtype == object else out.astype(object)


def _by_distinct(values: pa.Array, read: Callable[[Any], Any], null: Any, dtype: Any) -> np.ndarray:
    """``read`` of each text, computed once per distinct text (``null`` for null)."""
    encoded = values.dictionary_encode()
    known = np.array([read(v) for v in encoded.dictionary.to_pylist()] + [null], dtype=dtype)
    codes: np.ndarray = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    out: np.ndarray = known[codes]
    return out


def _days(values: pa.Array, optional: bool) -> np.ndarray:
    """``load_columns._days``: day numbers of ISO texts; NEVER for null when ``optional``, else BAD."""
    return _by_distinct(values, _iso_day, _NEVER if optional else BAD, np.int64)


def _amounts(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``load_columns._amounts``: (ok, float64, exact millionths as int64); 0 where not ok."""
    ok = _np(pc.match_substring_regex(values, _AMOUNT))
    texts = pc.if_else(pa.array(ok), values, "0")
    floats = np.asarray(pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    exact = np.rint(floats * SCALE).astype(np.int64)  # below 1e9 with at most 6 decimals: exact
    return ok, exact / SCALE, exact


def _currency(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(ok, currency: "EUR" where not given) of a currency field (a null here is a missing one)."""
    ok = _np(pc.or_kleene(pc.is_null(values), pc.match_substring_regex(values, "^[A-Z]{3}$")))
    return ok, _by_distinct(values, str, "EUR", object)  # a few distinct texts: each made once


def _choice(values: pa.Array, allowed: dict[str, Any], default: Any) -> tuple[np.ndarray, np.ndarray]:
    """(ok, value) of an enum field given as its text (``default`` when missing: null here)."""
    missing = object()
    out = _by_distinct(values, lambda v: allowed.get(v, missing), default, object)
    ok = np.fromiter((v is not missing for v in out.tolist()), dtype=bool, count=len(out)) \
        if len(out) and any(v is missing for v in set(out.tolist())) else np.ones(len(out), dtype=bool)
    return ok, out


def _allocations(records: PayloadRecords) -> tuple[np.ndarray, Columns, np.ndarray]:
    """(ok per record, the allocations' columns, their owner record) of the records' lists
    (``load_columns._alloc_table``; a null list here is a missing one: no allocations)."""
    lists = records.column("allocations")
    n = len(lists)
    counts = np.asarray(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    items = pc.list_flatten(lists)
    ok = counts < _MAX_ALLOCATIONS
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    ids, amounts, dates = (pc.struct_field(items, name) for name in ("invoice_id", "amount", "date"))
    amount_ok, floats, exact = _amounts(amounts)
    day = _days(dates, True)
    good = _np(pc.is_valid(items)) & _id_ok(ids) & amount_ok & (exact > 0) & (day != BAD)
    ok[owner[~good]] = False
    records.arrays["allocations.invoice_id"] = ids
    cols = Columns({"amount": floats, "exact": exact, "day": day.astype(np.int32)},
                   {"invoice_id": lambda: _objects(ids), "text": lambda: _objects(amounts)})
    return ok, cols, owner


def _check_invoices(records: PayloadRecords) -> tuple[np.ndarray, Columns, Columns, np.ndarray]:
    """``load_columns._check_invoices`` on parsed payloads: (ok, columns, allocations, owners)."""
    column = records.column
    ids, numbers, customers = column("id"), column("number"), column("customer_id")
    n = len(ids)
    ok = _id_ok(ids) & _text_ok(numbers) & _id_ok(customers)
    kind_ok, credit = _choice(column("kind"), KINDS, False)
    state_ok, posted = _choice(column("state"), INVOICE_STATES, True)
    issue, due = _days(column("issue_date"), False), _days(column("due_date"), False)
    disputed_on = _days(column("disputed_on"), True)
    totals = column("total")
    total_ok, total, exact = _amounts(totals)
    currency_ok, currency = _currency(column("currency"))
    flags = _np(column("disputed"))
    delivery = column("delivery")
    ok &= kind_ok & state_ok & (issue != BAD) & (due != BAD) & (disputed_on != BAD) & total_ok
    ok &= currency_ok & _optional_text_ok(delivery)
    alloc_ok, allocs, owner = _allocations(records)
    has_allocs = np.bincount(owner, minlength=n) > 0 if len(owner) else np.zeros(n, bool)
    credit_flags = credit.astype(bool)
    ok &= alloc_ok & (due >= issue) & (~has_allocs | credit_flags)
    ok &= (disputed_on == _NEVER) | (flags & (disputed_on >= issue))
    cols = Columns({"id": _objects(ids), "number": _objects(numbers), "credit": credit_flags,
                    "posted": posted.astype(bool), "issue": issue, "due": due, "total": total, "exact": exact,
                    "rate": np.ones(n), "currency": currency, "disputed": flags, "disputed_on": disputed_on,
                    "delivery": _objects(delivery)},
                   {"customer_id": lambda: _objects(customers), "text": lambda: _objects(totals)})
    return ok, cols, allocs, owner


def _check_payments(records: PayloadRecords) -> tuple[np.ndarray, Columns, Columns, np.ndarray]:
    """``load_columns._check_payments`` on parsed payloads: (ok, columns, allocations, owners)."""
    column = records.column
    ids, customers = column("id"), column("customer_id")
    n = len(ids)
    ok = _id_ok(ids) & _id_ok(customers)
    day = _days(column("date"), False)
    returned = _days(column("returned_on"), True)
    amounts = column("amount")
    amount_ok, amount, exact = _amounts(amounts)
    state_ok, states = _choice(column("state"), PAYMENT_STATES, 0)
    state = np.where(state_ok, states, 0).astype(np.int64)
    currency_ok, currency = _currency(column("currency"))
    account = column("payer_account")
    ok &= (day != BAD) & (returned != BAD) & amount_ok & state_ok & currency_ok & _optional_text_ok(account)
    ok &= _optional_text_ok(column("reference"))
    ok &= (state == 0) | (returned != _NEVER)
    ok &= (returned == _NEVER) | (returned >= day)
    alloc_ok, allocs, owner = _allocations(records)
    ok &= alloc_ok
    if len(owner):
        sums = np.zeros(n, dtype=np.int64)
        np.add.at(sums, owner, allocs["exact"])
        ok &= sums <= exact
    cols = Columns({"id": _objects(ids), "day": day, "amount": amount, "exact": exact, "rate": np.ones(n),
                    "currency": currency, "state": state, "returned": returned, "account": _objects(account)},
                   {"customer_id": lambda: _objects(customers)})
    return ok, cols, allocs, owner


# ---------------------------------------------------------------- the table


def payload_table(records: PayloadRecords, source: str) -> tuple[Table, list[Issue]]:
    """``invoices_table`` / ``payments_table`` of the decoded payloads: the same table and issues."""
    collection = records.collection
    check = _check_invoices if collection == "invoices" else _check_payments
    ok, cols, alloc_cols, owner = check(records)
    n = len(records.texts)
    fast = records.rows[ok]
    if len(fast) == n:  # every record from the columns (the usual case)
        alloc_cols["owner"] = owner
        table = Table(cols, Table(alloc_cols, n=len(owner)), n=n)
        # their id columns kept as arrays for look-ups without a dict
        table.arrow = {name: records.column(name) for name in ("id", "customer_id")}
        table.allocs.arrow = {"invoice_id": records.column("allocations.invoice_id")}  # type: ignore[union-attr]
        return table, []
    kept = ok[owner] if len(owner) else np.zeros(0, dtype=bool)
    fast_cols = {name: col[ok] for name, col in cols.items()}
    fast_allocs = {"owner": (np.cumsum(ok) - 1)[owner[kept]], **{name: col[kept] for name, col in alloc_cols.items()}}
    fast_table = Table(fast_cols, Table(fast_allocs, n=int(kept.sum())), n=len(fast))
    slow_mask = np.ones(n, dtype=bool)
    slow_mask[fast] = False
    slow = np.flatnonzero(slow_mask)
    texts = records.texts
    raws = [json.loads(texts[i]) for i in slow.tolist()]
    build = invoices_table if collection == "invoices" else payments_table
    slow_table, issues = build(raws, source, names=slow.tolist())
    assert slow_table.rows is not None
    return _merge(fast, fast_table, slow[slow_table.rows], slow_table), issues


def _merge(rows_a: np.ndarray, a: Table, rows_b: np.ndarray, b: Table) -> Table:
    """The rows of two tables (at input positions ``rows_a`` and ``rows_b``) in input order,
    their allocations with them (each record's own in their order)."""
    rows = np.concatenate([rows_a, rows_b])
    order = np.argsort(rows, kind="stable")
    cols = {}
    for name, col in a.cols.items():
        other = b.cols[name]
        both = np.concatenate([col, other]) if col.dtype == other.dtype else \
            np.concatenate([col.astype(object), other.astype(object)])
        cols[name] = both[order]
    assert a.allocs is not None and b.allocs is not None
    position = np.empty(len(rows), dtype=np.int64)
    position[order] = np.arange(len(rows))  # a row's place in the merged table
    owner = np.concatenate([position[a.allocs.cols["owner"]], position[len(rows_a) + b.allocs.cols["owner"]]])
    alloc_order = np.argsort(owner, kind="stable")
    alloc_cols = {"owner": owner[alloc_order]}
    for name in ("invoice_id", "amount", "exact", "text", "day"):
        x, y = a.allocs.cols[name], b.allocs.cols[name]
        both = np.concatenate([x, y]) if x.dtype == y.dtype else np.concatenate([x.astype(object), y.astype(object)])
        alloc_cols[name] = both[alloc_order]
    return Table(cols, Table(alloc_cols, n=len(owner)), n=len(rows))
