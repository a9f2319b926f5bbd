"""The edge clock: the one place the sync engine and the CLI read the machine's clock.

``run_clock(as_of, timezone)`` is called once where a run starts; everything below receives the
``RunClock`` it returns. The as-of day is ``as_of`` when given (``--as-of``), otherwise today in
the company's time zone (config ``timezone``, an IANA name such as ``Europe/Paris``; default the
machine's own).
"""

from __future__ import annotations

import datetime as dt

from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError


def system_now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def zone(name: str | None) -> dt.tzinfo | None:
    """The ``zoneinfo`` zone called ``name``; None (the machine's zone) when no name is given."""
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {name!r}: not a known time zone (use an IANA name such as "
                          f"'Europe/Paris' or 'America/New_York')") from None


def today_in(timezone: str | None) -> dt.date:
    """Today's date in ``timezone`` (the machine's zone when None)."""
    tz = zone(timezone)
    return system_now().astimezone(tz).date()


def run_clock(as_of: dt.date | None = None, timezone: str | None = None) -> RunClock:
    """The clock of a run starting now."""
    return RunClock(as_of or today_in(timezone), system_now)
