"""A synced field without its own date counts from the sync that first saw it (issue 20 point 1):
an invoice's undated dispute flag is dated by the first sync whose pull carried it, that day is
kept on later pulls, and the scorer then reads the flag from that day on, never earlier."""

from __future__ import annotations

import datetime as dt

from arwatch.core.contract import PullResult
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.sync.merge import merge

CUSTOMER = {"id": "c1", "name": "Acme"}


def invoice(**extra) -> dict:
    return {"id": "i1", "number": "INV/1", "customer_id": "c1", "issue_date": "2025-01-10",
            "due_date": "2025-02-09", "total": "100.00", **extra}


def pull(*invoices: dict) -> PullResult:
    return PullResult(records={"customers": [CUSTOMER], "invoices": list(invoices)}, complete=True)


def run(stored: dict, *invoices: dict, day: str) -> dict:
    merged = merge(None, stored, pull(*invoices), "file", seen_on=dt.date.fromisoformat(day))
    return merged.records


def test_a_flag_first_seen_on_a_later_sync_is_dated_by_that_sync_and_keeps_that_day():
    first = run({}, invoice(), day="2025-02-01")
    assert "disputed_on" not in first["invoices"]["i1"]
    second = run(first, invoice(disputed=True), day="2025-03-05")
    assert second["invoices"]["i1"]["disputed_on"] == "2025-03-05"
    third = run(second, invoice(disputed=True), day="2025-04-01")
    assert third["invoices"]["i1"]["disputed_on"] == "2025-03-05"  # first seen, not last seen


def test_a_new_invoice_arriving_flagged_on_a_later_sync_is_dated_by_that_sync():
    first = run({}, invoice(), day="2025-02-01")
    other = {**invoice(disputed=True), "id": "i2", "number": "INV/2", "issue_date": "2025-02-20"}
    assert run(first, invoice(), other, day="2025-03-01")["invoices"]["i2"]["disputed_on"] == "2025-03-01"


def test_a_flag_with_its_own_date_and_a_flag_on_the_first_sync_are_left_as_the_source_says():
    first = run({}, invoice(disputed=True), day="2025-02-01")
    assert "disputed_on" not in first["invoices"]["i1"]  # nothing was seen before: the record's own rule
    assert run(first, invoice(disputed=True), day="2025-03-01")["invoices"]["i1"].get("disputed_on") is None
    dated = run({"invoices": {"i1": invoice()}, "customers": {"c1": CUSTOMER}},
                invoice(disputed=True, disputed_on="2025-02-15"), day="2025-03-01")
    assert dated["invoices"]["i1"]["disputed_on"] == "2025-02-15"


def test_the_scorer_reads_the_flag_from_the_sync_that_first_saw_it_never_earlier():
    first = run({}, invoice(), day="2025-02-01")
    second = run(first, invoice(disputed=True), day="2025-03-05")
    data = {name: list(records.values()) for name, records in second.items()}
    ledger, issues = load_ledger(data, source="file")
    assert not issues
    frame = LedgerFrame.from_ledger(ledger)
    assert frame.i_disputed_day[0] == dt.date(2025, 3, 5).toordinal()
    assert not frame.as_of_date(dt.date(2025, 3, 4)).i_disputed[0]  # the day before that sync: not known
    assert frame.as_of_date(dt.date(2025, 3, 5)).i_disputed[0]
