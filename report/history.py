"""Trends: what each run saw, kept so that the report can draw months of it.

Each sync run records one point per customer (score, level, segment, open and overdue amounts,
oldest days past due) and one for the company (``CompanyFigures``: open A/R, overdue, exposure at
high risk, holds, DSO by both methods), keyed by the run's as-of day (a second run the same day
replaces the first). Months before a company's first run are *replayed*: the ledger is cut at each
month end (nothing dated later is seen) and scored as a run on that day would have scored it;
such points say ``source="replay"`` and have no holds (nothing was planned then).

``to_payload``/``from_payload`` turn points into the JSON the state store keeps; the charts read
``monthly``: the last point of each month.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from arwatch.core.actions import DesiredState
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import LEVELS, Policy
from arwatch.core.scoring import ScoreBoard, score
from arwatch.core.segments import SEGMENTS

from .figures import CompanyFigures, balances, company_figures, months_back

REPLAY_MONTHS = 12
COMPANY = ""  # the subject of the company's own points (customer points carry the customer id)


@dataclass(frozen=True)
class CustomerPoint:
    as_of: dt.date
    customer_id: str
    score: float
    level: str
    segment: str
    open: float
    overdue: float
    oldest_days_past_due: int


@dataclass(frozen=True)
class Snapshot:
    """One day's points: the company's and every customer's."""

    as_of: dt.date
    source: str  # "run" (recorded by a sync) or "replay" (computed for a month before the first run)
    company: CompanyFigures
    customers: tuple[CustomerPoint, ...]


def snapshot(board: ScoreBoard, desired: DesiredState | None, source: str = "run") -> Snapshot:
    """The points of a scored day (``desired``: the run's plan, for its holds)."""
    frame = board.frame
    b = balances(frame)
    customers = tuple(
        CustomerPoint(frame.as_of, str(frame.c_id[c]), round(float(board.score[c]), 1), LEVELS[board.level[c]],
                      SEGMENTS[board.segment[c]], round(float(b.open[c]), 2), round(float(b.overdue[c]), 2),
                      int(b.oldest_days_past_due[c]))
        for c in range(frame.n_customers))
    return Snapshot(frame.as_of, source, company_figures(board, desired), customers)


def month_ends_before(day: dt.date, months: int = REPLAY_MONTHS) -> list[dt.date]:
    """The last days of the ``months`` months before ``day``'s month, oldest first."""
    first = day.replace(day=1)
    out = []
    for k in range(months, 0, -1):
        start = months_back(first, k - 1)
        out.append(start - dt.timedelta(days=1))
    return out


def replay(full: LedgerFrame, policy: Policy, days: Iterable[dt.date]) -> list[Snapshot]:
    """Score the uncut frame ``full`` as of each day (no look-ahead: each cut sees only its past)."""
    return [snapshot(score(full.as_of_date(day), policy), None, source="replay") for day in days]


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def to_payload(point: CompanyFigures | CustomerPoint) -> dict[str, Any]:
    """A point as JSON-ready values (NaN as null; the day is the store row's key)."""
    values = dataclasses.asdict(point)
    values.pop("as_of")
    values.pop("customer_id", None)
    return {k: _finite(v) if isinstance(v, float) else v for k, v in values.items()}


def company_from_payload(as_of: dt.date, payload: dict[str, Any]) -> CompanyFigures:
    return CompanyFigures(
        as_of=as_of, currency=payload["currency"], customers=int(payload["customers"]),
        open=_number(payload["open"]), overdue=_number(payload["overdue"]),
        high_risk=_number(payload["high_risk"]), high_risk_customers=int(payload["high_risk_customers"]),
        on_hold=payload.get("on_hold"), on_hold_open=payload.get("on_hold_open"),
        dso_countback=_number(payload["dso_countback"]), dso_simple=_number(payload["dso_simple"]))


def customer_from_payload(as_of: dt.date, customer_id: str, payload: dict[str, Any]) -> CustomerPoint:
    return CustomerPoint(as_of, customer_id, _number(payload["score"]), payload["level"], payload["segment"],
                         _number(payload["open"]), _number(payload["overdue"]), int(payload["oldest_days_past_due"]))


@dataclass(frozen=True)
class History:
    """A company's stored points, oldest first (``sources``: the day's source, run or replay)."""

    company: tuple[CompanyFigures, ...] = ()
    customers: dict[str, tuple[CustomerPoint, ...]] = dataclasses.field(default_factory=dict)
    sources: dict[dt.date, str] = dataclasses.field(default_factory=dict)

    def until(self, day: dt.date) -> History:
        """The points up to ``day`` (a report as of an earlier day shows no later point)."""
        return History(tuple(p for p in self.company if p.as_of <= day),
                       {c: tuple(p for p in ps if p.as_of <= day) for c, ps in self.customers.items()},
                       {d: s for d, s in self.sources.items() if d <= day})


def monthly(points: Sequence[Any]) -> list[Any]:
    """The last point of each month (points have ``as_of``), oldest first."""
    last: dict[tuple[int, int], Any] = {}
    for p in sorted(points, key=lambda p: p.as_of):
        last[(p.as_of.year, p.as_of.month)] = p
    return [last[k] for k in sorted(last)]


def trend_arrow(points: Sequence[CustomerPoint], as_of: dt.date, now: float,
                threshold: float = 5.0) -> tuple[str, str]:
    """(arrow, words) comparing the score ``now`` (as of ``as_of``) with the latest point at least
    28 days older: up by ``threshold`` points or more is worse (\u25b2), down as much better (\u25bc)."""
    earlier = [p for p in points if p.as_of <= as_of - dt.timedelta(days=28)]
    if not earlier:
        return "", "no history yet"
    before = max(earlier, key=lambda p: p.as_of)
    change = now - before.score
    if change >= threshold:
        return "\u25b2", f"score up {change:.0f} since {before.as_of.isoformat()}"
    if change <= -threshold:
        return "\u25bc", f"score down {-change:.0f} since {before.as_of.isoformat()}"
    return "\u2192", f"score steady since {before.as_of.isoformat()}"
