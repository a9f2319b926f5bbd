"""``load_ledger``'s checks on the big collections (customers, invoices, payments), in columns.

A record in the shape a sync stores (a dict of plain JSON values: ISO dates, amounts as plain
decimal text, nothing beyond the fields read below) is checked field by field a column at a
time and never becomes a model; any other record, and any record a check fails, is validated
by its pydantic model exactly as ``load_ledger`` does, so its issue is the model's own. The
checks accept only what the model accepts unchanged (stripped text, in range), so a record
that passes them is the record the model would have made. The cross-record checks (duplicate
ids, unknown customers, allocations) then run on the columns in ``load_frame.py``.

Each collection becomes a ``Table``: its good records in input order, one numpy array per field
(text as object arrays, dates as day numbers with ``NEVER`` for none, amounts as float64 and,
for the allocation checks, exactly as integer millionths), and the allocations of its records
as a table of their own (``owner``: the record's row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, ItemsView, Iterator, KeysView, Sequence, ValuesView
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, repeat
from operator import is_, is_not
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from .columnar import NEVER
from .issues import Issue
from .model import Allocation, Customer, Invoice, InvoiceKind, InvoiceState, Payment, PaymentState, Record

MISSING: Any = object()  # a field the record does not have (not the same as None)
BAD = -1  # a day or amount that does not read
SCALE = 10**6  # amounts are checked exactly in millionths (a Money field has at most 6 decimals)
_NEVER = int(NEVER)
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?")  # below 1e9: float * 1e6 rounds to the exact millionths
_CURRENCY = re.compile(r"[A-Z]{3}")
_MAX_ALLOCATIONS = 9000  # x 1e15 (the largest exact amount checked here) stays below 2**63

CUSTOMER_FIELDS = frozenset({"id", "name", "currency", "terms_days", "country", "salesperson", "email", "phone"})
INVOICE_FIELDS = frozenset({"id", "number", "customer_id", "kind", "state", "issue_date", "due_date", "total",
                            "currency", "disputed", "disputed_on", "delivery", "allocations"})
PAYMENT_FIELDS = frozenset({"id", "customer_id", "date", "amount", "currency", "state", "returned_on",
                            "payer_account", "reference", "allocations"})
ALLOCATION_FIELDS = frozenset({"invoice_id", "amount", "date"})
KINDS = {"invoice": False, "credit_note": True}  # value -> is a credit note
INVOICE_STATES = {s.value: s is InvoiceState.POSTED for s in InvoiceState}  # value -> posted
PAYMENT_STATES: dict[str, int] = {s.value: i for i, s in enumerate(PaymentState)}  # value -> index


class Columns(dict[str, np.ndarray]):
    """Columns by name, some of them made on first use (``later``: name -> the function that
    makes it): a column nothing reads is never made. Iterating, ``items`` and ``values`` make
    them all; ``in`` and ``len`` count them."""

    def __init__(self, cols: dict[str, np.ndarray], later: dict[str, Callable[[], np.ndarray]]) -> None:
        super().__init__(cols)
        self.later = dict(later)

    def __missing__(self, name: str) -> np.ndarray:
        make = self.later.pop(name)  # KeyError: no such column
        value = self[name] = make()
        return value

    def _make_all(self) -> None:
        for name in list(self.later):
            self[name]  # noqa: B018 (made by __missing__)

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or name in self.later

    def __len__(self) -> int:
        return super().__len__() + len(self.later)

    def __iter__(self) -> Iterator[str]:
        self._make_all()
        return super().__iter__()

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self._make_all()
        return super().keys()

    def items(self) -> ItemsView[str, np.ndarray]:  # type: ignore[override]
        self._make_all()
        return super().items()

    def values(self) -> ValuesView[np.ndarray]:  # type: ignore[override]
        self._make_all()
        return super().values()

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default


@dataclass
class Table:
    """Rows of one collection, a numpy array per field; ``allocs``: their allocations."""

    cols: dict[str, np.ndarray]
    allocs: Table | None = None
    n: int = field(default=0)
    index: dict[str, int] | None = None  # id -> row, when known (``first_of_each``)
    rows: np.ndarray | None = None  # the rows' indexes in the records given (``_collection``)
    # the id columns ("id", "customer_id"; an allocation's "invoice_id") also as pyarrow arrays of
    # text, row for row (``load_payloads``), for look-ups without a dict; not kept by ``take``
    arrow: dict[str, pa.Array] | None = None

    def row_of(self) -> dict[str, int]:
        """id -> row (the ids are distinct after ``first_of_each``)."""
        if self.index is None:
            self.index = dict(zip(self.cols["id"].tolist(), range(self.n), strict=True))
        return self.index

    def take(self, keep: np.ndarray) -> Table:
        """The rows where ``keep`` (a bool mask) is True, their allocations with them."""
        cols = {name: col[keep] for name, col in self.cols.items()}
        allocs = None
        if self.allocs is not None:
            owner = self.allocs.cols["owner"]
            kept = keep[owner] if len(owner) else np.zeros(0, dtype=bool)
            allocs = self.allocs.take(kept)
            allocs.cols["owner"] = (np.cumsum(keep) - 1)[owner[kept]] if kept.any() else owner[kept]
        return Table(cols, allocs, int(keep.sum()))


# ---------------------------------------------------------------- one column's checks


def _values(rows: Sequence[dict[str, Any]], name: str) -> list[Any]:
    return list(map(dict.get, rows, repeat(name), repeat(MISSING)))


def _mask(values: list[Any], test: Callable[[Any], bool]) -> np.ndarray:
    return np.fromiter(map(test, values), dtype=bool, count=len(values))


def _is_id(v: Any) -> bool:
    return type(v) is str and 0 < len(v) <= 200 and v == v.strip()


def _is_text(v: Any) -> bool:
    return type(v) is str and v == v.strip()


def _is_optional_text(v: Any) -> bool:
    return v is MISSING or v is None or (type(v) is str and v == v.strip())


def _is_currency(v: Any) -> bool:
    return v is MISSING or (type(v) is str and _CURRENCY.fullmatch(v) is not None)


def _is_amount(v: Any) -> bool:
    return type(v) is str and _AMOUNT.fullmatch(v) is not None


def _iso_day(text: str) -> int:
    if _ISO.fullmatch(text) is None:
        return BAD
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        return BAD


def _by_distinct(values: list[Any], read: Callable[[Any], Any], missing: Any) -> list[Any] | None:
    """``read`` of each value, computed once per distinct value (``missing`` for MISSING); None
    when a value cannot be a dict key. ``read`` must give every non-text value the same result
    (equal keys such as 1 and True share one entry)."""
    try:
        known = {v: read(v) for v in set(values) if v is not MISSING}
    except TypeError:  # an unhashable value (a list where text belongs)
        return None
    known[MISSING] = missing
    return list(map(known.__getitem__, values))


def _ids_ok(values: list[Any]) -> np.ndarray:
    """``_is_id`` of each value; a column of clean text is checked whole."""
    if set(map(type, values)) <= {str}:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        if sum(map(len, map(str.strip, values))) == int(lengths.sum()):  # nothing to strip
            return (lengths > 0) & (lengths <= 200)
    return _mask(values, _is_id)


def _repeated_ids_ok(values: list[Any]) -> np.ndarray:
    """``_ids_ok`` of a column whose values repeat (a customer id per record): its distinct
    values are checked; every value is ok when they all are."""
    try:
        distinct = list(set(values))
    except TypeError:  # an unhashable value
        return _mask(values, _is_id)
    if len(distinct) < len(values) and _ids_ok(distinct).all():
        return np.ones(len(values), dtype=bool)
    return _ids_ok(values)


def _texts_ok(values: list[Any], optional: bool) -> np.ndarray:
    """``_is_text`` (``_is_optional_text``) of each value; a column of clean text is checked whole."""
    types = set(map(type, values))
    allowed = {str, type(None), type(MISSING)} if optional else {str}
    if types <= allowed and (object not in types or all(v is MISSING for v in values if type(v) is object)):
        texts = values if types <= {str} else [v for v in values if type(v) is str]
        if _unstripped(texts) == 0:
            return np.ones(len(values), dtype=bool)
    return _mask(values, _is_optional_text if optional else _is_text)


def _unstripped(texts: list[str]) -> int:
    """How many characters stripping would take off all ``texts`` together."""
    return sum(map(len, texts)) - sum(map(len, map(str.strip, texts)))


def _days(values: list[Any], optional: bool) -> np.ndarray:
    """Day numbers of ISO date texts; NEVER for a missing or None optional day; BAD otherwise."""
    def read(v: Any) -> int:
        if type(v) is str:
            return _iso_day(v)
        return _NEVER if optional and v is None else BAD

    out = _by_distinct(values, read, _NEVER if optional else BAD)
    if out is None:
        out = [read(v) if type(v) is str or v is None else (_NEVER if optional and v is MISSING else BAD)
               for v in values]
    return np.fromiter(out, dtype=np.int64, count=len(out))


def _amounts(values: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ok, float64, exact millionths as int64) of amount texts: ok when plain ASCII digits with
    at most one point (1-9 digits before it, 1-6 after), which the model reads as the same
    Decimal; 0 where not ok. The texts are read a character position at a time over the whole
    column (their bytes as a matrix); the float is the exact millionths divided by 10**6, which
    IEEE division rounds exactly as ``float(text)`` does."""
    if not values:
        return np.zeros(0, dtype=bool), np.zeros(0), np.zeros(0, dtype=np.int64)
    texts = values if set(map(type, values)) == {str} else [v if type(v) is str else "" for v in values]
    try:
        raw = np.array(texts, dtype=np.bytes_)
        if "\x00" in "".join(texts):  # numpy would drop a trailing NUL
            raise UnicodeEncodeError("ascii", "\x00", 0, 1, "NUL")
    except UnicodeEncodeError:  # not ASCII: each on its own
        ok = _mask(values, _is_amount)
        floats = np.fromiter((float(v) if good else 0.0 for v, good in zip(values, ok, strict=True)),
                             dtype=np.float64, count=len(values))
        return ok, floats, np.rint(floats * SCALE).astype(np.int64)
    n, width = len(raw), raw.dtype.itemsize
    chars = raw.view(np.uint8).reshape(n, width)
    length = np.char.str_len(raw)  # trailing NULs are no characters to numpy: never a digit here
    ok = np.ones(n, dtype=bool)
    points = np.zeros(n, dtype=np.int64)
    point = length.astype(np.int64)  # where the (first) point is; the length when none
    digits = np.zeros(n, dtype=np.int64)  # the digits read as one integer (at most 15 of them)
    for k in range(width):
        c = chars[:, k]
        digit = (c >= 48) & (c <= 57)
        dot = c == 46
        ok &= digit | dot | (k >= length)
        point = np.where(dot & (points == 0), k, point)
        points += dot
        digits = np.where(digit & (k < 16), digits * 10 + (c.astype(np.int64) - 48), digits)
    decimals = np.where(points > 0, length - point - 1, 0)
    ok &= (points <= 1) & (point >= 1) & (point <= 9) & ((points == 0) | ((decimals >= 1) & (decimals <= 6)))
    exact = np.where(ok, digits * 10 ** np.where(ok, 6 - decimals, 0), 0)
    return ok, exact / SCALE, exact


