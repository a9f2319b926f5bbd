"""The mapped columns of an export read whole, a list per field: what the bulk checks work on.

A CSV file is read by pyarrow's CSV reader (multi-threaded C++, every cell as text, in the
encoding ``open_table`` decided), then each mapped column becomes one Python list of its cells.
The reader of ``reader.py`` (Python's ``csv`` module, a row at a time) stays the reference: a
file pyarrow does not read exactly as it would (title lines above the header, a row with more
or fewer cells than the header, bytes the encoding does not decode, a NUL byte, a quoted cell
still open at the end of the file) is read by it instead and turned into columns, so both give
the same cells, row numbers, misfit rows and errors. A spreadsheet is read row by row by
openpyxl (it has no columnar reader) and turned into columns.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .reader import MISFIT, Row, Table, as_text

_DEFINITELY_NOT_BLANK = "[0-9A-Za-z]"  # a cell with one of these is not blank (the rest is checked in Python)
# Python's whitespace (``str.isspace``: what ``str.strip`` takes off) as an RE2 class, and a cell
# that begins or ends with it (one whose ``strip`` is not the cell itself)
_SPACE = r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_EDGE_SPACE = f"^{_SPACE}|{_SPACE}$"
_SHARED_FROM = 1024  # a column of this many cells or more is read as its distinct cells when it repeats them


@dataclass(frozen=True)
class Columns:
    """The non-blank rows of one file, by column.

    Attributes:
      numbers: each row's number as a spreadsheet shows it (the header is row 1).
      cells: field -> its cells, as the row reader gives them (text for CSV; text, numbers,
        dates for a spreadsheet).
      all_text: every cell is a ``str`` (a CSV file).
      arrays: field -> the same cells as a pyarrow array, when pyarrow read the file.
      misfits: index -> what is wrong with the row, of each row whose field count is not the
        header's (``reader.MISFIT``): its cells may belong to other columns.
    """

    numbers: list[int]
    cells: dict[str, list[Any]]
    all_text: bool
    arrays: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)
    misfits: dict[int, str] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, i: int) -> Row:
        """Row ``i`` as the row reader gives it (field -> cell)."""
        row = {field: cells[i] for field, cells in self.cells.items()}
        if i in self.misfits:
            row[MISFIT] = self.misfits[i]
        return row

    def texts(self, field: str) -> list[str]:
        """The stripped text of every cell of ``field`` (``as_text``); "" for an unmapped field."""
        cells = self.cells.get(field)
        if cells is None:
            return [""] * len(self.numbers)
        if self.all_text:
            array = self.arrays.get(field)
            if array is not None and not _edge_space(array):
                return cells  # no cell has a space to take off: each is its own text
            return [value.strip() for value in cells]
        return [as_text(value) for value in cells]

    def coded(self, field: str) -> tuple[list[str], list[int]]:
        """The distinct texts of ``field`` (as ``texts`` gives them) and, per row, the index of
        its text among them: what is made of a cell can then be made once per distinct cell."""
        encoded = self.encoded(field)
        if encoded is not None:
            return encoded[0], encoded[2].tolist()
        index: dict[str, int] = {}
        codes = [index.setdefault(text, len(index)) for text in self.texts(field)]
        return list(index), codes

    def encoded(self, field: str) -> tuple[list[str], Any, Any] | None:
        """``coded`` of a column pyarrow read whose cells have no space to strip: the distinct
        texts as a list and as a pyarrow array, and the rows' indexes as a numpy array; None
        for any other column."""
        array = self.arrays.get(field) if self.all_text else None
        if array is None or _edge_space(array):
            return None
        whole = array.combine_chunks() if hasattr(array, "combine_chunks") else array
        encoded = whole.dictionary_encode()
        return encoded.dictionary.to_pylist(), encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)

    def guess_texts(self, columns: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
        """field -> ("row N, column 'C'", text, cells) of each distinct non-empty text cell
        (not the dates and numbers a spreadsheet stores as such), where it is first and how
        many cells of the field have it: what a format is guessed from."""
        found: dict[str, list[tuple[str, str, int]]] = {}
        misfits = {self.numbers[i] for i in self.misfits}  # their cells may belong to other columns
        for field, column in columns.items():
            counts: dict[str, int] = {}
            where: dict[str, int] = {}
            for number, value in zip(self.numbers, self.cells[field], strict=True):
                if misfits and number in misfits:
                    continue
                if isinstance(value, str):
                    text = value.strip()
                    if text:
                        if text in counts:
                            counts[text] += 1
                        else:
                            counts[text], where[text] = 1, number
            found[field] = [(f"row {where[text]}, column {column!r}", text, count) for text, count in counts.items()]
        return found


def from_rows(rows: Iterable[tuple[int, Row]], fields: Iterable[str]) -> Columns:
    """Columns of the rows the row reader yields."""
    numbers: list[int] = []
    cells: dict[str, list[Any]] = {field: [] for field in fields}
    misfits: dict[int, str] = {}
    lists = list(cells.items())
    for number, row in rows:
        if MISFIT in row:
            misfits[len(numbers)] = row[MISFIT]
        numbers.append(number)
        for field, column in lists:
            column.append(row[field])
    every = all(type(v) is str for column in cells.values() for v in column)
    return Columns(numbers, cells, every, misfits=misfits)


def read_columns(table: Table, columns: dict[str, str]) -> Columns:
    """The mapped columns of ``table`` (``MappingError`` as ``Table.rows`` when one is missing)."""
    index = table.index(columns)
    fast = _arrow_columns(table, index)
    return fast if fast is not None else from_rows(table.rows(columns), columns)


def _raw_header(table: Table) -> list[Any]:
    rows = table._raw()
    try:
        return next(rows, [])
    finally:
        rows.close()


def _arrow_columns(table: Table, index: dict[str, int]) -> Columns | None:
    """The columns read by pyarrow; None when the file is not one it reads as the row reader does."""
    if table.encoding is None or table.header_row != 1:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    header = _raw_header(table)
    width = len(header)
    if width < 2 or any("\n" in str(v) or "\r" in str(v) for v in header):
        return None  # pyarrow skips the header as a line, the row reader as a CSV record
    names = [f"c{i}" for i in range(width)]
    codec = table.encoding.codec
    try:
        data = pacsv.read_csv(
            table.path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           encoding="utf8" if codec == "utf-8" else codec),
            parse_options=pacsv.ParseOptions(delimiter=table.delimiter or ",", newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, UnicodeError, LookupError, ValueError):
        return None  # the row reader reads it, or says which row is wrong
    cols = [data.column(i) for i in range(width)]
    if any(pc.any(pc.match_substring(col, "\x00")).as_py() for col in cols):
        return None
    if data.num_rows and _open_at_end(table, cols[-1][-1].as_py()):
        return None  # the row reader says the export was cut short
    sure = pc.match_substring_regex(cols[0], _DEFINITELY_NOT_BLANK)
    for col in cols[1:]:
        sure = pc.or_(sure, pc.match_substring_regex(col, _DEFINITELY_NOT_BLANK))
    keep = sure.to_numpy(zero_copy_only=False)
    unsure = (~keep).nonzero()[0]
    if len(unsure):
        lists = [col.take(pa.array(unsure)).to_pylist() for col in cols]
        for k, i in enumerate(unsure):
            keep[i] = any(str(values[k]).strip() for values in lists)
    rows = keep.nonzero()[0]
    numbers = (rows + 2).tolist()
    every = len(rows) == data.num_rows
    taken = None if every else pa.array(rows)
    arrays = {field: cols[i] if taken is None else cols[i].take(taken) for field, i in index.items()}
    return Columns(numbers, {field: _pylist(array) for field, array in arrays.items()}, True, arrays)


def _open_at_end(table: Table, last: str) -> bool:
    """Whether the file may end inside a quoted cell, which pyarrow reads as ``last`` (the last
    row's last cell; an open cell before it would leave that row short of fields): the file then
    ends with a delimiter or line break, a quote and the cell (its quotes doubled), with no
    closing quote. True when the end of the file cannot be decoded on its own."""
    assert table.encoding is not None
    cell = '"' + last.replace('"', '""')
    tail = _tail(table, 4 * len(cell) + 64)
    return tail is None or any(tail.endswith(before + cell) for before in (table.delimiter or ",", "\n", "\r"))


def _tail(table: Table, size: int) -> str | None:
    """The text of about the last ``size`` bytes of the file (its first characters may be cut);
    None for a codec whose text cannot be read from the middle of the file."""
    assert table.encoding is not None
    codec = codecs.lookup(table.encoding.codec).name
    unit = 4 if codec.startswith("utf-32") else 2 if codec.startswith("utf-16") else 1
    if codec.startswith(("iso2022", "utf-7", "hz")):
        return None  # stateful: the bytes before say how the rest reads
    with table.path.open("rb") as handle:
        head = handle.read(4)
        end = handle.seek(0, 2)
        start = max(0, end - size)
        handle.seek(start - start % unit)
        data = handle.read()
    if codec in ("utf-16", "utf-32"):  # the byte order of the mark at the start (little-endian without one)
        big = head.startswith(codecs.BOM_UTF32_BE if unit == 4 else codecs.BOM_UTF16_BE)
        codec += "-be" if big else "-le"
    elif codec == "utf-8-sig":
        codec = "utf-8"
    return data.decode(codec, errors="replace")


def hand_back() -> None:
    """Hand the memory pyarrow's pool kept from columns no longer used back to the system (the
    pool keeps what is freed otherwise: about 100 MB after reading a million rows)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _edge_space(array: Any) -> bool:
    """Whether a cell of ``array`` begins or ends with whitespace."""
    import pyarrow.compute as pc

    return bool(pc.any(pc.match_substring_regex(array, _EDGE_SPACE)).as_py())


def _pylist(array: Any) -> list[str]:
    """The cells of ``array`` (pyarrow strings) as a list of ``str``. A column that repeats its
    cells (dates, currencies, customers) is read as its distinct cells, each one ``str`` that
    all its cells share: less memory, and fewer strings made."""
    if len(array) >= _SHARED_FROM:
        import numpy as np

        whole = array.combine_chunks() if hasattr(array, "combine_chunks") else array
        encoded = whole.dictionary_encode()
        if 2 * len(encoded.dictionary) <= len(whole):
            distinct = np.empty(len(encoded.dictionary), dtype=object)
            distinct[:] = encoded.dictionary.to_pylist()
            shared: list[str] = distinct[encoded.indices.to_numpy(zero_copy_only=False)].tolist()
            return shared
    cells: list[str] = array.to_pylist()
    return cells
