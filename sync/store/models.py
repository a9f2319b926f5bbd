"""The models table: each fit of the model a company runs (``arwatch.core.backtest.live``), kept
with its version and fit day; the latest fit is the one in use. Saving the same fit twice (a run
repeated after a crash) keeps one row."""

from __future__ import annotations

from sqlalchemy import desc, select

from arwatch.core.backtest.live import ModelInUse

from .rows import StoreTable, upsert
from .schema import models


class ModelTable(StoreTable):

    def save(self, company: str, model: ModelInUse) -> None:
        with self.engine.begin() as conn:
            upsert(conn, models, [{"company": company, "fitted_on": model.fitted_on, "version": model.version,
                                   "predictor": model.predictor, "payload": model.model_dump_json(),
                                   "recorded_at": self.now()}], ("company", "fitted_on", "version"))

    def latest(self, company: str) -> ModelInUse | None:
        """The company's latest fit (by fit day, then when it was recorded), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(models.c.payload).where(models.c.company == company)
                               .order_by(desc(models.c.fitted_on), desc(models.c.recorded_at)).limit(1)).first()
        return ModelInUse.model_validate_json(row[0]) if row else None
