"""One date style and one money style per company locale (Babel's CLDR data, pure: no I/O).

Letters, call scripts, task titles, the CLI and the report write days and amounts through these,
with the company's locale passed in, so one company reads one style everywhere:

    day(date(2026, 11, 20), "en_GB")          # '20 Nov 2026'
    day(date(2026, 11, 20), "de_DE")          # '20.11.2026'
    money(1234.5, "EUR", "en_GB")             # '€1,234.50'
    money(1234.5, "EUR", "de_DE")             # '1.234,50 €'
    amount(1234.5, "de_DE")                   # '1.234,50' (a table cell under a head naming the currency)

``Style(locale, currency)`` bundles them for one company (the indicators' evidence, hold reasons,
tasks and the report write through it), and ``locale_of_lang`` maps an Odoo language code to a
locale.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

DEFAULT_LOCALE = "en_GB"  # when neither the configuration nor --locale names one

Number = float | int | Decimal


def check_locale(name: str) -> str:
    """``name`` if Babel knows it (``en_GB``, ``de-DE``, ``fr``), else ``ValueError`` saying so."""
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"locale {name!r}: not a known locale (use a name such as en_GB, de_DE, fr_FR)") from None
    return name.replace("-", "_")


@lru_cache(maxsize=32)
def parsed(name: str) -> Locale:
    return Locale.parse(check_locale(name))


# Babel takes a fraction of a millisecond per value, and a plan writes thousands of days and
# amounts (an invoice's in its evidence, its statement line, its letter). Days are formatted once
# per (day, locale). Amounts go through ``_Layout``: the locale's pattern read from Babel once
# per (currency, locale), then filled in as Babel fills it (same quantizing, grouping, signs,
# symbols), about ten times faster; a layout is used only if it writes a set of probe values
# exactly as Babel does, otherwise Babel writes every value (tests/test_formats_fast.py compares
# them on random values in 30 locales).


def day(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A date in the locale's medium style ('20 Nov 2026', '20.11.2026', 'Nov 20, 2026')."""
    return _day(value, type(value).__name__, locale)


@lru_cache(maxsize=1 << 16)
def _day(value: dt.date, kind: str, locale: str) -> str:
    return format_date(value, "medium", locale=parsed(locale))


def month(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A month and year as the locale names it ('November 2026', 'novembre 2026')."""
    return _month(value, type(value).__name__, locale)


@lru_cache(maxsize=4096)
def _month(value: dt.date, kind: str, locale: str) -> str:
    return format_date(value, "LLLL yyyy", locale=parsed(locale))


def half_away(value: Number, places: int = 0) -> Decimal:
    """``value`` rounded to ``places`` decimals, a half away from zero (2.5 is 3, -0.125 is -0.13
    to the cent), as accounting software rounds the money it shows (Odoo's ``float_round``,
    QuickBooks); a float as written (``repr``: 1.005 is 1.005, not its binary 1.00499...). A
    value that rounds to nothing is 0, never -0 ("-€0"); not a number or infinite: as it is.

    Every money text rounds through this: ``money`` and ``amount`` below (the evidence, hold
    reasons, tasks and letters written to the targets, the CLI), ``wording.plain_money``, and the
    report's (``arwatch.report.style``, the export's cells)."""
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not d.is_finite():
        return d
    rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def money(value: Number, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount with its currency, to the cent (the currency's decimals) a half away from zero
    (``half_away``), as the locale writes it."""
    key = _kept_as(value, currency, locale)
    text = _WRITTEN.get(key) if key is not None else None
    if text is None:
        layout = _money_layout(currency, locale)
        text = layout.quick(value) if layout is not None else None
        if text is None:
            rounded = _rounded(value, _precision(currency))
            text = layout.render(rounded) if layout is not None else None
            if text is None:
                text = format_currency(rounded, currency, locale=parsed(locale))
        _keep(key, text)
    return text


@lru_cache(maxsize=256)
def _precision(currency: str) -> int:
    """The currency's decimals (Babel's ``get_currency_precision``, a look-up through its data per call)."""
    return int(get_currency_precision(currency))


def amount(value: Number, locale: str = DEFAULT_LOCALE) -> str:
    """An amount to the cent a half away from zero (``half_away``), without currency (a table
    cell whose head names the currency)."""
    key = _kept_as(value, None, locale)
    text = _WRITTEN.get(key) if key is not None else None
    if text is None:
        layout = _amount_layout(locale)
        text = layout.quick(value) if layout is not None else None
        if text is None:
            rounded = _rounded(value, 2)
            text = layout.render(rounded) if layout is not None else None
            if text is None:
                text = format_decimal(rounded, format=AMOUNT_PATTERN, locale=parsed(locale))
        _keep(key, text)
    return text


