"""The marks arwatch leaves in Odoo so that it can read back what it wrote (pure).

- a collection task (mail.activity) carries ``[arwatch:<task key>@<company id>]`` in its note:
  the task key names the customer, the company the Odoo company it was written for (the first
  of the adapter's ``company_ids``), so that two arwatch companies of one database sharing a
  customer each keep their own tasks. Earlier versions wrote ``[arwatch:<task key>]``
  (no company): such a legacy mark is read as a task of whichever company reads it;
- a risk-flag note in the chatter carries ``[arwatch:flag:<payload>]``, a hold note
  ``[arwatch:hold:<payload>]`` (payload: the record as zlib-compressed JSON in url-safe base64,
  which survives Odoo's HTML sanitizer untouched);
- a hold's sales warning message ends with ``[arwatch:hold]``;
- a task arwatch closed carries ``[arwatch:closed]`` in its feedback (its done message is then
  not read back as a contact attempt);
- arwatch's reply to a collector's note it could not read ends with
  ``[arwatch:answer:<message id>]``, the message it answers.
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

ANSWER_MARK_START = "[arwatch:answer:"
_ANSWER = re.compile(r"\[arwatch:answer:([0-9]+)\]")


def answer_mark(message_id: int) -> str:
    return f"{ANSWER_MARK_START}{message_id}]"


def answered_ids(text: str | None) -> set[int]:
    """The ids of the messages the answers in ``text`` name."""
    return {int(i) for i in _ANSWER.findall(html.unescape(text or ""))}


# the key (which may hold ":" and "/", never "]", "<" or a space), then "@<company id>" unless legacy
_TASK = re.compile(r"\[arwatch:(task:[^\]\s<]+?)(?:@([0-9]+))?\]")
_PAYLOAD = re.compile(r"\[arwatch:(flag|hold):([A-Za-z0-9_\-=]+)\]")


def task_mark(key: str, company_id: int | None = None) -> str:
    """The mark of task ``key`` written for ``company_id`` (None: the legacy mark)."""
    return f"[arwatch:{key}@{company_id}]" if company_id is not None else f"[arwatch:{key}]"


def task_mark_start(key: str) -> str:
    """What every mark of ``key`` starts with, whatever its company (to search them in one call)."""
    return f"[arwatch:{key}"


def task_owner(text: str | None) -> tuple[str, int | None] | None:
    """(task key, company id) of the mark in ``text``; company None for a legacy mark; None
    without a mark."""
    found = _TASK.search(html.unescape(text or ""))
    if not found:
        return None
    return found.group(1), int(found.group(2)) if found.group(2) else None


def task_key(text: str | None) -> str | None:
    owner = task_owner(text)
    return owner[0] if owner else None


def task_is_mine(text: str | None, company_ids: tuple[int, ...]) -> str | None:
    """The task key in ``text`` when it is a task of ``company_ids`` (marked with one of them,
    or a legacy mark without company), else None."""
    owner = task_owner(text)
    if owner is None or (owner[1] is not None and owner[1] not in company_ids):
        return None
    return owner[0]


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
