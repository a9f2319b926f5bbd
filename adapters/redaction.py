"""Secrets kept out of every message, log line and exception text of the adapters.

``Secret`` holds a value that never shows itself; ``redact`` blanks given secrets and anything
shaped like a credential (bearer/basic authorisation, token, password or key fields) in a text,
typically a server's answer before it goes into an error message. One helper for every adapter
(QuickBooks tokens, Odoo passwords and API keys), so a new source cannot forget a pattern.
"""

from __future__ import annotations

import json
import re

REDACTED = "***"


class Secret:
    """A string that never shows itself in ``str``, ``repr``, f-strings or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


_BEARER = re.compile(r"(?i)(bearer\s+|basic\s+)[A-Za-z0-9._~+/=-]+")
_FIELDS = re.compile(r'(?i)("?(?:access_token|refresh_token|id_token|code|client_secret|password|passwd|api_key)"?'
                     r'\s*[:=]\s*"?)[^"&\s,}]+')


def _spellings(value: str) -> list[str]:
    """``value`` as a server may echo it: as is, inside a JSON string (quotes and backslashes
    escaped) and JSON-escaped to ASCII; the longest first."""
    found = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1]}
    return sorted(found, key=len, reverse=True)


def redact(text: str, *values: Secret | str | None) -> str:
    """``text`` with the given secrets (as written or JSON-escaped), bearer/basic credentials and
    token, password and key fields blanked."""
    for secret in values:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            for spelling in _spellings(value):
                text = text.replace(spelling, REDACTED)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _FIELDS.sub(lambda m: m.group(1) + REDACTED, text)
