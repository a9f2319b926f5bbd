"""One date style and one money style per company locale (Babel's CLDR data, pure: no I/O).

Letters, call scripts, task titles, the CLI and the report write days and amounts through these,
with the company's locale passed in, so one company reads one style everywhere:

    day(date(2026, 11, 20), "en_GB")          # '20 Nov 2026'
    day(date(2026, 11, 20), "de_DE")          # '20.11.2026'
    money(1234.5, "EUR", "en_GB")             # '€1,234.50'
    money(1234.5, "EUR", "de_DE")             # '1.234,50 €'
    amount(1234.5, "de_DE")                   # '1.234,50' (a table cell under a head naming the currency)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

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


def day(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A date in the locale's medium style ('20 Nov 2026', '20.11.2026', 'Nov 20, 2026')."""
    return format_date(value, "medium", locale=parsed(locale))


def month(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A month and year as the locale names it ('November 2026', 'novembre 2026')."""
    return format_date(value, "LLLL yyyy", locale=parsed(locale))


def money(value: Number, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount with its currency, to the cent, as the locale writes it."""
    return format_currency(value, currency, locale=parsed(locale))


def amount(value: Number, locale: str = DEFAULT_LOCALE) -> str:
    """An amount to the cent without currency (a table cell whose head names the currency)."""
    return format_decimal(value, format="#,##0.00", locale=parsed(locale))
