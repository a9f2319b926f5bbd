"""The HTTP side of the adapter: python-quickbooks' request plumbing plus what it lacks.

python-quickbooks builds the requests (``minorversion``, ``requestid``, headers) and parses the
JSON answers; ``QBOClient`` sends them itself so that it can

- check the HTTP status before the library reads the body (an XML 429 would otherwise surface
  as code 10000 "Error reading json response") and map it with ``errors.error_for``;
- hold the company's rate window and concurrency slot for each request (``limits``);
- retry ``RetryLater`` errors with tenacity (429: Retry-After or Intuit's 60 s; 5xx and
  timeouts: exponential backoff), with an injectable ``sleep`` so tests never wait;
- refresh the access token when it has expired, or once after a 401, saving the rotated
  refresh token before the new access token is used;
- never use requests-oauthlib's session, whose debug log prints the Authorization header.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import requests
from quickbooks import QuickBooks
from quickbooks.exceptions import QuickbooksException
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from arwatch.core.clock import Now

from ..redaction import Secret, redact
from .errors import (
    QBOError,
    Reauthenticate,
    Refused,
    RetryLater,
    ServerFault,
    Throttled,
    Timeout,
    error_for,
    error_from_fault,
)
from .limits import CompanyLimits, limits_for
from .tokens import TokenFileError, Tokens, TokenStore, no_clock

log = logging.getLogger(__name__)

PRODUCTION_API = "https://quickbooks.api.intuit.com/v3"
SANDBOX_API = "https://sandbox-quickbooks.api.intuit.com/v3"
MINOR_VERSION = 75
THROTTLE_WAIT = 60.0  # Intuit: wait a minute after a 429
MAX_BACKOFF = 30.0


@dataclass(frozen=True, repr=False)
class AppCredentials:
    """The Intuit app (not the company): client id and secret, redirect URI, environment.

    ``environment`` is "production", "sandbox" or the URL of an OpenID discovery document.
    """

    client_id: str
    client_secret: Secret
    redirect_uri: str
    environment: str = "production"

    def __repr__(self) -> str:
        return f"AppCredentials(client_id={self.client_id!r}, environment={self.environment!r})"


@dataclass(frozen=True)
class ClientOptions:
    api_base: str = PRODUCTION_API
    minorversion: int = MINOR_VERSION
    timeout: float = 120.0  # Intuit answers or gives up within 120 s
    attempts: int = 6
    sleep: Callable[[float], None] = time.sleep
    now: Now = no_clock  # the run's clock (RunClock.now): token expiry, CDC windows
    limits: CompanyLimits | None = None
    auth_client_factory: Callable[[AppCredentials], Any] | None = field(default=None)


def make_auth_client(app: AppCredentials) -> Any:
    """An intuit-oauth ``AuthClient`` (reads the environment's discovery document)."""
    from intuitlib.client import AuthClient

    return AuthClient(client_id=app.client_id, client_secret=app.client_secret.reveal(),
                      redirect_uri=app.redirect_uri, environment=app.environment)


class _Wire(QuickBooks):  # python-quickbooks is untyped (its class is Any)
    """python-quickbooks with the sending replaced by ``QBOClient._send``."""

    transport: Callable[..., requests.Response]

    def process_request(self, request_type: str, url: str, headers: Any = "", params: Any = "",
                        data: Any = "") -> requests.Response:
        return self.transport(request_type, url, headers=headers or {}, params=params or {},
                              data=data)


_XML_CODE = re.compile(r'code="(\d+)"')


def _error_of(response: requests.Response) -> QBOError:
    """The error for a non-200 answer, whatever its body (JSON Fault, lower-case fault, XML)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    fault = None
    if isinstance(body, dict):
        fault = body.get("Fault") or body.get("fault")
    if isinstance(fault, dict):
        error = error_from_fault(fault, status)
    else:
        found = _XML_CODE.search(response.text or "")
        message = body.get("error", "") if isinstance(body, dict) else ""
        error = error_for(status, found.group(1) if found else "", str(message))
    if isinstance(error, Throttled):
        retry_after = response.headers.get("Retry-After", "")
        error.wait_hint = float(retry_after) if retry_after.isdigit() else THROTTLE_WAIT
    return error


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Throttled):
        return error.wait_hint or THROTTLE_WAIT
    return min(MAX_BACKOFF, 2.0 ** (state.attempt_number - 1))


class QBOClient:
    """One company's API v3, with limits, retries and token refresh."""

    def __init__(self, app: AppCredentials, store: TokenStore, options: ClientOptions | None = None):
        """Reads nothing: the token file is read at the first use (``tokens``)."""
        self.app = app
        self.store = store
        self.options = options or ClientOptions()
        self._tokens: Tokens | None = None
        self.http = requests.Session()
        self.refreshes = 0

    @property
    def tokens(self) -> Tokens:
        """The grant, read from the token file at the first use (``TokenFileError`` if unusable)."""
        if self._tokens is None:
            self._tokens = self.store.load()
        return self._tokens

    @tokens.setter
    def tokens(self, value: Tokens) -> None:
        self._tokens = value

    @property
    def realm_id(self) -> str:
        return self.tokens.realm_id

    @cached_property
    def limits(self) -> CompanyLimits:
        return self.options.limits or limits_for(self.realm_id)

    @cached_property
    def qb(self) -> _Wire:
        wire = _Wire(company_id=self.realm_id, minorversion=self.options.minorversion)
        wire.sandbox = False
        wire.api_url_v3 = self.options.api_base.rstrip("/")
        wire.session = None
        wire.transport = self._send
        return wire

    def __repr__(self) -> str:
        realm = self._tokens.realm_id if self._tokens is not None else "(token file not read yet)"
        return f"QBOClient(realm_id={realm!r})"

    # ------------------------------------------------------------------ public calls
    def url(self, path: str) -> str:
        return f"{self.qb.api_url_v3}/company/{self.realm_id}/{path.lstrip('/')}"

    def request(self, method: str, path: str, body: Any = None, *, params: dict[str, Any] | None = None,
                content_type: str = "application/json", request_id: str | None = None) -> dict[str, Any]:
        """Send one request (retried while ``RetryLater``); returns the parsed JSON answer."""
        retrying = Retrying(stop=stop_after_attempt(self.options.attempts),
                            retry=retry_if_exception_type(RetryLater), wait=_wait,
                            sleep=self.options.sleep, reraise=True,
                            before_sleep=self._log_retry)
        try:
            return retrying(self._authorised, method, path, body, dict(params or {}), content_type,
                            request_id)
        except QBOError as error:  # a fault may echo the request: no token or secret in its text
            error.args = (self._blank(str(error)),)
            raise

    def _blank(self, text: str) -> str:
        """``text`` without this client's secrets (client secret, access and refresh tokens)."""
        tokens = self._tokens
        return redact(text, self.app.client_secret, *((tokens.access_token, tokens.refresh_token) if tokens else ()))

    def query(self, text: str) -> dict[str, Any]:
        """The whole answer of a query: ``{"QueryResponse": {...}, "time": ...}``."""
        return self.request("POST", "query", text, content_type="application/text")

    def rows(self, entity: str, text: str) -> list[dict[str, Any]]:
        """The rows of a one-page query (``[]`` when nothing matched)."""
        found: list[dict[str, Any]] = self.query(text).get("QueryResponse", {}).get(entity, [])
        return found

    def cdc(self, entities: Sequence[str], changed_since: str) -> dict[str, Any]:
        return self.request("GET", "cdc", params={"entities": ",".join(entities),
                                                  "changedSince": changed_since})

    def read(self, entity: str, obj_id: str) -> dict[str, Any]:
        obj: dict[str, Any] = self.request("GET", f"{entity.lower()}/{obj_id}")[entity]
        return obj

    def write(self, entity: str, body: dict[str, Any], request_id: str,
              params: dict[str, Any] | None = None) -> dict[str, Any]:
        written: dict[str, Any] = self.request("POST", entity.lower(), body, params=params,
                                               request_id=request_id)[entity]
        return written

    def batch(self, items: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
        """``BatchItemResponse`` of one batch request (at most 30 items)."""
        answer = self.request("POST", "batch", {"BatchItemRequest": items}, request_id=request_id)
        responses: list[dict[str, Any]] = answer.get("BatchItemResponse", [])
        return responses

    def send_invoice(self, invoice_id: str, request_id: str, send_to: str | None = None) -> dict[str, Any]:
        params = {"sendTo": send_to} if send_to else None
        sent: dict[str, Any] = self.request("POST", f"invoice/{invoice_id}/send", params=params,
                                            content_type="application/octet-stream",
                                            request_id=request_id)["Invoice"]
        return sent

    # ------------------------------------------------------------------ plumbing
    def _authorised(self, method: str, path: str, body: Any, params: dict[str, Any], content_type: str,
                    request_id: str | None) -> dict[str, Any]:
        try:
            return self._through_library(method, path, body, params, content_type, request_id)
        except Reauthenticate:
            self.tokens = self.tokens.expired_now()
            self.refresh()
            try:
                return self._through_library(method, path, body, params, content_type, request_id)
            except Reauthenticate as again:
                raise Refused(f"QuickBooks refused a freshly refreshed access token "
                              f"({again.code or again.status})", status=again.status,
                              code=again.code) from None

    def _through_library(self, method: str, path: str, body: Any, params: dict[str, Any],
                         content_type: str, request_id: str | None) -> dict[str, Any]:
        payload = body
        if body is not None and not isinstance(body, str):
            payload = json.dumps(body)
        try:
            answer: dict[str, Any] = self.qb.make_request(method, self.url(path), request_body=payload or None,
                                                          content_type=content_type, params=params,
                                                          request_id=request_id)
            return answer
        except QBOError:
            raise
        except QuickbooksException as error:  # a Fault inside a 200 answer
            raise error_for(200, error.error_code, error.message, error.detail) from None

    def _send(self, method: str, url: str, *, headers: dict[str, str], params: dict[str, Any],
              data: Any) -> requests.Response:
        if self.tokens.access_expired(self.options.now()):
            self.refresh()
        headers = {**headers, "Authorization": f"Bearer {self.tokens.access_token.reveal()}"}
        with self.limits.slot():
            try:
                response = self.http.request(method, url, headers=headers, params=params,
                                             data=data if data not in ({}, "") else None,
                                             timeout=self.options.timeout)
            except requests.Timeout:
                raise Timeout(f"QuickBooks did not answer {method} {_path(url)} within "
                              f"{self.options.timeout:g} s") from None
            except requests.ConnectionError as error:
                raise Timeout(f"QuickBooks connection failed on {method} {_path(url)}: "
                              f"{type(error).__name__}") from None
        if response.status_code != 200:
            raise _error_of(response)
        return response

    def refresh(self) -> None:
        """Refresh the access token; the rotated refresh token is on disk before it is used.

        Starts from the token file, under its lock: another process (a dry run, another command)
        may have refreshed since this one read it, spending the refresh token held here. Its grant
        is then taken as it is while its access token is valid, else refreshed."""
        with self.store.locked():
            saved = self._saved_grant()
            if saved is not None and saved.refresh_token.reveal() != self.tokens.refresh_token.reveal():
                self.tokens = saved
                if not saved.access_expired(self.options.now()):
                    log.info("QuickBooks tokens of company %s were refreshed by another process", self.realm_id)
                    return
            self._refresh()

    def _saved_grant(self) -> Tokens | None:
        try:
            saved = self.store.load()
        except TokenFileError:
            return None
        return saved if saved.realm_id == self.realm_id else None

    def _refresh(self) -> None:
        from intuitlib.exceptions import AuthClientError

        factory = self.options.auth_client_factory or make_auth_client
        auth = factory(self.app)
        try:
            auth.refresh(refresh_token=self.tokens.refresh_token.reveal())
        except AuthClientError as error:
            status = getattr(error, "status_code", None)
            if status is not None and status >= 500:
                raise ServerFault(f"Intuit's token endpoint failed ({status})", status=status) from None
            raise Refused(f"Intuit refused the refresh token (HTTP {status}): it is spent or "
                          f"revoked; run `arwatch connect quickbooks` again", status=status) from None
        except requests.RequestException as error:
            raise Timeout(f"Intuit's token endpoint could not be reached "
                          f"({type(error).__name__})") from None
        fresh = Tokens.from_grant(self.realm_id, auth.access_token, auth.refresh_token,
                                  getattr(auth, "expires_in", None),
                                  getattr(auth, "x_refresh_token_expires_in", None),
                                  self.options.now())
        self.tokens = self.store.rotate(fresh)
        self.refreshes += 1
        log.info("QuickBooks access token refreshed for company %s", self.realm_id)

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("QuickBooks %s; retry %d after %.0f s", self._blank(str(error)),
                    state.attempt_number, state.next_action.sleep if state.next_action else 0)


def _path(url: str) -> str:
    return url.split("/v3/", 1)[-1]

