"""A pull cut short after a customer paid (a 500 on one entity's pages during a full read, CDC
down, the refresh token revoked, a 401 mid-read whose refresh is refused) ends the run
``unreachable`` (exit code 3) in one line, and releases no hold, clears no flag and closes no
task, in the state store or in QuickBooks. Checked as is (no defect found); tested on the stand-in
only, never against QuickBooks.
"""

from __future__ import annotations

import pytest
from qbo_adapter_fixtures import qbo_standin  # noqa: F401  (fixture)
from qbo_cli_kit import cli  # noqa: F401  (fixture)

from arwatch.adapters.quickbooks.tokens import TokenStore

AUTH_FAULT = {"fault": {"error": [{"message": "AuthenticationFailed", "code": "3200"}], "type": "AUTHENTICATION"}}


def cut_short(cli, case: str) -> tuple[str, ...]:  # noqa: F811
    s = cli.standin
    if case == "payments 500 in a full read":
        s.inject("Payment", status=500, times=20)
        return ("--full",)
    if case == "cdc 503":
        s.inject("cdc", status=503, times=20)
    elif case == "refresh token revoked":
        s.revoke_refresh_token(TokenStore(cli.token_path).load().refresh_token.reveal())
        s.expire_access_tokens()
    elif case == "401 mid-read, refresh refused":
        s.inject("Customer", status=None, times=1)
        s.inject("Invoice", status=401, times=1, body=AUTH_FAULT)
        s.inject("token", status=400, times=5, body={"error": "invalid_grant"})
        return ("--full",)
    return ()


@pytest.mark.parametrize("case", ["payments 500 in a full read", "cdc 503", "refresh token revoked",
                                  "401 mid-read, refresh refused"])
def test_a_pull_cut_short_releases_nothing(cli, case):  # noqa: F811
    code, _ = cli.sync()
    assert code == 0 and {"hold:1", "flag:1"} <= cli.written()
    co = cli.standin.company()
    [invoice] = [i for i in co.objects["Invoice"].values() if i["CustomerRef"]["value"] == "1"]
    co.create("Payment", {"CustomerRef": {"value": "1"}, "TxnDate": "2024-01-04", "TotalAmt": invoice["Balance"],
                          "Line": [{"Amount": invoice["Balance"],
                                    "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    before, held_term = cli.written(), co.get("Customer", "1")["SalesTermRef"]["value"]
    code, out = cli.sync(*cut_short(cli, case))
    assert code == 3, out
    [line] = out.strip().splitlines()
    assert line.startswith("acme: unreachable: QuickBooks: ")
    assert cli.written() == before
    assert co.get("Customer", "1")["SalesTermRef"]["value"] == held_term
