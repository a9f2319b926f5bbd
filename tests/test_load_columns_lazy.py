"""``load_columns.Columns``: a table's columns, some made only when first read."""

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
