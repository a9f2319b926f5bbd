"""Days and amounts fast (core/formats.py): days formatted once per value, amounts filled into
the locale's pattern read from Babel once; the text is Babel's (of the amount rounded to the cent
a half away from zero, as every money text is: ``formats.half_away``), whatever the value's type,
sign or size, and whatever was formatted before it."""

import datetime as dt
import random
from decimal import Decimal

import numpy as np
import pytest
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, get_currency_precision

from arwatch.core import formats


def _cents(value, places=2):
    """``value`` as every money text rounds it (``formats.half_away``); not finite: as it is."""
    rounded = formats.half_away(value, places)
    return rounded if rounded.is_finite() else value


def babel_money(value, currency, locale):
    return format_currency(_cents(value, get_currency_precision(currency)), currency, locale=locale)


def babel_amount(value, locale):
    return format_decimal(_cents(value), format="#,##0.00", locale=locale)


VALUES = [0.0, -0.0, 0, Decimal("0"), Decimal("-0.00"), 1.005, Decimal("1.005"), 2, 2.0, Decimal("2.50"),
          np.float64(1234.565), -1234.5, 1e9, 0.125, Decimal("0.125"), 12.345, np.float64(-0.0)]


def test_formats__money_and_amount_are_babels_text_for_every_value_in_any_order():
    for locale in ("en_GB", "de_DE", "fr_CH", "en_IN"):
        for values in (VALUES, VALUES[::-1]):
            for value in values:
                assert formats.money(value, "EUR", locale) == babel_money(value, "EUR", locale), value
                assert formats.amount(value, locale) == babel_amount(value, locale)


LOCALES = ["en_GB", "en_US", "de_DE", "fr_FR", "fr_CH", "de_CH", "en_IN", "ja_JP", "nl_NL", "es_ES", "it_IT",
           "pt_BR", "ar_EG", "sv_SE", "pl_PL", "hi_IN", "zh_CN", "da_DK", "nb_NO", "fi_FI", "cs_CZ", "he_IL",
           "tr_TR", "ru_RU", "ko_KR", "de_AT", "en_CA", "fr_CA", "es_MX", "id_ID"]
CURRENCIES = ["EUR", "USD", "GBP", "JPY", "CHF", "INR", "KWD", "CLP"]


def random_values(n, seed=5):
    rnd = random.Random(seed)
    makers = [lambda: round(rnd.uniform(-1e7, 1e7), rnd.randint(0, 4)), lambda: rnd.uniform(-1e3, 1e3),
              lambda: rnd.randint(-10**9, 10**9),
              lambda: Decimal(f"{rnd.randint(-10**8, 10**8)}.{rnd.randint(0, 999):03d}"),
              lambda: np.float64(rnd.uniform(0, 1e6)), lambda: round(rnd.uniform(0, 100), 2) + 0.005,
              lambda: float("nan"), lambda: float("inf")]
    return [rnd.choice(makers)() for _ in range(n)]


def test_formats__money_and_amount_write_random_values_as_babel_does_in_30_locales():
    values = random_values(300)
    for locale in LOCALES:
        for currency in CURRENCIES:
            for value in values:
                assert formats.money(value, currency, locale) == babel_money(value, currency, locale), (
                    locale, currency, value)
        for value in values:
            assert formats.amount(value, locale) == babel_amount(value, locale), value


def test_style_number__writes_random_values_as_babel_does_in_30_locales():
    values = [v for v in random_values(200, seed=9) if not isinstance(v, Decimal)] + [0.0, -0.0, 0.05, -0.05, 2.5]
    for locale in LOCALES:
        style = formats.Style(locale)
        for decimals in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            for value in values:
                expected = format_decimal(float(value), format=pattern, locale=locale)
                assert style.number(value, decimals) == expected, (locale, decimals, value)
    assert formats._number_layout(1, "en_GB") is not None and formats._number_layout(1, "de_DE") is not None


def test_style_days_and_months__day_numbers_and_dates_are_babels_text():
    for locale in ("en_GB", "de_DE", "ja_JP"):
        style = formats.Style(locale)
        for value in (dt.date(2026, 11, 20), dt.date(1999, 1, 1)):
            for given in (value, value.toordinal(), np.int32(value.toordinal()), np.int64(value.toordinal())):
                assert style.day(given) == format_date(value, "medium", locale=locale)
                assert style.month(given) == format_skeleton("yMMM", value, locale=locale)


def test_formats__the_common_locales_take_the_fast_layout():
    assert formats._money_layout("EUR", "en_GB") is not None and formats._money_layout("EUR", "de_DE") is not None
    assert formats._amount_layout("fr_FR") is not None


def test_formats__days_and_months_are_babels_text():
    days = [dt.date(2026, 11, 20), dt.datetime(2026, 11, 20, 23, 59), dt.date(1999, 1, 1)]
    for locale in ("en_GB", "de_DE", "ja_JP"):
        for value in days + days:
            assert formats.day(value, locale) == format_date(value, "medium", locale=locale)
            assert formats.month(value, locale) == format_date(value, "LLLL yyyy", locale=locale)


def test_among__is_np_isin_on_id_columns():
    from arwatch.core.columnar import among

    ids = np.array(["a", "b", "c", "a", "10", "1"], dtype=object)
    for wanted in ([], ["a"], ["1", "c", "zz"], ["b", "b"]):
        assert (among(ids, wanted) == np.isin(ids, wanted)).all()
    assert among(np.array([], dtype=object), ["a"]).shape == (0,)


class _OldPattern:
    """A Babel 2.10 ``NumberPattern`` (the version Odoo 18.0 pins): no ``number_pattern``."""

    def __init__(self, pattern):
        self._pattern = pattern

    def __getattr__(self, name):
        if name == "number_pattern":
            raise AttributeError(name)
        return getattr(self._pattern, name)


@pytest.mark.parametrize("locale", ["en_GB", "de_DE", "fr_FR", "en_US"])
def test_fast_money__with_a_babel_as_old_as_odoo_18_pins_writes_what_babel_writes(monkeypatch, locale):
    """Odoo 18.0's Python has Babel 2.10: its patterns have no ``number_pattern`` and its symbol
    functions take no ``numbering_system``; the layout is read without them, or not used."""
    real_group, real_decimal = formats.get_group_symbol, formats.get_decimal_symbol

    def old(real):
        def symbol(loc, **kwargs):
            if kwargs:
                raise TypeError("unexpected keyword argument 'numbering_system'")
            return real(loc)
        return symbol
    monkeypatch.setattr(formats, "get_group_symbol", old(real_group))
    monkeypatch.setattr(formats, "get_decimal_symbol", old(real_decimal))
    real_parse = formats.parse_pattern
    monkeypatch.setattr(formats, "parse_pattern", lambda p: _OldPattern(real_parse(p)))
    formats._money_layout.cache_clear()
    formats._amount_layout.cache_clear()
    try:
        loc = formats.parsed(locale)
        monkeypatch.setitem(loc.currency_formats, "standard", _OldPattern(loc.currency_formats["standard"]))
        for value in (0, 1234.5, -1234.567, 1e9, 0.005, Decimal("123456.785")):
            assert formats.money(value, "EUR", locale) == babel_money(value, "EUR", locale)
            assert formats.amount(value, locale) == babel_amount(value, locale)
        assert formats._money_layout("EUR", locale) is not None  # the fast path, not Babel every time
    finally:
        formats._money_layout.cache_clear()
        formats._amount_layout.cache_clear()
