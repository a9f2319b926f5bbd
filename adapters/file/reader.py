"""Read the rows of a CSV or XLSX export, selecting the mapped columns by header name.

``open_table`` decides how a file is read (encoding and delimiter, set or detected) and reads
its header; ``Table.rows`` yields the mapped cells of each row. Every problem with the file as
a whole is a ``MappingError`` naming it: no such file, empty, an encoding that does not read
it (with the row), a mapped column it does not have (with the columns it has), an export cut
short (its last row has fewer fields than the header and no line ending follows it, or a quoted
cell is still open at the end of the file: ``truncated``).

A CSV row with more or fewer fields than the header (an amount like 1,395.00 written without
quotes, a delimiter missing) cannot be read cell by cell: which cell went where is unknown. It
is yielded with the problem under the key ``MISFIT``, for the converters to reject it as a bad
row (``convert.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from .encoding import Encoding, EncodingUnknown, codec_name, detect_encoding
from .mapping import MappingError

Row = dict[str, Any]  # mapped field -> cell value (str, or date/number from XLSX)
DELIMITERS = (",", ";", "\t", "|")
_SHOWN = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# a line read after the file's last one: parsed as a row of its own when the file ends outside
# quotes, taken into the last cell when a quoted cell is still open there (private-use characters,
# no delimiter nor quote: no export has it)
_END = "\ue000arwatch: end of file\ue000"
MISFIT = "\x00misfit"  # in a Row whose field count is not the header's: what is wrong with it
_SHORTENED = 100  # a misfit row's text is shown up to this many characters


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def sniff_delimiter(line: str) -> str:
    """The most frequent of , ; tab | outside quotes in a header line (',' when none is)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Table:
    """One export file, how it is read, and its header.

    Attributes:
      encoding: the codec and why (None for a spreadsheet).
      delimiter: the CSV delimiter, set or sniffed (None for a spreadsheet).
      header: the column names of its header row, stripped ([] for an empty file).
      header_row: the header's row number: the first row with two values or more (a report's
        title lines above it are skipped).
      width: the fields of the header row as read, empty trailing ones included: what every
        row of a CSV file has (0 for a spreadsheet, whose rows are not checked).
    """

    path: Path
    encoding: Encoding | None
    delimiter: str | None
    sheet: str | None
    header: tuple[str, ...]
    header_row: int = 1
    width: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    def _raw(self) -> Generator[list[Any], None, None]:
        if self.encoding is None:
            yield from _sheet_rows(self.path, self.sheet)
            return
        line = 0
        try:
            with self.path.open(newline="", encoding=self.encoding.codec) as handle:
                for values in csv.reader(chain(handle, (_END,)), delimiter=self.delimiter or ","):
                    line += 1
                    if values and values[-1].endswith(_END):
                        if len(values) > 1 or values[0] != _END:  # taken into a quoted cell left open
                            raise MappingError(truncated(self.name, line, "has a quoted cell that is not closed "
                                                                          "before the end of the file"))
                        return
                    yield values
        except UnicodeDecodeError as error:
            raise MappingError(f"{self.name}: row {line + 1} is not {self.encoding.codec} (byte "
                               f"{error.object[error.start:error.start + 1]!r}): set encoding in the settings to the "
                               f"one the file was saved in (e.g. cp1252, utf-16), or to auto") from None
        except csv.Error as error:
            raise MappingError(f"{self.name}: row {line + 1} cannot be read as CSV: {error}") from None

    def has_data_rows(self) -> bool:
        """Whether a row after the header has a value (reads up to that row)."""
        rows = self._raw()
        try:
            for _ in range(self.header_row):
                next(rows, None)
            return any(any(str(v).strip() for v in values) for values in rows)
        finally:
            rows.close()

    def index(self, columns: dict[str, str]) -> dict[str, int]:
        """field -> position of its column; ``MappingError`` naming every column the file lacks."""
        missing = [(field, column) for field, column in columns.items() if column not in self.header]
        if missing:
            raise MappingError(missing_columns(self.name, missing, self.header))
        return {field: self.header.index(column) for field, column in columns.items()}

    def rows(self, columns: dict[str, str]) -> Iterator[tuple[int, Row]]:
        """(row number as a spreadsheet shows it, {field: value}); the header is row 1.
        ``MappingError`` at once when a column is missing."""
        return self._rows(self.index(columns))

    def _rows(self, index: dict[str, int]) -> Iterator[tuple[int, Row]]:
        width = len(self.header)
        fields = self.width if self.encoding is not None else 0  # a CSV row must have them all
        rows = self._raw()
        short: tuple[int, Row, int] | None = None  # a row with fewer fields, until a next row shows it is not the last
        try:
            for _ in range(self.header_row):
                next(rows, None)
            for number, values in enumerate(rows, start=self.header_row + 1):
                if short is not None:
                    yield short[:2]
                    short = None
                if not any(str(v).strip() for v in values):
                    continue
                if fields and len(values) != fields:
                    row = self._misfit(values, index, fields)
                    if len(values) < fields:
                        short = (number, row, len(values))
                    else:
                        yield number, row
                    continue
                if len(values) < width:
                    values = list(values) + [""] * (width - len(values))
                yield number, {field: values[i] for field, i in index.items()}
            if short is not None:
                if not self._ends_with_line_break():
                    raise MappingError(truncated(self.name, short[0], f"has {short[2]} of {fields} fields and the "
                                                                      f"file does not end with a line ending"))
                yield short[:2]
        finally:
            rows.close()

    def _misfit(self, values: list[Any], index: dict[str, int], fields: int) -> Row:
        """The cells of a row whose field count is not the header's, as their positions give them
        (they may belong to other columns), and what is wrong with it under ``MISFIT``."""
        row: Row = {field: values[i] if i < len(values) else "" for field, i in index.items()}
        delimiter = self.delimiter or ","
        text = delimiter.join('"' + v.replace('"', '""') + '"' if any(c in v for c in (delimiter, '"', "\n", "\r"))
                              else v for v in map(str, values))
        if len(text) > _SHORTENED:
            text = text[:_SHORTENED - 3] + "..."
        why = (f"a cell holding the delimiter {_SHOWN.get(delimiter, repr(delimiter))} must be in quotes, "
               f"e.g. an amount like \"1,395.00\"" if len(values) > fields else "a field is missing")
        row[MISFIT] = f"has {len(values)} fields where the header has {fields}: {text!r} ({why})"
        return row

    def _ends_with_line_break(self) -> bool:
        """Whether the file's last character is a line break (read again: only for a last row
        with fewer fields than the header)."""
        assert self.encoding is not None
        last = ""
        with self.path.open(newline="", encoding=self.encoding.codec) as handle:
            for block in iter(lambda: handle.read(1 << 20), ""):
                last = block[-1]
        return last in ("\n", "\r")

    def texts(self, columns: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
        """field -> ("row N, column 'C'", text) of its non-empty text cells (not the dates and
        numbers a spreadsheet stores as such): what a format is guessed from."""
        found: dict[str, list[tuple[str, str]]] = {field: [] for field in columns}
        for number, row in self.rows(columns):
            if MISFIT in row:
                continue  # its cells may belong to other columns
            for field, value in row.items():
                if isinstance(value, str) and value.strip():
                    found[field].append((f"row {number}, column {columns[field]!r}", value.strip()))
        return found

    def accented_sample(self) -> str:
        """The first cell with a character outside ASCII (to see that the encoding reads well)."""
        rows = self._raw()
        try:
            for number, values in enumerate(rows, start=1):
                for value in values:
                    if isinstance(value, str) and not value.isascii():
                        return f"{value.strip()!r} in row {number}"
                if number > 5000:
                    break
        finally:
            rows.close()
        return ""

    def how(self) -> str:
        """How the file is read, for the run's notes."""
        if self.encoding is None:
            return f"sheet {self.sheet!r}" if self.sheet else "first sheet"
        how = f"encoding {self.encoding.codec} ({self.encoding.how})"
        if self.encoding.detected and self.encoding.codec not in ("utf-8", "utf-8-sig", "ascii"):
            sample = self.accented_sample()
            if sample:
                how += f", e.g. {sample} (if that reads wrong, set encoding in the settings)"
        return how + f", delimiter {_SHOWN.get(self.delimiter or ',', repr(self.delimiter))}"


def truncated(name: str, row: int, what: str) -> str:
    """The error of an export cut short: nothing of it is used."""
    return f"{name}: row {row} {what}: the export looks cut short; nothing was changed"


def missing_columns(name: str, missing: list[tuple[str, str]], header: tuple[str, ...] | list[str]) -> str:
    """"x.csv: the file has no column 'Invoice No' (mapped as invoice_number); it has: Num, ..."."""
    parts = []
    for i, (field, column) in enumerate(missing):
        close = difflib.get_close_matches(column, list(header), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        parts.append(f"{column!r} ({'mapped as ' if i == 0 else ''}{field}{hint})")
    has = ", ".join(header) if header else "(no header row)"
    return f"{name}: the file has no column " + ", nor ".join(parts) + f"; it has: {has}"


def _sheet_rows(path: Path, sheet: str | None) -> Generator[list[Any], None, None]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise MappingError(f"{path.name}: not a readable .xlsx workbook ({type(error).__name__}: {error})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise MappingError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True):
            yield ["" if v is None else v for v in row]
    finally:
        book.close()


def _first_line(path: Path, codec: str) -> str:
    with path.open(newline="", encoding=codec, errors="replace") as handle:
        return handle.readline()


def open_table(path: Path, encoding: str = "auto", delimiter: str = "auto", sheet: str | None = None) -> Table:
    """``path`` opened as its settings say (``auto``: detected); ``MappingError`` if it cannot be."""
    if not path.exists():
        raise MappingError(f"{path}: no such file")
    if is_spreadsheet(path):
        table = Table(path, None, None, sheet, ())
    else:
        if encoding == "auto":
            try:
                enc = detect_encoding(path)
            except EncodingUnknown as error:
                raise MappingError(f"{path.name}: cannot tell its encoding ({error}): set encoding in the settings "
                                   f"(e.g. encoding = \"cp1252\" for a Windows export)") from None
        else:
            enc = Encoding(codec_name(encoding), "set in the settings")
        if delimiter == "auto":
            delimiter = sniff_delimiter(_first_line(path, enc.codec))
        table = Table(path, enc, delimiter, sheet, ())
    number, first = _header_of(table)
    header = tuple(str(h).strip().lstrip("\ufeff").strip() for h in first)
    while header and not header[-1]:
        header = header[:-1]
    return Table(table.path, table.encoding, table.delimiter, table.sheet, header, number,
                 len(first) if table.encoding is not None else 0)


def _header_of(table: Table, search: int = 30) -> tuple[int, list[Any]]:
    """(row number, values) of the header: the first row with two values or more within the
    first ``search`` rows, else the first row."""
    rows = table._raw()
    first: tuple[int, list[Any]] = (1, [])
    try:
        for number, values in enumerate(rows, start=1):
            if number == 1:
                first = (1, values)
            if sum(1 for v in values if str(v).strip()) >= 2:
                return number, values
            if number >= search:
                break
    finally:
        rows.close()
    return first


def has_data_rows(path: Path, delimiter: str = "auto", encoding: str = "auto", sheet: str | None = None) -> bool:
    """Whether the file has a row with a value after its header row (reads up to that row)."""
    return open_table(path, encoding, delimiter, sheet).has_data_rows()


def read_rows(path: Path, columns: dict[str, str], delimiter: str = "auto", encoding: str = "auto",
              sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """(row number as a spreadsheet shows it, {field: value}); the header is row 1.

    Raises ``MappingError`` naming the file and every mapped column it does not have.
    """
    return open_table(path, encoding, delimiter, sheet).rows(columns)


def as_text(value: Any) -> str:
    if type(value) is str:  # a CSV cell: the common case, first
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def as_date(value: Any, fmt: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(as_text(value), fmt).date()
