"""The QuickBooks client against the stand-in: faults, retries, limits, token refresh, secrecy."""

from __future__ import annotations

import logging
import os
import stat
import threading

import pytest
from qbo_adapter_fixtures import Kit, kit, qbo_standin  # noqa: F401
from qbo_standin import TimeoutWhileHeld

from arwatch.adapters.quickbooks import queries
from arwatch.adapters.quickbooks.client import QBOClient
from arwatch.adapters.quickbooks.errors import ItemRejected, Refused, ServerFault, StaleObject, Throttled, error_for
from arwatch.adapters.quickbooks.limits import CompanyLimits, RateLimiter
from arwatch.adapters.quickbooks.source import app_credentials
from arwatch.adapters.quickbooks.tokens import Tokens, TokenStore
from arwatch.adapters.redaction import Secret, redact
from arwatch.core.contract import SourceUnreachable


def client(kit: Kit, **options) -> QBOClient:  # noqa: F811
    return QBOClient(app_credentials(kit.config()), kit.store, kit.options(**options))


def load_customers(kit: Kit, n: int = 3) -> None:  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": f"Customer {i}"} for i in range(n)])


# ---------------------------------------------------------------------- error mapping
@pytest.mark.parametrize("status, code, expected", [
    (429, "", Throttled), (200, "3001", Throttled), (503, "", ServerFault),
    (400, "10000", ServerFault), (400, "5010", StaleObject), (400, "6240", ItemRejected),
    (403, "3100", Refused),
])
def test_error_for__maps_status_and_code_by_what_to_do(status, code, expected):
    assert type(error_for(status, code)) is expected


# ---------------------------------------------------------------------- retries
@pytest.mark.parametrize("body", ["xml", "json"])
def test_client__429_waits_then_retries(kit, body):  # noqa: F811
    load_customers(kit)
    kit.standin.inject("query", status=429, body=body, times=2)
    qb = client(kit)
    rows = qb.rows("Customer", queries.select_page("Customer", 1))
    assert len(rows) == 3
    assert kit.sleeps == [60.0, 60.0]  # Intuit's minute, not an immediate hammering
    assert kit.standin.count(operation="query") == 3


def test_client__429_honours_retry_after(kit):  # noqa: F811
    kit.standin.inject("query", status=429, body="json", headers={"Retry-After": "7"})
    client(kit).query(queries.select_page("Customer", 1))
    assert kit.sleeps == [7.0]


def test_client__5xx_backs_off_exponentially(kit):  # noqa: F811
    load_customers(kit)
    kit.standin.inject("query", status=503, times=3)
    assert len(client(kit).rows("Customer", queries.select_page("Customer", 1))) == 3
    assert kit.sleeps == [1.0, 2.0, 4.0]


def test_client__timeout_is_retried(kit):  # noqa: F811
    load_customers(kit)
    slow = kit.standin.inject("query", status=None, hold=True)
    qb = client(kit, timeout=12.5)
    timeouts = TimeoutWhileHeld(slow)  # the held query times out at once, whatever 12.5 s is
    qb.http.mount(kit.standin.base_url, timeouts)
    assert len(qb.rows("Customer", queries.select_page("Customer", 1))) == 3
    assert len(timeouts.timed_out) == 1 and kit.sleeps == [1.0]
    assert timeouts.timeouts == [12.5, 12.5]  # the client's timeout goes with every request


def test_client__gives_up_after_the_attempts(kit):  # noqa: F811
    kit.standin.inject("query", status=500, times=10)
    with pytest.raises(ServerFault):
        client(kit, attempts=3).query(queries.select_page("Customer", 1))
    assert kit.standin.count(operation="query") == 3


def test_source__exhausted_retries_are_source_unreachable(kit):  # noqa: F811
    kit.standin.inject("query", status=500, times=50)
    with pytest.raises(SourceUnreachable):
        kit.source().pull(None, full=True)


def test_client__validation_fault_is_not_retried(kit):  # noqa: F811
    with pytest.raises(ItemRejected) as caught:
        client(kit).write("Customer", {"DisplayName": "X", "NoSuchField": 1}, "rid-1")
    assert caught.value.code == "2010"
    assert kit.sleeps == []


# ---------------------------------------------------------------------- tokens
def test_client__401_refreshes_once_and_saves_the_rotated_token_before_use(kit):  # noqa: F811
    load_customers(kit)
    before = kit.store.load()
    kit.standin.expire_access_tokens()
    seen_on_disk: list[str] = []
    qb = client(kit)
    send = qb.http.request

    def spy(method, url, **kw):  # what the file holds when the next API request goes out
        if "/v3/" in url:
            seen_on_disk.append(TokenStore(kit.token_path).load().refresh_token.reveal())
        return send(method, url, **kw)

    qb.http.request = spy
    assert len(qb.rows("Customer", queries.select_page("Customer", 1))) == 3
    saved = kit.store.load()
    assert qb.refreshes == 1
    assert saved.refresh_token != before.refresh_token
    assert kit.standin.current_refresh_tokens() == [saved.refresh_token.reveal()]
    assert seen_on_disk[-1] == saved.refresh_token.reveal()  # on disk before it was needed
    assert kit.standin.count(operation="token") == 1


