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
    assert "I4 (€900.00 open) due 1 May 2026, 75 days past due" in out  # the amount with its currency
    assert "Stops answering: not available from export.csv: contact attempts" in out


def test_score__locale_writes_the_evidence_and_the_day_its_way(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(CSV)
    assert main(["score", "--ledger", str(path), "--as-of", "2026-07-15", "--locale", "de_DE"]) == 4
    out = capsys.readouterr().out
    assert "I4 (900,00\xa0€ open) due 01.05.2026, 75 days past due" in out
    assert "customers as of 15.07.2026:" in out


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


MESSY = __import__("pathlib").Path(__file__).parent / "data" / "messy"


def test_score__json_gives_each_customers_open_and_overdue_balance_and_currency(tmp_path, capsys):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f"""[settings]
invoices = "{MESSY / 'credit-notes.csv'}"
currency = "USD"
[settings.columns]
invoice_number = "Invoice No"
customer_id = "Customer"
invoice_date = "Date"
due_date = "Due Date"
amount = "Amount"
settled_date = "Paid On"
""")
    assert main(["score", "--mapping", str(mapping), "--as-of", "2026-03-31", "--json"]) == 0
    captured = capsys.readouterr()
    lines = {r["customer_id"]: r for r in map(json.loads, captured.out.splitlines())}
    assert {c: (r["open"], r["overdue"], r["currency"]) for c, r in lines.items()} == {
        "ACME": ("900.00", "700.00", "USD"), "BOLT": ("100.00", "0.00", "USD"), "CRED": ("-80.00", "0.00", "USD"),
        "DELTA": ("-100.00", "0.00", "USD")}
    assert ("read credit-notes.csv: encoding utf-8 (detected: valid UTF-8), delimiter ',', dates yyyy-mm-dd"
            in captured.err)


def test_score__a_known_export_maps_by_its_headers_and_guesses_its_formats(capsys):
    assert main(["score", "--ledger", str(MESSY / "numbers-de.csv"), "--as-of", "2026-03-31", "--json"]) == 0
    captured = capsys.readouterr()
    lines = {r["customer_id"]: (r["open"], r["overdue"]) for r in map(json.loads, captured.out.splitlines())}
    assert lines == {"Bäckerei Weiß": ("1099.00", "1099.00"), "Müller & Söhne": ("2000.00", "0.00")}
    assert "delimiter ';', dates d.m.yyyy (guessed), amounts 1.234,56 (guessed)" in captured.err


def test_score__file_problems_are_one_line_naming_the_file_never_a_traceback(tmp_path, capsys):
    assert main(["score", "--ledger", str(MESSY / "empty.csv")]) == 2
    assert main(["score", "--ledger", str(MESSY / "header-only.csv")]) == 2
    assert main(["score", "--ledger", str(MESSY / "dates-ambiguous.csv")]) == 2
    unknown = tmp_path / "odd.csv"
    unknown.write_text("Foo,Bar\n1,2\n")
    assert main(["score", "--ledger", str(unknown)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "arwatch: empty.csv: the file is empty: expected a header row and a row per invoice" in err
    assert "arwatch: header-only.csv: the file has only its header row, no invoice rows: nothing to score" in err
    assert "arwatch: dates-ambiguous.csv: dates such as '03/04/2026' (row 2, column 'Date')" in err
    assert ("arwatch: odd.csv: the file has no column 'invoice_number' (mapped as invoice_number), nor 'customer_id' "
            "(customer_id), nor 'invoice_date' (invoice_date), nor 'due_date' (due_date), nor 'amount' (amount); "
            "it has: Foo, Bar\n(map its columns with --mapping: `arwatch init --file") in err


def test_score__old_data_scored_as_of_today_says_so(tmp_path, capsys):
    path = tmp_path / "old.csv"
    path.write_text(CSV)
    main(["score", "--ledger", str(path), "--as-of", "2030-01-01"])
    assert ("note: the newest record is of 2026-04-20, 3 year(s) before 2030-01-01, the day scored"
            in capsys.readouterr().err)


def test_cli__an_unexpected_error_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    from arwatch.commands import score as score_command

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(score_command, "read_ledger_file", broken)
    assert main(["score", "--ledger", "x.json"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "arwatch: unexpected error (KeyError: 'boom')" in err and "--debug" in err
    assert main(["--debug", "score", "--ledger", "x.json"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err
