"""Trends kept in the state store: each sync records its day (``record_run``), and the months
before a company's first recorded day are replayed from its ledger once; the report reads them
back (``load_history``). See ``arwatch.report.history`` for what a point holds.
"""

from __future__ import annotations

import datetime as dt

from arwatch.core.actions import DesiredState
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard
from arwatch.report.history import (
    COMPANY,
    History,
    Snapshot,
    company_from_payload,
    customer_from_payload,
    month_ends_before,
    replay,
    snapshot,
    to_payload,
)
from arwatch.sync.store import Store


def _points(snap: Snapshot) -> dict[str, dict]:
    points = {COMPANY: to_payload(snap.company)}
    points.update({p.customer_id: to_payload(p) for p in snap.customers})
    return points


def missing_months(store: Store, company: str, as_of: dt.date) -> list[dt.date]:
    """The month ends of the year before ``as_of`` that precede the company's first recorded day."""
    days = store.history.days(company)
    first = min(days, default=as_of)
    return [d for d in month_ends_before(as_of) if d < first and d not in days]


def record_run(store: Store, company: str, board: ScoreBoard, desired: DesiredState | None,
               run_id: str | None = None) -> Snapshot:
    """Record a run's day (its scores and, with ``desired``, its holds)."""
    snap = snapshot(board, desired, "run")
    store.history.record(company, snap.as_of, "run", _points(snap), run_id)
    return snap


def record_replay(store: Store, company: str, full: LedgerFrame, policy: Policy, days: list[dt.date]) -> int:
    """Replay ``days`` from the uncut frame ``full`` and record them; returns how many."""
    for snap in replay(full, policy, days):
        store.history.record(company, snap.as_of, "replay", _points(snap))
    return len(days)


def load_history(store: Store, company: str) -> History:
    rows = store.history.load(company)
    companies = []
    customers: dict[str, list] = {}
    sources: dict[dt.date, str] = {}
    for as_of, subject, source, payload in rows:
        if subject == COMPANY:
            companies.append(company_from_payload(as_of, payload))
            sources[as_of] = source
        else:
            customers.setdefault(subject, []).append(customer_from_payload(as_of, subject, payload))
    return History(tuple(companies), {c: tuple(ps) for c, ps in customers.items()}, sources)
