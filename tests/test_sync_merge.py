"""``merge``: upserts by id; deletions; whole pulls and whole collections drop what they lack."""

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from arwatch.core.contract import PullResult
from arwatch.sync.merge import merge, stored_as
from arwatch.sync.store.rows import dumps

STORED = {"signals": {"s1": {"id": "s1"}, "s2": {"id": "s2"}},
          "invoices": {"i1": {"id": "i1"}, "i2": {"id": "i2"}}}


def test_merge__an_incremental_pull_keeps_what_it_does_not_mention():
    merged = merge(None, STORED, PullResult(records={"signals": [{"id": "s3"}]}), "test")
    assert sorted(merged.records["signals"]) == ["s1", "s2", "s3"] and merged.removed == {}


def test_merge__a_complete_collection_drops_its_missing_records_and_only_its_own():
    pull = PullResult(records={"signals": [{"id": "s2", "note": "new"}], "invoices": [{"id": "i3"}]},
                      complete_collections=frozenset({"signals"}))
    merged = merge(None, STORED, pull, "test")
    assert merged.records["signals"] == {"s2": {"id": "s2", "note": "new"}}
    assert merged.removed == {"signals": ["s1"]}
    assert sorted(merged.records["invoices"]) == ["i1", "i2", "i3"]  # not complete: nothing dropped


def test_merge__an_empty_complete_collection_empties_it():
    merged = merge(None, STORED, PullResult(records={}, complete_collections=frozenset({"signals"})), "test")
    assert merged.records["signals"] == {} and merged.removed == {"signals": ["s1", "s2"]}


def test_merge__a_complete_pull_keeps_the_stored_version_of_a_rejected_record():
    pull = PullResult(records={"invoices": [{"id": "i1", "total": "5"}]}, complete=True,
                      rejected={"invoices": frozenset({"i2", "i9"})})
    merged = merge(None, STORED, pull, "test")
    assert merged.records["invoices"] == {"i1": {"id": "i1", "total": "5"}, "i2": {"id": "i2"}}
    assert merged.removed == {"signals": ["s1", "s2"]}  # i2 kept; i9 was never stored
    assert dict(merged.upserts) == {"invoices": [("i1", {"id": "i1", "total": "5"})]}


def test_merge__a_rejected_row_without_an_id_stops_its_collections_removals():
    pull = PullResult(records={"invoices": [{"id": "i1"}]}, complete=True, unidentified=frozenset({"invoices"}))
    merged = merge(None, STORED, pull, "test")
    assert sorted(merged.records["invoices"]) == ["i1", "i2"] and "invoices" not in merged.removed
    assert merged.removed == {"signals": ["s1", "s2"]}  # the other collections are still complete


def test_merge__a_deletion_the_source_reports_applies_even_to_a_rejected_record():
    pull = PullResult(deletions={"invoices": ("i2",)}, rejected={"invoices": frozenset({"i2"})})
    assert merge(None, STORED, pull, "test").removed == {"invoices": ["i2"]}


def test_merge__a_complete_pull_keeps_a_customer_that_a_remaining_record_names():
    stored = {"customers": {"c1": {"id": "c1"}, "c2": {"id": "c2"}, "c3": {"id": "c3"}},
              "invoices": {"i1": {"id": "i1", "customer_id": "c1"}, "i2": {"id": "i2", "customer_id": "c2"}}}
    pull = PullResult(records={"invoices": [{"id": "i1", "customer_id": "c1"}]}, complete=True,
                      rejected={"invoices": frozenset({"i2"})})  # i2's row was rejected, its customer unread
    merged = merge(None, stored, pull, "test")
    assert sorted(merged.records["customers"]) == ["c1", "c2"]  # c2 named by the kept i2; c3 by nothing
    assert merged.removed == {"customers": ["c3"]}
    deleted = merge(None, stored, PullResult(deletions={"customers": ("c2",)}), "test")
    assert deleted.removed == {"customers": ["c2"]}  # a deletion the source reports still applies


def test_merge__ids_of_dicts_and_models_alike_and_a_record_without_one_reported():
    from types import SimpleNamespace

    records = [{"id": 7}, {"id": ""}, {"id": None}, {"total": "1"}, SimpleNamespace(id=8), SimpleNamespace(id=""),
               {"id": "i9"}, SimpleNamespace(id="i10")]
    merged = merge(None, {}, PullResult(records={"invoices": records}), "test")
    assert list(merged.records["invoices"]) == ["7", "8", "i9", "i10"]
    assert [(i.record_id, i.field) for i in merged.issues] == [("#2", "id"), ("#3", "id"), ("#4", "id"), ("#6", "id")]


_SCALARS = st.one_of(st.text(max_size=3), st.booleans(), st.none(), st.integers(-2, 2),
                     st.sampled_from([0.0, -0.0, 1.0]), st.floats(allow_nan=True),
                     st.decimals(allow_nan=False, places=1, min_value=-2, max_value=2),
                     st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 1, 2)),
                     st.tuples(st.integers(0, 1)))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=2),
                                                         st.dictionaries(st.sampled_from(["a", "b", "1"]), inner,
                                                                         max_size=2)), max_leaves=5)
