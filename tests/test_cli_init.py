"""``arwatch init --file EXPORT``: a commented config from the export's header, then used as is."""

import json
import shutil
import sys
from pathlib import Path

from arwatch.cli import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MESSY = Path(__file__).parent / "data" / "messy"


def test_init__a_quickbooks_report_is_mapped_and_the_config_works_as_written(tmp_path, capsys, monkeypatch):
    shutil.copy(MESSY / "open-balance.csv", tmp_path / "ar.csv")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--file", "ar.csv", "--company", "acme"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ar.csv: QuickBooks Online report \"Invoice List\" (encoding utf-8")
    assert "  mapped     invoice_number  <- 'Num'\n" in out
    assert "  mapped     open_amount     <- 'Open Balance'\n" in out
    assert "  not mapped settled_date    (no column for the day it was paid in full)\n" in out
    assert "next: arwatch sync --config config.toml --source acme --dry-run" in out
    config = tomllib.loads((tmp_path / "config.toml").read_text())
    settings = config["companies"]["acme"]["settings"]
    assert (settings["invoices"], settings["date_format"], settings["number_format"]) == (
        "ar.csv", "m/d/yyyy", "1,234.56")
    assert settings["columns"] == {"invoice_number": "Num", "customer_id": "Name", "invoice_date": "Date",
                                   "due_date": "Due Date", "amount": "Amount", "open_amount": "Open Balance"}
    assert main(["score", "--config", "config.toml", "--as-of", "2026-03-31", "--json"]) == 0
    rows = {r["customer_id"]: (r["open"], r["overdue"]) for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows == {"Acme Ltd": ("1534.50", "1534.50"), "Bolt Inc": ("-120.00", "0.00")}
    assert main(["sync", "--config", "config.toml", "--source", "acme", "--dry-run", "--state",
                 str(tmp_path / "s.sqlite3"), "--as-of", "2026-03-31"]) == 0
    assert "acme: dry run as of 31 Mar 2026: pulled" in capsys.readouterr().out


def test_init__columns_it_cannot_find_are_named_and_left_for_the_person(tmp_path, capsys):
    export = tmp_path / "odd.csv"
    export.write_text("Ref,Who,When,Total\nA1,C1,2026-01-05,10.00\n")
    assert main(["init", "--file", str(export), "--out", str(tmp_path / "odd.toml")]) == 2
    out = capsys.readouterr().out
    assert "  NOT MAPPED customer_id     (no column for the customer (id or name))" in out
    assert "  NOT MAPPED due_date        (no column for the due date)" in out
    assert "not used: Who, When" in out
    text = (tmp_path / "odd.toml").read_text()
    assert '# due_date = "..."' in text and "NOT FOUND: the column of the due date" in text


def test_init__dates_that_read_two_ways_are_left_to_decide_and_an_existing_config_is_kept(tmp_path, capsys):
    out_file = tmp_path / "c.toml"
    assert main(["init", "--file", str(MESSY / "dates-ambiguous.csv"), "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "to decide: date_format: dates-ambiguous.csv: dates such as '03/04/2026'" in out
    assert '# date_format = "d/m/yyyy"   # or "m/d/yyyy"' in out_file.read_text()
    assert main(["init", "--file", str(MESSY / "dates-ambiguous.csv"), "--out", str(out_file)]) == 2
    assert "c.toml: exists; choose another --out or add --force" in capsys.readouterr().err


def test_backtest__a_mapping_that_does_not_fit_the_export_is_one_line(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f"""state_url = "{tmp_path / 's.sqlite3'}"
[companies.acme]
source = "file"
[companies.acme.settings]
invoices = "{MESSY / 'missing-column.csv'}"
[companies.acme.settings.columns]
invoice_number = "Invoice No"
customer_id = "Name"
invoice_date = "Date"
due_date = "Due Date"
amount = "Amount"
""")
    assert main(["backtest", "--source", "acme", "--config", str(config), "--out", str(tmp_path / "b.html")]) == 2
    err = capsys.readouterr().err
    assert err == ("arwatch: missing-column.csv: the file has no column 'Invoice No' (mapped as invoice_number); "
                   "it has: Num, Date, Name, Due Date, Amount, Open Balance\n")
