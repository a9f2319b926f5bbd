"""``arwatch sync`` against the QuickBooks stand-in: a config for company ``acme``, runs through
``arwatch.cli.main``, and a small company with two customers in arrears (held) and three current.

The run's clock is the stand-in's; retry waits are not slept. Tested on the stand-in only.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from qbo_adapter_fixtures import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    save_tokens,
)
from qbo_standin import StandIn

from arwatch.adapters.quickbooks import factory
from arwatch.adapters.quickbooks.client import ClientOptions
from arwatch.adapters.quickbooks.limits import CompanyLimits
from arwatch.adapters.quickbooks.tokens import TokenStore
from arwatch.cli import main
from arwatch.sync import clock as sync_clock
from arwatch.sync.store import Store, open_store

AS_OF = "2024-01-05"
COMPANY = "acme"


@dataclass
class CliKit:
    standin: StandIn
    tmp: Path

    @property
    def config(self) -> Path:
        return self.tmp / "arwatch.toml"

    @property
    def token_path(self) -> Path:
        return self.tmp / "acme.qbo-tokens.json"

    def store(self) -> Store:
        return open_store(self.tmp / "state.sqlite3")

    def sync(self, *options: str) -> tuple[int, str]:
        """One ``arwatch sync`` five stand-in minutes after the last: (exit code, output)."""
        self.standin.clock.advance(minutes=5)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(["sync", "--config", str(self.config), "--source", COMPANY, "--as-of", AS_OF,
                         *options])
        return code, out.getvalue()

    def written(self) -> set[str]:
        return set(self.store().written.rows(COMPANY))

    def summary_line(self, out: str) -> str:
        return next(line for line in out.splitlines() if line.startswith(f"{COMPANY}: ") and " as of " in line)


def write_config(tmp: Path, standin: StandIn) -> None:
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[acme-qbo]\nclient_secret = "{DEFAULT_CLIENT_SECRET}"\n')
    secrets.chmod(0o600)
    (tmp / "policy.toml").write_text('[credit.holds]\nclear_days = 1\n[credit.letters]\nsender_name = "Acme"\n')
    (tmp / "arwatch.toml").write_text(f"""\
secrets_file = "{secrets}"
state_url = "{tmp / 'state.sqlite3'}"
policy = "policy.toml"

[companies.acme]
source = "quickbooks"
credentials = "acme-qbo"

[companies.acme.settings]
client_id = "{DEFAULT_CLIENT_ID}"
redirect_uri = "{DEFAULT_REDIRECT_URI}"
environment = "{standin.discovery_url}"
api_base = "{standin.api_base}"
token_path = "{tmp / 'acme.qbo-tokens.json'}"
""")


def load_company(standin: StandIn) -> None:
    """Customers 1 and 2 about 160 days in arrears (flag and hold), 3-5 a month overdue (flag)."""
    standin.load(
        terms=[{"Name": "Net 30", "DueDays": 30}],
        customers=[{"DisplayName": f"Customer {i}", "SalesTermRef": {"value": "1"}} for i in range(1, 6)],
        invoices=[{"CustomerRef": {"value": c}, "TxnDate": "2023-07-01", "DueDate": "2023-07-31",
                   "TotalAmt": amount, "DocNumber": f"A{c}"} for c, amount in (("1", 5000), ("2", 7000))]
        + [{"CustomerRef": {"value": str(c)}, "TxnDate": "2023-11-01", "DueDate": "2023-12-01", "TotalAmt": 100}
           for c in (3, 4, 5)])


@pytest.fixture
def cli(qbo_standin, tmp_path, monkeypatch) -> CliKit:  # noqa: F811
    save_tokens(qbo_standin, TokenStore(tmp_path / "acme.qbo-tokens.json"))
    monkeypatch.setattr(sync_clock, "system_now", qbo_standin.clock.now)
    monkeypatch.setattr(factory, "OPTIONS", ClientOptions(sleep=lambda s: None, timeout=10.0,
                                                          limits=CompanyLimits()))
    write_config(tmp_path, qbo_standin)
    load_company(qbo_standin)
    return CliKit(qbo_standin, tmp_path)
