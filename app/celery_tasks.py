"""Each company's sync as a Celery task, for a firm with more companies than one machine syncs.

    ARWATCH_CELERY_BROKER=redis://127.0.0.1:6379/0 celery -A arwatch.celery_tasks worker -c 2
    python -c "from arwatch.celery_tasks import enqueue_all; enqueue_all('/etc/arwatch/arwatch.toml')"

A task is one company's ``arwatch sync --source NAME`` (``arwatch.commands.sync.sync_company``,
the function ``--all --jobs`` runs in its worker processes): the worker decides the run's day
when the task starts (``--as-of`` when given), opens the configured store and syncs; the
per-company lock in the store keeps two tasks of one company apart, whichever workers run them.
Celery does the queueing, retries and spreading over machines; arwatch schedules nothing
(docs/scaling.md). The broker (and result backend) is ``$ARWATCH_CELERY_BROKER``, default
Redis on 127.0.0.1:6379, database 0. Needs the ``celery`` extra: ``pip install 'arwatch[celery]'``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import Any

from celery import Celery

from arwatch.sync.clock import run_clock
from arwatch.sync.config import load_config

from .commands.sync import sync_company
from .files import private_umask

BROKER = os.environ.get("ARWATCH_CELERY_BROKER", "redis://127.0.0.1:6379/0")

app = Celery("arwatch", broker=BROKER, backend=BROKER)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                task_acks_late=True,  # a task whose worker died is run again: the sync is safe to repeat
                worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True)


@app.task(name="arwatch.sync_company")
def sync_company_task(company: str, config: str | None = None, state: str | None = None,
                      as_of: str | None = None, full: bool = False, dry_run: bool = False,
                      allow_mass_change: bool = False, policy: str | None = None, templates: str | None = None,
                      locale: str | None = None) -> dict[str, Any]:
    """Sync one company; its summary as JSON (``RunSummary``, without the change list) and the
    notes on how its files were read. ``templates`` and ``locale`` override the configuration's,
    as ``arwatch sync --templates/--locale`` do."""
    config_path = Path(config) if config else None
    day = dt.date.fromisoformat(as_of) if as_of else None
    loaded = load_config(config_path, require_file=config_path is not None)
    clock = run_clock(day, loaded.timezone_of(loaded.company(company)))
    args = argparse.Namespace(as_of=day, full=full, dry_run=dry_run, allow_mass_change=allow_mass_change,
                              policy=Path(policy) if policy else None,
                              templates=Path(templates) if templates else None, locale=locale)
    with private_umask():  # its outbox and state files are its user's only, as with `arwatch sync`
        summary, notes = sync_company(company, config_path, state, args, clock)
    line = summary.line(loaded.locale_of(loaded.company(company), locale))
    return {"summary": summary.model_dump(mode="json", exclude={"changes"}), "line": line,
            "notes": list(notes)}


def enqueue_all(config: str | None = None, queue: str | None = None, **options: Any) -> list[Any]:
    """Send one task per configured company (their results: ``AsyncResult`` each)."""
    loaded = load_config(Path(config) if config else None, require_file=config is not None)
    return [sync_company_task.apply_async(args=(name,), kwargs={"config": config, **options}, queue=queue)
            for name in sorted(loaded.companies)]
