"""``RowsByCustomer``: the explanations' binary search gives what a pass over every row gives."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from arwatch.core.indicators.base import RowsByCustomer


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=200), st.integers(min_value=-1, max_value=14))
def test_rows_by_customer__equals_the_positions_of_a_full_pass(cust, customer):
    column = np.array(cust, dtype=np.int32)
    found = RowsByCustomer(column)(customer)
    assert found.tolist() == np.flatnonzero(column == customer).tolist()  # same rows, same order


def test_rows_by_customer__unsorted_column_keeps_each_customers_row_order():
    column = np.array([3, 1, 3, 0, 1, 3])
    of = RowsByCustomer(column)
    assert of(3).tolist() == [0, 2, 5] and of(1).tolist() == [1, 4] and of(2).tolist() == []
