"""The run's clock: the as-of day and a ``now`` for token expiry, locks and journal timestamps.

A run decides its clock once, where it starts (``arwatch.sync.clock.run_clock`` for the CLI and
scheduled runs; the add-on's cron uses Odoo's ``fields.Date.context_today``), and passes it down
as an argument. Nothing below that reads the wall clock: the same inputs and the same clock give
the same requests, plans and reports on any day. Tests and recorded traffic use ``fixed_clock``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

Now = Callable[[], dt.datetime]


@dataclass(frozen=True)
class RunClock:
    """``today``: the business day the run plans for (its as-of day); ``now()``: the current
    instant as an aware UTC datetime (it moves during a run: lock heartbeats, token expiry)."""

    today: dt.date
    now: Now

    def at(self, today: dt.date) -> RunClock:
        """The same instants, planning as of another day (``--as-of``)."""
        return RunClock(today, self.now)


def fixed_clock(today: dt.date, at: dt.datetime | None = None) -> RunClock:
    """A clock that never moves: ``now()`` is ``at`` (default: noon UTC of ``today``)."""
    instant = at or dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
    if instant.tzinfo is None:
        raise ValueError("fixed_clock: `at` must be timezone-aware")
    return RunClock(today, lambda: instant)
