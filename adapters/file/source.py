"""``FileSource``: the SourceAdapter over CSV/XLSX exports (see ``mapping.py``)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from arwatch.core.contract import Cursor, MassChange, PullResult, WrittenRecords
from arwatch.core.issues import Issue

from .convert import Rejected, convert_invoices, convert_orders, convert_payments
from .mapping import FileMapping, MappingError
from .reader import has_data_rows, read_rows
from .target import StoreTarget

_ALWAYS_MISSING = frozenset({"contacts", "contact_attempts", "payment_plans", "signals"})


def digest(paths: list[Path]) -> str:
    """The cursor: a hash of the files' contents (unchanged files -> nothing to pull)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    return "sha256:" + h.hexdigest()


def unavailable_for(mapping: FileMapping) -> frozenset[str]:
    """Data kinds a file export with this mapping cannot provide."""
    missing = set(_ALWAYS_MISSING)
    if not (mapping.payment_columns and mapping.payment_columns.payer_account):
        missing.add("payer_account")
    if not mapping.columns.disputed:
        missing.add("disputes")
    if mapping.orders is None:
        missing.add("orders")
    return frozenset(missing)


def read_mapped(mapping: FileMapping, company: str,
                rejected: Rejected | None = None) -> tuple[dict[str, Any], list[Issue]]:
    """The mapped files as raw ledger records, plus an Issue per bad row (file, row, column);
    the records of the bad rows are noted in ``rejected``."""
    m = mapping
    rows = read_rows(m.invoices, m.columns.mapped(), m.delimiter, m.encoding, m.sheet)
    records, issues = convert_invoices(rows, m, m.invoices.name, settled_payments=m.payments is None,
                                       rejected=rejected)
    if m.payments is not None and m.payment_columns is not None:
        rows = read_rows(m.payments, m.payment_columns.mapped(), m.delimiter, m.encoding, m.sheet)
        invoices = {inv["id"]: inv for inv in records["invoices"]}
        records["payments"], found = convert_payments(rows, m, m.payments.name, invoices, rejected)
        issues += found
    if m.orders is not None and m.order_columns is not None:
        rows = read_rows(m.orders, m.order_columns.mapped(), m.delimiter, m.encoding, m.sheet)
        known = {c["id"] for c in records["customers"]}
        records["orders"], new_customers, found = convert_orders(rows, m, m.orders.name, known, rejected)
        records["customers"] += new_customers
        issues += found
    records["company"] = {"id": company, "name": company, "currency": m.currency}
    return records, issues


class FileSource(StoreTarget):
    """Pulls the mapped files; writes back into the recorded state and the outbox."""

    name = "file"

    def __init__(self, company: str, mapping: FileMapping, records: WrittenRecords):
        super().__init__(records, mapping.outbox)
        self.company, self.mapping = company, mapping
        self.unavailable = unavailable_for(mapping)

    def _files(self) -> list[Path]:
        return [p for p in (self.mapping.invoices, self.mapping.payments, self.mapping.orders) if p is not None]

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        m = self.mapping
        for path in self._files():
            if not path.exists():
                raise MappingError(f"{path}: no such file")
        cursor = digest(self._files())
        if since == cursor and not full:
            return PullResult(cursor=cursor)
        if m.complete and not has_data_rows(m.invoices, m.delimiter, m.encoding, m.sheet):
            raise MassChange(f"{m.invoices}: the export has no invoice rows (an empty file or only its header): "
                             f"refused, since a complete export without rows would remove every stored record "
                             f"and undo every flag, hold and task. Check the export and sync again")
        rejected = Rejected()
        records, issues = read_mapped(m, self.company, rejected)
        return PullResult(records=records, cursor=cursor, complete=m.complete, issues=tuple(issues),
                          rejected={name: frozenset(ids) for name, ids in rejected.ids.items()},
                          unidentified=frozenset(rejected.unidentified))
