"""Helpers for sync tests: a small real planner, file-source configs, a subprocess runner.

The planner is a legitimate stand-in for ``arwatch.core.planner.plan``: it flags every
customer, holds the critical ones (or a fixed set), and opens one task per overdue invoice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from arwatch.core.actions import DesiredState, Flag, Hold, Task, WrittenState
from arwatch.core.settlement import settlement

DATA = Path(__file__).parent / "data"
IBM_EXCERPT = DATA / "ibm-ar-excerpt.csv"
TODAY = dt.date(2013, 6, 1)
HOLD_ENV = "ARWATCH_TEST_HOLD"  # comma-separated customer ids to hold, for the subprocess planner
ALLOW_ENV = "ARWATCH_TEST_ALLOW_MASS_CHANGE"  # set: the subprocess run has no guard (--allow-mass-change)

IBM_COLUMNS = {"invoice_number": "invoiceNumber", "customer_id": "customerID", "invoice_date": "InvoiceDate",
               "due_date": "DueDate", "amount": "InvoiceAmount", "settled_date": "SettledDate",
               "disputed": "Disputed", "country": "countryCode"}


def simple_planner(board, written: WrittenState, policy, today: dt.date, hold: set[str] | None = None) -> DesiredState:
    frame = board.frame
    released = {o.customer_id for o in written.overrides if o.release_until >= today}
    flags, holds = [], []
    for c in range(frame.n_customers):
        s = board.customer(c)
        flags.append(Flag(customer_id=s.customer_id, level=s.level, score=s.score, segment=s.segment,
                          reasons=tuple(r.evidence for r in s.reasons), as_of=today))
        wanted = s.customer_id in hold if hold is not None else s.level == "critical"
        if wanted and s.customer_id not in released:
            holds.append(Hold(customer_id=s.customer_id, rule="test", reason=f"level {s.level}", since=today))
    st = settlement(frame)
    overdue = np.flatnonzero(st.is_open & (frame.i_due < frame.as_of_day) & ~frame.i_credit)
    tasks = [Task(customer_id=str(frame.c_id[frame.i_cust[i]]), step="reminder", cause=f"invoice:{frame.i_id[i]}",
                  title=f"Remind about {frame.i_number[i]}", due_date=today, rule="overdue",
                  invoice_id=str(frame.i_id[i]))
             for i in overdue]
    return DesiredState(as_of=today, flags=tuple(flags), holds=tuple(holds), tasks=tuple(tasks))


def env_planner(board, written, policy, today):
    """``simple_planner`` holding the customers named in ``ARWATCH_TEST_HOLD`` (for subprocesses)."""
    names = os.environ.get(HOLD_ENV)
    hold = None if names is None else {n for n in names.split(",") if n}
    return simple_planner(board, written, policy, today, hold)


def file_settings(invoices: Path, outbox: Path | None = None, **more) -> dict:
    settings = {"invoices": str(invoices), "date_format": "m/d/yyyy", "currency": "USD",
                "columns": dict(IBM_COLUMNS)}
    if outbox is not None:
        settings["outbox"] = str(outbox)
    settings.update(more)
    return settings


def write_config(path: Path, companies: dict[str, dict], state_url: str | None = None) -> Path:
    """A TOML config (written as JSON-compatible TOML through a tiny encoder)."""
    lines = []
    if state_url:
        lines.append(f"state_url = {json.dumps(state_url)}")
    for name, company in companies.items():
        lines.append(f"[companies.{name}]")
        lines.append(f"source = {json.dumps(company['source'])}")
        for key in ("timezone", "locale"):
            if key in company:
                lines.append(f"{key} = {json.dumps(company[key])}")
        settings = dict(company.get("settings", {}))
        columns = settings.pop("columns", None)
        lines.append(f"[companies.{name}.settings]")
        for key, value in settings.items():
            lines.append(f"{key} = {json.dumps(value)}")
        if columns:
            lines.append(f"[companies.{name}.settings.columns]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in columns.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SYNC_SCRIPT = textwrap.dedent("""
    import datetime as dt, os, sys
    sys.path.insert(0, {tests!r})
    from sync_helpers import env_planner
    from arwatch.core.clock import fixed_clock
    from arwatch.core.policy import Policy
    from arwatch.sync.config import load_config, load_secrets
    from arwatch.sync.guard import Guard
    from arwatch.sync.runner import run_sync
    from arwatch.sync.sources import make_adapter
    from arwatch.sync.store import open_store
    config = load_config({config!r})
    store = open_store({state!r})
    company = config.company({company!r})
    today = dt.date.fromisoformat({today!r})
    adapter = make_adapter(company, config, store, load_secrets(None, {{}}), fixed_clock(today))
    summary = run_sync(company, store, adapter, Policy(), today, planner=env_planner, batch_size=1,
                       guard=None if os.environ.get({allow!r}) else Guard())
    print(summary.status, summary.recovered)
""")


def run_sync_subprocess(config: Path, state: str, company: str, today: dt.date, env: dict[str, str]):
    script = SYNC_SCRIPT.format(tests=str(Path(__file__).parent), config=str(config), state=state,
                                company=company, today=today.isoformat(), allow=ALLOW_ENV)
    return subprocess.run([sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=300)