def _rounded(value: Number, places: int) -> Number:
    """``half_away(value, places)``; a value not a number or infinite as it is (Babel writes it).
    A float that no rule for halves can round otherwise (``_off_half``) is returned as it is, so
    that the layout writes it from its binary value, without a Decimal (``_Layout._float``)."""
    if isinstance(value, float) and _off_half(value, places):
        return value
    d = half_away(value, places)
    return d if d.is_finite() else value


def _off_half(value: float, places: int) -> bool:
    """Whether ``value`` is at least one unit of its last decimal in size (it rounds to no zero,
    so no "-0" question) and not within a rounding error of a half of that decimal: then half
    away from zero, half to even and the binary value's own rounding write the same text."""
    size = abs(value)
    return 10.0 ** -places <= size < _FAST_BELOW and not _near_half(size, places)


def _near_half(size: float, places: int) -> bool:
    """Whether ``size`` (not negative, below ``_FAST_BELOW``) is within a rounding error of a half
    of its ``places``-th decimal (``scaled`` is it in tenths of that decimal; a half is 5 mod 10;
    its error is below ``scaled`` x 2.3e-16 for values below ``_FAST_BELOW``)."""
    scaled = size * _TENS[places + 1]
    return abs(scaled % 10 - 5) <= scaled * 1e-15 + 1e-9


# A plan writes the same amount several times (an invoice's open amount in a flag's evidence,
# the task's lines, its statement and its letter): the texts of the last amounts written are
# kept, by (type, value, currency, locale). Only for a float other than 0 and finite, whose text
# depends on its value alone (0.0 and -0.0 are equal, yet one is written with a minus sign).
_WRITTEN: dict[tuple[type, float, str | None, str], str] = {}
_WRITTEN_KEPT = 1 << 16  # texts kept at most; then forgotten all at once


def _kept_as(value: Number, currency: str | None, locale: str) -> tuple[type, float, str | None, str] | None:
    if isinstance(value, float) and value != 0 and math.isfinite(value):
        return type(value), value, currency, locale
    return None


def _keep(key: tuple[type, float, str | None, str] | None, text: str) -> None:
    if key is not None:
        if len(_WRITTEN) >= _WRITTEN_KEPT:
            _WRITTEN.clear()
        _WRITTEN[key] = text


AMOUNT_PATTERN = "#,##0.00"
_QUOTED = re.compile(r"'([^']*)'")
_PROBES: tuple[Number, ...] = (
    0, 0.0, -0.0, 1, -1, 0.5, 0.005, 0.015, 0.125, 0.135, 2.675, 1.005, 12.3, 999.995, 999.994, 1000, -1234.5,
    12345.678, 123456.785, 1234567.89, 98765432.1, 1e9, -1e9 - 0.5, 0.001, 7e-05, Decimal("0"), Decimal("-0.00"),
    Decimal("1.005"), Decimal("2.50"), Decimal("-1234567.895"))


@dataclass(frozen=True)
class _Layout:
    """A number pattern of one locale (and currency), as Babel's ``NumberPattern.apply`` fills it."""

    prefix: tuple[str, str]  # positive, negative
    suffix: tuple[str, str]
    group: str
    decimal: str
    grouping: tuple[int, int]
    int_min: int
    frac: tuple[int, int]
    quantum: Decimal
    # ``format(rounded, ",f")`` with its separators swapped for the locale's, where that writes
    # what the loop below does: groups of three, fixed decimals (most currencies and locales)
    simple: dict[int, str] | None = field(default=None, init=False, compare=False, repr=False)
    as_written: bool = field(default=False, init=False, compare=False, repr=False)  # ``simple`` changes nothing

    def __post_init__(self) -> None:
        if self.grouping == (3, 3) and self.int_min == 1 and self.frac[0] == self.frac[1] > 0:
            object.__setattr__(self, "simple", str.maketrans({",": self.group, ".": self.decimal}))
            object.__setattr__(self, "as_written", (self.group, self.decimal) == (",", "."))

    def render(self, value: Number) -> str | None:
        """``value`` written in this layout; None where Babel should write it (NaN, infinity, ...)."""
        if self.simple is not None and isinstance(value, float) and -_FAST_BELOW < value < _FAST_BELOW:
            text = self._float(value)
            if text is not None:
                return text
        try:
            d = value if isinstance(value, Decimal) else Decimal(str(value))
            if not d.is_finite():
                return None
            negative = int(d.is_signed())
            rounded = abs(d).normalize().quantize(self.quantum)
        except (InvalidOperation, ValueError, TypeError):
            return None
        if self.simple is not None:
            return self.prefix[negative] + format(rounded, ",f").translate(self.simple) + self.suffix[negative]
        whole, _, part = f"{rounded:f}".partition(".")
        if len(whole) < self.int_min:
            whole = "0" * (self.int_min - len(whole)) + whole
        size, grouped = self.grouping[0], ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.grouping[1]
        low, high = self.frac
        part = (part or "0").ljust(low, "0")
        if high == 0 or (low == 0 and int(part) == 0):
            fraction = ""
        else:
            while len(part) > low and part[-1] == "0":
                part = part[:-1]
            fraction = self.decimal + part
        return self.prefix[negative] + whole + grouped + fraction + self.suffix[negative]

    def quick(self, value: Number) -> str | None:
        """What ``render`` writes of ``_rounded(value, places)`` (``places`` this layout's
        decimals) where that is ``value`` itself, a float off a half (``_off_half``), written at
        once from its binary value; None for any other value (round it, then ``render``)."""
        if self.simple is None or not isinstance(value, float) or not _off_half(value, self.frac[1]):
            return None
        return self._binary(value)

    def _float(self, value: float) -> str | None:
        """A float written by ``format`` straight from its binary value, without a Decimal: the
        same text as the Decimal of its ``str`` rounded half to even (``render``), unless that
        text ends exactly half way between two written values (0.125, 2.675 to the cent), the
        one case where rounding the binary value (0.1249..., 2.67499...) and rounding its
        shortest text can differ: then None (``render`` goes the Decimal way). A value within
        a rounding error of such a half is sent that way too (``_near_half``)."""
        return None if _near_half(abs(value), self.frac[1]) else self._binary(value)

    def _binary(self, value: float) -> str:
        """``value`` written by ``format`` from its binary value (``_float``, ``quick``)."""
        negative = math.copysign(1.0, value) < 0  # -0.0 too, as ``Decimal.is_signed``
        text = format(abs(value), _GROUPED[self.frac[1]])
        if not self.as_written:
            text = text.translate(self.simple)  # type: ignore[arg-type]
        return self.prefix[negative] + text + self.suffix[negative]


