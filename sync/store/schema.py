"""The state store's tables (SQLAlchemy Core). Migrations in ``migrations/`` create them.

Every table is keyed by ``company`` (the config's company name), so one store serves many.
JSON payloads are text (portable between SQLite and PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

companies = Table(
    "companies", metadata,
    Column("company", String(200), primary_key=True),
    Column("source", String(50), nullable=False),
    Column("payload", Text, nullable=True),  # the source's company record (name, currency)
    Column("created_at", DateTime(timezone=True), nullable=False),
)

cursors = Table(
    "cursors", metadata,
    Column("company", String(200), primary_key=True),
    Column("cursor", Text, nullable=True),
    Column("run_id", String(64), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

snapshot = Table(
    "snapshot_records", metadata,
    Column("company", String(200), primary_key=True),
    Column("collection", String(50), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("run_id", String(64), nullable=True),
    Column("content_hash", String(32), nullable=True),  # of the payload: unchanged records are not rewritten
)

written = Table(
    "written", metadata,
    Column("company", String(200), primary_key=True),
    Column("key", String(400), primary_key=True),
    Column("kind", String(10), nullable=False),  # flag | hold | task
    Column("customer_id", String(200), nullable=False),
    Column("payload", Text, nullable=False),  # the Flag / Hold / Task as JSON
    Column("external_id", String(200), nullable=True),
    Column("details", Text, nullable=True),  # prior values for undo, from ApplyResult.details
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit = Table(  # append-only: triggers refuse UPDATE and DELETE
    "audit_log", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),  # who: "arwatch", "arwatch (recovered)", "target"
    Column("op", String(20), nullable=False),  # what
    Column("key", String(400), nullable=False),
    Column("customer_id", String(200), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("why", Text, nullable=False),
    Column("run_id", String(64), nullable=True),
    Column("external_id", String(200), nullable=True),
)

runs = Table(
    "runs", metadata,
    Column("run_id", String(64), primary_key=True),
    Column("company", String(200), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(20), nullable=False),  # running | ok | partial | failed | interrupted
    Column("full_pull", Boolean, nullable=False),
    Column("summary", Text, nullable=True),
    Column("error", Text, nullable=True),
    # the company's runs in the order the store recorded them (1, 2, ...), whatever the clock said
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), nullable=True),
)

journal = Table(
    "journal", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False, index=True),
    Column("run_id", String(64), nullable=False),
    Column("key", String(400), nullable=False),
    Column("op", String(20), nullable=False),
    Column("change", Text, nullable=False),
    Column("status", String(20), nullable=False),  # intent | done | failed | recovered | abandoned
    Column("external_id", String(200), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Index("ix_journal_company_status", "company", "status"),
)

hold_overrides = Table(
    "hold_overrides", metadata,
    Column("company", String(200), primary_key=True),
    Column("customer_id", String(200), primary_key=True),
    Column("release_until", Date, nullable=False),
    Column("by", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

locks = Table(
    "locks", metadata,
    Column("company", String(200), primary_key=True),
    Column("owner", String(64), nullable=False),  # the run id holding it
    Column("host", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)

adapter_state = Table(  # a source adapter's own memory (AdapterMemory), one row per company and adapter
    "adapter_state", metadata,
    Column("company", String(200), primary_key=True),
    Column("adapter", String(50), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

history = Table(  # trends: one row per company (customer_id "") and per customer, per as-of day
    "history", metadata,
    Column("company", String(200), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("customer_id", String(200), primary_key=True),  # "" for the company's own figures
    Column("source", String(10), nullable=False),  # run | replay (a month before the first run)
    Column("run_id", String(64), nullable=True),
    Column("payload", Text, nullable=False),  # the point as JSON (arwatch.report.history.to_payload)
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

models = Table(  # the model a company runs (arwatch.core.backtest.live.ModelInUse), one row per fit
    "models", metadata,
    Column("company", String(200), primary_key=True),
    Column("fitted_on", Date, primary_key=True),
    Column("version", String(80), primary_key=True),
    Column("predictor", String(20), nullable=False),
    Column("payload", Text, nullable=False),  # ModelInUse as JSON
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

collector_notes = Table(  # one line of the collector-note syntax per row (``arwatch record``)
    "collector_notes", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False, index=True),
    Column("customer_id", String(200), nullable=False),
    Column("on", Date, nullable=False),  # the run's day it was recorded on: the note's day
    Column("text", Text, nullable=False),  # the line, e.g. "call: no answer"
    Column("by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

run_inputs = Table(  # what the company's last completed run saw (sync/unchanged.py): one row per company
    "run_inputs", metadata,
    Column("company", String(200), primary_key=True),
    Column("run_id", String(64), nullable=False),  # the run that saw them and wrote all it planned
    Column("as_of", Date, nullable=False),
    Column("fingerprint", String(80), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
