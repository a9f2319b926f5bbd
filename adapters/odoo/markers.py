"""The marks arwatch leaves in Odoo so that it can read back what it wrote (pure).

- a collection task (mail.activity) carries ``[arwatch:<task key>]`` in its note;
- a risk-flag note in the chatter carries ``[arwatch:flag:<payload>]``, a hold note
  ``[arwatch:hold:<payload>]`` (payload: the record as zlib-compressed JSON in url-safe base64,
  which survives Odoo's HTML sanitizer untouched);
- a hold's sales warning message ends with ``[arwatch:hold]``;
- a task arwatch closed carries ``[arwatch:closed]`` in its feedback (its done message is then
  not read back as a contact attempt).
"""

from __future__ import annotations

import base64
import html
import json
import re
import zlib
from typing import Any

from arwatch.core.marks import CLOSED_MARK

__all__ = ["CLOSED_MARK", "HOLD_MARK"]

HOLD_MARK = "[arwatch:hold]"
FLAG_PREFIX = "[arwatch:flag:"
HOLD_PREFIX = "[arwatch:hold:"
TASK_PREFIX = "[arwatch:task:"
RISK_TAG = "Risk: {level}"
RISK_TAG_PREFIX = "Risk: "

_TASK = re.compile(r"\[arwatch:(task:[^\]\s<]+)\]")
_PAYLOAD = re.compile(r"\[arwatch:(flag|hold):([A-Za-z0-9_\-=]+)\]")


def task_mark(key: str) -> str:
    return f"[arwatch:{key}]"


def task_key(text: str | None) -> str | None:
    found = _TASK.search(html.unescape(text or ""))
    return found.group(1) if found else None


def payload_mark(kind: str, data: dict[str, Any]) -> str:
    raw = zlib.compress(json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), 9)
    return f"[arwatch:{kind}:{base64.urlsafe_b64encode(raw).decode()}]"


def payload(kind: str, text: str | None) -> dict[str, Any] | None:
    """The last ``kind`` payload in ``text``; None when absent or damaged."""
    found = [m for m in _PAYLOAD.finditer(text or "") if m.group(1) == kind]
    if not found:
        return None
    try:
        data: dict[str, Any] = json.loads(zlib.decompress(base64.urlsafe_b64decode(found[-1].group(2))))
    except (ValueError, zlib.error):
        return None
    return data


def risk_tag(level: str) -> str:
    return RISK_TAG.format(level=level)


def level_of_tag(name: str) -> str | None:
    return name[len(RISK_TAG_PREFIX):].strip() or None if name.startswith(RISK_TAG_PREFIX) else None
