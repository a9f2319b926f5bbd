"""The numbers a bookkeeper reads first: per customer exposure, overdue and oldest days past due;
for the company open A/R, overdue and its share, exposure at high risk, credit holds, and days
sales outstanding (DSO) by two methods.

Everything is in the company's currency (the frame's), as of the frame's day, from the core's
settlement of each invoice (payments and credit notes up to that day; a bounced payment settles
nothing), so the figures agree with the scores.

DSO, both read as "how many days of sales are still unpaid":

- **countback**: walk back month by month from the as-of day (its own month up to that day
  first), taking each month's invoiced amount off the open A/R; the days of every month fully
  covered count whole, the month where the A/R runs out counts pro rata. Follows a seasonal
  business closely.
- **simple**: open A/R / invoiced in the last 90 days x 90.

"Invoiced" is the invoices' totals (credit notes are not sales).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from arwatch.core.actions import DesiredState, Task
from arwatch.core.columnar import group_max, group_sum
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import LEVELS
from arwatch.core.scoring import ScoreBoard
from arwatch.core.segments import SEGMENTS
from arwatch.core.settlement import settlement
from arwatch.core.wording import step_words

SIMPLE_DSO_DAYS = 90
COUNTBACK_MONTHS = 24  # at most this many months back (a DSO beyond it is shown as at least that)
HIGH_RISK = frozenset({"high", "critical"})



@dataclass(frozen=True)
class Balances:
    """Per customer arrays (index = the frame's customer index), company currency."""

    open: np.ndarray
    overdue: np.ndarray
    oldest_days_past_due: np.ndarray  # 0 when nothing is overdue


def balances(frame: LedgerFrame) -> Balances:
    st = settlement(frame)
    n = frame.n_customers
    rows = np.flatnonzero(st.is_open)
    dpd = (frame.as_of_day - frame.i_due[rows]).astype(np.int64)
    cust = frame.i_cust[rows]
    residual = st.residual[rows]
    return Balances(
        open=group_sum(cust, residual, n),
        overdue=group_sum(cust, np.where(dpd > 0, residual, 0.0), n),
        oldest_days_past_due=np.maximum(group_max(cust, dpd, n, 0), 0),
    )


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(day: dt.date, k: int) -> dt.date:
    """The same day ``k`` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - k, 12)
    month += 1
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (first_next - dt.timedelta(days=1)).day))


def invoiced(frame: LedgerFrame, first: dt.date, last: dt.date) -> float:
    """Invoices' totals issued from ``first`` to ``last`` (both included), company currency."""
    mask = ~frame.i_credit & (frame.i_issue >= first.toordinal()) & (frame.i_issue <= last.toordinal())
    return float(frame.i_total[mask].sum())


def open_total(frame: LedgerFrame) -> float:
    st = settlement(frame)
    return float(st.residual[st.is_open].sum())


def dso_simple(frame: LedgerFrame, days: int = SIMPLE_DSO_DAYS) -> float:
    """Open A/R / invoiced in the last ``days`` days x ``days`` (NaN with no sales then)."""
    end = frame.as_of
    sales = invoiced(frame, end - dt.timedelta(days=days - 1), end)
    return open_total(frame) / sales * days if sales > 0 else math.nan


def dso_countback(frame: LedgerFrame, max_months: int = COUNTBACK_MONTHS) -> float:
    """Countback DSO as of the frame's day (see the module docstring); NaN with no A/R history."""
    remaining = open_total(frame)
    if remaining <= 0:
        return 0.0
    end = frame.as_of
    days = 0.0
    for _ in range(max_months):
        start = _month_start(end)
        length = (end - start).days + 1
        sales = invoiced(frame, start, end)
        if sales >= remaining:
            return days + length * remaining / sales
        remaining -= sales
        days += length
        end = start - dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Dso:
    """Days sales outstanding as of a day, by both methods (NaN where there were no sales)."""

    as_of: dt.date
    countback: float
    simple: float


def dso(frame: LedgerFrame) -> Dso:
    return Dso(frame.as_of, dso_countback(frame), dso_simple(frame))


@dataclass(frozen=True)
class CompanyFigures:
    """The company's totals as of ``as_of`` (company currency ``currency``)."""

    as_of: dt.date
    currency: str
    customers: int
    open: float
    overdue: float
    high_risk: float  # open A/R of customers at level high or critical
    high_risk_customers: int
    on_hold: int | None  # customers on credit hold (None: not planned, e.g. a replayed month)
    on_hold_open: float | None
    dso_countback: float
    dso_simple: float

    @property
    def overdue_share(self) -> float:
        return self.overdue / self.open if self.open > 0 else math.nan


def company_figures(board: ScoreBoard, desired: DesiredState | None = None) -> CompanyFigures:
    frame = board.frame
    b = balances(frame)
    high = np.isin(board.level, [LEVELS.index(level) for level in HIGH_RISK])
    held_open = None
    if desired is not None:
        index = {str(c): i for i, c in enumerate(frame.c_id)}
        held = [index[h.customer_id] for h in desired.holds if h.customer_id in index]
        held_open = float(b.open[held].sum()) if held else 0.0
    return CompanyFigures(
        as_of=frame.as_of, currency=frame.currency, customers=frame.n_customers,
        open=float(b.open.sum()), overdue=float(b.overdue.sum()),
        high_risk=float(b.open[high].sum()), high_risk_customers=int(high.sum()),
        on_hold=len(desired.holds) if desired is not None else None, on_hold_open=held_open,
        dso_countback=dso_countback(frame), dso_simple=dso_simple(frame),
    )


@dataclass(frozen=True)
class RiskRow:
    """One customer of the ranked table."""

    index: int  # the frame's customer index
    customer_id: str
    name: str
    score: float
    level: str
    segment: str
    open: float
    overdue: float
    oldest_days_past_due: int
    next_step: str
    on_hold: bool


# Which of a customer's tasks is "the next step": the most pressing kind first.
STEP_PRIORITY: tuple[str, ...] = (
    "fraud_investigation", "agency_referral", "phone_call", "payment_plan_offer", "credit_hold", "sales_review",
    "billing_cycle_change",
)


#: a call the call list carries over to tomorrow (its collector's calls for today are full), in words
CARRIED = "tomorrow: today's calls are full"


def _urgency(task: Task, carried: frozenset[str] = frozenset()) -> tuple:
    rank = STEP_PRIORITY.index(task.step) if task.step in STEP_PRIORITY else len(STEP_PRIORITY)
    return task.due_date + dt.timedelta(days=task.key in carried), rank, task.step


def next_step(tasks: list[Task], on_hold: bool, carried: frozenset[str] = frozenset()) -> str:
    """The customer's next step in words: the earliest due of its tasks, the most pressing kind
    first (fraud, agency, call, plan, hold ...), with how many other tasks it has. A call the
    call list carries over (``carried``: task keys) counts as due the next day and says so, as
    ``arwatch plan`` does: "phone call tomorrow: today's calls are full"."""
    if not tasks:
        return "keep on credit hold" if on_hold else ""
    first = min(tasks, key=lambda t: _urgency(t, carried))
    words = step_words(first.step) + (" (approve)" if first.needs_approval else "")
    words += f" {CARRIED}" if first.key in carried else ""
    return words + (f", +{len(tasks) - 1} more" if len(tasks) > 1 else "")


def risk_rows(board: ScoreBoard, desired: DesiredState, carried: frozenset[str] = frozenset()) -> list[RiskRow]:
    """Every customer, riskiest first (the board's ranking), with money and the next step
    (``carried``: the keys of the calls the call list carries over to tomorrow)."""
    frame = board.frame
    b = balances(frame)
    tasks: dict[str, list[Task]] = {}
    for t in desired.tasks:
        tasks.setdefault(t.customer_id, []).append(t)
    held = {h.customer_id for h in desired.holds}
    rows = []
    for c in board.ranking():
        c = int(c)
        cid = str(frame.c_id[c])
        rows.append(RiskRow(
            index=c, customer_id=cid, name=str(frame.c_name[c]), score=round(float(board.score[c]), 1),
            level=LEVELS[board.level[c]], segment=SEGMENTS[board.segment[c]],
            open=float(b.open[c]), overdue=float(b.overdue[c]), oldest_days_past_due=int(b.oldest_days_past_due[c]),
            next_step=next_step(tasks.get(cid, []), cid in held, carried), on_hold=cid in held,
        ))
    return rows


def largest_risks(rows: list[RiskRow], count: int) -> list[RiskRow]:
    """The ``count`` largest risks: customers at high or critical risk by exposure (open A/R),
    largest first, then, if fewer, medium ones that owe something, by exposure (a medium-risk
    customer who owes nothing is no large risk: listing it only pads the table)."""
    def by_exposure(level_set: frozenset[str], owing: bool = False) -> list[RiskRow]:
        # ties in the rows' order: riskiest first (``ScoreBoard.ranking``)
        return sorted((r for r in rows if r.level in level_set and (r.open > 0 or not owing)), key=lambda r: -r.open)

    chosen = by_exposure(HIGH_RISK)
    if len(chosen) < count:
        chosen += by_exposure(frozenset({"medium"}), owing=True)
    return chosen[:count]
