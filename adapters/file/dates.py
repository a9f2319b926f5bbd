"""Dates as exports write them: a pattern set in the config, or one guessed from the file.

``date_format = "auto"`` (the default) tries the patterns of ``CANDIDATES`` on every date of a
file and takes the one that reads the most of them. When two read them all and give different
days (``03/04/2026``: 3 April or March 4), the file is refused with the value, where it is and
the two readings: ``date_format`` in the settings decides. A time after the date
(``2026-04-03 00:00:00``, ``2026-04-03T09:30``) is ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .readings import first_disagreement

_TOKENS = (("yyyy", "%Y"), ("yy", "%y"), ("mmmm", "%B"), ("mmm", "%b"), ("mm", "%m"), ("m", "%m"),
           ("dd", "%d"), ("d", "%d"))
AUTO = "auto"
CANDIDATES = ("yyyy-mm-dd", "d/m/yyyy", "m/d/yyyy", "d.m.yyyy", "d-m-yyyy", "m-d-yyyy", "yyyy/m/d", "yyyy.m.d",
              "d/m/yy", "m/d/yy", "d.m.yy", "d-mmm-yyyy", "d mmm yyyy", "mmm d, yyyy", "d-mmm-yy",
              "d mmmm yyyy", "mmmm d, yyyy", "yyyymmdd")
_TIME = re.compile(r"^(.+?)[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?$")


class AmbiguousDates(ValueError):
    """The file's dates read as different days with two patterns."""


@lru_cache(maxsize=256)
def strptime_format(pattern: str) -> str:
    """``m/d/yyyy`` -> ``%m/%d/%Y``; a pattern with ``%`` is already a strptime format."""
    if "%" in pattern:
        return pattern
    out, i = "", 0
    while i < len(pattern):
        for token, code in _TOKENS:
            if pattern.lower().startswith(token, i):
                out += code
                i += len(token)
                break
        else:
            out += pattern[i]
            i += 1
    return out


def without_time(text: str) -> str:
    """``2026-04-03 00:00:00`` -> ``2026-04-03``."""
    match = _TIME.match(text.strip())
    return match.group(1) if match else text.strip()


@lru_cache(maxsize=1 << 16)
def parse_date(text: str, pattern: str) -> dt.date:
    """``text`` read with ``pattern``; ValueError when it does not fit (or is before 1900: a
    two-digit year read as a four-digit one). Remembered: an export repeats a few thousand
    distinct dates over its rows (a failure is not remembered, and raises again)."""
    day = dt.datetime.strptime(without_time(text), strptime_format(pattern)).date()
    if day.year < 1900:
        raise ValueError(f"{text!r}: year {day.year}")
    return day


def guess_pattern(values: list[tuple[str, str]], weights: list[int] | None = None) -> str | None:
    """The pattern of ``CANDIDATES`` that reads the most of ``values`` ((where, text) pairs,
    each standing for ``weights[i]`` cells, default 1); None when there are none or none is
    read. ``AmbiguousDates`` when two read as many and disagree on one."""
    if not values:
        return None
    best: list[tuple[str, list[dt.date | None]]] = []
    most = 0
    for pattern in CANDIDATES:
        read: list[dt.date | None] = []
        for _, text in values:
            try:
                read.append(parse_date(text, pattern))
            except ValueError:
                read.append(None)
        count = sum(d is not None for d in read) if weights is None else \
            sum(w for d, w in zip(read, weights, strict=True) if d is not None)
        if count > most:
            best, most = [(pattern, read)], count
        elif count == most and count:
            best.append((pattern, read))
    if not best:
        return None
    first, first_read = best[0]
    for other, other_read in best[1:]:
        clash = first_disagreement(first_read, other_read)
        if clash is not None:
            i, a, b = clash
            where, text = values[i]
            raise AmbiguousDates(
                f"dates such as {text!r} ({where}) read as {_long(a)} with date_format = \"{first}\" "
                f"and as {_long(b)} with \"{other}\"")
    return first


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
