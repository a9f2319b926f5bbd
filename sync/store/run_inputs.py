"""The run_inputs table: what a company's last completed run saw (``arwatch.sync.unchanged``),
and the store's own stamp of the company (one aggregate per table a run reads besides the
snapshot), so a rerun can tell in a few queries whether anything changed since."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from .journal import INTENT
from .rows import StoreTable, upsert
from .schema import audit, collector_notes, cursors, hold_overrides, journal, models, run_inputs, runs, written


@dataclass(frozen=True)
class RecordedInputs:
    run_id: str
    as_of: dt.date
    fingerprint: str


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


class RunInputsTable(StoreTable):

    def recorded(self, company: str) -> RecordedInputs | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(run_inputs.c.run_id, run_inputs.c.as_of, run_inputs.c.fingerprint)
                               .where(run_inputs.c.company == company)).first()
        return RecordedInputs(row[0], row[1], row[2]) if row else None

    def record(self, company: str, run_id: str, as_of: dt.date, fingerprint: str) -> None:
        with self.engine.begin() as conn:
            upsert(conn, run_inputs, [{"company": company, "run_id": run_id, "as_of": as_of,
                                       "fingerprint": fingerprint, "recorded_at": self.now()}], ["company"])

    def summary(self, run_id: str) -> dict[str, Any] | None:
        """The summary a finished run recorded (``runs.summary``), or None."""
        with self.engine.connect() as conn:
            payload = conn.execute(select(runs.c.summary).where(runs.c.run_id == run_id)).scalar()
        return json.loads(payload) if payload else None

    def stamp(self, company: str) -> dict[str, Any]:
        """What the store holds of the company besides the snapshot's records, as counts and latest
        stamps: a run that saved a snapshot (its cursor row), journalled a write, wrote or audited
        anything, or ended otherwise than ok or partial (failed, stopped by the guard, crashed:
        the run in progress counts too, before and after alike) changes it; so does a note, a
        hold override or a model fit."""
        with self.engine.connect() as conn:
            def one(*columns: Any, where: Any) -> list[Any]:
                row = conn.execute(select(*columns).where(where)).one()
                return [_text(v) for v in row]

            overrides = conn.execute(select(hold_overrides.c.customer_id, hold_overrides.c.release_until,
                                            hold_overrides.c.by, hold_overrides.c.reason, hold_overrides.c.created_at)
                                     .where(hold_overrides.c.company == company)
                                     .order_by(hold_overrides.c.customer_id)).all()
            return {
                "written": one(func.count(), func.max(written.c.updated_at), where=written.c.company == company),
                "audit": one(func.count(), func.max(audit.c.id), where=audit.c.company == company),
                "notes": one(func.count(), func.max(collector_notes.c.id), where=collector_notes.c.company == company),
                "models": one(func.count(), func.max(models.c.fitted_on), func.max(models.c.recorded_at),
                              where=models.c.company == company),
                "journal": one(func.count(), func.max(journal.c.id), where=journal.c.company == company),
                "open_intents": one(func.count(), where=and_(journal.c.company == company,
                                                             journal.c.status == INTENT)),
                "cursor": [_text(v) for v in conn.execute(select(cursors.c.cursor, cursors.c.run_id)
                                                          .where(cursors.c.company == company)).first() or ()],
                "runs_not_ok": one(func.count(), where=and_(runs.c.company == company,
                                                            runs.c.status.not_in(("ok", "partial")))),
                "overrides": [[_text(v) for v in row] for row in overrides],
            }
