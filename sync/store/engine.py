"""Open the state store: resolve the URL, create the engine, run the migrations."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite statement waits for another process's write transaction before failing
#: with "database is locked" (``store_busy``), which the runner and the commands report as
#: "locked", exit code 5.
BUSY_TIMEOUT = 30


def default_path() -> Path:
    """``<user data dir>/arwatch/state.sqlite3`` (e.g. ~/.local/share/arwatch on Linux)."""
    return Path(user_data_dir("arwatch")) / "state.sqlite3"


def resolve_url(url_or_path: str | Path | None) -> str:
    """A SQLAlchemy URL from a URL, a file path, or None (the default SQLite file)."""
    if url_or_path is None or str(url_or_path) == "":
        url_or_path = default_path()
    text = str(url_or_path)
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            return "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    path = Path(text).expanduser()
    private_folder(path.parent)
    return f"sqlite:///{path}"


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by its owner only (0700); an existing
    folder is left as it is."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:  # made by another process in between
            continue
        os.chmod(path, 0o700)  # whatever the umask


def private_file(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600) if there is none, before
    SQLite opens it: SQLite gives its -wal and -shm files the same mode. An existing file is
    left as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError):  # there already, or no folder: SQLite says so
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


def _sqlite_pragmas(busy_timeout: float) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    def pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    return pragmas


def make_engine(url: str, busy_timeout: float | None = None) -> Engine:
    if url.startswith("sqlite"):
        busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout))
        return engine
    return create_engine(url, pool_pre_ping=True)


def store_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked": another process held a write
    transaction on the store for longer than the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def busy_message(url: str, busy_timeout: float | None = None) -> str:
    seconds = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    return (f"the state store {url} is locked: another process kept it busy for more than {seconds:g} s "
            f"(SQLite: database is locked); try again later")


#: The key of the PostgreSQL advisory lock ``migrate`` holds (the same in every process; its own
#: namespace, apart from the companies' run locks of ``lock.advisory_key``).
MIGRATION_KEY = int.from_bytes(hashlib.blake2b(b"arwatch.migrate", digest_size=8).digest(), "big", signed=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent), one process at a time: two commands
    opening a new store at once (a first sync and an ``arwatch record``) would otherwise both find
    no table and both create them ("table alembic_version already exists"). The second waits for
    the first, then finds the schema at its newest revision. SQLite: an exclusive lock on the
    file ``<store>.lock`` beside the store (0600, left there); PostgreSQL: an advisory lock held
    by the migration's transaction."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_KEY})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def migration_lock_path(engine: Engine) -> Path | None:
    """The lock file of a SQLite file store's migrations (None: not a SQLite file)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}.lock")


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    path = migration_lock_path(engine)
    if path is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: nothing can be created there, nor migrated; SQLite says so
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for another process's migration; freed if it dies
        yield
    finally:
        os.close(fd)  # closing it releases the lock
