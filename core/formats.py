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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

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


# Babel takes a fraction of a millisecond per value; a plan writes the same days and amounts
# again and again (an invoice's in its evidence, its statement line, its letter), so each
# (value, locale) is formatted once per process. The caches are bounded; equal keys give equal
# text (a value of 0 is not cached: -0.0 == 0.0, and Babel may write the sign).
_KEEP = 1 << 16


def day(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A date in the locale's medium style ('20 Nov 2026', '20.11.2026', 'Nov 20, 2026')."""
    return _day(value, type(value).__name__, locale)


@lru_cache(maxsize=_KEEP)
def _day(value: dt.date, kind: str, locale: str) -> str:
    return format_date(value, "medium", locale=parsed(locale))


def month(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A month and year as the locale names it ('November 2026', 'novembre 2026')."""
    return _month(value, type(value).__name__, locale)


@lru_cache(maxsize=4096)
def _month(value: dt.date, kind: str, locale: str) -> str:
    return format_date(value, "LLLL yyyy", locale=parsed(locale))


def money(value: Number, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount with its currency, to the cent, as the locale writes it."""
    if not value:
        return format_currency(value, currency, locale=parsed(locale))
    return _money(value, type(value).__name__, currency, locale)


@lru_cache(maxsize=_KEEP)
def _money(value: Number, kind: str, currency: str, locale: str) -> str:
    return format_currency(value, currency, locale=parsed(locale))


def amount(value: Number, locale: str = DEFAULT_LOCALE) -> str:
    """An amount to the cent without currency (a table cell whose head names the currency)."""
    if not value:
        return format_decimal(value, format="#,##0.00", locale=parsed(locale))
    return _amount(value, type(value).__name__, locale)


@lru_cache(maxsize=_KEEP)
def _amount(value: Number, kind: str, locale: str) -> str:
    return format_decimal(value, format="#,##0.00", locale=parsed(locale))


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
        return day(as_date(value), self.locale)

    def days(self, values: Sequence[DayLike]) -> str:
        """Dates as a list, the year written once when they share it ('2 Nov, 9 Nov, 16 Nov 2026')."""
        dates = [as_date(v) for v in values]
        if len(dates) < 2 or len({d.year for d in dates}) > 1:
            return ", ".join(self.day(d) for d in dates)
        skeleton, loc = _day_month_skeleton(self.locale), parsed(self.locale)
        return ", ".join([*(format_skeleton(skeleton, d, locale=loc) for d in dates[:-1]), self.day(dates[-1])])

    def month(self, value: DayLike) -> str:
        """A month and year, short ('Mar 2026', 'März 2026', '2026年3月')."""
        return format_skeleton("yMMM", as_date(value), locale=parsed(self.locale))

    def percent(self, value: float) -> str:
        """A share 0..1 as a whole percentage ('43%', '43 %')."""
        return format_percent(value, locale=parsed(self.locale))

    def number(self, value: float, decimals: int) -> str:
        """A measure (days on average, a severity) to exactly ``decimals`` places, in the
        locale's digits ('27.3', '27,3')."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(float(value), format=pattern, locale=parsed(self.locale))
