"""Amounts, dates and encodings as people write them (adapters/file: numbers, dates, encoding)."""

import datetime as dt
from decimal import Decimal

import pytest

from arwatch.adapters.file.dates import AmbiguousDates, guess_pattern, parse_date
from arwatch.adapters.file.encoding import detect_encoding
from arwatch.adapters.file.numbers import AmbiguousNumbers, guess_locale, locale_of, parse_amount


@pytest.mark.parametrize(("text", "number_format", "value"), [
    ("1,234.50", "1,234.56", "1234.50"), ("1234.50", "1,234.56", "1234.50"), ("(1,234.50)", "1,234.56", "-1234.50"),
    ("$1,234.50", "1,234.56", "1234.50"), ("-$5.00", "1,234.56", "-5.00"), ("USD 1,234.50", "1,234.56", "1234.50"),
    ("\u22125.00", "1,234.56", "-5.00"), ("1.234,50", "1.234,56", "1234.50"), ("1.234,50 €", "1.234,56", "1234.50"),
    ("1.234,50-", "1.234,56", "-1234.50"), ("EUR -5,00", "1.234,56", "-5.00"), ("1 234,50", "1 234,56", "1234.50"),
    ("1\u00a0234,50", "1 234,56", "1234.50"), ("1\u202f234,50", "1 234,56", "1234.50"),
    ("1'234.50", "1'234.56", "1234.50"), ("1\u2019234.50", "1'234.56", "1234.50"), ("CHF 1'234.50", "de_CH", "1234.50"),
])
def test_parse_amount__as_people_write_them(text, number_format, value):
    assert parse_amount(text, locale_of(number_format)) == Decimal(value)


@pytest.mark.parametrize(("text", "number_format"), [
    ("32,86", "1,234.56"), ("1'234.56", "1,234.56"), ("1.234,50", "1,234.56"), ("120.00", "1.234,56"),
    ("abc", "1,234.56"), ("", "1,234.56"), ("12,34,5", "1,234.56")])
def test_parse_amount__a_separator_in_the_wrong_place_is_refused_never_misread(text, number_format):
    with pytest.raises(ValueError):
        parse_amount(text, locale_of(number_format))


def test_number_format__unknown_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"'1_234' is neither one of '1,234.56', '1.234,56'"):
        locale_of("1_234")


def test_guess_locale__from_the_amounts_or_ambiguous():
    assert guess_locale([("r2", "1.234,50"), ("r3", "32,86")]) == "de_DE"
    assert guess_locale([("r2", "1 234,50")]) == "fr_FR"
    assert guess_locale([("r2", "120.00")]) == "en_US"
    with pytest.raises(AmbiguousNumbers, match=r"amounts such as '1,234' \(r2\) read as 1234 with number_format = "
                                               r"\"1,234.56\" and as 1.234 with \"1.234,56\""):
        guess_locale([("r2", "1,234")])


def test_guess_pattern__the_one_that_reads_the_dates_or_ambiguous():
    assert guess_pattern([("r2", "13/04/2026"), ("r3", "03/04/2026")]) == "d/m/yyyy"
    assert guess_pattern([("r2", "04/13/2026")]) == "m/d/yyyy"
    assert guess_pattern([("r2", "2026-04-03 00:00:00")]) == "yyyy-mm-dd"
    assert guess_pattern([("r2", "5-Nov-2024")]) == "d-mmm-yyyy"
    assert guess_pattern([("r2", "13.04.26")]) == "d.m.yy"
    assert guess_pattern([("r2", "01/01/2026")]) == "d/m/yyyy"  # the same day either way
    with pytest.raises(AmbiguousDates, match=r"dates such as '03/04/2026' \(r2\) read as 3 April 2026 with "
                                             r"date_format = \"d/m/yyyy\" and as 4 March 2026 with \"m/d/yyyy\""):
        guess_pattern([("r2", "03/04/2026")])


def test_parse_date__a_time_after_the_date_is_ignored_and_two_digit_years_are_not_four():
    assert parse_date("2026-04-03T09:30", "yyyy-mm-dd") == dt.date(2026, 4, 3)
    with pytest.raises(ValueError):
        parse_date("03/04/26", "d/m/yyyy")


@pytest.mark.parametrize(("encoding", "codec"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("cp1252", "cp1252"), ("latin-1", "cp1252")])
def test_detect_encoding__byte_order_mark_utf8_or_windows(tmp_path, encoding, codec):
    text = "No,Customer,Amount\nI1,Crèmerie Müller,1\nI2,Peña Núñez,2\n"
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode(encoding))
    found = detect_encoding(path)
    assert found.codec == codec
    assert path.read_bytes().decode(found.codec) == text
