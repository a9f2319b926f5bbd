"""``--policy`` on every command that scores or plans, and a file source's run saying how it read."""

import pytest

from arwatch.cli import build_parser, main


def _options(command: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return {o for action in sub.choices[command]._actions for o in action.option_strings}


@pytest.mark.parametrize("command", ["demo", "sync", "plan", "report", "backtest", "score"])
def test_cli__every_command_that_scores_or_plans_takes_policy(command):
    assert "--policy" in _options(command)


@pytest.mark.parametrize("command", [["demo"], ["plan"], ["report", "--out", "r.html"]])
def test_cli__the_policy_given_is_the_one_used(tmp_path, capsys, monkeypatch, command):
    monkeypatch.setenv("ARWATCH_CONFIG", str(tmp_path / "none.toml"))
    policy = tmp_path / "p.toml"
    policy.write_text("[scoring]\nhigh = 500\n")
    assert main([*command, "--state", str(tmp_path / "s.sqlite3"), "--policy", str(policy)]) == 2
    assert "p.toml: scoring.high" in capsys.readouterr().err


def test_sync__a_file_source_says_how_it_read_its_export(tmp_path, capsys):
    from pathlib import Path

    messy = Path(__file__).parent / "data" / "messy"
    (tmp_path / "config.toml").write_text(f"""state_url = "{tmp_path / 's.sqlite3'}"
[companies.acme]
source = "file"
[companies.acme.settings]
invoices = "{messy / 'cp1252.csv'}"
complete = false
[companies.acme.settings.columns]
invoice_number = "Invoice No"
customer_id = "Customer"
invoice_date = "Date"
due_date = "Due Date"
amount = "Amount"
""")
    assert main(["sync", "--config", str(tmp_path / "config.toml"), "--source", "acme", "--dry-run",
                 "--as-of", "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert "acme: read cp1252.csv: encoding cp1252 (detected: not UTF-8, read as Windows-1252" in out
    assert "e.g. 'Crèmerie Müller' in row 2" in out
