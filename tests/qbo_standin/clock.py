"""A settable clock. The stand-in never reads wall time for data it returns."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone, tzinfo

try:  # QuickBooks companies report times in their own zone (US Pacific by default).
    from zoneinfo import ZoneInfo

    PACIFIC: tzinfo = ZoneInfo("America/Los_Angeles")
except Exception:  # pragma: no cover - no tz database on this machine
    PACIFIC = timezone(timedelta(hours=-8), "PST")

DEFAULT_START = datetime(2024, 1, 5, 10, 15, 30, tzinfo=PACIFIC)


def qb_time(dt: datetime, tz: tzinfo = PACIFIC) -> str:
    """'2024-01-05T10:15:30-08:00', the form of MetaData times."""
    return dt.astimezone(tz).isoformat(timespec="seconds")


def qb_response_time(dt: datetime, tz: tzinfo = PACIFIC) -> str:
    """'2024-01-05T10:15:30.000-08:00', the form of the envelope's "time"."""
    return dt.astimezone(tz).isoformat(timespec="milliseconds")


class Clock:
    def __init__(self, start: datetime | str | None = None, tz: tzinfo = PACIFIC):
        self.tz = tz
        self._lock = threading.Lock()
        self._now = self._coerce(start) if start is not None else DEFAULT_START

    def _coerce(self, value: datetime | str) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return value

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, value: datetime | str) -> datetime:
        with self._lock:
            self._now = self._coerce(value)
            return self._now

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0) -> datetime:
        with self._lock:
            self._now = self._now + timedelta(seconds=seconds, minutes=minutes, hours=hours,
                                              days=days)
            return self._now

    def stamp(self) -> str:
        return qb_time(self.now(), self.tz)
