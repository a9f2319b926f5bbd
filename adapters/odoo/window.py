"""The overlap window: rows an incremental pull reads again are not changes.

An incremental pull reads each stream from ``cursor - overlap`` on, so the rows written in the
last ``overlap`` seconds before the cursor come back on every run until something newer is
written. The cursor keeps a digest of each stream's window (its rows' ids and ``write_date``);
when a run reads exactly those rows again, nothing in the stream changed, and the pull sends
none of them and makes none of the calls that complete changed records. A row committed late
with an older ``write_date`` changes the digest, so it is still read.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from .query import since_value

Row = dict[str, Any]


def digest(rows: list[Row]) -> str:
    marks = sorted(f"{r['id']}:{r.get('write_date') or ''}" for r in rows)
    return hashlib.sha256("\n".join(marks).encode()).hexdigest()[:16]


def parse_seen(cursor: str | None) -> dict[str, str]:
    try:
        seen = json.loads(cursor or "{}").get("seen", {})
    except (ValueError, AttributeError):
        return {}
    return {k: v for k, v in seen.items() if isinstance(v, str)} if isinstance(seen, dict) else {}


class Windows:
    """What each stream read this run, and the digests for the next cursor."""

    def __init__(self, seen: dict[str, str]):
        self.seen = seen
        self.read: dict[str, list[Row]] = defaultdict(list)

    def rows(self, name: str, rows: list[Row], since: str | None) -> list[Row]:
        """``rows`` as read for stream ``name``; none when they are the window seen last run."""
        self.read[name] += rows
        if since and rows and self.seen.get(name) == digest(rows):
            return []
        return rows

    def digests(self, cursor: dict[str, str | None], overlap_seconds: int) -> dict[str, str]:
        """Per stream: the digest of the rows the next run will read again if nothing changes."""
        out = {}
        for name, rows in self.read.items():
            since = since_value(cursor.get(name), overlap_seconds)
            if since:
                out[name] = digest([r for r in rows if (r.get("write_date") or "") >= since])
        return out
