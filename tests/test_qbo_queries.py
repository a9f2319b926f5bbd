"""QuickBooks query strings (pure functions)."""

from __future__ import annotations

import pytest

from arwatch.adapters.quickbooks import queries as q


def test_select_page__pages_of_1000_ordered_by_id():
    assert q.select_page("Invoice", 1) == \
        "SELECT * FROM Invoice ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000"
    assert q.select_page("Invoice", 2001) == \
        "SELECT * FROM Invoice ORDERBY Id STARTPOSITION 2001 MAXRESULTS 1000"


def test_select_page__customers_include_inactive():
    assert q.select_page("Customer", 1, condition=q.ALL_ACTIVE) == (
        "SELECT * FROM Customer WHERE Active IN (true,false) ORDERBY Id "
        "STARTPOSITION 1 MAXRESULTS 1000")


def test_changed_since__cursor_query_oldest_first():
    assert q.changed_since("Customer", "2024-01-05T10:15:30-08:00", 1001,
                           condition=q.ALL_ACTIVE) == (
        "SELECT * FROM Customer WHERE Active IN (true,false) AND "
        "MetaData.LastUpdatedTime >= '2024-01-05T10:15:30-08:00' "
        "ORDERBY MetaData.LastUpdatedTime STARTPOSITION 1001 MAXRESULTS 1000")


def test_quote__escapes_quotes_and_backslashes():
    assert q.quote("Dave's") == "'Dave\\'s'"
    assert q.quote("a\\b") == "'a\\\\b'"
    assert q.by_name("Term", "O'Brien's terms") == (
        "SELECT * FROM Term WHERE Active IN (true,false) AND Name = 'O\\'Brien\\'s terms'")


def test_by_ids__in_list_deduplicated_and_quoted():
    assert q.by_ids("Payment", ["3", "1", "3"]) == (
        "SELECT * FROM Payment WHERE Id IN ('3','1') STARTPOSITION 1 MAXRESULTS 1000")


@pytest.mark.parametrize("call", [lambda: q.page_clause(0), lambda: q.page_clause(1, 1001),
                                  lambda: q.by_ids("Invoice", []),
                                  lambda: q.by_ids("Invoice", [str(i) for i in range(1001)])])
def test_queries__reject_what_quickbooks_would(call):
    with pytest.raises(ValueError):
        call()


def test_queries__stand_in_parses_them():
    from qbo_standin import parse_query

    parsed = parse_query(q.changed_since("Invoice", "2024-01-01T00:00:00Z", 1))
    assert parsed.max_results == 1000 and parsed.order_by == [("MetaData.LastUpdatedTime", False)]
    assert parse_query(q.by_name("Term", "Dave's")).conditions[1].value == "Dave's"
