"""Sync configuration: TOML + environment overrides; secrets from a 0600 file or the environment."""

import os

import pytest

from arwatch.core.contract import ConfigError
from arwatch.sync.config import check_private, load_config, load_secrets

CONFIG = """
state_url = "sqlite:///from-file.sqlite3"
max_workers = 2
[companies.acme]
source = "odoo"
credentials = "acme-odoo"
[companies.acme.settings]
url = "https://acme.example.com"
[companies.shop]
source = "file"
[companies.shop.settings]
invoices = "shop.csv"
"""


def test_load_config__companies_named_and_paths_relative_to_the_file(tmp_path):
    (tmp_path / "arwatch.toml").write_text(CONFIG)
    config = load_config(tmp_path / "arwatch.toml")
    assert config.company("acme").name == "acme" and config.company("acme").source == "odoo"
    assert config.max_workers == 2 and config.path("shop.csv") == tmp_path / "shop.csv"
    with pytest.raises(ConfigError, match="no company 'nope'.*acme, shop"):
        config.company("nope")


def test_load_config__environment_overrides_the_file(tmp_path, monkeypatch):
    (tmp_path / "arwatch.toml").write_text(CONFIG)
    monkeypatch.setenv("ARWATCH_STATE_URL", "postgresql://db/arwatch")
    monkeypatch.setenv("ARWATCH_COMPANIES__ACME__CREDENTIALS", "acme-prod")
    config = load_config(tmp_path / "arwatch.toml")
    assert config.state_url == "postgresql://db/arwatch"
    assert config.company("acme").credentials == "acme-prod"
    assert config.company("acme").settings == {"url": "https://acme.example.com"}


def test_load_config__errors_name_file_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[companies.acme]\nsource = \"sap\"\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: companies\.acme\.source"):
        load_config(path)
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "missing.toml")


def _secrets_file(tmp_path, mode):
    path = tmp_path / "secrets.toml"
    path.write_text('[acme-odoo]\npassword = "hunter2-very-secret"\nlogin = "bot"\n')
    os.chmod(path, mode)
    return path


def test_load_secrets__refuses_a_file_others_can_read(tmp_path):
    path = _secrets_file(tmp_path, 0o644)
    with pytest.raises(ConfigError, match=r"accessible by group or others \(mode 0644\).*chmod 600") as err:
        load_secrets(path, {})
    assert "hunter2" not in str(err.value)
    os.chmod(path, 0o640)
    with pytest.raises(ConfigError):
        check_private(path)


def test_load_secrets__values_never_shown_and_environment_wins(tmp_path):
    secrets = load_secrets(_secrets_file(tmp_path, 0o600),
                           {"ARWATCH_SECRET__ACME_ODOO__LOGIN": "ops", "ARWATCH_SECRET__QBO__TOKEN": "t0k3n"})
    creds = secrets.get("acme-odoo")
    assert creds["password"].get_secret_value() == "hunter2-very-secret"
    assert creds["login"].get_secret_value() == "ops"
    assert secrets.get("qbo")["token"].get_secret_value() == "t0k3n"
    shown = repr(secrets) + str(secrets) + repr(creds) + str(creds)
    assert "hunter2" not in shown and "t0k3n" not in shown and "'ops'" not in shown
    with pytest.raises(ConfigError, match="ARWATCH_SECRET__NOPE__<KEY>"):
        secrets.get("nope")
