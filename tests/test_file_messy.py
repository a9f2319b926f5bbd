"""Files as accounting packages export them (tests/data/messy/): encodings, number and date
styles, credit notes, partial payments, missing columns, empty files. Each case of
``expected.toml`` gives the customers' open and overdue balances (computed by hand in the
folder's README) or the one-line message the file is refused with."""

import sys
from pathlib import Path

import pytest

from arwatch.adapters.file import FileMapping, MappingError
from arwatch.adapters.file.source import read_mapped
from arwatch.core.balances import balances
from arwatch.core.load import load_ledger

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MESSY = Path(__file__).parent / "data" / "messy"
EXPECTED = tomllib.loads((MESSY / "expected.toml").read_text(encoding="utf-8"))
CASES = EXPECTED["cases"]


def _settings(case: dict) -> dict:
    settings = {**EXPECTED["defaults"]["settings"], **case.get("settings", {})}
    settings["columns"] = {**EXPECTED["defaults"]["settings"]["columns"], **case.get("settings", {}).get("columns", {})}
    settings["invoices"] = str(MESSY / case["file"])
    if "payments" in settings:
        settings["payments"] = str(MESSY / settings["payments"])
    return settings


@pytest.mark.parametrize("name", sorted(CASES))
def test_messy_file__gives_the_hand_computed_balances_or_its_one_line_message(name):
    case = CASES[name]
    mapping = FileMapping.model_validate(_settings(case))
    if "message" in case:
        with pytest.raises(MappingError) as error:
            read_mapped(mapping, "messy")
        assert str(error.value) == case["message"]
        return
    records, issues, notes = read_mapped(mapping, "messy")
    assert [str(i) for i in issues] == case.get("issues", [])
    if "encoding" in case:
        assert notes[0].startswith(f"{case['file']}: encoding {case['encoding']} (")
    ledger, load_issues = load_ledger(records, source=case["file"])
    assert not load_issues
    as_of = case.get("as_of", EXPECTED["defaults"]["as_of"])
    found = {cid: [str(b.open), str(b.overdue)] for cid, b in balances(ledger, as_of).items()}
    assert found == case["balances"]


def test_messy_file__a_detected_windows_file_shows_what_it_read():
    mapping = FileMapping.model_validate(_settings(CASES["cp1252"]))
    notes = read_mapped(mapping, "messy")[2]
    assert notes == ["cp1252.csv: encoding cp1252 (detected: not UTF-8, read as Windows-1252 (charset-normalizer)), "
                     "e.g. 'Crèmerie Müller' in row 2 (if that reads wrong, set encoding in the settings), "
                     "delimiter ',', dates yyyy-mm-dd (guessed), amounts 1,234.56"]


def test_messy_file__credit_notes_are_allocated_oldest_due_first_and_what_is_left_waits_for_new_invoices():
    mapping = FileMapping.model_validate(_settings(CASES["credit-notes"]))
    records = read_mapped(mapping, "messy")[0]
    notes = {inv["id"]: inv["allocations"] for inv in records["invoices"] if inv["kind"] == "credit_note"}
    assert notes == {
        "CN-1": [{"invoice_id": "INV-1", "amount": "300.00", "date": "2026-02-10"}],
        "CN-2": [{"invoice_id": "INV-4", "amount": "150.00", "date": "2026-02-15"}],
        "CN-3": [],
        "CN-4": [{"invoice_id": "INV-6", "amount": "600.00", "date": "2026-03-10"},
                 {"invoice_id": "INV-7", "amount": "300.00", "date": "2026-03-15"}]}
    settled = {p["id"]: (p["date"], p["amount"]) for p in records["payments"]}
    assert settled == {"settled:INV-2": ("2026-03-01", "500.00"), "settled:INV-4": ("2026-02-20", "250.00")}


def test_messy_file__balances_are_as_of_the_day_asked():
    """Before CN-1 (10 Feb) ACME owed both invoices in full; INV-1 was overdue from 5 Feb."""
    import datetime as dt

    mapping = FileMapping.model_validate(_settings(CASES["credit-notes"]))
    ledger, _ = load_ledger(read_mapped(mapping, "messy")[0])
    acme = balances(ledger, dt.date(2026, 2, 9))["ACME"]
    assert (str(acme.open), str(acme.overdue), acme.currency) == ("1500.00", "1000.00", "EUR")
