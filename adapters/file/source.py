"""``FileSource``: the SourceAdapter over CSV/XLSX exports (see ``mapping.py``)."""

from __future__ import annotations

import hashlib
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any

from arwatch.core.contract import Cursor, MassChange, PullResult, WrittenRecords
from arwatch.core.gcpause import with_gc_paused
from arwatch.core.issues import Issue

from . import dates, numbers
from .activities import convert_activities
from .bulk import bulk_invoices, bulk_payments
from .columns import Columns, hand_back, read_columns
from .convert import Formats, Rejected, convert_invoices, convert_orders, convert_payments
from .mapping import FileMapping, MappingError
from .netting import net
from .netting_screen import Named
from .reader import Table, open_table
from .target import StoreTarget

# the mapped fields whose cells are dates, and amounts, per file
DATE_FIELDS = frozenset({"invoice_date", "due_date", "settled_date", "payment_date", "order_date", "date"})
AMOUNT_FIELDS = frozenset({"amount", "paid_amount", "open_amount"})

_ALWAYS_MISSING = frozenset({"contacts", "contact_attempts", "payment_plans", "signals"})


def digest(paths: list[Path]) -> str:
    """A hash of the files' contents (unchanged files -> nothing to pull)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    return "sha256:" + h.hexdigest()


def stats(paths: list[Path]) -> str:
    """Each file's name, size and modification time (ns): what a rerun compares first."""
    return ",".join(f"{p.name}:{st.st_size}:{st.st_mtime_ns}" for p in paths for st in (p.stat(),))


def cursor_of(paths: list[Path], since: Cursor | None) -> str:
    """The cursor: the files' content hash, then ``|`` and their ``stats``. When the stats are
    those ``since`` recorded, the files are not read again and ``since`` is the cursor (a file
    rewritten within the same nanosecond tick with the same size is the one case this misses;
    ``--full`` reads it anyway)."""
    now = stats(paths)
    if since is not None and "|" in since and since.split("|", 1)[1] == now:
        return since
    return f"{digest(paths)}|{now}"


def same_content(since: Cursor | None, cursor: str) -> bool:
    """Whether ``cursor`` hashes the contents ``since`` did (a cursor written before the stats
    were added is the hash alone)."""
    return since is not None and since.split("|", 1)[0] == cursor.split("|", 1)[0]


def unavailable_for(mapping: FileMapping) -> frozenset[str]:
    """Data kinds a file export with this mapping cannot provide."""
    missing = set(_ALWAYS_MISSING)
    if not (mapping.payment_columns and mapping.payment_columns.payer_account):
        missing.add("payer_account")
    if not mapping.columns.disputed:
        missing.add("disputes")
    if mapping.orders is None:
        missing.add("orders")
    if mapping.activities is not None:  # the collectors' calls and promises are exported
        missing.discard("contact_attempts")
    return frozenset(missing)


def _distinct(texts: dict[str, list[tuple[str, str, int]]], fields: frozenset[str],
              ) -> tuple[list[tuple[str, str]], list[int]]:
    """The (where, text) of each distinct text of ``fields`` (where it first is, fields in
    order) and how many cells have it: a guess reads each text once and gives the same answer
    and the same first disagreement as on every cell."""
    first: dict[str, int] = {}
    values: list[tuple[str, str]] = []
    weights: list[int] = []
    for field, found in texts.items():
        if field not in fields:
            continue
        for where, text, count in found:
            i = first.get(text)
            if i is None:
                first[text] = len(values)
                values.append((where, text))
                weights.append(count)
            else:
                weights[i] += count
    return values, weights


def formats_of(table: Table, mapping: FileMapping, columns: dict[str, str], cols: Columns | None = None) -> Formats:
    """How ``table`` writes dates and amounts: as the settings say, or guessed from its cells
    (those of ``cols`` when the table was read into columns already)."""
    date_format, locale = mapping.date_format, None
    auto_dates, auto_numbers = date_format == dates.AUTO, mapping.number_format == numbers.AUTO
    wanted = {f: c for f, c in columns.items()
              if (auto_dates and f in DATE_FIELDS) or (auto_numbers and f in AMOUNT_FIELDS)}
    texts: dict[str, list[tuple[str, str, int]]] = {}
    if wanted and cols is None:
        texts = {f: [(where, text, 1) for where, text in found] for f, found in table.texts(wanted).items()}
    elif wanted and cols is not None:
        texts = cols.guess_texts(wanted)
    if auto_dates:
        try:
            guessed = dates.guess_pattern(*_distinct(texts, DATE_FIELDS))
        except dates.AmbiguousDates as error:
            raise MappingError(f"{table.name}: {error}: set date_format in the settings") from None
        date_format = guessed or "yyyy-mm-dd"
    if auto_numbers:
        try:
            locale = numbers.guess_locale(*_distinct(texts, AMOUNT_FIELDS))
        except numbers.AmbiguousNumbers as error:
            raise MappingError(f"{table.name}: {error}: set number_format in the settings") from None
    return Formats(date_format=date_format, locale=locale or numbers.locale_of(mapping.number_format),
                   date_guessed=auto_dates, number_guessed=auto_numbers)


def _table(path: Path, mapping: FileMapping, columns: dict[str, str], what: str) -> Table:
    table = open_table(path, mapping.encoding, mapping.delimiter, mapping.sheet)
    if not table.header:
        raise MappingError(f"{table.name}: the file is empty: expected a header row with the columns "
                           f"{', '.join(columns.values())} and a row per {what}")
    table.index(columns)  # every mapped column there, or say which are not
    return table


def _open(path: Path, mapping: FileMapping, columns: dict[str, str], what: str) -> tuple[Table, Formats, str]:
    table = _table(path, mapping, columns, what)
    formats = formats_of(table, mapping, columns)
    return table, formats, f"{table.name}: {table.how()}, {formats.how()}"


