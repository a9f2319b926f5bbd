"""The parts the file source's validate stage is made of, against what they replace: each
customer's terms from its invoices' days (``Counter.most_common`` per customer, as before
issue 23), an amount column read once per distinct cell (as each cell on its own), and a
column's distinct texts (as ``Columns.texts``)."""

from collections import Counter, defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from arwatch.adapters.file.bulk import BAD, _amount_cell, _kind_and_total, _payment_texts, read_amounts
from arwatch.adapters.file.columns import Columns, from_rows, read_columns
from arwatch.adapters.file.convert import Formats, _terms
from arwatch.adapters.file.reader import open_table


def _terms_before(customer_ids, gaps):
    counters = defaultdict(Counter)
    for cid, days in zip(customer_ids, gaps, strict=True):
        counters[cid][days] += 1
    return {cid: counter.most_common(1)[0][0] for cid, counter in counters.items()}


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 4)), max_size=30))
def test_terms__the_most_frequent_days_and_of_two_as_frequent_the_first_seen(rows):
    customer_ids, gaps = [r[0] for r in rows], [r[1] for r in rows]
    found = _terms(customer_ids, gaps)
    assert found == _terms_before(customer_ids, gaps)
    assert list(found) == list(dict.fromkeys(customer_ids))  # customers in the order first seen


def test_terms__a_tie_goes_to_the_days_seen_first():
    assert _terms(["A", "A", "A", "A"], [30, 14, 14, 30]) == {"A": 30}
    assert _terms(["A", "A", "A"], [14, 30, 30]) == {"A": 30}


_AMOUNTS = ["12.50", "12.5", "-3.00", "0012.30", "0.0000001", "1,234.50", " 7 ", "\u00a08.25", "ten", "",
            "(4.00)", "1e3", "\u0661\u0662", "-0.00", "99999999999999999999999999999.99", "5"]


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.sampled_from(_AMOUNTS), min_size=1, max_size=40),
       locale=st.sampled_from(["en_US", "de_DE"]))
def test_read_amounts__once_per_distinct_cell_reads_each_cell_as_on_its_own(tmp_path_factory, cells, locale):
    path = tmp_path_factory.mktemp("amounts") / "a.csv"
    path.write_text("A,B\n" + "".join(f'"{cell}",x\n' for cell in cells), encoding="utf-8", newline="")
    table = open_table(path, "utf-8", ",")
    for cols in (read_columns(table, {"amount": "A"}), from_rows(table.rows({"amount": "A"}), {"amount": "A"})):
        read = read_amounts(cols, "amount", Formats(locale=locale))
        expected = [_amount_cell(text, locale) for text in cols.texts("amount")]
        assert [(type(v), str(v)) for v in read.values] == [(type(v), str(v)) for v in expected]
        made = read.made(lambda value: str(abs(value)))
        assert made == [str(abs(v)) if type(v) is Decimal else None for v in expected]
        for value in read.values:
            assert value is None or value is BAD or type(value) is Decimal


_WRITTEN = ["0", "-0", "0.00", "-0.00", "0.000001", "-0.000001", "0.0000001", "-0.0000001", "00.5", "-00.5",
            "12.50", "-12.50", "1.5", "-1.5", "10", "-10", "0.10", "-0.10", "100.000000", "-100.000000",
            "12345678901234567890.123456", "-12345678901234567890.123456", "123456789012345678901.5",
            "-123456789012345678901.5", "9999999999999999999999999999.9", "1,234.50", "-1,234.50", "(4.00)", "ten",
            "7-", "+5", "1e3"]


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.sampled_from(_WRITTEN), min_size=1, max_size=30))
def test_read_amounts__kind_total_and_payment_texts_read_off_the_text_are_those_of_the_decimal(tmp_path_factory,
                                                                                               cells):
    """``made`` of ``_kind_and_total`` and ``_payment_texts`` (read off a canonical text by
    ``_BY_TEXT``) gives, cell by cell, exactly what the function gives of the cell's Decimal:
    the same texts (a sign, leading zeros, 7 decimals, 21 digits and more are not canonical)."""
    path = tmp_path_factory.mktemp("written") / "a.csv"
    path.write_text("A,B\n" + "".join(f'"{cell}",x\n' for cell in cells), encoding="utf-8", newline="")
    cols = read_columns(open_table(path, "utf-8", ","), {"amount": "A"})
    read = read_amounts(cols, "amount", Formats())
    assert read.canonical is not None  # the distinct texts were read by pyarrow
    values = [_amount_cell(text, "en_US") for text in cols.texts("amount")]
    for make in (_kind_and_total, _payment_texts):
        expected = [make(v) if type(v) is Decimal else None for v in values]
        assert read.made(make) == expected


def test_read_amounts__cells_of_one_text_share_one_decimal(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("A,B\n" + "12.50,x\n" * 3000 + "7.25,y\n", encoding="utf-8", newline="")
    cols = read_columns(open_table(path, "utf-8", ","), {"amount": "A"})
    values = read_amounts(cols, "amount", Formats()).values
    assert len({id(v) for v in values}) == 2 and values[0] == Decimal("12.50")


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.sampled_from(["a", " a", "a ", "b", "", "\t", "c\u3000"]), min_size=1, max_size=30))
def test_coded__the_distinct_texts_and_each_rows_index_give_back_the_texts(tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("coded") / "c.csv"
    path.write_text("A,B\n" + "".join(f'"{cell}",x\n' for cell in cells), encoding="utf-8", newline="")
    table = open_table(path, "utf-8", ",")
    for cols in (read_columns(table, {"a": "A"}), from_rows(table.rows({"a": "A"}), {"a": "A"}),
                 Columns([2, 3], {"a": [" x", 5]}, False)):
        distinct, codes = cols.coded("a")
        assert [distinct[c] for c in codes] == cols.texts("a")
        assert len(set(distinct)) == len(distinct)


def test_parse_amount__digits_past_decimals_precision_in_a_grouping_locale_are_no_number_not_a_crash():
    import pytest

    from arwatch.adapters.file.numbers import parse_amount

    with pytest.raises(ValueError, match="is not a number in the format 1.234,56"):
        parse_amount("99999999999999999999999999999.99", "de_DE")