_FAST_BELOW = 1e12  # floats below this in size go ``_Layout._float``'s way (their text has no exponent)
_TENS = tuple(10.0 ** k for k in range(23))  # exact as floats
_GROUPED = tuple(f",.{k}f" for k in range(22))


def _affix(text: str, currency: str | None, locale: Locale) -> str | None:
    if currency is not None and "¤" in text:
        if "¤¤¤" in text:
            return None  # the currency's long name, which depends on the value (plural forms)
        text = text.replace("¤¤", currency.upper()).replace("¤", get_currency_symbol(currency, locale))
    return _QUOTED.sub(lambda m: m.group(1) or "'", text)


def _layout_of(pattern: NumberPattern, locale: Locale, currency: str | None,
               babel: Callable[[Number], str]) -> _Layout | None:
    """The layout of ``pattern``, if it writes every probe value as ``babel`` does; else None.
    Babel as old as Odoo 18.0 pins (2.10) has no ``number_pattern`` and no ``numbering_system``:
    the layout is then read without them, and the probes decide as always."""
    if pattern.exp_prec or "@" in pattern.pattern or pattern.scale or not getattr(pattern, "number_pattern", "#"):
        return None
    try:
        return _checked_layout(pattern, locale, currency, babel)
    except Exception:  # noqa: BLE001 - Babel refusing a probe, or an older Babel: Babel writes every value
        return None


def _symbols(locale: Locale) -> tuple[str, str]:
    """(group, decimal) symbols of ``locale`` in Latin digits."""
    try:
        return (get_group_symbol(locale, numbering_system="latn"),
                get_decimal_symbol(locale, numbering_system="latn"))
    except TypeError:  # Babel < 2.14 knows one numbering system per locale
        return get_group_symbol(locale), get_decimal_symbol(locale)


def _checked_layout(pattern: NumberPattern, locale: Locale, currency: str | None,
                    babel: Callable[[Number], str]) -> _Layout | None:
    frac = (get_currency_precision(currency),) * 2 if currency else pattern.frac_prec
    affixes = [_affix(t, currency, locale) for t in (*pattern.prefix, *pattern.suffix)]
    if any(a is None for a in affixes):
        return None
    layout = _Layout(prefix=(str(affixes[0]), str(affixes[1])), suffix=(str(affixes[2]), str(affixes[3])),
                     group=_symbols(locale)[0], decimal=_symbols(locale)[1],
                     grouping=(int(pattern.grouping[0]), int(pattern.grouping[1])), int_min=int(pattern.int_prec[0]),
                     frac=(int(frac[0]), int(frac[1])), quantum=get_decimal_quantum(frac[1]))
    return layout if all(layout.render(v) == babel(v) for v in _PROBES) else None


@lru_cache(maxsize=256)
def _money_layout(currency: str, locale: str) -> _Layout | None:
    loc = parsed(locale)
    return _layout_of(loc.currency_formats["standard"], loc, currency,
                      lambda v: format_currency(v, currency, locale=loc))


