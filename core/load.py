"""Turn raw records (dicts or records) into a validated ``Ledger`` plus a list of ``Issue``s.

One bad record never stops the load: it is left out and reported with its id and field.
Checks that need more than one record (duplicate ids, unknown references, allocations to
unknown invoices, over-allocation, currency mismatch) run after each record is valid alone.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .gcpause import with_gc_paused
from .issues import Issue
from .model import (
    COLLECTIONS,
    OPTIONAL_COLLECTIONS,
    Company,
    Invoice,
    InvoiceKind,
    Ledger,
    Payment,
    PaymentState,
    Record,
)
from .note_records import notes_to_records

_TYPE_NAMES = {
    "customers": "customer",
    "invoices": "invoice",
    "payments": "payment",
    "disputes": "dispute",
    "contact_attempts": "contact_attempt",
    "payment_plans": "payment_plan",
    "signals": "signal",
    "orders": "order",
    "switches": "switch",
    "notes": "note",
}


def _record_id(raw: Any, index: int) -> str:
    if isinstance(raw, Record):
        return str(getattr(raw, "id", f"#{index}"))
    if isinstance(raw, Mapping) and raw.get("id") not in (None, ""):
        return str(raw["id"])
    return f"#{index + 1}"


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


@functools.cache
def list_adapter(record_type: type[Record]) -> TypeAdapter[list[Any]]:
    """The validator of a list of ``record_type``, built once per type (building one costs
    about 20 ms: more than validating a small batch)."""
    return TypeAdapter(list[record_type])  # type: ignore[valid-type]


def validate_records(
    raws: Iterable[Any], record_type: type[Record], type_name: str, source: str
) -> tuple[list[Record], list[Issue]]:
    """Validate each raw record alone; return the good ones and one Issue per bad field.

    Validates the whole list in one call (fast path); when some fail, the failing indexes
    are dropped and the rest validated again, so the result never depends on a bad row.
    """
    raws = list(raws)
    adapter = list_adapter(record_type)
    try:
        return list(adapter.validate_python(raws)), []
    except ValidationError as error:
        bad = issues_of(error, raws, type_name, source)
    good = [raw for i, raw in enumerate(raws) if i not in bad]
    issues = [issue for i in sorted(bad) for issue in bad[i]]
    return list(adapter.validate_python(good)), issues


def issues_of(error: ValidationError, raws: Sequence[Any], type_name: str, source: str,
              indexes: Sequence[int] | None = None) -> dict[int, list[Issue]]:
    """The issues of a list's validation ``error``, by the failing record's index (its index in
    the whole collection ``indexes[i]`` when ``raws`` is part of it: a record without an id is
    named by that index)."""
    bad: dict[int, list[Issue]] = defaultdict(list)
    for err in error.errors(include_url=False):
        position = err["loc"][0]
        assert isinstance(position, int)
        index = position if indexes is None else indexes[position]
        field = _field_path(tuple(err["loc"][1:]))
        message = err["msg"].removeprefix("Value error, ")
        head, sep, rest = message.partition(": ")
        if sep and head.isidentifier():  # a cross-field validator names its field first
            field = f"{field}.{head}" if field else head
            message = rest
        bad[index].append(Issue(source=source, record_type=type_name, record_id=_record_id(raws[position], index),
                                field=field, message=message))
    return bad


def _drop_duplicates(
    records: list[Record], type_name: str, source: str
) -> tuple[list[Record], list[Issue]]:
    seen: set[str] = set()
    kept: list[Record] = []
    issues: list[Issue] = []
    for record in records:
        rid = record.id  # type: ignore[attr-defined]
        if rid in seen:
            issues.append(Issue(source=source, record_type=type_name, record_id=rid,
                                field="id", message="duplicate id; the first one is kept"))
            continue
        seen.add(rid)
        kept.append(record)
    return kept, issues


def _drop_unknown_customers(
    records: list[Record], customer_ids: AbstractSet[str], type_name: str, source: str
) -> tuple[list[Record], list[Issue]]:
    kept, issues = [], []
    for record in records:
        cid = record.customer_id  # type: ignore[attr-defined]
        if cid in customer_ids:
            kept.append(record)
        else:
            issues.append(Issue(source=source, record_type=type_name, record_id=record.id,  # type: ignore[attr-defined]
                                field="customer_id", message=f"unknown customer {cid!r}"))
    return kept, issues


def _check_allocations(
    settling: list[Record], invoices: dict[str, Invoice], source: str,
) -> tuple[list[Record], list[Issue]]:
    """Reject payments / credit notes whose allocations are unknown, foreign or too large.

    Payments and credit notes are taken together in date order, so that together they never
    settle more than an invoice's total; the one that would is rejected.
    """
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    kept, issues = [], []
    for record in sorted(settling, key=lambda r: (_settle_date(r), r.id)):  # type: ignore[attr-defined]
        problem = None
        for i, alloc in enumerate(record.allocations):  # type: ignore[attr-defined]
            invoice = invoices.get(alloc.invoice_id)
            field = f"allocations[{i}].invoice_id"
            if invoice is None:
                problem = (field, f"allocated to unknown invoice {alloc.invoice_id!r}")
            elif invoice.customer_id != record.customer_id:  # type: ignore[attr-defined]
                problem = (field, f"invoice {invoice.number} belongs to another customer")
            elif invoice.currency != record.currency:  # type: ignore[attr-defined]
                problem = (f"allocations[{i}]", f"currency {record.currency} does not match "  # type: ignore[attr-defined]
                           f"invoice {invoice.number} in {invoice.currency}")
            elif _settles_for_good(record) and allocated[alloc.invoice_id] + alloc.amount > invoice.total:
                problem = (f"allocations[{i}].amount", f"{alloc.amount} would settle more than "
                           f"the total {invoice.total} of invoice {invoice.number}")
            if problem:
                break
        if problem:
            type_name = "payment" if isinstance(record, Payment) else "credit_note"
            issues.append(Issue(source=source, record_type=type_name, record_id=record.id,  # type: ignore[attr-defined]
                                field=problem[0], message=problem[1]))
            continue
        if _settles_for_good(record):
            for alloc in record.allocations:  # type: ignore[attr-defined]
                allocated[alloc.invoice_id] += alloc.amount
        kept.append(record)
    return kept, issues


def _settles_for_good(record: Record) -> bool:
    """A returned or voided payment stops settling on its return day, so its allocations do not
    count against the invoice total (the replacement payment does)."""
    return not isinstance(record, Payment) or record.state is PaymentState.POSTED


def _settle_date(record: Record) -> dt.date:
    """A payment settles on its date, a credit note on its issue date."""
    if isinstance(record, Payment):
        return record.date
    if isinstance(record, Invoice):
        return record.issue_date
    raise TypeError(f"a {type(record).__name__} settles no invoice")


def _drop_unknown_invoice_disputes(disputes: list[Record], invoice_ids: AbstractSet[str],
                                   source: str) -> tuple[list[Record], list[Issue]]:
    """``disputes`` without those naming an invoice not in ``invoice_ids``, and an issue for each."""
    kept: list[Record] = []
    issues: list[Issue] = []
    for d in disputes:
        if d.invoice_id is not None and d.invoice_id not in invoice_ids:  # type: ignore[attr-defined]
            issues.append(Issue(source=source, record_type="dispute", record_id=d.id,  # type: ignore[attr-defined]
                                field="invoice_id", message=f"unknown invoice {d.invoice_id!r}"))  # type: ignore[attr-defined]
        else:
            kept.append(d)
    return kept, issues


def _add_note_records(good: dict[str, list[Record]], source: str,
                      numbers: dict[str, str] | None = None) -> tuple[list[Issue], set[str]]:
    """The records the collectors' notes make, validated and added to their collections; and
    the collections they gave records to (no longer unavailable). ``numbers``: invoice id ->
    number (default: of ``good["invoices"]``)."""
    if not good["notes"]:
        return [], set()
    invoices = numbers if numbers is not None else {inv.id: inv.number for inv in good["invoices"]}  # type: ignore[attr-defined]
    made, issues = notes_to_records(good["notes"], invoices)  # type: ignore[arg-type]
    types = dict(COLLECTIONS)
    for key, raws in made.items():
        records, found = validate_records(raws, types[key], _TYPE_NAMES[key], source)
        taken = {r.id for r in good[key]}  # type: ignore[attr-defined]
        good[key] += [r for r in records if r.id not in taken]  # type: ignore[attr-defined]
        issues += found
    return issues, {key for key, raws in made.items() if raws}


@with_gc_paused
def load_ledger(
    data: Mapping[str, Any], source: str = "file", unavailable: Iterable[str] = ()
) -> tuple[Ledger, tuple[Issue, ...]]:
    """Validate ``data`` (keys: company and the collections of ``COLLECTIONS``).

    A collection of ``OPTIONAL_COLLECTIONS`` ("orders") missing from ``data`` (or None) is a
    kind the source does not have: it is added to ``unavailable``. An empty list is a source
    that has the kind and no records of it.

    Returns the ledger of every good record and the issues of the bad ones, in input order.
    """
    company = data.get("company") or {"id": "company", "name": "Company"}
    company = company if isinstance(company, Company) else Company.model_validate(company)
    issues: list[Issue] = []
    good: dict[str, list[Record]] = {}
    for key, record_type in COLLECTIONS:
        type_name = _TYPE_NAMES[key]
        raws = data.get(key)
        records, found = validate_records(() if raws is None else raws, record_type, type_name, source)
        records, dupes = _drop_duplicates(records, type_name, source)
        issues += found + dupes
        good[key] = records

    customer_ids = {c.id for c in good["customers"]}  # type: ignore[attr-defined]
    for key in ("invoices", "payments", "disputes", "contact_attempts", "payment_plans", "signals", "orders",
                "switches", "notes"):
        good[key], found = _drop_unknown_customers(good[key], customer_ids, _TYPE_NAMES[key], source)
        issues += found

    invoices = {inv.id: inv for inv in good["invoices"] if isinstance(inv, Invoice) and inv.kind is InvoiceKind.INVOICE}
    notes = [inv for inv in good["invoices"] if inv.kind is InvoiceKind.CREDIT_NOTE]  # type: ignore[attr-defined]
    kept, found = _check_allocations(notes + good["payments"], invoices, source)
    issues += found
    kept_ids = {r.id for r in kept}  # type: ignore[attr-defined]
    good["invoices"] = [inv for inv in good["invoices"]
                        if inv.kind is InvoiceKind.INVOICE or inv.id in kept_ids]  # type: ignore[attr-defined]
    good["payments"] = [p for p in good["payments"] if p.id in kept_ids]  # type: ignore[attr-defined]

    good["disputes"], found = _drop_unknown_invoice_disputes(
        good["disputes"], {inv.id for inv in good["invoices"]}, source)  # type: ignore[attr-defined]
    issues += found
    found, filled = _add_note_records(good, source)
    issues += found

    missing = {key for key in OPTIONAL_COLLECTIONS if data.get(key) is None}
    ledger = Ledger(company=company, source=source, unavailable=(frozenset(unavailable) | missing) - filled,
                    **{key: tuple(records) for key, records in good.items()})
    return ledger, tuple(issues)