_RECORDS = st.dictionaries(st.sampled_from(["id", "a", "b", "total"]), _VALUES, max_size=4)


@settings(max_examples=1500, deadline=None)
@given(_RECORDS, _RECORDS)
def test_merge__a_record_taken_as_stored_is_written_as_its_stored_payload(raw, other):
    """``stored_as``: only when the record's payload is the stored one, byte for byte (the stored
    record is read back from its payload); then merge leaves it out of the delta to write."""
    for before in (json.loads(dumps(other)), json.loads(dumps(raw))):
        if stored_as(raw, before):
            assert dumps(raw) == dumps(before)
    if stored_as(raw, json.loads(dumps(raw))):
        merged = merge(None, {"invoices": {"i": json.loads(dumps({**raw, "id": "i"}))}},
                       PullResult(records={"invoices": [{**raw, "id": "i"}]}), "test")
        assert merged.upserts == {} and merged.records["invoices"]["i"] == {**raw, "id": "i"}


def test_merge__records_pulled_again_as_stored_are_not_in_the_delta():
    stored = {"invoices": {"i1": {"id": "i1", "total": "1", "disputed": False, "lines": [{"n": 1}]},
                           "i2": {"id": "i2", "total": "2"}, "i3": {"id": "i3", "paid": 1},
                           "i4": {"id": "i4", "x": 0.0}}}
    pull = PullResult(records={"invoices": [
        {"total": "1", "id": "i1", "lines": [{"n": 1}], "disputed": False},  # as stored (keys in another order)
        {"id": "i2", "total": "2.0"},  # changed
        {"id": "i3", "paid": True},  # True == 1, but written "true"
        {"id": "i4", "x": -0.0},  # -0.0 == 0.0, but written "-0.0"
        {"id": "i5"}]})  # new
    merged = merge(None, stored, pull, "test")
    assert [rid for rid, _ in merged.upserts["invoices"]] == ["i2", "i3", "i4", "i5"]
    assert merged.records["invoices"]["i1"] == stored["invoices"]["i1"] and len(merged.records["invoices"]) == 5


_IDS = st.sampled_from(["a", "b", "c", "d", "e"])
_PULLED = st.lists(st.fixed_dictionaries({"id": _IDS, "v": st.integers(0, 2)}), max_size=8)
_STORE = st.dictionaries(_IDS, st.integers(0, 2), max_size=4)


@settings(max_examples=400, deadline=None)
@given(_STORE, _PULLED, _STORE, _PULLED, st.booleans(), st.sets(_IDS, max_size=2))
def test_merge__a_pull_of_plain_dicts_merges_as_record_by_record(stored_inv, pulled_inv, stored_cust, pulled_cust,
                                                                complete, rejected):
    """A collection of dicts with text ids is merged at once (``_by_plain_id``); the same pull
    given as iterators goes the record-by-record loop: the same records in the same order (a
    repeated id: its last record at its first place), the same delta, the same issues, on a
    first sync (nothing stored) and on a later one."""
    stored = {"invoices": {k: {"id": k, "v": v} for k, v in stored_inv.items()},
              "customers": {k: {"id": k, "v": v} for k, v in stored_cust.items()}}

    def run(as_iterators: bool):
        records = {"invoices": pulled_inv, "customers": pulled_cust}
        if as_iterators:
            records = {name: iter(raws) for name, raws in records.items()}
        pull = PullResult(records=records, complete=complete, rejected={"invoices": frozenset(rejected)})
        merged = merge(None, stored, pull, "test", seen_on=dt.date(2026, 5, 1))
        return ({name: list(recs.items()) for name, recs in merged.records.items()},
                {name: list(pairs) for name, pairs in merged.upserts.items()}, merged.removed, merged.issues,
                merged.stored)

    at_once, one_by_one = run(False), run(True)
    assert at_once == one_by_one
    last = {raw["id"]: raw for raw in pulled_inv}
    assert [rid for rid, _ in at_once[0]["invoices"] if rid not in stored["invoices"]] == \
        [rid for rid in dict.fromkeys(raw["id"] for raw in pulled_inv) if rid not in stored["invoices"]]
    assert all(raw is last[rid] for rid, raw in at_once[0]["invoices"] if rid in last)


def test_merge__a_first_sync_writes_every_pulled_record_once_and_keeps_their_order():
    pulled = [{"id": "b", "v": 1}, {"id": "a", "v": 1}, {"id": "b", "v": 2}]
    merged = merge(None, {}, PullResult(records={"invoices": pulled}, complete=True), "test")
    assert list(merged.records["invoices"].items()) == [("b", {"id": "b", "v": 2}), ("a", {"id": "a", "v": 1})]
    assert list(merged.upserts) == ["invoices"]
    assert list(merged.upserts["invoices"]) == [("b", {"id": "b", "v": 2}), ("a", {"id": "a", "v": 1})]
    assert merged.removed == {} and merged.issues == ()
