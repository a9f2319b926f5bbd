"""How a company's pages and exports write money, days and shares: one ``Style`` per company
locale (Babel's CLDR data), so every amount and date of one report reads the same way.

    style = Style("de_DE", "EUR")
    style.money(1234.5)          # '1.234,50 €'
    style.whole_money(1234.5)    # '1.235 €'  (totals on the first screen)
    style.amount(1234.5)         # '1.234,50' (table cells; the currency is in the column head)
    style.day(date(2026, 11, 20))  # '20.11.2026'
    style.share(0.431)           # '43,1 %'
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from arwatch.core import formats
from arwatch.core.formats import DEFAULT_LOCALE, check_locale, half_away

__all__ = ["DEFAULT_LOCALE", "Style", "cents", "check_locale"]

Number = float | int | Decimal


def cents(value: Number) -> Decimal:
    """An amount to the cent, a half away from zero, as the books show it (the export's and the
    aging table's amounts; ``formats.half_away``)."""
    return half_away(value, 2)


@dataclass(frozen=True)
class Style:
    """Formats of one company: its locale and its accounting currency."""

    locale: str = DEFAULT_LOCALE
    currency: str = "EUR"

    @cached_property
    def _locale(self) -> Locale:
        return Locale.parse(check_locale(self.locale))

    @cached_property
    def _whole_pattern(self) -> str:
        pattern = self._locale.currency_formats["standard"].pattern
        return pattern.split(";")[0].replace(".00", "")

    # Every amount shown rounds a half away from zero, as the books do (``formats.half_away``;
    # ``formats.money`` and ``formats.amount`` round through it): a controller comparing the page
    # with Odoo or QuickBooks reads the same figure.

    def money(self, value: Number, currency: str | None = None) -> str:
        """An amount with its currency, to the cent (the letters' and the CLI's style, core.formats)."""
        return formats.money(value, currency or self.currency, self.locale)

    def whole_money(self, value: Number, currency: str | None = None) -> str:
        """An amount with its currency, rounded to whole units (totals)."""
        return format_currency(half_away(value), currency or self.currency, locale=self._locale,
                               format=self._whole_pattern, currency_digits=False)

    def amount(self, value: Number) -> str:
        """An amount to the cent, without currency (table cells under a head naming it)."""
        return formats.amount(value, self.locale)

    def whole(self, value: Number) -> str:
        """A count or amount in whole units, grouped."""
        return format_decimal(half_away(value), format="#,##0", locale=self._locale)

    def symbol(self, currency: str | None = None) -> str:
        return get_currency_symbol(currency or self.currency, locale=self._locale)

    def share(self, value: float, digits: int = 1) -> str:
        """A share 0..1 as a percentage; 'n/a' when it is not a number."""
        if value is None or math.isnan(value):
            return "n/a"
        pattern = copy.copy(self._locale.percent_formats[None])
        pattern.frac_prec = (digits, digits)
        return pattern.apply(value, self._locale)

    def days(self, value: float) -> str:
        """A number of days, one decimal; 'n/a' when it is not a number."""
        if value is None or math.isnan(value):
            return "n/a"
        return format_decimal(value, format="#,##0.0", locale=self._locale)

    def day(self, value: dt.date) -> str:
        """A date in the locale's medium style ('20 Nov 2026', '20.11.2026'), as letters write it."""
        return formats.day(value, self.locale)

    def day_month(self, value: dt.date) -> str:
        """A day without its year, for an axis tick ('21 Nov', 'Nov 21', '21. Nov.')."""
        return format_skeleton("MMMd", value, locale=self._locale)

    def month(self, value: dt.date) -> str:
        """A month, short ('Nov 2026')."""
        return format_date(value, "MMM yyyy", locale=self._locale)

    def short_month(self, value: dt.date) -> str:
        """A month for an axis tick, its year in full ('Nov 2026', 'Nov. 2026'): 'Nov 26' reads as
        the 26th of November, 'Oct 12' as the 12th of October."""
        return format_skeleton("yMMM", value, locale=self._locale)
