"""Merge a pull into the stored snapshot (pure): upsert by id, drop deletions.

A ``complete`` pull is everything the source has, so stored records it lacks are dropped; so is
a collection listed in ``complete_collections``. A record the source sent but could not read
(``PullResult.rejected``) is not "lacking": its stored version stays; nor is a customer that a
record staying in the snapshot still names (no invoice is left without its customer).

An invoice's dispute flag that comes without its own date (``disputed_on``) is dated by the sync
that first saw it (``seen_on``, the run's day): a flag a later pull raises on a stored invoice,
or a new invoice that arrives flagged, gets that day, and keeps it on later pulls. On a
company's first sync nothing was seen before, so a flag there stays undated and counts from the
day the record itself says it became known (``Invoice.disputed_on``), never earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from arwatch.core.contract import PullResult
from arwatch.core.gcpause import with_gc_paused
from arwatch.core.issues import Issue
from arwatch.core.model import COLLECTIONS, OPTIONAL_COLLECTIONS

COLLECTION_NAMES = tuple(name for name, _ in COLLECTIONS)
Records = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Merged:
    """The merged snapshot and the delta to store.

    Attributes:
      records: collection -> id -> raw record, after the merge.
      upserts: collection -> (id, raw) pairs to write: the pulled records, but those the snapshot
        holds already as they are (``stored_as``); where the snapshot held none of the
        collection, a view of its records (``records[name].items()``, in their order).
      removed: collection -> ids to delete.
      stored: collection -> how many records the snapshot held before the merge.
    """

    company: dict[str, Any] | None
    records: Records
    upserts: dict[str, Collection[tuple[str, Any]]]
    removed: dict[str, list[str]]
    issues: tuple[Issue, ...]
    stored: dict[str, int] = field(default_factory=dict)

    def ledger_data(self) -> dict[str, Any]:
        """The snapshot as ``load_ledger``'s data. An optional collection ("orders") with no
        stored record is left out, so that a source that never sent any has the kind
        unavailable (``load_ledger``) whether or not its adapter declares it; a company whose
        stored orders are all gone is measured on invoices again."""
        data: dict[str, Any] = {name: list(self.records.get(name, {}).values()) for name in COLLECTION_NAMES
                                if name not in OPTIONAL_COLLECTIONS or self.records.get(name)}
        if self.company:
            data["company"] = self.company
        return data


def _record_id(raw: Any) -> str | None:
    rid = raw.get("id") if isinstance(raw, dict) else getattr(raw, "id", None)
    return None if rid in (None, "") else str(rid)


def _field(raw: Any, name: str) -> Any:
    return raw.get(name) if isinstance(raw, dict) else getattr(raw, name, None)


def stored_as(raw: Any, before: Any) -> bool:
    """Whether ``raw``'s snapshot payload (``rows.dumps``) is the one ``before`` was read from
    (the stored record, decoded from its JSON), byte for byte, so it need not be serialised and
    hashed again: equal, and every value that is not a text of the same type as the stored one
    (``True == 1 == 1.0`` and ``0.0 == -0.0``, but they are written differently). A record
    that is not a plain dict is never taken as stored (the snapshot compares its hash)."""
    return type(raw) is dict and type(before) is dict and raw == before and _same_types(raw, before)


def _same_types(value: Any, before: Any) -> bool:
    """Of two equal values: each leaf is written as the other (see ``stored_as``)."""
    kind = type(value)
    if kind is str:
        return True
    if kind is not type(before):
        return False
    if kind is dict:
        return all(type(key) is str and (type(item) is str or _same_types(item, before[key]))
                   for key, item in value.items())
    if kind is list:
        return all(type(item) is str or _same_types(item, other) for item, other in zip(value, before, strict=True))
    if kind is float:
        return repr(value) == repr(before)
    return kind is bool or kind is int or value is None


def _keep_named_customers(records: Records, removed: dict[str, list[str]], stored: Records,
                          deleted: set[str]) -> None:
    """Put back the customers a complete pull lacks but a remaining record still names."""
    if not removed.get("customers"):
        return
    named = {str(_field(raw, "customer_id")) for name in COLLECTION_NAMES if name != "customers"
             for raw in records[name].values()}
    kept = [cid for cid in removed.get("customers", ()) if cid in named and cid not in deleted]
    for cid in kept:
        records["customers"][cid] = stored["customers"][cid]
    left = [cid for cid in removed.get("customers", ()) if cid not in kept]
    if left:
        removed["customers"] = left
    else:
        removed.pop("customers", None)


def _with_flag_day(raw: Any, before: Any, seen_on: dt.date) -> Any:
    """``raw`` (an invoice) with ``disputed_on`` set to the day its undated flag was first seen."""
    if not _field(raw, "disputed") or _field(raw, "disputed_on"):
        return raw
    if before is not None and _field(before, "disputed"):
        first = _field(before, "disputed_on")  # seen before: keep that day (None: seen on the first sync)
    else:
        first = seen_on
    if first is None:
        return raw
    issued = _field(raw, "issue_date")
    try:
        issued_day = issued if isinstance(issued, dt.date) else dt.date.fromisoformat(str(issued))
    except ValueError:
        issued_day = None  # a bad date: load_ledger reports it
    day = max(first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first)), issued_day or dt.date.min)
    if isinstance(raw, dict):
        return {**raw, "disputed_on": day.isoformat()}
    return raw.model_copy(update={"disputed_on": day})


def _by_plain_id(raws: Any) -> dict[str, Any] | None:
    """id -> record of ``raws`` when every record is a dict whose id is a non-empty text (the
    usual pull: what the row-by-row loop of ``merge`` makes of them, a repeated id's last
    record at its first place); None otherwise (the loop decides)."""
    if not isinstance(raws, (list, tuple)) or not set(map(type, raws)) <= {dict}:
        return None
    ids: list[Any] = list(map(dict.get, raws, repeat("id")))
    if not set(map(type, ids)) <= {str} or "" in ids:
        return None
    return dict(zip(ids, raws, strict=True))


@with_gc_paused
def merge(company: dict[str, Any] | None, stored: Records, pull: PullResult, source: str,
          seen_on: dt.date | None = None) -> Merged:
    """Merge ``pull`` into ``stored`` (module docstring); ``seen_on``: the run's day, which dates
    dispute flags first seen in this pull (None: not dated)."""
    first_sync = not any(stored.get(name) for name in COLLECTION_NAMES)
    records = {name: dict(stored.get(name, {})) for name in COLLECTION_NAMES}
    counts = {name: len(records[name]) for name in COLLECTION_NAMES}
    upserts: dict[str, Collection[tuple[str, Any]]] = {}
    removed: dict[str, list[str]] = {}
    issues: list[Issue] = []
    for name in COLLECTION_NAMES:
        flag_days = name == "invoices" and seen_on is not None and not first_sync
        raws = pull.records.get(name, ())
        by_id = None if flag_days else _by_plain_id(raws)  # the usual pull, at once
        pulled: dict[str, Any] = {} if by_id is None else by_id
        for index, raw in enumerate(raws if by_id is None else ()):
            plain = type(raw) is dict  # the common case, without _record_id's and _field's calls
            rid = raw.get("id") if plain else _record_id(raw)
            if type(rid) is not str:
                rid = _record_id(raw)
            if rid is None or rid == "":
                issues.append(Issue(source=source, record_type=name.rstrip("s"), record_id=f"#{index + 1}",
                                    field="id", message="record without an id cannot be stored; left out"))
                continue
            if flag_days and (not plain or raw.get("disputed")):
                raw = _with_flag_day(raw, records[name].get(rid), seen_on)  # type: ignore[arg-type]
            pulled[rid] = raw
        gone = set(pull.deletions.get(name, ()))
        if (pull.complete or name in pull.complete_collections) and name not in pull.unidentified:
            kept = pull.rejected.get(name, frozenset())
            gone |= {rid for rid in records[name] if rid not in pulled and rid not in kept}
        gone = {rid for rid in gone if rid in records[name] and rid not in pulled}
        for rid in gone:
            del records[name][rid]
        if records[name]:
            records[name].update(pulled)
        else:  # nothing stored (a first sync): the pulled records are the collection, in their order
            records[name] = pulled
        before = stored.get(name) or {}
        if before:
            changed = [(rid, raw) for rid, raw in pulled.items() if not stored_as(raw, before.get(rid))]
            if changed:
                upserts[name] = changed
        elif pulled:  # nothing stored to compare with (a first sync): every pulled record is written, as
            upserts[name] = pulled.items()  # a view of them (no tuple per record held until the snapshot)
        if gone:
            removed[name] = sorted(gone)
    _keep_named_customers(records, removed, stored, set(pull.deletions.get("customers", ())))
    new_company = pull.records.get("company") or company
    return Merged(new_company, records, upserts, removed, tuple(issues), counts)