def _columns(path: Path, mapping: FileMapping, columns: dict[str, str], what: str,
             ) -> tuple[Columns, Table, Formats, str]:
    """The file read whole into columns (``columns.py``), its formats and its note."""
    table = _table(path, mapping, columns, what)
    cols = read_columns(table, columns)
    formats = formats_of(table, mapping, columns, cols)
    return cols, table, formats, f"{table.name}: {table.how()}, {formats.how()}"


def _by_id(invoices: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The invoices and credit notes by id."""
    return dict(zip(map(itemgetter("id"), invoices), invoices, strict=True))


def _invoices_only(by_id: dict[str, dict[str, Any]], invoices: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``by_id`` without its credit notes (what a payment row may name)."""
    ids = map(itemgetter("id"), invoices)
    notes = list(compress(ids, map("invoice".__ne__, map(itemgetter("kind"), invoices))))
    if not notes:
        return by_id
    only = by_id.copy()
    for note in notes:
        del only[note]
    return only


@with_gc_paused  # millions of records and no cycles: the collector would traverse the growing heap again and again
def read_mapped(mapping: FileMapping, company: str, rejected: Rejected | None = None, bulk: bool = True,
                ) -> tuple[dict[str, Any], list[Issue], list[str]]:
    """The mapped files as raw ledger records, an Issue per bad row (file, row, column) and a
    note per file saying how it was read (encoding, delimiter, date and number formats); the
    records of the bad rows are noted in ``rejected``.

    ``bulk``: invoices and payments read into columns and checked column by column
    (``bulk.py``); False reads and converts them a row at a time, the reference the bulk path
    is tested against (tests/test_file_bulk.py)."""
    m = mapping
    notes: list[str] = []
    columns = m.columns.mapped()
    settled = m.payments is None
    if bulk:
        cols, table, formats, note = _columns(m.invoices, m, columns, "invoice")
        by_id: dict[str, dict[str, Any]] = {}  # the invoices and credit notes by id, as they are kept
        records, issues, paid = bulk_invoices(cols, m, table.name, settled, rejected, formats, by_id)
        del cols
        hand_back()
    else:
        table, formats, note = _open(m.invoices, m, columns, "invoice")
        records, issues, paid = convert_invoices(table.rows(columns), m, table.name, settled, rejected, formats)
        by_id = _by_id(records["invoices"])
    notes.append(note)
    payments: list[dict[str, Any]] = []
    named: Named | None = None  # per payment, what its first row names and asks
    if m.payments is not None and m.payment_columns is not None:
        columns = m.payment_columns.mapped()
        invoices = _invoices_only(by_id, records["invoices"])
        if bulk:
            cols, table, formats, note = _columns(m.payments, m, columns, "payment")
            payments, found, named = bulk_payments(cols, m, table.name, invoices, rejected, formats)
            del cols
            hand_back()
        else:
            table, formats, note = _open(m.payments, m, columns, "payment")
            payments, found = convert_payments(table.rows(columns), m, table.name, invoices, rejected, formats)
        notes.append(note)
        issues += found
    # the payments were grouped by id (``PaymentBook``): no two share one
    records["payments"] = net(records["invoices"], payments, paid, by_id=by_id, named=named, unique=True)
    del by_id
    if m.orders is not None and m.order_columns is not None:
        columns = m.order_columns.mapped()
        table, formats, note = _open(m.orders, m, columns, "order")
        notes.append(note)
        known = {c["id"] for c in records["customers"]}
        records["orders"], new_customers, found = convert_orders(table.rows(columns), m, table.name, known,
                                                                 rejected, formats)
        records["customers"] += new_customers
        issues += found
    if m.activities is not None and m.activity_columns is not None:
        columns = m.activity_columns.mapped()
        table, formats, note = _open(m.activities, m, columns, "activity")
        notes.append(note)
        records["notes"], found = convert_activities(table.rows(columns), m, table.name, rejected, formats)
        issues += found
    records["company"] = {"id": company, "name": company, "currency": m.currency}
    return records, issues, notes


class FileSource(StoreTarget):
    """Pulls the mapped files; writes back into the recorded state and the outbox.

    ``notes``: how the last pull read each file (encoding, delimiter, date and number formats,
    set or guessed), for the run to print.
    """

    name = "file"

    def __init__(self, company: str, mapping: FileMapping, records: WrittenRecords):
        super().__init__(records, mapping.outbox)
        self.company, self.mapping = company, mapping
        self.unavailable = unavailable_for(mapping)
        self.notes: tuple[str, ...] = ()

    def _files(self) -> list[Path]:
        m = self.mapping
        return [p for p in (m.invoices, m.payments, m.orders, m.activities) if p is not None]

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        m = self.mapping
        for path in self._files():
            if not path.exists():
                raise MappingError(f"{path}: no such file")
        cursor = cursor_of(self._files(), since)
        if same_content(since, cursor) and not full:
            return PullResult(cursor=cursor)
        if m.complete and not open_table(m.invoices, m.encoding, m.delimiter, m.sheet).has_data_rows():
            raise MassChange(f"{m.invoices}: the export has no invoice rows (an empty file or only its header): "
                             f"refused, since a complete export without rows would remove every stored record "
                             f"and undo every flag, hold and task. Check the export and sync again")
        rejected = Rejected()
        records, issues, notes = read_mapped(m, self.company, rejected)
        self.notes = tuple(notes)
        return PullResult(records=records, cursor=cursor, complete=m.complete, issues=tuple(issues),
                          rejected={name: frozenset(ids) for name, ids in rejected.ids.items()},
                          unidentified=frozenset(rejected.unidentified))
