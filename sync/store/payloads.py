"""Snapshot payloads: ``rows.dumps`` of each record, by one JSON encoder made once.

``json.dumps`` builds a new C encoder for every call (and a Python ``JSONEncoder`` around
it); a sync's millions of records share one here, made with ``dumps``'s settings (keys sorted,
the same separators, escapes and ``default``). Only the check for circular references is
left out: a record is a tree (read from a file, JSON or a model dump). The text is
``dumps(record)`` exactly, so a record's content hash is the same either way
(tests/test_store_payloads.py). Without the C encoder (not CPython) it is ``dumps`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from json import encoder as _json
from typing import Any

from .rows import _default, dumps


def _make() -> Callable[[Any], str]:
    make = getattr(_json, "c_make_encoder", None)
    if make is None:
        return dumps
    encode = make(None, _default, _json.encode_basestring_ascii, None, ":", ",", True, False, True)

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


payload_text = _make()


def payload_texts(raws: Sequence[Any]) -> list[str]:
    """``[dumps(raw) for raw in raws]``."""
    return list(map(payload_text, raws))
