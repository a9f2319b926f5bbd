"""OAuth tokens of one QuickBooks company, kept in a 0600 file and never shown.

The file is created with mode 0600 from the start (``os.open(..., 0o600)`` on a temporary file
in the same folder, fsync, ``os.replace``), so a token is never readable by others, not even for
an instant, and a crash leaves either the old or the new file, never half of one.

Intuit rotates refresh tokens: each refresh spends the old one. ``TokenStore.rotate`` writes the
new pair to disk before anyone can use it, so a crash right after a refresh cannot lose the only
valid refresh token.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..redaction import REDACTED, Secret

EXPIRY_MARGIN = dt.timedelta(seconds=120)  # refresh a little before Intuit's hour is up


def no_clock() -> dt.datetime:
    """The default ``now`` of a client built without the run's clock: refuses to guess."""
    raise RuntimeError("no clock given: pass the run's `now` (arwatch.sync.clock.run_clock at the edge)")


@dataclass(frozen=True, repr=False)
class Tokens:
    """One company's grant. ``repr`` shows the realm and expiry only."""

    realm_id: str
    access_token: Secret
    refresh_token: Secret
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None = None

    def __repr__(self) -> str:
        return (f"Tokens(realm_id={self.realm_id!r}, access_token={REDACTED}, "
                f"refresh_token={REDACTED}, access_expires_at={self.access_expires_at.isoformat()})")

    def access_expired(self, now: dt.datetime) -> bool:
        # the margin on ``now``'s side: ``expired_now`` marks a token with datetime.min
        return now + EXPIRY_MARGIN >= self.access_expires_at

    @classmethod
    def from_grant(cls, realm_id: str, access_token: str, refresh_token: str,
                   expires_in: float | None, refresh_expires_in: float | None,
                   now: dt.datetime) -> Tokens:
        """From an OAuth token answer (``expires_in`` seconds, Intuit's 3600 when missing)."""
        refresh_at = (now + dt.timedelta(seconds=float(refresh_expires_in))
                      if refresh_expires_in else None)
        return cls(realm_id=realm_id, access_token=Secret(access_token),
                   refresh_token=Secret(refresh_token),
                   access_expires_at=now + dt.timedelta(seconds=float(expires_in or 3600)),
                   refresh_expires_at=refresh_at)

    def to_json(self) -> dict[str, Any]:
        return {"realm_id": self.realm_id, "access_token": self.access_token.reveal(),
                "refresh_token": self.refresh_token.reveal(),
                "access_expires_at": self.access_expires_at.isoformat(),
                "refresh_expires_at": (self.refresh_expires_at.isoformat()
                                       if self.refresh_expires_at else None)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tokens:
        refresh_at = data.get("refresh_expires_at")
        return cls(realm_id=str(data["realm_id"]), access_token=Secret(str(data["access_token"])),
                   refresh_token=Secret(str(data["refresh_token"])),
                   access_expires_at=dt.datetime.fromisoformat(data["access_expires_at"]),
                   refresh_expires_at=dt.datetime.fromisoformat(refresh_at) if refresh_at else None)

    def expired_now(self) -> Tokens:
        """The same grant with the access token marked expired (after a 401)."""
        return replace(self, access_expires_at=dt.datetime.min.replace(tzinfo=dt.timezone.utc))


class TokenFileError(Exception):
    """The token file is missing or unreadable (the message never holds a token)."""


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``; the file is 0600 from its first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class TokenStore:
    """The token file of one company."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> Tokens:
        """The saved grant; a file group or others can access is refused (like the secrets file)."""
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                raise TokenFileError(f"the token file {self.path} is accessible by group or others "
                                     f"(mode {mode:04o}); run: chmod 600 {self.path}")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Tokens.from_json(data)
        except FileNotFoundError:
            raise TokenFileError(f"no QuickBooks tokens at {self.path}: run "
                                 f"`arwatch connect quickbooks` first") from None
        except (ValueError, KeyError, TypeError) as error:
            raise TokenFileError(f"the token file {self.path} is unreadable "
                                 f"({type(error).__name__})") from None

    def save(self, tokens: Tokens) -> None:
        write_private(self.path, json.dumps(tokens.to_json(), indent=2))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock of this token file among processes (``.<name>.lock`` beside it,
        0600), held from reading the grant to saving the refreshed one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.parent / f".{self.path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def rotate(self, tokens: Tokens) -> Tokens:
        """Persist a freshly refreshed grant; returns it only once it is safely on disk."""
        self.save(tokens)
        return tokens
