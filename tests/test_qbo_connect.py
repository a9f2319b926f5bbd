"""`arwatch connect quickbooks`: the OAuth 2.0 authorisation-code flow against the stand-in."""

from __future__ import annotations

import io
import os
import stat
from urllib.parse import parse_qs, urlparse

import pytest
from qbo_adapter_fixtures import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    qbo_standin,  # noqa: F401
)

from arwatch.adapters.quickbooks.client import AppCredentials
from arwatch.adapters.quickbooks.connect import ConnectError, Redirect, consent_url, exchange, parse_redirect
from arwatch.adapters.quickbooks.tokens import Secret, TokenStore
from arwatch.cli import main


def app(standin) -> AppCredentials:
    return AppCredentials(DEFAULT_CLIENT_ID, Secret(DEFAULT_CLIENT_SECRET), DEFAULT_REDIRECT_URI,
                          standin.discovery_url)


def test_consent_url__asks_for_accounting_with_state(qbo_standin):  # noqa: F811
    url = consent_url(app(qbo_standin), "st4te")
    query = parse_qs(urlparse(url).query)
    assert query["client_id"] == [DEFAULT_CLIENT_ID] and query["state"] == ["st4te"]
    assert query["scope"] == ["com.intuit.quickbooks.accounting"]
    assert query["redirect_uri"] == [DEFAULT_REDIRECT_URI]


def test_parse_redirect__url_or_bare_code():
    r = parse_redirect("https://app.test/cb?code=AB12&state=s&realmId=9130")
    assert (r.code, r.realm_id, r.state) == ("AB12", "9130", "s")
    assert parse_redirect("  AB12 \n").code == "AB12"
    with pytest.raises(ConnectError, match="access_denied"):
        parse_redirect("https://app.test/cb?error=access_denied&state=s")
    assert "AB12" not in repr(r)


def test_exchange__saves_tokens_and_realm_0600(qbo_standin, tmp_path):  # noqa: F811
    code = qbo_standin.authorization_code()
    store = TokenStore(tmp_path / "t.json")
    tokens = exchange(app(qbo_standin), Redirect(code, qbo_standin.realm, "s"), store,
                      expected_state="s", now=qbo_standin.clock.now)
    saved = store.load()
    assert saved.realm_id == qbo_standin.realm == tokens.realm_id
    assert saved.refresh_token.reveal() in qbo_standin.current_refresh_tokens()
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_exchange__wrong_state_or_spent_code_is_refused(qbo_standin, tmp_path):  # noqa: F811
    code = qbo_standin.authorization_code()
    store = TokenStore(tmp_path / "t.json")
    with pytest.raises(ConnectError, match="state"):
        exchange(app(qbo_standin), Redirect(code, "1", "evil"), store, expected_state="s",
                 now=qbo_standin.clock.now)
    exchange(app(qbo_standin), Redirect(code, qbo_standin.realm, None), store, now=qbo_standin.clock.now)
    with pytest.raises(ConnectError, match="single-use") as caught:
        exchange(app(qbo_standin), Redirect(code, qbo_standin.realm, None), store, now=qbo_standin.clock.now)
    assert code not in str(caught.value)


def test_connect_command__prints_the_url_and_saves_tokens(qbo_standin, tmp_path, monkeypatch,  # noqa: F811
                                                          capsys):
    monkeypatch.setenv("QBO_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
    code = qbo_standin.authorization_code()
    monkeypatch.setattr("sys.stdin", io.StringIO(
        f"{DEFAULT_REDIRECT_URI}?code={code}&realmId={qbo_standin.realm}\n"))
    status = main(["connect", "quickbooks", "--tokens", str(tmp_path / "t.json"),
                   "--client-id", DEFAULT_CLIENT_ID, "--redirect-uri", DEFAULT_REDIRECT_URI,
                   "--environment", qbo_standin.discovery_url])
    out = capsys.readouterr().out
    assert status == 0 and "connect/oauth2?" in out and qbo_standin.realm in out
    saved = TokenStore(tmp_path / "t.json").load()
    assert saved.access_token.reveal() not in out and saved.refresh_token.reveal() not in out


def test_connect_command__without_the_secret_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.delenv("QBO_CLIENT_SECRET", raising=False)
    assert main(["connect", "quickbooks", "--tokens", str(tmp_path / "t.json"),
                 "--client-id", "x", "--redirect", "code"]) == 2
