"""QuickBooks query strings, built by pure functions (tested as strings).

The query language has no OR, JOIN or projection; ``MAXRESULTS`` is at most 1000 and
``STARTPOSITION`` counts from 1. Name lists (Customer, Term) hide inactive rows unless the
query says ``Active IN (true,false)``. Values are quoted with ``'`` and a quote inside a value
is escaped with a backslash, as Intuit documents (``Name = 'Dave\\'s Shop'``).
"""

from __future__ import annotations

from collections.abc import Iterable

PAGE_SIZE = 1000
ALL_ACTIVE = "Active IN (true,false)"
CURSOR_FIELD = "MetaData.LastUpdatedTime"


def quote(value: str) -> str:
    """A string literal: backslashes and single quotes escaped."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def where(*conditions: str | None) -> str:
    kept = [c for c in conditions if c]
    return (" WHERE " + " AND ".join(kept)) if kept else ""


def page_clause(start: int, size: int = PAGE_SIZE) -> str:
    if start < 1:
        raise ValueError("STARTPOSITION counts from 1")
    if not 1 <= size <= PAGE_SIZE:
        raise ValueError(f"MAXRESULTS must be 1..{PAGE_SIZE}")
    return f" STARTPOSITION {start} MAXRESULTS {size}"


def select_page(entity: str, start: int, *, condition: str | None = None,
                order_by: str = "Id", size: int = PAGE_SIZE) -> str:
    """``SELECT * FROM entity [WHERE ...] ORDERBY ... STARTPOSITION n MAXRESULTS size``."""
    return (f"SELECT * FROM {entity}{where(condition)} ORDERBY {order_by}"
            + page_clause(start, size))


def changed_since(entity: str, since: str, start: int, *, condition: str | None = None,
                  size: int = PAGE_SIZE) -> str:
    """Rows of ``entity`` updated at or after ``since``, oldest first (a bookmark query)."""
    return select_page(entity, start, condition=where_and(condition,
                                                          f"{CURSOR_FIELD} >= {quote(since)}"),
                       order_by=CURSOR_FIELD, size=size)


def where_and(*conditions: str | None) -> str | None:
    kept = [c for c in conditions if c]
    return " AND ".join(kept) if kept else None


def by_ids(entity: str, ids: Iterable[str], *, condition: str | None = None) -> str:
    """Up to 1000 rows of ``entity`` by Id (``Id IN ('1','2')``)."""
    ids = list(dict.fromkeys(str(i) for i in ids))
    if not ids:
        raise ValueError("by_ids needs at least one Id")
    if len(ids) > PAGE_SIZE:
        raise ValueError(f"at most {PAGE_SIZE} Ids per query")
    in_list = ",".join(quote(i) for i in ids)
    return (f"SELECT * FROM {entity}{where(condition, f'Id IN ({in_list})')}"
            + page_clause(1, PAGE_SIZE))


def by_name(entity: str, name: str, *, name_field: str = "Name") -> str:
    """A name-list row by exact name, inactive ones included."""
    return f"SELECT * FROM {entity}{where(ALL_ACTIVE, f'{name_field} = {quote(name)}')}"