@lru_cache(maxsize=64)
def _amount_layout(locale: str) -> _Layout | None:
    loc = parsed(locale)
    return _layout_of(parse_pattern(AMOUNT_PATTERN), loc, None,
                      lambda v: format_decimal(v, format=AMOUNT_PATTERN, locale=loc))


@lru_cache(maxsize=64)
def _number_layout(decimals: int, locale: str) -> _Layout | None:
    """``Style.number``'s pattern read once per (decimals, locale), used where it writes the probes as Babel."""
    loc, pattern = parsed(locale), "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _layout_of(parse_pattern(pattern), loc, None, lambda v: format_decimal(v, format=pattern, locale=loc))


def locale_of_lang(lang: str | None, fallback: str = "en_US") -> str:
    """The Babel locale of an Odoo language code ('fr_FR', 'de_CH', 'sr@latin', 'es_419'):
    the code itself when Babel knows it, else its language alone ('sr'), else ``fallback``."""
    for name in (lang or "", (lang or "").split("@")[0], (lang or "").split("@")[0].split("_")[0]):
        if name:
            try:
                return check_locale(name)
            except ValueError:
                continue
    return check_locale(fallback)


DayLike = dt.date | int  # a date, or a day number (``date.toordinal()``, as the frame keeps days)


def as_date(value: DayLike) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromordinal(int(value))


@lru_cache(maxsize=32)
def _day_month_skeleton(name: str) -> str:
    """The locale's medium date pattern without its year, as a skeleton ('dMMM', 'ddMM', 'MMMd')."""
    pattern = parsed(name).date_formats["medium"].pattern
    fields = [m.group(0) for m in re.finditer(r"'[^']*'|([A-Za-z])\1*", pattern) if not m.group(0).startswith("'")]
    return "".join(f for f in fields if f[0] not in "yYuGE") or "MMMd"


@lru_cache(maxsize=1 << 16)  # evidence gives days as the frame's day numbers
def _day_number(value: int, locale: str) -> str:
    return day(dt.date.fromordinal(value), locale)


@lru_cache(maxsize=4096)  # the same few months in every customer's evidence
def _short_month(value: dt.date, locale: str) -> str:
    return format_skeleton("yMMM", value, locale=parsed(locale))


@dataclass(frozen=True)
class Style:
    """How one company writes days and amounts: its locale and its accounting currency. The
    indicators' evidence, hold reasons and task lines write through one of these (the report's
    ``arwatch.report.style.Style`` writes through the same functions):

        s = Style("de_DE", "EUR")
        s.money(1470.77)                  # '1.470,77 €'
        s.day(date(2026, 10, 8))          # '08.10.2026' (or a day number)
        s.days([d1, d2, d3])              # '02.11., 09.11., 16.11.2026' (the year once when shared)
        s.month(date(2026, 3, 1))         # 'März 2026'
        s.percent(0.43)                   # '43 %'
        s.number(27.25, 1)                # '27,2' (a measure to so many decimals)
    """

    locale: str = DEFAULT_LOCALE
    currency: str = "EUR"

    def money(self, value: Number, currency: str | None = None) -> str:
        """An amount with its currency (this style's unless named), to the cent."""
        return money(value, currency or self.currency, self.locale)

    def amount(self, value: Number) -> str:
        """An amount to the cent without currency (a table cell whose head names the currency)."""
        return amount(value, self.locale)

    def day(self, value: DayLike) -> str:
        """A date (or day number) in the locale's medium style."""
        if isinstance(value, dt.date):
            return day(value, self.locale)
        return _day_number(int(value), self.locale)

    def days(self, values: Sequence[DayLike]) -> str:
        """Dates as a list, the year written once when they share it ('2 Nov, 9 Nov, 16 Nov 2026')."""
        dates = [as_date(v) for v in values]
        if len(dates) < 2 or len({d.year for d in dates}) > 1:
            return ", ".join(self.day(d) for d in dates)
        skeleton, loc = _day_month_skeleton(self.locale), parsed(self.locale)
        return ", ".join([*(format_skeleton(skeleton, d, locale=loc) for d in dates[:-1]), self.day(dates[-1])])

    def month(self, value: DayLike) -> str:
        """A month and year, short ('Mar 2026', 'März 2026', '2026年3月')."""
        return _short_month(as_date(value), self.locale)

    def percent(self, value: float) -> str:
        """A share 0..1 as a whole percentage ('43%', '43 %')."""
        return format_percent(value, locale=parsed(self.locale))

    def number(self, value: float, decimals: int) -> str:
        """A measure (days on average, a severity) to exactly ``decimals`` places, in the
        locale's digits ('27.3', '27,3')."""
        layout = _number_layout(decimals, self.locale)
        text = layout.render(float(value)) if layout is not None else None
        if text is None:
            pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
            text = format_decimal(float(value), format=pattern, locale=parsed(self.locale))
        return text
