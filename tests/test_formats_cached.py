"""Days and amounts are formatted once per value (core/formats.py): the text is Babel's, whatever
the value's type or sign, and whatever was formatted before it."""

import datetime as dt
from decimal import Decimal

import numpy as np
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from arwatch.core import formats

VALUES = [0.0, -0.0, 0, Decimal("0"), Decimal("-0.00"), 1.005, Decimal("1.005"), 2, 2.0, Decimal("2.50"),
          np.float64(1234.565), -1234.5, 1e9, 0.125, Decimal("0.125"), 12.345, np.float64(-0.0)]


def test_formats__money_and_amount_are_babels_text_for_every_value_in_any_order():
    for locale in ("en_GB", "de_DE", "fr_CH", "en_IN"):
        for values in (VALUES, VALUES[::-1]):
            for value in values:
                assert formats.money(value, "EUR", locale) == format_currency(value, "EUR", locale=locale), value
                assert formats.amount(value, locale) == format_decimal(value, format="#,##0.00", locale=locale)


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
