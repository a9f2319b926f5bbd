"""Snapshot payloads built a field at a time are ``dumps`` of each record, byte for byte (so
content hashes, and what a rerun compares, do not change)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arwatch.demo.company import build_demo_company
from arwatch.demo.synthetic import build_synthetic
from arwatch.sync.store.payloads import payload_texts
from arwatch.sync.store.rows import dumps
from arwatch.sync.store.snapshot import _decode

_KEYS = st.sampled_from(["id", "total", "b", "a", "é", 'q"uote', "allocations", "{x}"])
_SCALARS = st.one_of(st.text(max_size=6), st.booleans(), st.none(), st.integers(-10, 10**20),
                     st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, places=2),
                     st.dates(), st.just(dt.datetime(2026, 1, 2, 3, 4)), st.tuples(st.integers()))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=8)
_RECORDS = st.one_of(st.dictionaries(_KEYS, _VALUES, max_size=6), _VALUES)


@settings(max_examples=400, deadline=None)
@given(st.lists(_RECORDS, max_size=12))
def test_payloads__are_dumps_of_each_record(records):
    assert payload_texts(records) == [dumps(r) for r in records]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"id": st.text(max_size=4), "disputed": st.booleans(),
                                       "allocations": st.lists(st.fixed_dictionaries(
                                           {"invoice_id": st.text(max_size=3), "amount": st.text(max_size=3)}),
                                           max_size=3)}), max_size=10))
def test_payloads__records_of_one_shape_with_nested_records(records):
    assert payload_texts(records) == [dumps(r) for r in records]


@settings(max_examples=300, deadline=None)
@given(st.lists(_RECORDS, max_size=12))
def test_payloads__decoded_together_as_each_alone(records):
    texts = payload_texts(records)
    assert list(map(dumps, _decode(texts))) == [dumps(json.loads(t)) for t in texts]  # NaN != NaN: compared as text


@pytest.mark.parametrize("payloads", [["{}", '{"a":'], ["1,2", "3"], ['"a', 'b"'], ["", "1"], ["[1", "2]"]])
def test_payloads__a_payload_not_one_value_raises_as_json_loads(payloads):
    with pytest.raises(json.JSONDecodeError):
        _decode(payloads)


def test_payloads__the_demo_company_and_the_synthetic_ledger():
    for data in (build_demo_company().data, build_synthetic(50, 500, 500, seed=2)):
        for key, records in data.items():
            records = records if isinstance(records, list) else [records]
            assert payload_texts(records) == [dumps(r) for r in records], key


def test_payloads__a_decimal_and_a_date_as_dumps_writes_them():
    record = {"total": Decimal("1.50"), "day": dt.date(2026, 1, 2), "name": "Müller"}
    assert payload_texts([record]) == ['{"day":"2026-01-02","name":"M\\u00fcller","total":"1.50"}']
