"""One style per company locale: money, days and shares written by Babel (CLDR)."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from arwatch.report.style import Style, check_locale


def test_style__english_company_writes_euros_days_and_shares_the_british_way():
    style = Style("en_GB", "EUR")
    assert style.money(Decimal("1234567.891")) == "€1,234,567.89"
    assert style.whole_money(1234.5) == "€1,235"  # whole units, a half away from zero (as accounting software)
    assert style.amount(Decimal("-0.5")) == "-0.50"
    assert style.day(dt.date(2026, 11, 20)) == "20 Nov 2026"
    assert style.month(dt.date(2026, 11, 20)) == "Nov 2026"
    # an axis tick names the year in full: "Nov 26" reads as the 26th of November, "Oct 12" as the 12th
    assert style.short_month(dt.date(2026, 11, 30)) == "Nov 2026"
    assert style.short_month(dt.date(2012, 10, 31)) == "Oct 2012"
    assert style.share(0.4312) == "43.1%" and style.share(math.nan) == "n/a"
    assert style.days(71.26) == "71.3" and style.days(math.nan) == "n/a"


def test_style__german_company_writes_them_the_german_way():
    style = Style("de_DE", "EUR")
    assert style.money(1234.5) == "1.234,50\xa0€"
    assert style.whole_money(98765.4) == "98.765\xa0€"
    assert style.amount(1234.5) == "1.234,50"
    assert style.day(dt.date(2026, 11, 20)) == "20.11.2026"
    assert style.short_month(dt.date(2013, 10, 31)) == "Okt. 2013"
    assert style.share(0.4312) == "43,1\xa0%"


@pytest.mark.parametrize("locale", ["en_GB", "de_DE"])
def test_style__money_shown_rounds_a_half_away_from_zero_as_accounting_software_does(locale):
    """Odoo (``float_round``) and QuickBooks round a half away from zero: a controller comparing
    the report with the books must read the same figure (2.5 is 3, not 2; 0.125 is 0.13)."""
    style, same = Style(locale, "EUR"), Style(locale, "EUR")
    for value, whole, cents in ((2.5, 3, "0.00"), (-2.5, -3, "0.00"), (3.5, 4, "0.00"), (0.125, 0, "0.13"),
                                (-0.125, 0, "-0.13"), (1.005, 1, "1.01"), (2.675, 3, "2.68"),
                                (Decimal("1234.565"), 1235, "1234.57")):
        assert style.whole_money(value) == same.whole_money(whole)
        assert style.whole(value) == same.whole(whole)
        if cents != "0.00":
            assert style.amount(value) == same.amount(Decimal(cents))
            assert style.money(value) == same.money(Decimal(cents))
    assert Style(locale, "EUR").money(2.5, "JPY") == Style(locale, "EUR").money(3, "JPY")  # no cents in yen



def test_style__another_currency_keeps_the_company_locale():
    assert Style("en_GB", "EUR").money(10, "USD") == "US$10.00"
    assert Style("de_DE", "EUR").money(10, "GBP") == "10,00\xa0£"


def test_check_locale__names_a_locale_it_does_not_know():
    assert check_locale("de-DE") == "de_DE"
    with pytest.raises(ValueError, match="locale 'xx_YY': not a known locale"):
        check_locale("xx_YY")
