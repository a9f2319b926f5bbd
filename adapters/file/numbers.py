"""Amounts as people write them, read with Babel's locale-aware parser.

``number_format`` names how a file writes its numbers, by example or by locale::

    "1,234.56"   US, UK, ... (the default; also reads 1234.56)   -> en_US
    "1.234,56"   Germany, Italy, Spain, Netherlands, ...          -> de_DE
    "1 234,56"   France, Sweden, Poland, ... (any kind of space)  -> fr_FR
    "1'234.56"   Switzerland                                      -> de_CH
    "de_AT"      any locale Babel knows
    "auto"       guessed from the file's amounts (an error when they could be read two ways)

Around the number, a currency symbol or code (``$``, ``€``, ``USD``), a sign before or after it
(``-1,234.50``, ``1.234,50-``) and parentheses for a negative (``(1,234.50)``) are understood.
Babel's strict mode refuses a separator in the wrong place, so ``32,86`` is not an amount in
the format ``1,234.56`` (it would be 3,286 or 32.86): never a silent misreading.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from .readings import first_disagreement

EXAMPLES = {"1,234.56": "en_US", "1.234,56": "de_DE", "1 234,56": "fr_FR", "1'234.56": "de_CH"}
DEFAULT = "1,234.56"
AUTO = "auto"
_SPACES = " \u00a0\u202f\u2009\u2007"
_APOSTROPHES = "'\u2019\u02bc`"
_MINUS = "-\u2212\u2013"
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")  # 1234.50: read at once where "." is the decimal symbol


@lru_cache(maxsize=64)
def _symbols(locale: str) -> tuple[str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale)


@lru_cache(maxsize=64)
def _grouped(locale: str) -> re.Pattern[str]:
    """Numbers whose grouping strict Babel accepts as they are (1,234,567.89): read without
    Babel's slower round trip; anything else goes to Babel."""
    group, decimal = (re.escape(s) for s in _symbols(locale))
    return re.compile(rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{decimal}\d+)?")


class AmbiguousNumbers(ValueError):
    """The file's amounts read as different numbers in two formats."""


def locale_of(number_format: str) -> str:
    """The Babel locale of a ``number_format`` (an example above or a locale); ValueError if none."""
    if number_format in EXAMPLES:
        return EXAMPLES[number_format]
    try:
        Locale.parse(number_format.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"{number_format!r} is neither one of {', '.join(map(repr, EXAMPLES))}, "
                         f"{AUTO!r} nor a locale such as 'de_AT'") from None
    return number_format.replace("-", "_")


def example(locale: str) -> str:
    """How ``locale`` writes one thousand two hundred thirty-four and 56 hundredths."""
    for text, loc in EXAMPLES.items():
        if loc == locale:
            return text
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return f"1{group}234{decimal}56"


def _strip(text: str) -> tuple[str, bool]:
    """The number inside ``text`` (currency, signs and parentheses taken off), and whether negative."""
    negative = False
    core = text.strip()
    while True:
        before = core
        if core.startswith("(") and core.endswith(")"):
            negative, core = not negative, core[1:-1]
        while core and (core[0] in _SPACES or core[0].isalpha() or unicodedata.category(core[0]) == "Sc"):
            core = core[1:]
        while core and (core[-1] in _SPACES or core[-1].isalpha() or unicodedata.category(core[-1]) == "Sc"):
            core = core[:-1]
        if core[:1] in _MINUS or core[-1:] in _MINUS:
            negative, core = not negative, (core[1:] if core[:1] in _MINUS else core[:-1])
        elif core[:1] == "+":
            core = core[1:]
        if core == before:
            return core, negative


def parse_amount(text: str, locale: str) -> Decimal:
    """``text`` as a Decimal in ``locale``'s format; ValueError when it is not a number there."""
    group, decimal = _symbols(locale)
    if decimal == "." and _PLAIN.fullmatch(text):
        return Decimal(text)
    core, negative = _strip(text)
    if not core or not core[0].isdigit() and core[0] not in ".,":
        raise ValueError(f"{text!r} is not a number")
    if group in _SPACES:
        core = "".join(group if c in _SPACES else c for c in core)
    elif group in _APOSTROPHES:
        core = "".join(group if c in _APOSTROPHES else c for c in core)
    if _grouped(locale).fullmatch(core):
        value = Decimal(core.replace(group, "").replace(decimal, "."))
        return -value if negative else value
    try:
        value = parse_decimal(core, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):  # InvalidOperation: Babel on digits past Decimal's precision
        raise ValueError(f"{text!r} is not a number in the format {example(locale)}") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return -value if negative else value


def guess_locale(values: list[tuple[str, str]], weights: list[int] | None = None) -> str:
    """The locale that reads the most of ``values`` ((where, text) pairs, e.g. ("row 2, column
    'Amount'", "1.234,50"), each standing for ``weights[i]`` cells, default 1); the default's
    when none is read better. ``AmbiguousNumbers`` when two formats read every value they can
    and disagree on one."""
    if not values:
        return EXAMPLES[DEFAULT]
    readings: dict[str, list[Decimal | None]] = {}
    for locale in EXAMPLES.values():
        row: list[Decimal | None] = []
        for _, text in values:
            try:
                row.append(parse_amount(text, locale))
            except ValueError:
                row.append(None)
        readings[locale] = row
    each = weights or [1] * len(values)
    unread = {loc: sum(w for v, w in zip(row, each, strict=True) if v is None) for loc, row in readings.items()}
    fewest = min(unread.values())
    fit = [loc for loc, count in unread.items() if count == fewest]
    first = fit[0]
    for other in fit[1:]:
        clash = first_disagreement(readings[first], readings[other])
        if clash is not None:
            i, a, b = clash
            where, text = values[i]
            raise AmbiguousNumbers(
                f"amounts such as {text!r} ({where}) read as {a} with number_format = "
                f"\"{example(first)}\" and as {b} with \"{example(other)}\"")
    return first


def decimal_symbol(locale: str) -> str:
    """The decimal symbol of ``locale`` ("." or ",")."""
    return _symbols(locale)[1]
