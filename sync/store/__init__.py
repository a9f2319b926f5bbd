"""The state store: snapshots, cursors, written state, audit log, runs, journal and locks.

``open_store(url_or_path)`` returns a migrated ``Store``; SQLite by default, PostgreSQL by URL.
"""

from .engine import default_path, resolve_url
from .store import Store, open_store

__all__ = ["Store", "default_path", "open_store", "resolve_url"]
