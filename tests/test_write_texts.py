"""The write path's texts made the faster way are the texts the plain way made, byte for byte:
the journal's, mirror's and audit log's JSON (``rows.model_json`` against ``model_dump_json``),
the outbox's ``changes.jsonl`` lines and the worklist CSV's cells (``safe_cell`` on every cell).
``tests/test_write_golden.py`` pins whole syncs; these reach the texts it has no case of
(non-ASCII, quotes, lone surrogates, any float, every formula start, cells of every column)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arwatch.adapters.file.target import StoreTarget, _safe_rows, _worklist_cells
from arwatch.core.actions import ApplyResult, Change, Flag, Hold, Op, Task
from arwatch.core.cells import FORMULA_STARTS, safe_cell
from arwatch.sync.store.rows import model_json, texts_kept

_TEXT = st.text(alphabet=st.sampled_from(["a", "Z", "é", "€", "😀", '"', "\\", "\n", "\t", "\r", "=", "+", "-", "@",
                                          " ", "'", ",", "\x00", "\x7f", "\u2028"]), max_size=8)
_DAY = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
_FLAGS = st.builds(Flag, customer_id=_TEXT, level=_TEXT, segment=_TEXT, reasons=st.tuples(_TEXT, _TEXT),
                   as_of=_DAY, score=st.floats(allow_nan=False, allow_infinity=False)
                   | st.sampled_from([0.0, -0.0, 1e-5, 1e-4, 1e16, 1e15, 12.5, 99.99999999]))
_HOLDS = st.builds(Hold, customer_id=_TEXT, rule=_TEXT, reason=_TEXT, since=_DAY)
_TASKS = st.builds(Task, customer_id=_TEXT, step=_TEXT, cause=_TEXT, title=_TEXT, body=_TEXT, channel=_TEXT,
                   due_date=_DAY, assignee=st.none() | _TEXT, rule=_TEXT, evidence=st.lists(_TEXT, max_size=2)
                   .map(tuple), invoice_id=st.none() | _TEXT, needs_approval=st.booleans())
_ITEMS = st.one_of(_FLAGS, _HOLDS, _TASKS)


def _change(item: Flag | Hold | Task, before: Flag | Hold | Task | None, why: str) -> Change:
    field, op = {Flag: ("flag", Op.SET_FLAG), Hold: ("hold", Op.PLACE_HOLD), Task: ("task", Op.OPEN_TASK)}[type(item)]
    return Change(op=op, key=item.key, customer_id=item.customer_id, before=before, why=why, **{field: item})


_CHANGES = st.builds(_change, _ITEMS, st.none() | _ITEMS, _TEXT)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_ITEMS, _CHANGES))
def test_model_json__is_model_dump_json(model):
    assert model_json(model) == model.model_dump_json()


def test_model_json__a_lone_surrogate_fails_as_model_dump_json():
    flag = Flag(customer_id="C\ud800", level="low", score=1.0, segment="s", as_of=dt.date(2026, 1, 1))
    with pytest.raises(ValueError) as plain:
        flag.model_dump_json()
    with pytest.raises(type(plain.value)):
        model_json(flag)


class _Records:
    def __init__(self) -> None:
        self.recorded: list[tuple[Change, ApplyResult]] = []

    def state(self):  # pragma: no cover - not read here
        raise AssertionError

    def record(self, applied, then) -> None:
        self.recorded += applied
        then()


@settings(max_examples=40, deadline=None)
@given(st.lists(_CHANGES, max_size=6), st.lists(_CHANGES, max_size=3))
def test_changes_log__lines_are_model_dump_json_without_nones(tmp_path_factory, first, second):
    outbox = tmp_path_factory.mktemp("outbox")
    target = StoreTarget(_Records(), outbox)  # type: ignore[arg-type]
    target.apply(first)
    target.apply(second)
    expected = "".join(c.model_dump_json(exclude_none=True) + "\n" for c in [*first, *second])
    assert (outbox / "changes.jsonl").read_bytes() == expected.encode("utf-8")
    assert [json.loads(line) for line in expected.split("\n")[:-1]] == \
        [c.model_dump(mode="json", exclude_none=True) for c in [*first, *second]]


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(_ITEMS, max_size=8))
def test_worklist_rows__are_safe_cell_of_every_cell(items):
    cells = [_worklist_cells(i) for i in items]
    assert _csv(_safe_rows(cells)) == _csv([[safe_cell(c) for c in row] for row in cells])


def test_worklist_rows__a_formula_in_any_column_is_quoted_and_its_row_only():
    plain = ("flag", "flag:C1", "C1", "low (40), good", "", "", "", "aging")
    rows = [plain]
    for column in range(len(plain)):
        for start in FORMULA_STARTS:
            row = list(plain)
            row[column] = start + "1+2"
            rows.append(tuple(row))
    safe = _safe_rows(rows)
    assert safe[0] is plain
    assert [list(r) for r in safe] == [[safe_cell(c) for c in row] for row in rows]
    assert all(sum(c.startswith("'") for c in row) == 1 for row in safe[1:])


@settings(max_examples=60, deadline=None)
@given(_CHANGES)
def test_texts_kept__a_model_is_serialized_once_and_its_text_is_model_dump_json(change):
    item = change.flag or change.hold or change.task
    with texts_kept():
        first = model_json(item)
        again = model_json(item)  # the mirror's payload, then the audit log's after
        whole = model_json(change)
        twin = model_json(item.model_copy())  # an equal model of its own: its own text
    assert first is again
    assert first == item.model_dump_json() and whole == change.model_dump_json() and twin == first
    assert model_json(item) is not first  # made again once the block has ended


def test_texts_kept__a_text_is_never_another_models_even_where_ids_are_reused():
    with texts_kept():
        texts = [model_json(Hold(customer_id=f"C{i}", rule="r", reason="x", since=dt.date(2026, 1, 1)))
                 for i in range(200)]  # each model freed at once, were it not kept: its id free for the next
    assert texts == [f'{{"customer_id":"C{i}","rule":"r","reason":"x","since":"2026-01-01"}}' for i in range(200)]
