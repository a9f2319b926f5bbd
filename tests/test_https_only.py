"""Odoo and QuickBooks only over HTTPS (issue 15, point 5): plain HTTP is refused unless the
host is this machine or the company sets ``allow_insecure_http = true``."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr, ValidationError

from arwatch.adapters.odoo import OdooSettings
from arwatch.adapters.odoo import make_adapter as make_odoo_adapter
from arwatch.adapters.quickbooks import make_adapter as make_qbo_adapter
from arwatch.cli import main
from arwatch.core.clock import fixed_clock
from arwatch.core.contract import ConfigError
from arwatch.core.urls import check_https
from arwatch.sync.config import CompanyConfig
from arwatch.sync.store import open_store

CLOCK = fixed_clock(dt.date(2024, 1, 5))


@pytest.mark.parametrize("url", ["https://acme.odoo.com", "http://localhost:8069", "http://LOCALHOST",
                                 "http://127.0.0.1:8069", "http://127.1.2.3/", "http://[::1]:8069"])
def test_check_https__https_or_this_machine_accepted(url):
    assert check_https(url) == url


@pytest.mark.parametrize("url", ["http://acme.odoo.com", "http://10.0.0.5:8069", "http://[::2]",
                                 "http://localhost.evil.example", "http://128.0.0.1"])
def test_check_https__plain_http_elsewhere_refused_unless_allowed(url):
    with pytest.raises(ValueError, match="is not HTTPS.*allow_insecure_http = true"):
        check_https(url)
    assert check_https(url, allow_insecure_http=True) == url


def test_check_https__the_message_never_shows_credentials_in_the_url():
    with pytest.raises(ValueError) as caught:
        check_https("http://bot:hunter2@erp.example.com/odoo")
    assert "hunter2" not in str(caught.value) and "bot" not in str(caught.value)
    assert "http://erp.example.com is not HTTPS" in str(caught.value)


@pytest.mark.parametrize("url", ["acme.odoo.com", "ftp://acme.odoo.com", "https://"])
def test_check_https__not_a_web_url_refused(url):
    with pytest.raises(ValueError, match="must be an https:// URL"):
        check_https(url, allow_insecure_http=True)


def odoo_company(**settings) -> CompanyConfig:
    return CompanyConfig(name="acme", source="odoo", credentials="acme-odoo",
                         settings={"database": "acme", "login": "bot", **settings})


def test_odoo__plain_http_url_refused_as_a_config_error_naming_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"companies\.acme\.settings\.url: .*http://erp\.acme\.example is not "
                                          r"HTTPS.*allow_insecure_http = true"):
        make_odoo_adapter(odoo_company(url="http://erp.acme.example"), None, {"api_key": SecretStr("k")}, CLOCK)


def test_odoo__https_local_http_or_allowed_http_accepted():
    assert OdooSettings(url="https://erp.acme.example", database="d", login="l").url == "https://erp.acme.example"
    assert OdooSettings(url="http://127.0.0.1:8069", database="d", login="l").url == "http://127.0.0.1:8069"
    allowed = OdooSettings.model_validate({"url": "http://erp.lan", "database": "d", "login": "l",
                                           "allow_insecure_http": True})
    assert allowed.url == "http://erp.lan" and allowed.allow_insecure_http
    with pytest.raises(ValidationError, match="is not HTTPS"):
        OdooSettings(url="http://erp.lan", database="d", login="l")


def qbo_company(tmp_path, **settings) -> CompanyConfig:
    return CompanyConfig(name="acme", source="quickbooks", credentials="acme-qbo",
                         settings={"client_id": "abc", "token_path": str(tmp_path / "t.json"), **settings})


@pytest.mark.parametrize("key, url", [("api_base", "http://quickbooks.api.example/v3"),
                                      ("environment", "http://discovery.example/.well-known/openid")])
def test_quickbooks__plain_http_url_refused_unless_local_or_allowed(tmp_path, key, url):
    store, secret = open_store(tmp_path / "s.db"), {"client_secret": SecretStr("s3cr3t")}
    with pytest.raises(ConfigError, match=rf"companies\.acme\.settings\.{key}: .*is not HTTPS") as caught:
        make_qbo_adapter(qbo_company(tmp_path, **{key: url}), store, secret, CLOCK)
    assert "s3cr3t" not in str(caught.value)
    local = url.replace("quickbooks.api.example", "127.0.0.1:8080").replace("discovery.example", "localhost")
    for settings in ({key: local}, {key: url, "allow_insecure_http": True}):  # past the URL check:
        with pytest.raises(ConfigError, match="arwatch connect quickbooks"):  # stops at the missing tokens
            make_qbo_adapter(qbo_company(tmp_path, **settings), store, secret, CLOCK)


def test_connect__plain_http_discovery_url_refused_before_anything_is_sent(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QBO_CLIENT_SECRET", "s3cr3t")
    code = main(["connect", "quickbooks", "--client-id", "abc", "--tokens", str(tmp_path / "t.json"),
                 "--environment", "http://discovery.example/.well-known/openid", "--redirect", "x"])
    out, err = capsys.readouterr()
    assert code == 2 and "--environment" in err and "https://" in err and "s3cr3t" not in out + err
    assert not (tmp_path / "t.json").exists()
