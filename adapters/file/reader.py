"""Read the rows of a CSV or XLSX export, selecting the mapped columns by header name."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from .mapping import MappingError

Row = dict[str, Any]  # mapped field -> cell value (str, or date/number from XLSX)


def _raw_rows(path: Path, delimiter: str, encoding: str, sheet: str | None) -> Generator[list[Any], None, None]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            if sheet is not None and sheet not in book.sheetnames:
                raise MappingError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
            for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True):
                yield ["" if v is None else v for v in row]
        finally:
            book.close()
        return
    with path.open(newline="", encoding=encoding) as handle:
        yield from csv.reader(handle, delimiter=delimiter)


def has_data_rows(path: Path, delimiter: str = ",", encoding: str = "utf-8-sig", sheet: str | None = None) -> bool:
    """Whether the file has a row with a value after its header row (reads up to that row)."""
    rows = _raw_rows(path, delimiter, encoding, sheet)
    try:
        next(rows, None)
        return any(any(str(v).strip() for v in values) for values in rows)
    finally:
        rows.close()


def read_rows(path: Path, columns: dict[str, str], delimiter: str = ",", encoding: str = "utf-8-sig",
              sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """(row number as a spreadsheet shows it, {field: value}); the header is row 1.

    Raises ``MappingError`` naming the file and column when a mapped column is missing.
    """
    if not path.exists():
        raise MappingError(f"{path}: no such file")
    rows = _raw_rows(path, delimiter, encoding, sheet)
    header = [str(h).strip() for h in next(rows, [])]
    index = {}
    for field, column in columns.items():
        if column not in header:
            raise MappingError(f"{path.name}: column {column!r} (mapped as {field}) is not in the header; "
                               f"columns are: {', '.join(header) or '(none)'}")
        index[field] = header.index(column)
    width = len(header)
    for number, values in enumerate(rows, start=2):
        if not any(str(v).strip() for v in values):
            continue
        if len(values) < width:
            values = list(values) + [""] * (width - len(values))
        yield number, {field: values[i] for field, i in index.items()}


def as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def as_date(value: Any, fmt: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(as_text(value), fmt).date()
