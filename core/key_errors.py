"""A key of a user's file (the configuration, a policy) that pydantic refused, said so that the
user can fix it: an unknown key is named with the keys known at that place and the closest one
("unknown key 'state'; did you mean 'state_url'?") instead of pydantic's "Extra inputs are not
permitted"; a missing one says it is required."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

ErrorDetails = typing.Mapping[str, Any]


def key_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top)"


def _models_in(annotation: Any) -> list[Any]:
    """The annotation itself and, for an optional, a list or a dict, the types it holds."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    if origin is dict:
        return [("each", typing.get_args(annotation)[1])]
    return [annotation]


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields are allowed at ``loc`` (None when it is not a model: a free table)."""
    current: Any = root
    parts = list(loc)
    while parts:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(parts.pop(0)))
        if field is None:
            return None
        found = None
        for candidate in _models_in(field.annotation):
            if isinstance(candidate, tuple):  # a dict: the next part is its key
                if parts:
                    parts.pop(0)
                    found = candidate[1]
            elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found = candidate
        if found is None:
            return None
        current = found
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def reason(err: ErrorDetails, root: type[BaseModel], hidden: frozenset[str] = frozenset()) -> str:
    """What is wrong, for one of pydantic's ``errors()`` of validating ``root``; fields in
    ``hidden`` (internal ones) are never offered as known keys."""
    loc = tuple(err["loc"])
    if err["type"] == "missing":
        return "missing: this key is required"
    if err["type"] != "extra_forbidden" or not loc:
        return str(err["msg"]).removeprefix("Value error, ")
    model = _model_at(root, loc[:-1])
    unknown = str(loc[-1])
    if model is None:
        return f"unknown key {unknown!r}"
    known = sorted(name for name in model.model_fields if name not in hidden)
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.75)
    if not close:
        close = [name for name in known if name.startswith(unknown) or unknown.startswith(name)][:1]
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {unknown!r}{hint} (known here: {', '.join(known)})"


def describe(err: ErrorDetails, root: type[BaseModel], hidden: frozenset[str] = frozenset()) -> str:
    """``key: what is wrong`` (see ``reason``)."""
    return f"{key_path(tuple(err['loc']))}: {reason(err, root, hidden)}"


def settings_message(company: str, error: ValidationError, model: type[BaseModel]) -> str:
    """Every key of company ``company``'s ``settings`` that ``model`` refused, one after the other
    (a misspelt key is often also a missing one: both are named, with the one probably meant)."""
    return "; ".join(f"companies.{company}.settings.{describe(err, model)}"
                     for err in error.errors(include_url=False))
