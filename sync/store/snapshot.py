"""The merged snapshot of a company's records and its pull cursor.

Records are upserted by (company, collection, id) and removed by deletions, so successive
incremental pulls accumulate history; the merged snapshot is what the scorer reads. Each row
keeps a hash of its payload: a record pulled again unchanged is not written again (most never
get here: ``merge`` leaves out those equal to their stored version, ``merge.stored_as``), and the
rest are written in bulk (``bulk.py``): the changed ones upserted, the new ones inserted.
Payloads are serialised by one JSON encoder (``payloads.py``), in the same pass as their hash
(``_rows``), and read back a part of the rows at a time (``_decode``; ``load_columns``, the
read of a stored frame, keeps the invoices' and payments' payloads as texts parsed into columns,
``core.load_payloads``, instead of a dict per record). A collection the
snapshot does not hold yet (a first sync) is streamed in: each row is made as the store takes
the ones before it (on PostgreSQL the server stores them meanwhile; on SQLite a second thread
makes them while SQLite inserts the part before, ``bulk.py``), and none is kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, and_, delete, select

from arwatch.core.gcpause import with_gc_paused
from arwatch.core.load_payloads import PayloadRecords, payload_records

from .bulk import bulk_insert, bulk_upsert
from .payloads import payload_text
from .rows import CHUNK, StoreTable, dumps, upsert
from .schema import companies, cursors, snapshot

Records = dict[str, dict[str, Any]]  # collection -> record id -> raw record
_COLUMNS = ("company", "collection", "record_id", "payload", "run_id", "content_hash")
_KEYS = ("company", "collection", "record_id")
_NEW = object()  # a record id the snapshot does not hold yet
Row = tuple[str, str, str, str, str, str]  # in the order of _COLUMNS
COLUMNAR = ("invoices", "payments")  # read into columns by ``load_columns``
SAVE_CHUNK = 50_000  # records of a stored collection serialised and compared at once (their texts: the memory)


def content_hash(payload: str) -> str:
    """A stored record's payload hash (128-bit BLAKE2b, hex)."""
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def _rows(company: str, collection: str, pairs: Iterable[tuple[str, Any]], run_id: str) -> Iterator[Row]:
    """The snapshot row of each (id, record): its payload (``payload_text``) and ``content_hash``
    of it, made in one pass as they are asked for."""
    text_of, blake2b = payload_text, hashlib.blake2b
    for record_id, raw in pairs:
        text = text_of(raw)
        yield company, collection, record_id, text, run_id, blake2b(text.encode(), digest_size=16).hexdigest()


def _decode(payloads: list[str]) -> list[Any]:
    """``[json.loads(p) for p in payloads]`` of payloads ``dumps`` wrote (each one JSON value),
    decoded as one JSON array: one call instead of one per record, and each key text made once
    for all the records (the decoder's memo) instead of once per record, which also makes the
    load's field look-ups cheaper. If the array does not read as one value per payload (a
    payload damaged in the store), each is read alone, and a bad one raises as ``json.loads``."""
    try:
        values = json.loads("[" + ",".join(payloads) + "]")
    except ValueError:
        values = None
    if type(values) is not list or len(values) != len(payloads):  # a bad payload, or one that is not one value
        return [json.loads(p) for p in payloads]
    return values


def _snapshot_parts(conn: Connection, company: str) -> Iterator[tuple[tuple[str, ...], tuple[str, ...],
                                                                      tuple[str, ...]]]:
    """The company's snapshot rows, ``CHUNK`` at a time, each part as its (collections,
    record ids, payloads), read through the driver's own cursor (SQLAlchemy's result rows, and a
    look-up per row of its collection's dict, were a fifth of the read's CPU time). PostgreSQL:
    a server-side cursor, so one part at a time is in memory (as ``yield_per`` did); SQLite
    steps its statement as the parts are fetched."""
    driver = conn.connection.driver_connection
    assert driver is not None
    table, columns = snapshot.name, "collection, record_id, payload"
    if conn.dialect.name == "postgresql":
        cursor = driver.cursor(name="arwatch_snapshot_read")
        cursor.itersize = CHUNK
        cursor.execute(f"SELECT {columns} FROM {table} WHERE company = %s", (company,))
    else:
        cursor = driver.cursor()
        cursor.execute(f"SELECT {columns} FROM {table} WHERE company = ?", (company,))
    try:
        while part := cursor.fetchmany(CHUNK):
            collections, ids, payloads = zip(*part, strict=True)
            del part
            yield collections, ids, payloads
    finally:
        cursor.close()


