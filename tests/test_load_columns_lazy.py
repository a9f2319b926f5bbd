"""``load_columns``: a table's columns made only when first read (``Columns``), ids checked distinct."""

from __future__ import annotations

import numpy as np

from arwatch.core.load_columns import Columns, Table


def test_columns__a_later_column_is_made_once_when_read_and_counted_before():
    made = []

    def make() -> np.ndarray:
        made.append(1)
        return np.array(["a", "b"], dtype=object)

    cols = Columns({"n": np.array([1, 2])}, {"text": make})
    assert "text" in cols and len(cols) == 2 and made == []
    assert cols.get("missing") is None and made == []
    assert cols["text"].tolist() == ["a", "b"] and cols["text"].tolist() == ["a", "b"]
    assert made == [1]
    cols2 = Columns({"n": np.array([1, 2])}, {"text": make})
    assert sorted(cols2) == ["n", "text"] and made == [1, 1]  # iterating makes them all


def test_columns__take_keeps_every_column():
    cols = Columns({"id": np.array(["x", "y", "z"], dtype=object)},
                   {"text": lambda: np.array(["1", "2", "3"], dtype=object)})
    table = Table(cols, n=3).take(np.array([True, False, True]))
    assert table.cols["text"].tolist() == ["1", "3"] and table.cols["id"].tolist() == ["x", "z"]


def test_distinct__ids_in_order_at_once_others_by_their_hash():
    import pyarrow as pa

    from arwatch.core.load_columns import _distinct

    assert _distinct(pa.array([], pa.string())) and _distinct(pa.array(["a"]))
    assert _distinct(pa.array(["A", "Z", "a", "e", "\u00e9"]))  # in order (of their UTF-8 bytes)
    assert _distinct(pa.array(["b", "a", "c"]))  # not in order: hashed
    assert not _distinct(pa.array(["a", "b", "b"]))  # in order but for one repeated
    assert not _distinct(pa.array(["b", "a", "b"]))
