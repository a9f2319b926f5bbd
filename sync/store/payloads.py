"""Snapshot payloads (``rows.dumps`` of each record) built a column at a time.

A sync's records share a few shapes (an export's invoices all have the same fields), so the
records of one shape are serialised together: each field's values become one list of JSON texts
(text through the JSON module's C string encoder, booleans and integers directly, a list of
records by the same function, anything else by ``dumps`` of the value alone), and each payload
is the fixed key texts joined with its values. The text is ``dumps(record)`` exactly (keys
sorted, the same separators and escapes), so a record's content hash is the same either way
(tests/test_store_payloads.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import repeat
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any

from .rows import dumps


def payload_texts(raws: Sequence[Any]) -> list[str]:
    """``[dumps(raw) for raw in raws]``, a shape of records at a time."""
    out: list[str] = [""] * len(raws)
    shapes: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, raw in enumerate(raws):
        if type(raw) is dict:
            shapes[tuple(raw)].append(i)
        else:
            out[i] = dumps(raw)
    for keys, indexes in shapes.items():
        if not all(type(k) is str for k in keys):
            for i in indexes:
                out[i] = dumps(raws[i])
            continue
        rows = [raws[i] for i in indexes]
        pieces: list[Any] = []
        for n, key in enumerate(sorted(keys)):
            pieces.append(repeat(("{" if n == 0 else ",") + encode_basestring_ascii(key) + ":"))
            pieces.append(_values(list(map(itemgetter(key), rows))))
        pieces.append(repeat("}"))
        texts = map("".join, zip(*pieces, strict=False)) if keys else repeat("{}")  # the repeats never end
        for i, text in zip(indexes, texts, strict=False):
            out[i] = text
    return out


def _values(values: list[Any]) -> list[str]:
    """The JSON text of each value, as ``dumps`` writes it inside a record."""
    types = set(map(type, values))
    if types <= {str}:
        return list(map(encode_basestring_ascii, values))
    if types <= {bool, type(None)}:
        return ["null" if v is None else "true" if v else "false" for v in values]
    if types <= {list}:
        texts = payload_texts([item for value in values for item in value])
        out, start = [], 0
        for value in values:
            out.append("[" + ",".join(texts[start:start + len(value)]) + "]")
            start += len(value)
        return out
    return [_value(v) for v in values]


def _value(value: Any) -> str:
    if type(value) is str:
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    return dumps(value)
