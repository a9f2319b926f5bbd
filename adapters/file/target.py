"""Write-back for sources that cannot be written into (a file export, the demo).

The target is what the sync engine records for the company (``WrittenRecords``: the state
store's written-state tables), plus an optional outbox folder:
``worklist.csv`` / ``worklist.json`` (every open flag, hold and task, rewritten after each run;
the CSV's text cells neutralised against formula injection, ``arwatch.core.cells``)
and ``changes.jsonl`` (one line per applied change; at-least-once: a run killed between the
line and the store commit writes the line again).
"""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring_ascii
from operator import methodcaller
from pathlib import Path
from typing import Any

from arwatch.core.actions import ApplyResult, Change, Flag, Hold, Task, WrittenState
from arwatch.core.cells import FORMULA_STARTS, safe_cell
from arwatch.core.contract import WrittenRecords

WORKLIST_COLUMNS = ("kind", "key", "customer_id", "what", "title", "due_date", "assignee", "why")


def _worklist_cells(item: Flag | Hold | Task) -> tuple[str, ...]:
    """The worklist row of ``item``, cell by cell in ``WORKLIST_COLUMNS`` order."""
    if isinstance(item, Flag):
        return ("flag", item.key, item.customer_id, f"{item.level} ({item.score:.0f}), {item.segment}", "", "", "",
                "; ".join(item.reasons))
    if isinstance(item, Hold):
        return ("hold", item.key, item.customer_id, item.rule, "", "", "", item.reason)
    return ("task", item.key, item.customer_id, item.step, item.title, item.due_date.isoformat(),
            item.assignee or "", item.rule)


_FORMULA = methodcaller("startswith", FORMULA_STARTS)


def _safe_rows(rows: list[tuple[str, ...]]) -> list[Sequence[Any]]:
    """``[[safe_cell(cell) for cell in row] for row in rows]`` (rows of texts, as
    ``_worklist_cells`` gives): a row none of whose cells starts as a formula would is kept as
    it is (one scan in C per row instead of a call per cell)."""
    starts = _FORMULA
    return [row if not any(map(starts, row)) else [safe_cell(cell) for cell in row] for row in rows]


#: a line's end in a file opened as text (``os.linesep``); a JSON line holds no other newline
_LINE_END = os.linesep.encode()
_DEL = b"\x7f"  # ASCII, yet escaped by json.dumps (as every character outside printable ASCII)
_PART = 1 << 20  # bytes of text decoded and escaped at a time (cut at a line's end)


