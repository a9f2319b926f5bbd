"""A key the configuration does not know is named with the keys known at that place and the one
probably meant, not pydantic's "Extra inputs are not permitted"; a required key left out says so."""

from __future__ import annotations

import pytest

from arwatch.cli import main
from arwatch.core.contract import ConfigError
from arwatch.sync.config import load_config


@pytest.mark.parametrize("text, expected", [
    ('state = "sqlite:///x.db"\n[companies.acme]\nsource = "demo"\n',
     "state: unknown key 'state'; did you mean 'state_url'? (known here: companies, guard, locale, managers, "
     "max_workers, policy, secrets_file, state_url, templates, timezone)"),
    ('[companies.acme]\nsource = "demo"\nsettngs = {}\n',
     "companies.acme.settngs: unknown key 'settngs'; did you mean 'settings'?"),
    ("[guard]\nmax_releses = 3\n",
     "guard.max_releses: unknown key 'max_releses' (known here: max_closed_share, max_removed_share, min_count)"),
    ('[companies.acme]\nsettings = {}\n', "companies.acme.source: missing: this key is required"),
], ids=["top", "company", "no-close-key", "missing"])
def test_config__unknown_or_missing_key_is_named_with_what_is_known(tmp_path, text, expected):
    path = tmp_path / "arwatch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {expected}")
    assert "Extra inputs" not in str(caught.value) and "base_dir" not in str(caught.value)


def test_config__misspelt_file_setting_names_the_key_it_probably_meant(tmp_path, capsys):
    path = tmp_path / "arwatch.toml"
    path.write_text(f'state_url = "sqlite:///{tmp_path / "state.sqlite3"}"\n[companies.acme]\nsource = "file"\n'
                    '[companies.acme.settings]\ninvoice = "x.csv"\n'
                    '[companies.acme.settings.columns]\ninvoice_id = "Id"\n', encoding="utf-8")
    code = main(["sync", "--config", str(path), "--source", "acme", "--as-of", "2026-11-20"])
    message = capsys.readouterr()
    message = message.out + message.err
    assert code == 2, message
    assert "companies.acme.settings.invoices: missing: this key is required" in message
    assert "companies.acme.settings.invoice: unknown key 'invoice'; did you mean 'invoices'?" in message


@pytest.mark.parametrize("source, settings, expected", [
    ("odoo", 'url = "https://odoo.example"\ndatabse = "acme"\nlogin = "bot"\n',
     ["companies.acme.settings.database: missing: this key is required",
      "companies.acme.settings.databse: unknown key 'databse'; did you mean 'database'?"]),
    ("quickbooks", 'company_nme = "Acme"\n',
     ["companies.acme.settings.company_nme: unknown key 'company_nme'; did you mean 'company_name'?"]),
], ids=["odoo", "quickbooks"])
def test_config__misspelt_adapter_setting_names_the_key_it_probably_meant(tmp_path, capsys, source, settings,
                                                                          expected):
    path = tmp_path / "arwatch.toml"
    path.write_text(f'state_url = "sqlite:///{tmp_path / "state.sqlite3"}"\n[companies.acme]\nsource = "{source}"\n'
                    f'[companies.acme.settings]\n{settings}', encoding="utf-8")
    code = main(["sync", "--config", str(path), "--source", "acme", "--as-of", "2026-11-20"])
    output = capsys.readouterr()
    message = output.out + output.err
    assert code == 2, message
    for line in expected:
        assert line in message
