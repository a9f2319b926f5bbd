"""``load_frame`` against ``load_ledger`` + ``LedgerFrame.from_ledger``: the same frame (every
array, dtype and value), the same issues in the same order, the same scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.load_frame import load_frame
from arwatch.core.scoring import score


def assert_frames_equal(mine: LedgerFrame, theirs: LedgerFrame) -> None:
    for field in dataclasses.fields(LedgerFrame):
        a, b = getattr(mine, field.name), getattr(theirs, field.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, (field.name, a.dtype, b.dtype)
            if b.dtype == object:
                assert a.tolist() == b.tolist(), field.name
            else:
                assert np.array_equal(a, b, equal_nan=b.dtype.kind == "f"), field.name
        elif field.name != "extra":
            assert a == b, field.name


def assert_same_load(data: dict[str, Any], as_of: dt.date | None = None, source: str = "file",
                     unavailable: tuple[str, ...] = ()) -> LedgerFrame:
    """Load ``data`` both ways and compare; the frame."""
    ledger, issues = load_ledger(data, source=source, unavailable=unavailable)
    theirs = LedgerFrame.from_ledger(ledger, as_of)
    mine, my_issues = load_frame(data, source=source, unavailable=unavailable, as_of=as_of)
    assert [i.model_dump() for i in my_issues] == [i.model_dump() for i in issues]
    assert_frames_equal(mine, theirs)
    if as_of is not None and len(theirs.c_id):
        a, b = score(mine), score(theirs)
        assert a.score.tolist() == b.score.tolist()
        assert a.level.tolist() == b.level.tolist()
        assert a.segment.tolist() == b.segment.tolist()
    return mine
