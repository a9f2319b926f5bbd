"""Run records: one row per sync of a company, with its status and summary."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, select, update

from .rows import dumps, now
from .schema import runs


class RunLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def start(self, run_id: str, company: str, full: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(and_(runs.c.company == company, runs.c.status == "running"))
                         .values(status="interrupted", finished_at=now(),
                                 error="the process ended before the run finished"))
            conn.execute(runs.insert().values(run_id=run_id, company=company, started_at=now(),
                                              status="running", full_pull=full))

    def finish(self, run_id: str, status: str, summary: Any = None, error: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.run_id == run_id).values(
                status=status, finished_at=now(), summary=dumps(summary) if summary is not None else None,
                error=error or None))

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(runs).where(runs.c.company == company).order_by(runs.c.started_at))
            return [dict(r) for r in rows.mappings()]
