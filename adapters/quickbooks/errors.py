"""QuickBooks errors, grouped by what the caller should do with one.

``error_for`` is the one place that maps an HTTP status and an Intuit fault code to a class:

- ``RetryLater`` (``Throttled`` 429 / 3001, ``ServerFault`` 5xx / 10000, ``Timeout``): wait and
  send the same request again (writes carry a ``requestid``, so a repeat is never applied twice);
- ``Reauthenticate`` (401 / 3200): refresh the access token once and repeat;
- ``Refused`` (403 / 3100, a spent or revoked refresh token): stop this company's run, the
  login is refused (exit code 3);
- ``ItemRejected`` (400 validation and business faults, 610 not found, 6240 duplicate):
  report it on that item and go on with the others; ``StaleObject`` (5010) is the item case
  to re-read and retry. A fault answered to a read (a query, a CDC request) concerns no single
  item: whatever its class, an error that reaches the company's run stops it as
  ``SourceUnreachable`` (``source._unreachable``: exit code 3, one line, no traceback).

Messages are redacted: no token ever appears in one (the client also blanks its own tokens and
client secret, should a fault echo them).
"""

from __future__ import annotations

from typing import Any

from ..redaction import redact


class QBOError(Exception):
    """Base of every QuickBooks failure. ``code`` is Intuit's fault code as a string."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "",
                 element: str = ""):
        super().__init__(redact(message))
        self.status = status
        self.code = str(code or "")
        self.element = element or ""


class RetryLater(QBOError):
    """Transient: the same request may succeed after a wait."""

    wait_hint: float | None = None


class Throttled(RetryLater):
    """HTTP 429 / fault 3001: over Intuit's rate limit."""


class ServerFault(RetryLater):
    """HTTP 5xx or a system fault (10000)."""


class Timeout(RetryLater):
    """No answer in time, or the connection broke."""


class Reauthenticate(QBOError):
    """HTTP 401: the access token expired or was revoked; refresh once."""


class Refused(QBOError):
    """The company refused us: no access (403), or the refresh token is spent or revoked."""


class ItemRejected(QBOError):
    """A validation or business fault about one object; the others go on."""


class StaleObject(ItemRejected):
    """Fault 5010: the SyncToken sent is not the current one; re-read and retry."""


def error_for(status: int | None, code: str | int | None = "", message: str = "",
              detail: str = "", element: str = "") -> QBOError:
    """The exception for an HTTP ``status`` and Intuit fault ``code`` (either may be unknown)."""
    code = str(code or "").strip()
    text = " - ".join(part for part in (f"QuickBooks {status or ''} {code}".strip(), message,
                                         detail) if part)
    kwargs: dict[str, Any] = {"status": status, "code": code, "element": element}
    if status == 429 or code == "3001":
        return Throttled(text, **kwargs)
    if status == 401 or code in ("3200", "3201", "3202"):
        return Reauthenticate(text, **kwargs)
    if status == 403 or code in ("3100", "3101", "3102"):
        return Refused(text, **kwargs)
    if status is not None and status >= 500:
        return ServerFault(text, **kwargs)
    if code == "10000":
        return ServerFault(text, **kwargs)
    if code == "5010":
        return StaleObject(text, **kwargs)
    return ItemRejected(text, **kwargs)


def error_from_fault(fault: dict[str, Any], status: int | None = 400) -> QBOError:
    """The exception for a ``Fault`` object (a response body's or a batch item's)."""
    errors = fault.get("Error") or fault.get("error") or [{}]
    first = errors[0] if isinstance(errors, list) and errors else {}

    def get(*names: str) -> str:
        return next((str(first[n]) for n in names if first.get(n)), "")

    return error_for(status, get("code"), get("Message", "message"), get("Detail", "detail"),
                     get("element"))
