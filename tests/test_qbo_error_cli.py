"""A QuickBooks error answer that stops a run (audit issue: HTTP 400 from the stand-in printed a
full traceback and exited 1, a code the README does not list): ``arwatch sync`` prints one line
with QuickBooks' fault, exits 3, shows a traceback only with ``--debug`` and never a token or
the client secret, even when the fault echoes them.
"""

from __future__ import annotations

import contextlib
import io
import logging

import pytest
from qbo_adapter_fixtures import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    qbo_standin,  # noqa: F401  (fixture)
    save_tokens,
)

from arwatch.adapters.quickbooks import factory
from arwatch.adapters.quickbooks.client import ClientOptions
from arwatch.adapters.quickbooks.limits import CompanyLimits
from arwatch.adapters.quickbooks.tokens import TokenStore
from arwatch.cli import main
from arwatch.sync import clock as sync_clock


def write_config(tmp, standin):
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[acme-qbo]\nclient_secret = "{DEFAULT_CLIENT_SECRET}"\n')
    secrets.chmod(0o600)
    config = tmp / "arwatch.toml"
    config.write_text(f"""\
secrets_file = "{secrets}"
state_url = "{tmp / 'state.sqlite3'}"

[companies.acme]
source = "quickbooks"
credentials = "acme-qbo"

[companies.acme.settings]
client_id = "{DEFAULT_CLIENT_ID}"
redirect_uri = "{DEFAULT_REDIRECT_URI}"
environment = "{standin.discovery_url}"
api_base = "{standin.api_base}"
token_path = "{tmp / 'acme.qbo-tokens.json'}"
state_path = "{tmp / 'acme.qbo-state.json'}"
""")
    return config


@pytest.fixture
def setup(qbo_standin, tmp_path, monkeypatch):  # noqa: F811
    grant = save_tokens(qbo_standin, TokenStore(tmp_path / "acme.qbo-tokens.json"))
    monkeypatch.setattr(sync_clock, "system_now", qbo_standin.clock.now)
    monkeypatch.setattr(factory, "OPTIONS", ClientOptions(sleep=lambda s: None, timeout=10.0,
                                                          limits=CompanyLimits()))
    return qbo_standin, write_config(tmp_path, qbo_standin), grant


def sync(config, *options):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*options, "sync", "--config", str(config), "--source", "acme", "--as-of", "2024-01-05"])
    return code, out.getvalue() + err.getvalue()


def fault(detail: str) -> dict:
    return {"Fault": {"Error": [{"Message": "Error parsing query", "Detail": detail, "code": "4000"}],
                      "type": "ValidationFault"}, "time": "2024-01-05T10:15:30.000-08:00"}


def test_qbo_error__a_400_answer_is_one_line_with_exit_code_3(setup, capsys, caplog):
    standin, config, grant = setup
    standin.inject("query", status=400, body=fault("QueryParserError: Encountered \" <INTEGER> \"1 \"\""), times=5)
    code, output = sync(config)
    output += capsys.readouterr().err + caplog.text  # what the sync engine logged, too
    assert code == 3, output
    assert "acme: unreachable: QuickBooks: QuickBooks 400 4000 - Error parsing query - QueryParserError:" in output
    assert "Traceback" not in output and "ItemRejected" not in output


def test_qbo_error__the_traceback_only_with_debug_and_no_secret_even_when_echoed(setup, capsys, caplog):
    standin, config, grant = setup
    echoed = (f"bad request Authorization: {grant['access_token']} refresh {grant['refresh_token']} "
              f"client {DEFAULT_CLIENT_SECRET}")
    standin.inject("query", status=400, body=fault(echoed), times=5)
    caplog.set_level(logging.DEBUG)
    code, output = sync(config, "--debug", "-v")
    output += capsys.readouterr().err + caplog.text
    assert code == 3, output
    assert "acme: unreachable: QuickBooks: QuickBooks 400 4000 - Error parsing query - bad request" in output
    for secret in (grant["access_token"], grant["refresh_token"], DEFAULT_CLIENT_SECRET):
        assert secret not in output
