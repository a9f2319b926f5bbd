"""``RowsByCustomer``: the explanations' binary search gives what a pass over every row gives."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from arwatch.core.indicators.base import RowsByCustomer, RunsByCustomer


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=200), st.integers(min_value=-1, max_value=14))
def test_rows_by_customer__equals_the_positions_of_a_full_pass(cust, customer):
    column = np.array(cust, dtype=np.int32)
    found = RowsByCustomer(column)(customer)
    assert found.tolist() == np.flatnonzero(column == customer).tolist()  # same rows, same order


def test_rows_by_customer__unsorted_column_keeps_each_customers_row_order():
    column = np.array([3, 1, 3, 0, 1, 3])
    of = RowsByCustomer(column)
    assert of(3).tolist() == [0, 2, 5] and of(1).tolist() == [1, 4] and of(2).tolist() == []


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=4),
                          st.booleans()), max_size=150))
def test_runs_by_customer__each_customers_selected_rows_stably_sorted_as_one_at_a_time(rows):
    """``RunsByCustomer`` (one sort for every customer, as aging and habit_slip explain) gives each
    customer the rows a pass over that customer's own rows gives: selected, stably sorted by key."""
    cust = np.array([c for c, _, _ in rows], dtype=np.int32)
    key = np.array([k for _, k, _ in rows], dtype=np.int32)
    selected = np.flatnonzero(np.array([s for _, _, s in rows], dtype=bool))
    runs = RunsByCustomer(cust, selected, key, 8)
    for customer in range(8):
        mine = [int(r) for r in selected if cust[r] == customer]
        assert runs(customer).tolist() == sorted(mine, key=lambda r: int(key[r]))
