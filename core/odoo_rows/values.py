"""Reading Odoo's values as either caller gets them: over RPC (``[id, "name"]`` many2ones,
``False`` for empty, floats and ISO strings) or from SQL (ints, ``None``, ``Decimal``, dates).

A row that cannot be mapped raises ``Unmappable``; ``mapped`` turns that into an ``Issue`` naming
the Odoo model, the record id and the field, so one bad row never stops the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from arwatch.core.issues import Issue

SOURCE = "odoo"
Row = Mapping[str, Any]
Record = dict[str, Any]
CENT = Decimal("0.01")


class Unmappable(ValueError):
    """A row that cannot become a record: ``field`` is the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def m2o_id(value: Any) -> int | None:
    """Odoo many2one: ``[id, "name"]`` (RPC), an int (SQL or RPC), or ``False``/``None``."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value
    return None


def m2o_name(value: Any) -> str | None:
    """The display name of an RPC many2one, None for a bare id or an empty value."""
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else None


def day(value: Any) -> dt.date | None:
    """A date, a datetime, '2026-11-20' or '2026-11-20 08:00:00' -> a date; False/None -> None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def money(value: Any) -> Decimal:
    """A non-negative amount (Odoo's ``*_signed`` amounts are negative for credit notes).

    A ``Decimal`` (SQL ``numeric``) is exact and kept as stored; a float (RPC's JSON) is rounded
    to cents, which removes binary noise (and, for a currency of three decimals, the third)."""
    if isinstance(value, Decimal):
        return abs(value)
    return abs(Decimal(str(value or 0))).quantize(CENT)


def mapped(model: str, row: Row, build: Callable[[Row], Record | None], issues: list[Issue]) -> Record | None:
    """``build(row)``, or None plus an Issue naming model, id and field when it cannot be mapped."""
    try:
        return build(row)
    except Unmappable as error:
        issues.append(Issue(source=SOURCE, record_type=model, record_id=str(row.get("id")), field=error.field,
                            message=error.message))
    except (TypeError, ValueError, ArithmeticError) as error:
        issues.append(Issue(source=SOURCE, record_type=model, record_id=str(row.get("id")), field="",
                            message=f"cannot be read: {error}"))
    return None
