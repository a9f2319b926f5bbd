"""Done activities (``mail.message`` notifications of an activity type) as contact attempts:
what the sync reads where the add-on, with its own contact attempts, is not installed."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from .values import Record, Row, Unmappable, day

_NO_ANSWER = re.compile(r"no answer|unanswered|not answered|voicemail|voice mail|no reply|not reached|"
                        r"did not pick up|didn't pick up|no response", re.I)
_PROMISE = re.compile(r"promised?(?: to pay)?\s*[:=]?\s*(?:on\s+)?(\d{4}-\d{2}-\d{2})(?:\s*[:, ]\s*(\d+(?:\.\d+)?))?",
                      re.I)
_TAGS = re.compile(r"<[^>]+>")


def text_of(body: str | None) -> str:
    """The words of an HTML body."""
    return " ".join(html.unescape(_TAGS.sub(" ", body or "")).split())


def contact_attempt(message: Row, customer_id: int, channel: str) -> Record:
    """A done activity: answered unless its feedback says otherwise; "promise: 2026-12-01 500" is
    read as a promise to pay."""
    text = text_of(message.get("body"))
    on = day(message.get("date"))
    if on is None:
        raise Unmappable("date", "a message without a date")
    record: Record = {"id": f"msg:{message['id']}", "customer_id": str(customer_id), "on": on,
                      "channel": channel, "answered": not _NO_ANSWER.search(text), "outcome": text[:200]}
    promise = _PROMISE.search(text)
    if promise:
        record["promise_date"] = dt.date.fromisoformat(promise.group(1))
        if promise.group(2):
            record["promise_amount"] = Decimal(promise.group(2))
    return record


def channel_of(activity_type: Row) -> str | None:
    """The contact channel of an activity type, None for types that are not contacts (to-dos,
    uploads)."""
    category = activity_type.get("category")
    name = str(activity_type.get("name") or "").lower()
    icon = str(activity_type.get("icon") or "")
    if category == "phonecall" or "call" in name:
        return "call"
    if "envelope" in icon or "mail" in name:
        return "email"
    if category == "meeting" or "meeting" in name:
        return "visit"
    return None