def _currencies_ok(values: list[Any]) -> np.ndarray:
    try:
        if all(map(_is_currency, set(values))):  # the usual case: each value ok, no pass over them
            return np.ones(len(values), dtype=bool)
    except TypeError:  # an unhashable value
        return _mask(values, _is_currency)
    out = _by_distinct(values, _is_currency, True)
    return np.array(out, dtype=bool) if out is not None else _mask(values, _is_currency)


def _choice(values: list[Any], allowed: dict[str, Any], default: Any) -> tuple[np.ndarray, list[Any]]:
    """(ok, value) of an enum field given as its text (``default`` when missing)."""
    out = _by_distinct(values, lambda v: allowed.get(v, MISSING) if type(v) is str else MISSING, default)
    if out is None:
        out = [default if v is MISSING else allowed.get(v, MISSING) if type(v) is str else MISSING for v in values]
    return np.fromiter(map(is_not, out, repeat(MISSING)), dtype=bool, count=len(out)), out


def _is_true(values: list[Any]) -> np.ndarray:
    return np.fromiter(map(is_, values, repeat(True)), dtype=bool, count=len(values))


def _flags(rows: Rows, name: str, allowed: dict[str, bool], default: bool) -> tuple[np.ndarray, np.ndarray]:
    """(ok, flag) of an enum field read as a bool (``allowed``: its texts -> flag)."""
    n = len(rows.rows)
    if not rows.has(name):
        return np.ones(n, dtype=bool), np.full(n, default, dtype=bool)
    ok, values = _choice(rows.values(name), allowed, default)
    return ok, _is_true(values)


