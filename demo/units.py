"""Days and money as the generator counts them: day offsets, month ends and integer cents."""

from __future__ import annotations

import calendar
import datetime as dt

ONE_DAY = dt.timedelta(days=1)
#: an invoice issued in the last this many days of its month is a month-end invoice
MONTH_END_DAYS = 5


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def money(cents: int) -> str:
    """Integer cents as the loader's amount text: 123456 -> "1234.56"."""
    return f"{cents // 100}.{cents % 100:02d}"


def is_month_end(day: dt.date) -> bool:
    return day.day > calendar.monthrange(day.year, day.month)[1] - MONTH_END_DAYS
