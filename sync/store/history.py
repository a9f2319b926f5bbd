"""The history table: trends kept per company, one row for the company (``customer_id`` "")
and one per customer for each as-of day, each a JSON payload (``arwatch.report.history``).

A day is written whole: recording a day replaces whatever that day held (a second run the same
day wins over the first, and a run over a replayed month end).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, delete, insert, select

from .rows import CHUNK, StoreTable, dumps
from .schema import history


class HistoryTable(StoreTable):

    def record(self, company: str, as_of: dt.date, source: str, points: Mapping[str, Mapping[str, Any]],
               run_id: str | None = None) -> None:
        """Replace the day's points: ``points`` maps a customer id ("" = the company) to its payload."""
        rows = [{"company": company, "as_of": as_of, "customer_id": subject, "source": source, "run_id": run_id,
                 "payload": dumps(payload), "recorded_at": self.now()} for subject, payload in points.items()]
        with self.engine.begin() as conn:
            conn.execute(delete(history).where(and_(history.c.company == company, history.c.as_of == as_of)))
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(history), rows[start:start + CHUNK])

    def days(self, company: str) -> dict[dt.date, str]:
        """The recorded days and each one's source (run or replay)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(history.c.as_of, history.c.source).where(
                and_(history.c.company == company, history.c.customer_id == "")))
            return {as_of: source for as_of, source in rows}

    def load(self, company: str, customer_id: str | None = None) -> list[tuple[dt.date, str, str, dict[str, Any]]]:
        """(as_of, customer id, source, payload) rows, oldest first; one customer's (or the company's,
        ``customer_id=""``) when given."""
        query = select(history.c.as_of, history.c.customer_id, history.c.source, history.c.payload).where(
            history.c.company == company)
        if customer_id is not None:
            query = query.where(history.c.customer_id == customer_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(history.c.as_of, history.c.customer_id)).all()
        return [(as_of, subject, source, json.loads(payload)) for as_of, subject, source, payload in rows]
