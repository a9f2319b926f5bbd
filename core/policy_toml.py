"""Write a policy as commented TOML: the documented defaults file is generated from the models.

``default_policy.toml`` beside this module is ``policy_toml(Policy())``; a test keeps the two
equal, so the documentation of every default cannot drift from the code.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

from pydantic import BaseModel

HEADER = """\
# arwatch credit policy: every key with its default. Copy this file, change what your business
# does differently, and pass it with --policy (or set `policy` in the config file).
# Indicator ids are those of the README's "Warning signs" table; weights are 0..1, days are calendar days.
"""


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Enum):
        return json.dumps(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return "[" + ", ".join(_scalar(v) for v in items) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else json.dumps(name)


def _title(model: BaseModel, path: str) -> str:
    if path.startswith("indicators."):
        from .indicators import INDICATORS  # the registry names each indicator's warning sign

        titles = {ind.id: ind.title for ind in INDICATORS}
        return titles.get(path.split(".", 1)[1], "")
    return ((type(model).__doc__ or "").strip().splitlines() or [""])[0]


def _rows(value: Any) -> bool:
    """A tuple of models, or a dict of them: written as arrays of tables ([[path]])."""
    if isinstance(value, dict):
        return bool(value) and all(_rows(v) or v == () for v in value.values())
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, BaseModel) for v in value)


def _array_of_tables(value: Any, path: str, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, rows in value.items():
            if rows == ():
                out += ["", f"{path}.{_key(key)} = []"]
            _array_of_tables(rows, f"{path}.{_key(key)}", out)
        return
    for row in value:  # only the keys that differ from the row model's defaults (and required ones)
        out += ["", f"[[{path}]]"]
        for name, info in type(row).model_fields.items():
            if info.is_required() or getattr(row, name) != info.get_default(call_default_factory=True):
                out.append(f"{_key(name)} = {_scalar(getattr(row, name))}")


def _table(model: BaseModel, path: str, out: list[str]) -> None:
    fields = type(model).model_fields
    rows = [(n, f) for n, f in fields.items() if _rows(getattr(model, n))]
    scalars = [(n, f) for n, f in fields.items()
               if not isinstance(getattr(model, n), BaseModel) and (n, f) not in rows]
    tables = [(n, f) for n, f in fields.items() if isinstance(getattr(model, n), BaseModel)]
    if path and scalars:
        title = _title(model, path)
        out.append("")
        if title:
            out.append(f"# {title}")
        out.append(f"[{path}]")
    for name, info in scalars:
        if info.description:
            out.append(f"# {info.description}")
        out.append(f"{_key(name)} = {_scalar(getattr(model, name))}")
    for name, _ in tables:
        _table(getattr(model, name), f"{path}.{_key(name)}" if path else _key(name), out)
    for name, info in rows:
        sub = f"{path}.{_key(name)}" if path else _key(name)
        if info.description:
            out += ["", f"# {info.description}"]
        _array_of_tables(getattr(model, name), sub, out)


def policy_toml(policy: BaseModel) -> str:
    out: list[str] = [HEADER.rstrip("\n")]
    _table(policy, "", out)
    return "\n".join(out) + "\n"
