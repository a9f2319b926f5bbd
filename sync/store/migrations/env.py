"""Alembic environment: run by ``arwatch.sync.store.migrate`` with a live connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from arwatch.sync.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # the alembic command line (autogenerate while developing)
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no sqlalchemy.url in the configuration")
    connection = create_engine(url).connect()
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
