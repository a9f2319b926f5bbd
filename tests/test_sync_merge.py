"""``merge``: upserts by id; deletions; whole pulls and whole collections drop what they lack."""

from arwatch.core.contract import PullResult
from arwatch.sync.merge import merge

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