def _currency_col(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """(ok, currency: "EUR" where not given) of the records' "currency"."""
    n = len(rows.rows)
    if not rows.has("currency"):
        return np.ones(n, dtype=bool), np.full(n, "EUR", dtype=object)
    values = rows.values("currency")
    return _currencies_ok(values), _optional(values, "EUR")


def _optional_text(rows: Rows, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(ok, value: None where not given) of an optional text field."""
    n = len(rows.rows)
    if not rows.has(name):
        return np.ones(n, dtype=bool), np.full(n, None, dtype=object)
    values = rows.values(name)
    return _texts_ok(values, True), _optional(values)


# ---------------------------------------------------------------- records that go the model's way


def validate_some(raws: Sequence[Any], indexes: Sequence[int], record_type: type[Record], type_name: str,
                  source: str, names: Sequence[int] | None = None) -> tuple[dict[int, Record], dict[int, list[Issue]]]:
    """``load.validate_records`` of ``raws[i]`` for ``i`` in ``indexes``: the good models and
    the issues of the bad ones, by index (an issue names a record without id by its index, or
    by ``names[i]`` when ``raws`` is part of a collection: its index in the whole one)."""
    from .load import issues_of, list_adapter  # noqa: PLC0415 (load imports this module)

    subset = [raws[i] for i in indexes]
    named = list(indexes) if names is None else [int(names[i]) for i in indexes]  # ascending as indexes
    adapter = list_adapter(record_type)
    try:
        return dict(zip(indexes, adapter.validate_python(subset), strict=True)), {}
    except ValidationError as error:
        bad = issues_of(error, subset, type_name, source, named)
    good = [k for k in range(len(subset)) if named[k] not in bad]
    models = adapter.validate_python([subset[k] for k in good])
    return dict(zip((indexes[k] for k in good), models, strict=True)), bad


@dataclass
class Rows:
    """The records checked in columns (dicts of ``fields`` only) and the fields any of them has:
    a field none has is read as missing from every record without a pass over them."""

    rows: Sequence[dict[str, Any]]
    present: frozenset[str]

    def values(self, name: str) -> list[Any]:
        """The field of every record, MISSING where a record lacks it."""
        return _values(self.rows, name) if name in self.present else [MISSING] * len(self.rows)

    def has(self, name: str) -> bool:
        return name in self.present


def _candidates(raws: Sequence[Any], fields: frozenset[str]) -> tuple[np.ndarray, Rows]:
    """The indexes of the records that are dicts of ``fields`` only, and those records."""
    if set(map(type, raws)) <= {dict}:
        present = frozenset().union(*raws)
        if present <= fields:  # all of them (the usual case: one pass over their keys)
            return np.arange(len(raws), dtype=np.int64), Rows(raws, present)
    idx = [i for i, r in enumerate(raws) if type(r) is dict and r.keys() <= fields]
    rows = [raws[i] for i in idx]
    return np.array(idx, dtype=np.int64), Rows(rows, frozenset().union(*rows))


def _assemble(n: int, fast: np.ndarray, fast_cols: dict[str, np.ndarray], models: dict[int, Record],
              model_cols: Callable[[list[Record]], dict[str, np.ndarray]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The good rows in input order: ``fast`` (indexes of rows checked here, ascending, their
    columns ``fast_cols``) and ``models`` (index -> model, converted by ``model_cols``)."""
    if not models:
        return fast, fast_cols
    slow = np.array(sorted(models), dtype=np.int64)
    slow_cols = model_cols([models[i] for i in slow.tolist()])
    rows = np.concatenate([fast, slow]).astype(np.int64)
    order = np.argsort(rows, kind="stable")
    out = {}
    for name, col in fast_cols.items():
        other = slow_cols[name]
        both = np.concatenate([col, other]) if col.dtype == other.dtype else \
            np.concatenate([col.astype(object), other.astype(object)])
        out[name] = both[order]
    return rows[order], out


def _objects(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def _exact(amount: Decimal) -> int:
    return int(amount * SCALE)


def _exacts(values: list[int]) -> np.ndarray:
    """Exact millionths as int64 when they fit with room to add them up, else Python ints."""
    if all(-(2**52) < v < 2**52 for v in values):
        return np.array(values, dtype=np.int64)
    return _objects(values)


def _optional(values: list[Any], default: Any = None) -> np.ndarray:
    """The values, ``default`` for MISSING."""
    try:
        return _objects(list(map({MISSING: default}.get, values, values)))
    except TypeError:  # an unhashable value
        return _objects([default if v is MISSING else v for v in values])


# ---------------------------------------------------------------- allocations


_NONE: list[Any] = []  # read where a record has no allocations (never changed)


def _alloc_table(rows: Rows, owners: np.ndarray) -> tuple[np.ndarray, Table]:
    """(ok per owner, the allocations) of each record's list of allocation dicts (none when it
    has no "allocations")."""
    n = len(rows.rows)
    lists = list(map(dict.get, rows.rows, repeat("allocations"), repeat(_NONE))) if rows.has("allocations") else []
    if not lists:
        ok, counts, flat = np.ones(n, dtype=bool), np.zeros(n, dtype=np.int64), []
    elif set(map(type, lists)) == {list}:
        counts = np.fromiter(map(len, lists), dtype=np.int64, count=n)
        ok = np.ones(n, dtype=bool)
        flat = list(chain.from_iterable(lists))
    else:
        counts = np.fromiter((len(v) if type(v) is list else 0 for v in lists), dtype=np.int64, count=n)
        ok = np.fromiter((type(v) is list for v in lists), dtype=bool, count=n)
        flat = [a for v in lists if type(v) is list for a in v]
    ok &= counts < _MAX_ALLOCATIONS  # their sum of exact millionths fits in an int64
    owner = np.repeat(np.arange(n), counts)
    keys = frozenset().union(*flat) if set(map(type, flat)) <= {dict} else None
    if keys is not None and keys <= ALLOCATION_FIELDS:
        shaped = np.ones(len(flat), dtype=bool)
        allocs = Rows(flat, keys)
    else:
        shaped = np.fromiter((type(a) is dict and a.keys() <= ALLOCATION_FIELDS for a in flat), dtype=bool,
                             count=len(flat))
        allocs = Rows([a if good else {} for a, good in zip(flat, shaped, strict=True)], ALLOCATION_FIELDS)
    ids, amounts = allocs.values("invoice_id"), allocs.values("amount")
    amount_ok, floats, exact = _amounts(amounts)
    day = _days(allocs.values("date"), optional=True) if allocs.has("date") else np.full(len(flat), _NEVER)
    good = shaped & _ids_ok(ids) & amount_ok & (exact > 0) & (day != BAD)
    ok[owner[~good]] = False
    table = Table({"owner": owners[owner] if len(owners) else owner, "invoice_id": _objects(ids),
                   "amount": floats, "exact": exact, "text": _objects(amounts), "day": day.astype(np.int32)},
                  n=len(flat))
    return ok, table


def _alloc_sums(allocs: Table, n: int) -> np.ndarray:
    sums = np.zeros(n, dtype=np.int64)
    np.add.at(sums, allocs.cols["owner"], allocs.cols["exact"])
    return sums


def _model_allocs(models: list[Any]) -> Table:
    owner = [i for i, m in enumerate(models) for _ in m.allocations]
    allocs: list[Allocation] = [a for m in models for a in m.allocations]
    return Table({"owner": np.array(owner, dtype=np.int64), "invoice_id": _objects([a.invoice_id for a in allocs]),
                  "amount": np.array([float(a.amount) for a in allocs], dtype=np.float64),
                  "exact": _exacts([_exact(a.amount) for a in allocs]),
                  "text": _objects([str(a.amount) for a in allocs]),
                  "day": np.array([_NEVER if a.date is None else a.date.toordinal() for a in allocs], dtype=np.int32)},
                 n=len(allocs))


def _join_allocs(fast_rows: np.ndarray, fast: Table, slow_rows: np.ndarray, slow: Table, rows: np.ndarray) -> Table:
    """The allocations of both sets, owned by the rows' positions in ``rows`` (the table's
    input order), in that order (each record's own in its order)."""
    position = np.zeros(int(rows.max()) + 1 if len(rows) else 0, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    owner = np.concatenate([position[fast_rows[fast.cols["owner"]]], position[slow_rows[slow.cols["owner"]]]])
    order = np.argsort(owner, kind="stable")
    cols = {"owner": owner[order]}
    for name in ("invoice_id", "amount", "exact", "text", "day"):
        a, b = fast.cols[name], slow.cols[name]
        both = np.concatenate([a, b]) if a.dtype == b.dtype else np.concatenate([a.astype(object), b.astype(object)])
        cols[name] = both[order]
    return Table(cols, n=len(owner))


# ---------------------------------------------------------------- the collections


def _collection(raws: Sequence[Any], fields: frozenset[str], record_type: type[Record], type_name: str,
                source: str, check: Callable[[Rows], tuple[np.ndarray, dict[str, np.ndarray], Table | None]],
                from_models: Callable[[list[Any]], dict[str, np.ndarray]], with_allocs: bool,
                names: Sequence[int] | None = None) -> tuple[Table, list[Issue]]:
    """The table of the good records (their indexes in ``raws``: its ``rows``) and the issues
    of the others, in their order; ``names``: each record's index in the whole collection, when
    ``raws`` is a part of it (an issue names a record without an id by it)."""
    idx, rows = _candidates(raws, fields)
    ok, cols, allocs = check(rows)
    every = bool(ok.all())
    fast = idx if every else idx[ok]
    if not every:
        cols = {name: col[ok] for name, col in cols.items()}
    if len(fast) == len(raws):
        others: list[int] = []
    else:
        slow = np.ones(len(raws), dtype=bool)
        slow[fast] = False
        others = np.flatnonzero(slow).tolist()
    models, bad = validate_some(raws, others, record_type, type_name, source, names) if others else ({}, {})
    issues = [issue for i in sorted(bad) for issue in bad[i]]
    rows_order, out = _assemble(len(raws), fast, cols, models, from_models)
    table = Table(out, n=len(rows_order), rows=rows_order)
    if with_allocs:
        assert allocs is not None
        fast_allocs = allocs
        if allocs.n and not every:
            fast_allocs = Table(allocs.cols, n=allocs.n).take(ok[allocs.cols["owner"]])
            fast_allocs.cols["owner"] = (np.cumsum(ok) - 1)[allocs.cols["owner"][ok[allocs.cols["owner"]]]]
        if models:
            slow_rows = np.array(sorted(models), dtype=np.int64)
            slow_allocs = _model_allocs([models[i] for i in slow_rows.tolist()])
            table.allocs = _join_allocs(fast, fast_allocs, slow_rows, slow_allocs, rows_order)
        else:  # the rows are the fast ones in their order: the owners are their positions already
            table.allocs = fast_allocs
    return table, issues


def _check_customers(rows: Rows) -> tuple[np.ndarray, dict[str, np.ndarray], None]:
    ids, names, currencies = rows.values("id"), rows.values("name"), rows.values("currency")
    n = len(ids)
    ok = _ids_ok(ids) & _texts_ok(names, False) & _currencies_ok(currencies)
    if rows.has("terms_days"):
        terms = rows.values("terms_days")
        ok &= _mask(terms, lambda v: v is MISSING or (type(v) is int and 0 <= v <= 3650))
        term_col = np.array([30 if not good or t is MISSING else t for t, good in zip(terms, ok, strict=True)],
                            dtype=np.int64)
    else:
        term_col = np.full(n, 30, dtype=np.int64)
    cols: dict[str, np.ndarray] = {"id": _objects(ids), "name": _objects(names), "terms": term_col,
                                   "credit_limit": np.full(n, np.nan)}
    for name in ("salesperson", "email", "phone", "country"):
        ok_text, cols[name] = _optional_text(rows, name)
        ok &= ok_text
    cols["active"] = np.ones(n, dtype=bool)  # no "active" field on this path (CUSTOMER_FIELDS): active
    cols["record"] = np.full(n, None, dtype=object)  # a customer's model when it has one (for its contacts)
    return ok, cols, None


def _customers_of(models: list[Any]) -> dict[str, np.ndarray]:
    return {"id": _objects([m.id for m in models]), "name": _objects([m.name for m in models]),
            "terms": np.array([m.terms_days for m in models], dtype=np.int64),
            "credit_limit": np.array([np.nan if m.credit_limit is None else float(m.credit_limit) for m in models],
                                     dtype=np.float64),
            "salesperson": _objects([m.salesperson for m in models]), "email": _objects([m.email for m in models]),
            "phone": _objects([m.phone for m in models]), "country": _objects([m.country for m in models]),
            "active": np.array([m.active for m in models], dtype=bool), "record": _objects(models)}


def _check_invoices(rows: Rows) -> tuple[np.ndarray, dict[str, np.ndarray], Table]:
    ids, numbers, customers = rows.values("id"), rows.values("number"), rows.values("customer_id")
    n = len(ids)
    ok = _ids_ok(ids) & _texts_ok(numbers, False) & _repeated_ids_ok(customers)
    kind_ok, credit = _flags(rows, "kind", KINDS, False)
    state_ok, posted = _flags(rows, "state", INVOICE_STATES, True)
    issue, due = _days(rows.values("issue_date"), False), _days(rows.values("due_date"), False)
    disputed_on = _days(rows.values("disputed_on"), True) if rows.has("disputed_on") else np.full(n, _NEVER)
    totals = rows.values("total")
    total_ok, total, exact = _amounts(totals)
    currency_ok, currency = _currency_col(rows)
    if rows.has("disputed"):
        disputed = rows.values("disputed")
        flags = _is_true(disputed)
        flag_ok = flags | np.fromiter(map(is_, disputed, repeat(False)), dtype=bool, count=n) | \
            np.fromiter(map(is_, disputed, repeat(MISSING)), dtype=bool, count=n)  # a bool, or not given
    else:
        flag_ok, flags = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    delivery_ok, delivery = _optional_text(rows, "delivery")
    ok &= kind_ok & state_ok & (issue != BAD) & (due != BAD) & (disputed_on != BAD) & total_ok
    ok &= currency_ok & flag_ok & delivery_ok
    alloc_ok, allocs = _alloc_table(rows, np.arange(n))
    has_allocs = np.bincount(allocs.cols["owner"], minlength=n) > 0 if allocs.n else np.zeros(n, bool)
    ok &= alloc_ok & (due >= issue) & (~has_allocs | credit)
    ok &= (disputed_on == _NEVER) | (flags & (disputed_on >= issue))
    cols = {"id": _objects(ids), "number": _objects(numbers), "customer_id": _objects(customers), "credit": credit,
            "posted": posted, "issue": issue, "due": due, "total": total, "exact": exact, "text": _objects(totals),
            "rate": np.ones(n), "currency": currency, "disputed": flags, "disputed_on": disputed_on,
            "delivery": delivery}
    return ok, cols, allocs


def _invoices_of(models: list[Any]) -> dict[str, np.ndarray]:
    return {"id": _objects([m.id for m in models]), "number": _objects([m.number for m in models]),
            "customer_id": _objects([m.customer_id for m in models]),
            "credit": np.array([m.kind is InvoiceKind.CREDIT_NOTE for m in models], dtype=bool),
            "posted": np.array([m.state is InvoiceState.POSTED for m in models], dtype=bool),
            "issue": np.array([m.issue_date.toordinal() for m in models], dtype=np.int64),
            "due": np.array([m.due_date.toordinal() for m in models], dtype=np.int64),
            "total": np.array([float(m.total) for m in models], dtype=np.float64),
            "exact": _exacts([_exact(m.total) for m in models]), "text": _objects([str(m.total) for m in models]),
            "rate": np.array([float(m.fx_rate) for m in models], dtype=np.float64),
            "currency": _objects([m.currency for m in models]),
            "disputed": np.array([m.disputed for m in models], dtype=bool),
            "disputed_on": np.array([_NEVER if m.disputed_on is None else m.disputed_on.toordinal() for m in models],
                                    dtype=np.int64),
            "delivery": _objects([m.delivery for m in models])}


def _check_payments(rows: Rows) -> tuple[np.ndarray, dict[str, np.ndarray], Table]:
    ids, customers = rows.values("id"), rows.values("customer_id")
    n = len(ids)
    ok = _ids_ok(ids) & _repeated_ids_ok(customers)
    day = _days(rows.values("date"), False)
    returned = _days(rows.values("returned_on"), True) if rows.has("returned_on") else np.full(n, _NEVER)
    amounts = rows.values("amount")
    amount_ok, amount, exact = _amounts(amounts)
    if rows.has("state"):
        state_ok, states = _choice(rows.values("state"), PAYMENT_STATES, 0)
        state = np.array([s if s is not MISSING else 0 for s in states], dtype=np.int64)
    else:
        state_ok, state = np.ones(n, dtype=bool), np.zeros(n, dtype=np.int64)
    currency_ok, currency = _currency_col(rows)
    account_ok, account = _optional_text(rows, "payer_account")
    reference_ok, _ = _optional_text(rows, "reference")
    ok &= (day != BAD) & (returned != BAD) & amount_ok & state_ok & currency_ok & account_ok & reference_ok
    ok &= (state == 0) | (returned != _NEVER)
    ok &= (returned == _NEVER) | (returned >= day)
    alloc_ok, allocs = _alloc_table(rows, np.arange(n))
    ok &= alloc_ok  # a bad allocation counts 0 below, and its payment is not ok already
    if allocs.n:
        ok &= _alloc_sums(allocs, n) <= exact
    cols = {"id": _objects(ids), "customer_id": _objects(customers), "day": day, "amount": amount, "exact": exact,
            "rate": np.ones(n), "currency": currency, "state": state, "returned": returned, "account": account}
    return ok, cols, allocs


def _payments_of(models: list[Any]) -> dict[str, np.ndarray]:
    states = tuple(PaymentState)
    return {"id": _objects([m.id for m in models]), "customer_id": _objects([m.customer_id for m in models]),
            "day": np.array([m.date.toordinal() for m in models], dtype=np.int64),
            "amount": np.array([float(m.amount) for m in models], dtype=np.float64),
            "exact": _exacts([_exact(m.amount) for m in models]),
            "rate": np.array([float(m.fx_rate) for m in models], dtype=np.float64),
            "currency": _objects([m.currency for m in models]),
            "state": np.array([states.index(m.state) for m in models], dtype=np.int64),
            "returned": np.array([_NEVER if m.returned_on is None else m.returned_on.toordinal() for m in models],
                                 dtype=np.int64),
            "account": _objects([m.payer_account for m in models])}


def customers_table(raws: Sequence[Any], source: str) -> tuple[Table, list[Issue]]:
    return _collection(raws, CUSTOMER_FIELDS, Customer, "customer", source, _check_customers, _customers_of, False)


def invoices_table(raws: Sequence[Any], source: str, names: Sequence[int] | None = None) -> tuple[Table, list[Issue]]:
    return _collection(raws, INVOICE_FIELDS, Invoice, "invoice", source, _check_invoices, _invoices_of, True, names)


def payments_table(raws: Sequence[Any], source: str, names: Sequence[int] | None = None) -> tuple[Table, list[Issue]]:
    return _collection(raws, PAYMENT_FIELDS, Payment, "payment", source, _check_payments, _payments_of, True, names)


def first_of_each(table: Table, type_name: str, source: str, with_index: bool = True) -> tuple[Table, list[Issue]]:
    """``load._drop_duplicates``: the first record of each id; an issue for each later one.
    ``with_index``: the table's id -> row is kept when no id repeats (``Table.row_of``)."""
    if table.arrow is not None and _distinct(table.arrow["id"]):
        return table, []  # no id twice (the id -> row, when asked for, is made by ``row_of``)
    ids = table.cols["id"].tolist()
    if not with_index and len(set(ids)) == len(ids):
        return table, []
    index = dict(zip(ids, range(len(ids)), strict=True)) if with_index else {}
    if len(index) == len(ids):
        table.index = index
        return table, []
    del index
    seen: set[str] = set()
    keep = np.ones(table.n, dtype=bool)
    issues = []
    for i, rid in enumerate(ids):
        if rid in seen:
            keep[i] = False
            issues.append(Issue(source=source, record_type=type_name, record_id=rid, field="id",
                                message="duplicate id; the first one is kept"))
        else:
            seen.add(rid)
    return (table if keep.all() else table.take(keep)), issues


def _distinct(ids: pa.Array) -> bool:
    """Whether no text is there twice: at once when each is above the one before (as the store
    reads a collection by its key), else by pyarrow's hash of them."""
    if len(ids) < 2 or pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
        return True
    return len(pc.unique(ids)) == len(ids)


def known_customers(table: Table, customers: dict[str, int], type_name: str, source: str,
                    customer_ids: pa.Array | None = None) -> tuple[Table, list[Issue]]:
    """``load._drop_unknown_customers`` on a table; the rows kept get their customer's row in
    ``customers`` (id -> row) as the column "cust". ``customer_ids``: the customers' ids as a
    pyarrow array of text in the order of their rows (distinct), for a table with ``arrow``."""
    if table.arrow is not None and customer_ids is not None:
        cust = _rows_in(table.arrow["customer_id"], customer_ids).astype(np.int32)
    else:
        cust = np.fromiter(map(customers.get, table.cols["customer_id"].tolist(), repeat(-1)), dtype=np.int32,
                           count=table.n)
    keep = cust >= 0
    issues = [Issue(source=source, record_type=type_name, record_id=table.cols["id"][i], field="customer_id",
                    message=f"unknown customer {table.cols['customer_id'][i]!r}")
              for i in np.flatnonzero(~keep).tolist()]
    table.cols["cust"] = cust
    return (table if not issues else table.take(keep)), issues


def checked_allocations(invoices: Table, payments: Table, source: str) -> tuple[Table, Table, list[Issue]]:
    """``load._check_allocations`` of the credit notes and payments: the invoices and payments
    kept, and an issue per record rejected. When no allocation names an unknown or foreign
    invoice and no invoice is allocated more than its total by the records that settle for
    good, no record is rejected (every running total stays within the invoice's), and the
    record-by-record replay in date order is skipped. The allocations of the tables returned
    have the row of their invoice in the invoices returned (column "inv")."""
    if _within_totals(invoices, payments):
        return invoices, payments, []
    is_invoice = ~invoices.cols["credit"]
    rows = np.flatnonzero(is_invoice)
    target = dict(zip(invoices.cols["id"][rows].tolist(), rows.tolist(), strict=True))
    invoices, payments, issues = _replay(invoices, payments, target, source)
    for table in (invoices, payments):
        assert table.allocs is not None
        table.allocs.cols["inv"] = _invoice_rows(invoices, table.allocs)
    return invoices, payments, issues


def _invoice_rows(invoices: Table, allocs: Table) -> np.ndarray:
    """The row in ``invoices`` of each allocation's invoice; -1 for an unknown one or a credit note."""
    if not allocs.n or not invoices.n:
        return np.full(allocs.n, -1, dtype=np.int64)
    if invoices.arrow is not None and allocs.arrow is not None:  # the invoices' ids are distinct
        inv = _rows_in(allocs.arrow["invoice_id"], invoices.arrow["id"])
    else:
        index = invoices.row_of()
        inv = np.fromiter(map(index.get, allocs.cols["invoice_id"].tolist(), repeat(-1)), dtype=np.int64,
                          count=allocs.n)
    inv[invoices.cols["credit"][inv] & (inv >= 0)] = -1
    return inv


def _rows_in(keys: pa.Array, ids: pa.Array) -> np.ndarray:
    """The row of each key in ``ids`` (distinct texts), -1 where none, as int64 (one hash look-up
    each in pyarrow: what a dict of ``ids`` gives)."""
    found = pc.fill_null(pc.index_in(keys, value_set=ids), -1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _within_totals(invoices: Table, payments: Table) -> bool:
    """Whether no allocation names an unknown or foreign invoice and no invoice would be settled
    beyond its total; sets each allocation's invoice row ("inv") on the way."""
    assert invoices.allocs is not None and payments.allocs is not None
    exact_total = invoices.cols["exact"]
    for table in (invoices, payments):
        assert table.allocs is not None
        table.allocs.cols["inv"] = _invoice_rows(invoices, table.allocs)
    if exact_total.dtype != np.int64:
        return False
    sums = np.zeros(invoices.n, dtype=np.int64)
    for owners, for_good in ((invoices, invoices.cols["credit"]), (payments, payments.cols["state"] == 0)):
        allocs = owners.allocs
        assert allocs is not None
        owner = allocs.cols["owner"]
        if allocs.n:
            owner_is_note = invoices.cols["credit"][owner] if owners is invoices else np.ones(allocs.n, dtype=bool)
            inv = allocs.cols["inv"]
            mine = owner_is_note  # an invoice's own allocations settle nothing: not checked (as in load)
            if allocs.cols["exact"].dtype != np.int64 or (inv[mine] < 0).any():
                return False
            if (invoices.cols["cust"][inv[mine]] != owners.cols["cust"][owner[mine]]).any() or \
                    (invoices.cols["currency"][inv[mine]] != owners.cols["currency"][owner[mine]]).any():
                return False
            good = mine & for_good[owner]
            np.add.at(sums, inv[good], allocs.cols["exact"][good])
    return not (sums > exact_total).any()


def _replay(invoices: Table, payments: Table, target: dict[str, int], source: str) -> tuple[Table, Table, list[Issue]]:
    """The record-by-record check of ``load._check_allocations``, on the tables."""
    settling = [(0, i) for i in np.flatnonzero(invoices.cols["credit"]).tolist()] + \
        [(1, i) for i in range(payments.n)]
    tables = (invoices, payments)
    days = (invoices.cols["issue"], payments.cols["day"])
    settling.sort(key=lambda t: (int(days[t[0]][t[1]]), tables[t[0]].cols["id"][t[1]]))
    by_owner: list[dict[int, list[int]]] = []
    for table in tables:
        grouped: dict[int, list[int]] = defaultdict(list)
        assert table.allocs is not None
        for k, owner in enumerate(table.allocs.cols["owner"].tolist()):
            grouped[owner].append(k)
        by_owner.append(grouped)
    allocated: dict[int, int] = defaultdict(int)
    kept_ids: set[str] = set()
    issues = []
    inv_cols = invoices.cols
    for which, row in settling:
        table = tables[which]
        allocs = table.allocs
        assert allocs is not None
        for_good = which == 0 or int(table.cols["state"][row]) == 0
        problem = None
        for i, k in enumerate(by_owner[which].get(row, ())):
            invoice_id = allocs.cols["invoice_id"][k]
            inv = target.get(invoice_id)
            name = f"allocations[{i}].invoice_id"
            if inv is None:
                problem = (name, f"allocated to unknown invoice {invoice_id!r}")
            elif inv_cols["customer_id"][inv] != table.cols["customer_id"][row]:
                problem = (name, f"invoice {inv_cols['number'][inv]} belongs to another customer")
            elif inv_cols["currency"][inv] != table.cols["currency"][row]:
                problem = (f"allocations[{i}]", f"currency {table.cols['currency'][row]} does not match "
                           f"invoice {inv_cols['number'][inv]} in {inv_cols['currency'][inv]}")
            elif for_good and allocated[inv] + int(allocs.cols["exact"][k]) > int(inv_cols["exact"][inv]):
                problem = (f"allocations[{i}].amount",
                           f"{Decimal(allocs.cols['text'][k])} would settle more than the total "
                           f"{Decimal(inv_cols['text'][inv])} of invoice {inv_cols['number'][inv]}")
            if problem:
                break
        if problem:
            issues.append(Issue(source=source, record_type="credit_note" if which == 0 else "payment",
                                record_id=table.cols["id"][row], field=problem[0], message=problem[1]))
            continue
        if for_good:
            for k in by_owner[which].get(row, ()):
                allocated[target[allocs.cols["invoice_id"][k]]] += int(allocs.cols["exact"][k])
        kept_ids.add(table.cols["id"][row])
    keep_inv = ~inv_cols["credit"] | np.fromiter(map(kept_ids.__contains__, inv_cols["id"].tolist()), dtype=bool,
                                                 count=invoices.n)
    keep_pay = np.fromiter(map(kept_ids.__contains__, payments.cols["id"].tolist()), dtype=bool, count=payments.n)
    return invoices.take(keep_inv), payments.take(keep_pay), issues
