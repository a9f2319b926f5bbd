"""Raw records as plain JSON values: dates and Decimals as strings (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """``value`` with every date and Decimal inside it (dicts, lists, tuples) as a string, so a
    snapshot store or an RPC answer can carry it as JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, Decimal)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value