def _escape_run(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: a run of characters ASCII cannot encode, escaped as ``json.dumps``
    escapes them (``\\u20ac``, a surrogate pair for a character beyond the BMP)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return encode_basestring_ascii(error.object[error.start:error.end])[1:-1], error.end


_ESCAPE_RUNS = "arwatch.json_ascii"
codecs.register_error(_ESCAPE_RUNS, _escape_run)


def _plain_float(value: float) -> bool:
    """Pydantic writes ``value`` in JSON as Python's ``repr`` does: finite, and 0 or between 1e-4 and
    1e16 in size (outside, one writes "1e-05", the other "1e-5")."""
    return value == 0 or 1e-4 <= abs(value) < 1e16


def _ascii(text: bytes) -> bytes:
    """``text`` (UTF-8 JSON) with every character outside printable ASCII escaped as ``json.dumps``
    escapes it. ASCII text (most of a worklist) is checked by two scans in C and returned as it
    is; otherwise the text is re-encoded a part at a time (cut after a newline: never inside a
    character), each part decoded and encoded to ASCII with ``_escape_run`` called once per run
    of characters outside it (the encoder's scan, in C; formerly a regular expression's, a few
    times slower), and DEL, which is ASCII, replaced after. Only a part is held as a Python
    string at a time."""
    if text.isascii() and _DEL not in text:
        return text
    parts, start, size = [], 0, len(text)
    while start < size:
        end = text.find(b"\n", start + _PART)
        end = size if end < 0 else end + 1
        parts.append(text[start:end].decode("utf-8").encode("ascii", _ESCAPE_RUNS))
        start = end
    escaped = b"".join(parts)
    return escaped.replace(_DEL, b"\\u007f") if _DEL in escaped else escaped


#: not in the worklist: the calls that told a credit hold are the hold notice's memory, not work
NOT_LISTED = frozenset({"told"})


def indented_json(written: WrittenState, exclude: frozenset[str] = frozenset()) -> bytes:
    """``json.dumps(written.model_dump(mode="json", exclude=exclude), indent=1)`` as ASCII
    bytes, byte for byte, a few times faster: pydantic's serializer lays the text out as ``json.dumps`` does (indent,
    separators, key order, short escapes of quotes, backslashes and control characters); what
    it writes as is in UTF-8, ``json.dumps`` escapes (every character outside printable ASCII,
    by ``json``'s own escaping); a score whose text would differ, or a text pydantic cannot
    write (a lone surrogate), sends the whole state through ``json.dumps``. Bytes throughout:
    the text of a large worklist is never held whole as a Python string as well."""
    try:
        if all(_plain_float(f.score) for f in written.flags):
            return _ascii(written.__pydantic_serializer__.to_json(written, indent=1, exclude=set(exclude) or None))
    except ValueError:  # pydantic_core.PydanticSerializationError
        pass
    return json.dumps(written.model_dump(mode="json", exclude=set(exclude) or None), indent=1).encode("ascii")


class StoreTarget:
    """read_written_state / apply / finish against the recorded state (and the outbox)."""

    #: changes per batch (read by the sync runner): applying a batch is one transaction of the
    #: state store and one fsync of the outbox's log, so a large batch costs little and a crash
    #: loses nothing (the journal's intents are settled on the next run); 50 a batch made a 1M-row
    #: first sync thousands of commits
    write_batch = 5000

    def __init__(self, records: WrittenRecords, outbox: Path | None = None):
        self.records, self.outbox = records, outbox

    def read_written_state(self) -> WrittenState:
        return self.records.state()

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        results = [ApplyResult(key=c.key, op=c.op, ok=True, external_id=c.key) for c in changes]
        # one transaction: the batch is recorded wholly or not at all, its log line written inside it
        self.records.record(list(zip(changes, results, strict=False)), lambda: self._log(changes))
        return results

    def _log(self, changes: Sequence[Change]) -> None:
        if self.outbox is None:
            return
        self.outbox.mkdir(parents=True, exist_ok=True)
        # each line ``change.model_dump_json(exclude_none=True)`` in UTF-8: its serializer's bytes as
        # they are (no decoding and encoding again), each line ended as a text file's (``_LINE_END``)
        lines = b"".join([change.__pydantic_serializer__.to_json(change, exclude_none=True) + b"\n"
                          for change in changes])
        with (self.outbox / "changes.jsonl").open("ab") as handle:
            handle.write(lines if _LINE_END == b"\n" else lines.replace(b"\n", _LINE_END))
            handle.flush()
            os.fsync(handle.fileno())

    def finish(self, written: WrittenState) -> None:
        if self.outbox is None:
            return
        self.outbox.mkdir(parents=True, exist_ok=True)
        items: list[Flag | Hold | Task] = [*written.flags, *written.holds, *written.tasks]
        with (self.outbox / "worklist.csv.tmp").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(WORKLIST_COLUMNS)
            writer.writerows(_safe_rows([_worklist_cells(i) for i in items]))
        os.replace(self.outbox / "worklist.csv.tmp", self.outbox / "worklist.csv")
        (self.outbox / "worklist.json.tmp").write_bytes(indented_json(written, NOT_LISTED))
        os.replace(self.outbox / "worklist.json.tmp", self.outbox / "worklist.json")
