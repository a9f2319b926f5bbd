"""Intuit's token endpoint failing (5xx) when a 401 asks for a refresh: the refresh is retried like
any 5xx, and when it keeps failing the run ends ``unreachable`` (exit code 3) in one line, with
nothing released. Before, the retry after the failed refresh crashed on the access token marked
expired (``datetime.min`` minus the expiry margin: OverflowError) and the run ended ``failed``
(exit code 1) with "OverflowError: date value out of range". Tested on the stand-in only.
"""

from __future__ import annotations

from qbo_adapter_fixtures import kit, qbo_standin  # noqa: F401  (fixtures)
from qbo_cli_kit import cli  # noqa: F401  (fixture)


def test_a_refresh_failing_once_after_a_401_is_retried(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}])
    kit.standin.expire_access_tokens()  # the next request gets a 401
    kit.standin.inject("token", status=503, times=1)
    result = kit.source().pull(None, full=True)
    assert [c["name"] for c in result.records["customers"]] == ["Acme"]
    assert kit.standin.count(operation="token") == 2


def test_a_token_endpoint_that_stays_down_is_unreachable_and_releases_nothing(cli):  # noqa: F811
    code, _ = cli.sync()
    assert code == 0 and "hold:1" in cli.written()
    co = cli.standin.company()
    [invoice] = [i for i in co.objects["Invoice"].values() if i["CustomerRef"]["value"] == "1"]
    co.create("Payment", {"CustomerRef": {"value": "1"}, "TxnDate": "2024-01-04", "TotalAmt": invoice["Balance"],
                          "Line": [{"Amount": invoice["Balance"],
                                    "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    before = cli.written()
    cli.standin.expire_access_tokens()
    cli.standin.inject("token", status=500, times=20)
    code, out = cli.sync()
    assert code == 3, out
    assert out.strip() == "acme: unreachable: QuickBooks: Intuit's token endpoint failed (500)"
    assert cli.written() == before
