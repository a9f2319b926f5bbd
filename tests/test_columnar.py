"""Grouped numpy operations checked against plain Python on random data."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arwatch.core import columnar

rows = st.lists(st.tuples(st.integers(0, 4), st.integers(-50, 50), st.integers(1, 9)), max_size=40)


def groups(data):
    out = {}
    for k, v, w in data:
        out.setdefault(k, []).append((v, w))
    return out


def arrays(data):
    k = np.array([r[0] for r in data], dtype=np.int32)
    v = np.array([r[1] for r in data], dtype=np.int64)
    w = np.array([r[2] for r in data], dtype=np.float64)
    return k, v, w


@given(rows)
@settings(max_examples=200, deadline=None)
def test_columnar__sum_max_min_count_match_python(data):
    k, v, _ = arrays(data)
    g = groups(data)
    assert np.allclose(columnar.group_sum(k, v.astype(float), 5), [sum(x for x, _ in g.get(i, [])) for i in range(5)])
    assert list(columnar.group_count(k, 5)) == [len(g.get(i, [])) for i in range(5)]
    assert list(columnar.group_max(k, v, 5, -999)) == [max((x for x, _ in g.get(i, [])), default=-999)
                                                       for i in range(5)]
    assert list(columnar.group_min(k, v, 5, 999)) == [min((x for x, _ in g.get(i, [])), default=999) for i in range(5)]
    assert list(columnar.group_distinct_count(k, v, 5)) == [len({x for x, _ in g.get(i, [])}) for i in range(5)]


@given(rows)
@settings(max_examples=200, deadline=None)
def test_columnar__weighted_median_is_lowest_value_reaching_half_the_weight(data):
    k, v, w = arrays(data)
    result = columnar.group_weighted_median(k, v.astype(float), w, 5)
    for i in range(5):
        pairs = sorted(groups(data).get(i, []))
        if not pairs:
            assert np.isnan(result[i])
            continue
        total, acc = sum(w_ for _, w_ in pairs), 0.0
        for value, weight in pairs:
            acc += weight
            if acc >= total / 2:
                assert result[i] == value
                break


@given(rows)
@settings(max_examples=200, deadline=None)
def test_columnar__rank_from_last_counts_later_rows_of_the_same_key(data):
    k, v, _ = arrays(data)
    ranks = columnar.rank_from_last(k, v)
    for i in range(len(data)):
        same = [j for j in range(len(data)) if k[j] == k[i]]
        later = [j for j in same if (v[j], j) > (v[i], i)]
        assert ranks[i] == len(later)


def test_group_quantile__lower_neighbour_per_key_nan_without_rows():
    from arwatch.core.columnar import group_quantile

    keys = np.array([0, 0, 0, 0, 0, 2, 2])
    values = np.array([50.0, 10.0, 40.0, 20.0, 30.0, 7.0, 3.0])
    q1, q3 = group_quantile(keys, values, 3, 0.25), group_quantile(keys, values, 3, 0.75)
    assert q1[0] == 20 and q3[0] == 40 and np.isnan(q1[1]) and q1[2] == 3 and q3[2] == 3
    assert group_quantile(keys, values, 3, 1.0)[2] == 7
