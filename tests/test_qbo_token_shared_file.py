"""Two processes on one token file (a dry run, which takes no lock, beside the nightly sync; or
any arwatch command beside it): when one has refreshed, the other's refresh token is spent.
Before, the other refreshed with the spent token it had read at its start and stopped with
"Intuit refused the refresh token ... run `arwatch connect quickbooks` again" although the file
held a valid grant. A refresh now starts from the token file: a grant another process saved
meanwhile is taken as it is (its access token when still valid, else its refresh token), under
a lock beside the file so that two refreshes never spend the same token. Tested on the stand-in only.
"""

from __future__ import annotations

from qbo_adapter_fixtures import Kit, kit, qbo_standin  # noqa: F401  (fixtures)

from arwatch.adapters.quickbooks import queries
from arwatch.adapters.quickbooks.client import QBOClient
from arwatch.adapters.quickbooks.source import app_credentials


def client(kit: Kit) -> QBOClient:  # noqa: F811
    return QBOClient(app_credentials(kit.config()), kit.store, kit.options())


def test_a_grant_refreshed_by_another_process_is_used_not_refused(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}])
    mine, theirs = client(kit), client(kit)
    mine.query(queries.select_page("Customer", 1))  # read the file at its start
    kit.standin.clock.advance(hours=2)  # both access tokens expired
    theirs.query(queries.select_page("Customer", 1))  # refreshed: the file's refresh token rotated
    assert theirs.refreshes == 1
    rows = mine.rows("Customer", queries.select_page("Customer", 1))
    assert [r["DisplayName"] for r in rows] == ["Acme"]
    assert mine.refreshes == 0 and kit.standin.count(operation="token") == 1  # theirs was still fresh
    assert kit.standin.current_refresh_tokens() == [kit.store.load().refresh_token.reveal()]


def test_an_expired_grant_saved_by_another_process_is_refreshed_with_its_token(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}])
    mine, theirs = client(kit), client(kit)
    mine.query(queries.select_page("Customer", 1))
    kit.standin.clock.advance(hours=2)
    theirs.query(queries.select_page("Customer", 1))
    kit.standin.clock.advance(hours=2)  # the grant on file has expired too
    assert len(mine.rows("Customer", queries.select_page("Customer", 1))) == 1
    assert mine.refreshes == 1 and kit.standin.count(operation="token") == 2
    assert kit.standin.current_refresh_tokens() == [kit.store.load().refresh_token.reveal()]
