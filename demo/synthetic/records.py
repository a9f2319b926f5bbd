"""Records for the synthetic book, fast: model instances built without validation (the
``model_construct`` route, only quicker), or plain JSON-able dicts to be validated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
from pydantic import BaseModel

from arwatch.core.model import (
    Allocation,
    Contact,
    ContactAttempt,
    Customer,
    Dispute,
    Instalment,
    Invoice,
    Payment,
    PaymentPlan,
    Signal,
)


def maker(cls: type[BaseModel]) -> Any:
    """A constructor that skips validation, like ``cls.model_construct`` but cheaper per call."""
    defaults = {name: f.get_default(call_default_factory=True)
                for name, f in cls.model_fields.items() if not f.is_required()}
    new = cls.__new__
    put = object.__setattr__
    sets: dict[tuple[str, ...], set[str]] = {}  # one fields-set per key pattern (frozen models)

    def make(values: dict[str, Any]) -> Any:
        obj = new(cls)
        fields = dict(defaults)
        fields.update(values)
        keys = tuple(values)
        fields_set = sets.get(keys)
        if fields_set is None:
            fields_set = sets[keys] = set(keys)
        put(obj, "__dict__", fields)
        put(obj, "__pydantic_fields_set__", fields_set)
        put(obj, "__pydantic_extra__", None)
        put(obj, "__pydantic_private__", None)
        return obj

    return make


def plain(value: Any) -> Any:
    """``value`` as JSON-able data: ISO dates, amounts as text, enums as their values."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


class Records:
    """Produces either model instances (fast) or plain dicts (``plain``) for each record."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        self.makers: dict[type[BaseModel], Any] = {
            cls: maker(cls) for cls in (Allocation, Contact, Customer, Invoice, Payment, Dispute, ContactAttempt,
                                        Instalment, PaymentPlan, Signal)}

    def __call__(self, cls: type[BaseModel], values: dict[str, Any]) -> Any:
        return plain(values) if self.plain else self.makers[cls](values)

    def many(self, items: list[Any]) -> Any:
        """A nested collection: a list when plain, else a tuple (as the models hold them)."""
        return items if self.plain else tuple(items)


def amounts(cents: np.ndarray) -> list[Decimal]:
    """Integer cents as ``Decimal`` amounts."""
    return [Decimal(c).scaleb(-2) for c in cents.tolist()]
