"""Files arwatch writes are its user's only, as the state store is: the outbox (worklist, change
log), exports, HTML reports hold customer names and amounts.

Every command runs under ``private_umask()``: whatever writes a file (the file source's outbox,
a QuickBooks state file, a spreadsheet library) creates it 0600 and a folder 0700, and the
``--jobs`` workers the sync spawns inherit it. The commands' own outputs (reports, exports) are
written with ``write_private`` / ``open_private``: a new file, 0600 from its first byte, put in
place of the old one (so an old 0644 export becomes 0600 too), in a folder created 0700 when
missing. A folder that exists is left as it is.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from arwatch.sync.store.engine import private_folder

PRIVATE = 0o077  # the umask bits: nothing for group and others


@contextmanager
def private_umask() -> Iterator[None]:
    """Run with group and others masked out (a stricter umask is kept); restored afterwards."""
    old = os.umask(PRIVATE)
    os.umask(old | PRIVATE)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def open_private(path: Path, mode: str = "w", **options: object) -> Iterator[IO]:
    """``open(path, mode)`` on a new 0600 file that replaces ``path`` when the block ends well
    (nothing is left half-written; on an error the old file stays). A ``path`` that is not a
    regular file (``/dev/stdout``, a pipe, a symbolic link) is written through, as it is."""
    if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
        with open(path, mode, **options) as through:
            yield through
        return
    private_folder(path.parent.resolve())
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise


def write_private(path: Path, text: str, encoding: str = "utf-8") -> None:
    """``path.write_text(text)``, the file 0600 (see ``open_private``)."""
    with open_private(path, "w", encoding=encoding) as handle:
        handle.write(text)
