"""The report's tables as typed rows, for ``arwatch export`` (CSV or XLSX, one sheet each):
A/R aging by customer, the ranked risks, today's worklist.

Each column has a kind (text, money, date, integer, number, yes/no) so a writer can give the
cell its type: money stays a ``Decimal`` with its currency in a column of its own, dates stay
dates. Text cells are passed through ``arwatch.core.cells.safe_row`` (formula-like text gets
a leading quote), numbers never are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from arwatch.core import wording
from arwatch.core.actions import DesiredState
from arwatch.core.cells import safe_row
from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.holds import hold_words
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard

from .aging import BUCKET_NAMES, InvoiceCurrencies, aging_by_customer
from .details import plain
from .figures import risk_rows
from .style import cents as _cents

Kind = Literal["text", "money", "date", "integer", "number", "yes/no"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Sheet:
    """One table: ``rows`` hold one value per column (None for an empty cell)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    currency_column: str | None = "currency"  # the column naming each row's currency (money cells)

    def records(self) -> list[dict[str, Any]]:
        """The rows as column -> value, text made safe to open in a spreadsheet."""
        names = [c.name for c in self.columns]
        return [safe_row(dict(zip(names, row, strict=True))) for row in self.rows]



def aging_sheet(board: ScoreBoard, currencies: InvoiceCurrencies | None = None) -> Sheet:
    """Per currency, per customer with an open balance: the buckets and the total, then a total row."""
    columns = (Column("customer_id"), Column("customer"), Column("currency"),
               *(Column(name, "money") for name in BUCKET_NAMES), Column("total", "money"))
    rows: list[tuple[Any, ...]] = []
    for table in aging_by_customer(board.frame, currencies):
        rows += [(r.customer_id, r.name, table.currency, *r.buckets, r.total) for r in table.rows]
        rows.append(("", "Total", table.currency, *table.totals, table.total))
    return Sheet("Aging", columns, tuple(rows))


def risks_sheet(board: ScoreBoard, desired: DesiredState, locale: str = DEFAULT_LOCALE,
                carried: frozenset[str] = frozenset()) -> Sheet:
    """Every customer, riskiest first, with money, the next step and the reasons in words (their
    days and amounts in ``locale``; ``carried``: the calls the call list carries over to tomorrow)."""
    columns = (Column("rank", "integer"), Column("customer_id"), Column("customer"), Column("score", "number"),
               Column("level"), Column("segment"), Column("currency"), Column("exposure", "money"),
               Column("overdue", "money"), Column("oldest_days_late", "integer"), Column("on_credit_hold", "yes/no"),
               Column("next_step"), Column("reasons"))
    currency = board.frame.currency
    rows = []
    for rank, r in enumerate(risk_rows(board, desired, carried), 1):
        explained = board.customer(r.index, locale)
        reasons = "; ".join(wording.reason(x.indicator, plain(x.evidence)) for x in explained.reasons)
        rows.append((rank, r.customer_id, r.name, r.score, r.level, wording.segment_words(r.segment), currency,
                     _cents(r.open), _cents(r.overdue), r.oldest_days_past_due, r.on_hold, r.next_step, reasons))
    return Sheet("Risks", columns, tuple(rows))


def worklist_sheet(board: ScoreBoard, desired: DesiredState, hold_now: Mapping[str, str] | None = None) -> Sheet:
    """Every planned task (due first, then customer), and the credit holds as tasks of their own kind
    (due: the day placed), each with ``hold_now``'s words when given (as of the board's day, as
    ``arwatch plan`` shows them), else the words it was placed with."""
    names = {str(c): str(n) for c, n in zip(board.frame.c_id, board.frame.c_name, strict=True)}
    columns = (Column("due", "date"), Column("customer_id"), Column("customer"), Column("kind"), Column("step"),
               Column("channel"), Column("title"), Column("assignee"), Column("needs_approval", "yes/no"),
               Column("text"))
    rows: list[tuple[Any, ...]] = []
    for t in sorted(desired.tasks, key=lambda t: (t.due_date, t.customer_id, t.step, t.cause)):
        rows.append((t.due_date, t.customer_id, names.get(t.customer_id, t.customer_id), "task",
                     wording.step_words(t.step), t.channel, plain(t.title), t.assignee or "", t.needs_approval, t.body))
    for h in sorted(desired.holds, key=lambda h: h.customer_id):
        rows.append((h.since, h.customer_id, names.get(h.customer_id, h.customer_id), "credit hold", "credit hold",
                     "", f"On credit hold: {plain((hold_now or {}).get(h.customer_id, h.reason))}", "", False, ""))
    return Sheet("Worklist", columns, tuple(rows), currency_column=None)


def export_sheets(board: ScoreBoard, desired: DesiredState, currencies: InvoiceCurrencies | None = None,
                  locale: str = DEFAULT_LOCALE, carried: frozenset[str] = frozenset(),
                  policy: Policy | None = None) -> tuple[Sheet, ...]:
    """``policy``: the one planned with, for the holds' words as of the board's day."""
    now = hold_words(board, policy, desired.holds, locale) if policy is not None else None
    return (aging_sheet(board, currencies), risks_sheet(board, desired, locale, carried),
            worklist_sheet(board, desired, now))


def csv_value(value: Any) -> Any:
    """A cell for CSV: dates ISO, yes/no as such, money as its plain decimal."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