class SnapshotTable(StoreTable):

    @with_gc_paused  # a dict per record: see arwatch.core.gcpause
    def load(self, company: str) -> tuple[dict[str, Any] | None, Records]:
        """(company record or None, collection -> id -> raw record), the rows in the order the
        database returns them."""
        records: Records = {}
        with self.engine.connect() as conn:
            row = conn.execute(select(companies.c.payload).where(companies.c.company == company)).first()
            for collections, ids, payloads in _snapshot_parts(conn, company):
                values = _decode(list(payloads))
                if collections.count(collections[0]) == len(collections):  # one collection (the usual part)
                    records.setdefault(collections[0], {}).update(zip(ids, values, strict=True))
                    continue
                for collection, record_id, raw in zip(collections, ids, values, strict=True):
                    kept = records.get(collection)
                    if kept is None:
                        kept = records[collection] = {}
                    kept[record_id] = raw
        return (json.loads(row[0]) if row and row[0] else None), records

    @with_gc_paused  # a dict per small record
    def load_columns(self, company: str) -> tuple[dict[str, Any] | None, Records, dict[str, PayloadRecords]]:
        """``load`` but the invoices and payments as their payloads parsed into columns
        (``core.load_payloads``: no dict per record), for ``load_frame``: (company record or
        None, the other collections as ``load`` gives them, collection -> parsed payloads, for
        those the snapshot holds). The rows are read in ``load``'s order."""
        records: Records = {}
        texts: dict[str, list[str]] = {name: [] for name in COLUMNAR}
        with self.engine.connect() as conn:
            row = conn.execute(select(companies.c.payload).where(companies.c.company == company)).first()
            for collections, ids, payloads in _snapshot_parts(conn, company):
                first = collections[0]
                if first in texts and collections.count(first) == len(collections):  # the usual part
                    texts[first] += payloads
                    continue
                rest = []
                for collection, record_id, payload in zip(collections, ids, payloads, strict=True):
                    if collection in texts:
                        texts[collection].append(payload)
                    else:
                        rest.append((collection, record_id, payload))
                if rest:
                    values = _decode([p for _, _, p in rest])
                    for (collection, record_id, _), raw in zip(rest, values, strict=True):
                        records.setdefault(collection, {})[record_id] = raw
        parsed = {name: payload_records(found, name) for name, found in texts.items() if found}
        return (json.loads(row[0]) if row and row[0] else None), records, parsed

    @with_gc_paused  # a row tuple per record
    def save(self, conn: Connection, company: str, source: str, company_record: Mapping[str, Any] | None,
             upserts: Mapping[str, Iterable[tuple[str, Any]]], removed: Mapping[str, Iterable[str]],
             run_id: str) -> int:
        """Write the delta of a merge: upserted (id, record) pairs (those whose stored payload
        differs) and removed ids. Returns how many snapshot rows it wrote."""
        payload = dumps(company_record) if company_record else None
        upsert(conn, companies, [{"company": company, "source": source, "payload": payload,
                                  "created_at": self.now()}], ["company"])
        written = 0
        for collection, pairs in upserts.items():
            stored = self._hashes(conn, company, collection)
            if not stored:  # all new (a first sync): each row made as the store takes the ones before it
                written += bulk_insert(conn, snapshot, _COLUMNS, _rows(company, collection, pairs, run_id), _KEYS)
                continue
            pairs = list(pairs)
            for start in range(0, len(pairs), SAVE_CHUNK):  # the payloads of one chunk in memory at a time
                changed, new = [], []
                for row in _rows(company, collection, pairs[start:start + SAVE_CHUNK], run_id):
                    digest = stored.get(row[2], _NEW)
                    if digest is _NEW:
                        new.append(row)
                    elif digest != row[5]:
                        changed.append(row)
                bulk_upsert(conn, snapshot, _COLUMNS, changed, _KEYS)
                written += len(changed) + bulk_insert(conn, snapshot, _COLUMNS, new, _KEYS)
        for collection, ids in removed.items():
            ids = list(ids)
            for start in range(0, len(ids), CHUNK):
                conn.execute(delete(snapshot).where(and_(
                    snapshot.c.company == company, snapshot.c.collection == collection,
                    snapshot.c.record_id.in_(ids[start:start + CHUNK]))))
            written += len(ids)
        return written

    @staticmethod
    def _hashes(conn: Connection, company: str, collection: str) -> dict[str, str | None]:
        """record id -> content hash of the collection's stored rows (None: written before hashes)."""
        result = conn.execute(  # not conn.execution_options(): it would set them on the connection
            select(snapshot.c.record_id, snapshot.c.content_hash)
            .where(snapshot.c.company == company, snapshot.c.collection == collection))
        return {record_id: digest for record_id, digest in result}

    def cursor(self, company: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(cursors.c.cursor).where(cursors.c.company == company)).first()
        return row[0] if row else None

    def set_cursor(self, conn: Connection, company: str, cursor: str | None, run_id: str) -> None:
        upsert(conn, cursors, [{"company": company, "cursor": cursor, "run_id": run_id,
                                "updated_at": self.now()}], ["company"])
