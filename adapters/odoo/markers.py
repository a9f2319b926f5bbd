"""The marks arwatch leaves in Odoo so that it can read back what it wrote (pure).

- a collection task (mail.activity) carries ``[arwatch:<task key>@<company id>]`` in its note:
  the task key names the customer, the company the Odoo company it was written for (the first
  of the adapter's ``company_ids``), so that two arwatch companies of one database sharing a
  customer each keep their own tasks. Earlier versions wrote ``[arwatch:<task key>]``
  (no company): such a legacy mark is read as a task of whichever company reads it;
- a risk-flag note in the chatter carries ``[arwatch:flag:<payload>@<company id>]``, a hold note
  ``[arwatch:hold:<payload>@<company id>]`` (payload: the record as zlib-compressed JSON in
  url-safe base64, which survives Odoo's HTML sanitizer untouched), and the note of a flag a
  company cleared ``[arwatch:flag-cleared@<company id>]``;
- a hold's sales warning message has a line ``<reason> [arwatch:hold@<company id>]`` for each
  company holding the customer (a customer without company is shared by the companies of the
  database, and so is its one sales warning).

The company of a flag or hold is, as for tasks, the first of the adapter's ``company_ids``: a
company never reads another's flag or hold as its own, nor clears or releases it (``owners``).
Earlier versions wrote ``[arwatch:flag:<payload>]``, ``[arwatch:hold:<payload>]`` and
``[arwatch:hold]`` (no company) and no mark on a cleared flag's note: such a legacy mark is read
as the reading company's own, as before, so that an upgraded database sees no change;
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

HOLD_MARK = "[arwatch:hold]"  # legacy: a hold written without company
HOLD_MARK_START = "[arwatch:hold"  # what every hold mark of a sales warning starts with
FLAG_PREFIX = "[arwatch:flag:"
FLAG_NOTES = "[arwatch:flag"  # what flag notes and cleared-flag notes both contain
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
_PAYLOAD = re.compile(r"\[arwatch:(flag|hold):([A-Za-z0-9_\-=]+)(?:@([0-9]+))?\]")
_CLEARED = re.compile(r"\[arwatch:flag-cleared(?:@([0-9]+))?\]")
_HOLD_LINE = re.compile(r"\[arwatch:hold(?:@([0-9]+))?\]")


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


def _owner(found: str | None) -> int | None:
    return int(found) if found else None


def payload_mark(kind: str, data: dict[str, Any], company_id: int | None = None) -> str:
    """The mark of a ``kind`` note written for ``company_id`` (None: the legacy mark)."""
    raw = zlib.compress(json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), 9)
    owner = f"@{company_id}" if company_id is not None else ""
    return f"[arwatch:{kind}:{base64.urlsafe_b64encode(raw).decode()}{owner}]"


def payloads(kind: str, text: str | None) -> list[tuple[int | None, dict[str, Any]]]:
    """(company id, payload) of each readable ``kind`` mark in ``text``, in order; company None
    for a legacy mark; a damaged payload is left out."""
    found = []
    for match in _PAYLOAD.finditer(text or ""):
        if match.group(1) != kind:
            continue
        try:
            data = json.loads(zlib.decompress(base64.urlsafe_b64decode(match.group(2))))
        except (ValueError, zlib.error):
            continue
        if isinstance(data, dict):
            found.append((_owner(match.group(3)), data))
    return found


def payload(kind: str, text: str | None) -> dict[str, Any] | None:
    """The last ``kind`` payload in ``text`` (whatever its company); None when absent or damaged."""
    found = payloads(kind, text)
    return found[-1][1] if found else None


def flag_cleared_mark(company_id: int) -> str:
    return f"[arwatch:flag-cleared@{company_id}]"


def flag_cleared_by(text: str | None) -> list[int | None]:
    """The companies whose cleared-flag marks ``text`` carries."""
    return [_owner(m.group(1)) for m in _CLEARED.finditer(html.unescape(text or ""))]


def hold_mark(company_id: int | None = None) -> str:
    """The mark ending a company's line of a sales warning (None: the legacy mark)."""
    return f"[arwatch:hold@{company_id}]" if company_id is not None else HOLD_MARK


def hold_owners(message: str | None) -> list[int | None]:
    """The companies holding the customer by its sales warning message, in order (None: a
    legacy mark)."""
    return [_owner(m.group(1)) for m in _HOLD_LINE.finditer(message or "")]


def strip_hold_marks(text: str | None) -> str:
    """``text`` without its hold marks."""
    return " ".join(_HOLD_LINE.sub("", text or "").split())


def without_holds(message: str | None, owners: set[int | None] | None = None) -> str:
    """``message`` without the lines of the holds of ``owners`` (all holds when None)."""
    kept = [line for line in (message or "").split("\n")
            if not any(owners is None or o in owners for o in hold_owners(line))]
    return "\n".join(kept).strip()


def risk_tag(level: str) -> str:
    return RISK_TAG.format(level=level)


def level_of_tag(name: str) -> str | None:
    return name[len(RISK_TAG_PREFIX):].strip() or None if name.startswith(RISK_TAG_PREFIX) else None
