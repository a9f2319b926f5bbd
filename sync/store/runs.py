"""Run records: one row per sync of a company, with its status and summary."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import and_, func, select, update

from .rows import StoreTable, dumps
from .schema import runs


class RunLog(StoreTable):

    def start(self, run_id: str, company: str, full: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(and_(runs.c.company == company, runs.c.status == "running"))
                         .values(status="interrupted", finished_at=self.now(),
                                 error="the process ended before the run finished"))
            seq = conn.execute(select(func.coalesce(func.max(runs.c.seq), 0) + 1)
                               .where(runs.c.company == company)).scalar_one()
            conn.execute(runs.insert().values(run_id=run_id, company=company, started_at=self.now(),
                                              status="running", full_pull=full, seq=seq))

    def finish(self, run_id: str, status: str, summary: Any = None, error: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.run_id == run_id).values(
                status=status, finished_at=self.now(), summary=dumps(summary) if summary is not None else None,
                error=error or None))

    def last_as_of(self, company: str) -> dt.date | None:
        """The as-of day of the company's last finished sync that scored (ok or partial): the day
        ``plan`` and ``report`` show ("data as of"). Last in the order the store recorded the runs
        (``seq``), never by their start time: the machine's clock orders no runs (a run under a
        clock set ahead, faketime, is stamped after every later run; one set back, before).

        This is the business day of what the targets now hold. It is ``latest_as_of`` (the
        latest business day synced) unless an earlier day was synced after it on purpose
        (``arwatch sync --as-of EARLIER --allow-mass-change``, which ``latest_as_of`` otherwise
        refuses): that run wrote its day's plan over the later one (holds placed again, tasks
        reopened), so plan and report show that earlier day, as the user asked; the refusal of
        an earlier day keeps reading ``latest_as_of``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(runs.c.summary).where(and_(runs.c.company == company,
                                                                  runs.c.status.in_(("ok", "partial"))))
                                .order_by(runs.c.seq.desc(), runs.c.started_at.desc()).limit(1)).all()
        summary = json.loads(rows[0][0]) if rows and rows[0][0] else {}
        return dt.date.fromisoformat(summary["as_of"]) if summary.get("as_of") else None

    def latest_as_of(self, company: str) -> dt.date | None:
        """The latest business day the company was synced for (the greatest as-of day of its
        finished syncs that scored, ok or partial), whenever and under whatever clock they ran: the
        machine's clock orders no business days (a run under a clock set ahead is stamped after
        every later run)."""
        with self.engine.connect() as conn:
            summaries = conn.execute(select(runs.c.summary).where(and_(
                runs.c.company == company, runs.c.status.in_(("ok", "partial")),
                runs.c.summary.is_not(None)))).scalars().all()
        days = [json.loads(text).get("as_of") for text in summaries if text]
        return max((dt.date.fromisoformat(d) for d in days if d), default=None)

    def entries(self, company: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(runs).where(runs.c.company == company).order_by(runs.c.seq, runs.c.started_at))
            return [dict(r) for r in rows.mappings()]