def test_client__a_second_401_is_refused_not_looped(kit):  # noqa: F811
    kit.standin.inject("query", status=401, times=5, body={"fault": {"error": [
        {"message": "AuthenticationFailed", "code": "3200"}], "type": "AUTHENTICATION"}})
    with pytest.raises(Refused):
        client(kit).query(queries.select_page("Customer", 1))
    assert kit.standin.count(operation="token") == 1
    assert kit.standin.count(operation="query") == 2


def test_client__expired_access_token_is_refreshed_before_the_request(kit):  # noqa: F811
    kit.standin.clock.advance(hours=2)
    qb = client(kit)
    qb.query(queries.select_page("Customer", 1))
    assert qb.refreshes == 1
    assert kit.standin.count(status=401) == 0


def test_client__spent_refresh_token_is_refused(kit):  # noqa: F811
    kit.standin.revoke_refresh_token(kit.store.load().refresh_token.reveal())
    kit.standin.expire_access_tokens()
    with pytest.raises(SourceUnreachable, match="connect quickbooks"):
        kit.source().pull(None, full=True)


def test_token_store__file_is_0600_and_replaced_atomically(tmp_path):
    store = TokenStore(tmp_path / "t.json")
    for n in range(2):
        store.save(Tokens.from_grant("1", f"access-{n}", f"refresh-{n}", 3600, None,
                                     __import__("datetime").datetime.now().astimezone()))
        assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.load().refresh_token.reveal() == "refresh-1"
    assert sorted(os.listdir(tmp_path)) == ["t.json"]  # no temporary file left behind


def test_token_store__creates_with_0600_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        TokenStore(tmp_path / "t.json").save(Tokens.from_grant(
            "1", "a", "r", 3600, None, __import__("datetime").datetime.now().astimezone()))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "t.json").st_mode) == 0o600


def test_tokens__never_shown(kit):  # noqa: F811
    tokens = kit.store.load()
    secret = tokens.refresh_token.reveal()
    for text in (repr(tokens), str(tokens), repr(tokens.access_token), f"{tokens.refresh_token}",
                 repr(client(kit)), repr(kit.source())):
        assert secret not in text and tokens.access_token.reveal() not in text
    assert redact(f"Authorization: Bearer {secret}") == "Authorization: Bearer ***"
    assert "xyz" not in redact('{"refresh_token": "xyz"}')
    assert Secret("a") == Secret("a")


def test_tokens__not_in_logs_or_errors(kit, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    load_customers(kit)
    kit.standin.expire_access_tokens()
    kit.standin.inject("query", status=429, body="xml")
    qb = client(kit)
    qb.query(queries.select_page("Customer", 1))
    errors = []
    kit.standin.inject("query", status=401, times=5)
    try:
        qb.query(queries.select_page("Customer", 1))
    except Refused as error:
        errors.append(str(error) + repr(error))
    secrets = [kit.store.load().access_token.reveal(), kit.store.load().refresh_token.reveal()]
    secrets += kit.standin.current_refresh_tokens() + list(kit.standin._access)
    text = caplog.text + "".join(errors)
    assert errors and caplog.records
    for secret in secrets:
        assert secret not in text


# ---------------------------------------------------------------------- limits
def test_rate_limiter__the_501st_request_in_a_minute_waits():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(500, clock=lambda: now[0], sleep=sleep)
    for i in range(500):
        now[0] = i * 0.01
        assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(60 - 4.99)
    assert slept == [pytest.approx(55.01)]


def test_limits__at_most_ten_requests_in_flight(kit):  # noqa: F811
    load_customers(kit)
    limits = CompanyLimits()
    qb = client(kit, limits=limits, timeout=3600.0)  # held requests are never given up on
    held = kit.standin.inject("query", status=None, hold=True, times=25)
    threads = [threading.Thread(target=qb.query, args=(queries.select_page("Customer", 1),))
               for _ in range(25)]
    for t in threads:
        t.start()
    held.wait_held(10)  # ten requests at the stand-in at once, none answered
    assert held.held == 10 and limits.in_flight == 10  # the other 15 wait for a slot
    held.release()
    for t in threads:
        t.join()
    assert limits.peak_in_flight == 10 and limits.in_flight == 0
    assert kit.standin.count(operation="query") == 25 and held.answered == 25
