"""arwatch score --ledger FILE: JSON ledgers and CSV invoice exports, bad rows reported."""

import json

from arwatch.cli import main

CSV = """invoice_number,customer_id,customer_name,invoice_date,due_date,amount,settled_date
I1,C1,Acme,2026-01-01,2026-01-31,100.00,2026-01-30
I2,C1,Acme,2026-02-01,2026-03-03,100.00,2026-03-01
I3,C1,Acme,2026-03-01,2026-03-31,100.00,2026-03-30
I4,C1,Acme,2026-04-01,2026-05-01,900.00,
I5,C2,Beta,2026-04-01,2026-13-01,50.00,
I6,C2,Beta,2026-04-01,2026-05-01,50.00,2026-04-20
"""


def test_score__csv_export_ranks_and_reports_the_bad_row(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(CSV)
    assert main(["score", "--ledger", str(path), "--as-of", "2026-07-15"]) == 4  # partial: one row rejected
    out = capsys.readouterr().out
    assert "rejected: export.csv: invoice 'row 6', field due_date" in out
    assert "'2026-13-01' is not a date" in out
    first = out.split("\n")[3]
    assert "Acme (C1)" in first and "high" in first
    assert "I4 (900.00 open) due 1 May 2026, 75 days past due" in out
    assert "silence: not available from export.csv: contact attempts" in out


def test_score__json_ledger_with_mapping_free_fields(tmp_path, capsys):
    ledger = {"customers": [{"id": "c1", "name": "Acme"}],
              "invoices": [{"id": "i1", "number": "INV/1", "customer_id": "c1", "issue_date": "2026-01-01",
                            "due_date": "2026-01-31", "total": "250.00"}]}
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(ledger))
    assert main(["score", "--ledger", str(path), "--as-of", "2026-06-01", "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["customer_id"] == "c1" and result["level"] == "high" and result["score"] == 55.0
    assert result["reasons"][0]["indicator"] == "aging"


def test_score__bad_inputs_are_config_errors(tmp_path, capsys):
    assert main(["score", "--ledger", str(tmp_path / "none.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["score", "--ledger", str(bad)]) == 2
    policy = tmp_path / "p.toml"
    policy.write_text("[scoring]\nhigh = 500\n")
    good = tmp_path / "ok.json"
    good.write_text("{}")
    assert main(["score", "--ledger", str(good), "--policy", str(policy)]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "not valid JSON" in err and "scoring.high" in err
