"""Cells that are safe to open in a spreadsheet (OWASP's rule against CSV/formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@SUM(...)``,
``-2+3+cmd|...``); prefixed with a single quote it is shown as the text it is. Only text is
changed: a number written as a number (``-12.5``) stays a number. Every CSV or XLSX arwatch
writes passes its cells through ``safe_cell`` (or its rows through ``safe_row``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {column: safe_cell(value) for column, value in row.items()}
