"""JSON-RPC transport (Odoo 17.0-18.0) over odoorpc.

odoorpc logs the ``execute_kw`` arguments, password included, at DEBUG: its logger is kept at
INFO here so that no log ever holds the secret, and every text of a server's error answer has the
secret blanked before it goes into an exception (``_fault``). odoorpc takes host and port, not a
URL path: a server behind a path prefix is not supported.
"""

from __future__ import annotations

import http.client
import logging
import socket
import urllib.error
from typing import Any
from urllib.parse import urlparse

import odoorpc

from ..redaction import Secret, redact
from .errors import (
    RECORD_FAULTS,
    DatabaseUnknown,
    OdooError,
    RecordRefused,
    Retriable,
    ServerError,
    ServerUnreachable,
    login_refused,
    short_name,
)
from .retry import call_with_retries
from .transport import Version, compact

logging.getLogger("odoorpc").setLevel(max(logging.INFO, logging.getLogger("odoorpc").level))


def _endpoint(url: str) -> tuple[str, str, int]:
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerUnreachable(f"{url!r} is not an http(s) URL; check the url setting")
    ssl = parts.scheme == "https"
    return parts.hostname, "jsonrpc+ssl" if ssl else "jsonrpc", parts.port or (443 if ssl else 80)


def _data(error: odoorpc.error.RPCError) -> dict[str, Any]:
    """The ``data`` of a JSON-RPC error answer ({} when it has none)."""
    info = error.info if isinstance(error.info, dict) else {}
    data = info.get("data")
    return data if isinstance(data, dict) else {}


def _fault(error: Exception, what: str, url: str, secret: Secret, database: str = "") -> Exception:
    """The transport error for an exception odoorpc or urllib raised. Every text taken from the
    server's answer has the secret blanked: a server may echo the request (the login's password)
    in its message, its ``debug`` traceback or its ``arguments``. An unknown database is named
    from the settings, not from PostgreSQL's message (which names the database server's address
    and port, not the user's business)."""
    def clean(text: object) -> str:
        return redact(str(text), secret)

    if isinstance(error, odoorpc.error.RPCError):
        data = _data(error)
        name = short_name(clean(data.get("name", "")))
        message = clean(data.get("message") or (error.args[0] if error.args else ""))
        if name in RECORD_FAULTS:
            return RecordRefused(name, message)
        if name == "OperationalError" and "does not exist" in message:
            return DatabaseUnknown(f"{what}: the database {database!r} was not found at {url}; "
                                   f"check the database setting")
        return ServerError(f"Odoo at {url} answered {what} with an error: {name or 'error'}: {compact(message)}")
    if isinstance(error, urllib.error.HTTPError):
        if error.code >= 500:
            return Retriable(f"{what}: HTTP {error.code}")
        return ServerUnreachable(f"{what}: HTTP {error.code}; is the url an Odoo server?")
    if isinstance(error, (socket.timeout, TimeoutError, ConnectionError, http.client.RemoteDisconnected,
                          http.client.IncompleteRead, urllib.error.URLError)):
        reason = getattr(error, "reason", error)
        return Retriable(f"{what}: {type(reason).__name__}")
    if isinstance(error, (KeyError, TypeError, ValueError)):  # odoorpc reading an answer of another shape
        return ServerError(f"Odoo at {url} answered {what} with something that is not a JSON-RPC answer "
                           f"({type(error).__name__})")
    return OdooError(f"{what}: {type(error).__name__}: {clean(error)}")


class JsonRpcTransport:
    """Odoo 17.0-18.0: ``execute_kw`` through odoorpc; a password or an API key works."""

    def __init__(self, url: str, database: str, login: str, secret: str, version: Version, *,
                 timeout: float = 60.0, retries: int = 4, wait: float = 1.0):
        self.version, self.calls = version, 0
        self._retries, self._wait, self._url, self._secret = retries, wait, url, Secret(secret)
        self._database = database
        host, protocol, port = _endpoint(url)
        self._odoo = odoorpc.ODOO(host, protocol=protocol, port=port, timeout=timeout,
                                  version=f"{version[0]}.{version[1]}")
        self.uid = self._login(database, login, secret)

    def _login(self, database: str, login: str, secret: str) -> int:
        def attempt() -> int:
            self.calls += 2  # common.login and res.users.context_get
            try:
                self._odoo.login(database, login, secret)
            except odoorpc.error.RPCError as error:
                if not isinstance(error.info, dict):  # odoorpc's own "Wrong login ID or password"
                    raise login_refused(self._url, login) from None
                fault = _fault(error, "login", self._url, self._secret, database)
                if isinstance(fault, RecordRefused) or short_name(str(_data(error).get("name", ""))) == "AccessDenied":
                    raise login_refused(self._url, login) from None
                raise fault from None
            except Exception as error:  # noqa: BLE001 - mapped to the transport's errors
                raise _fault(error, "login", self._url, self._secret, database) from None
            return int(self._odoo.env.uid)

        try:
            return call_with_retries(attempt, self._retries, self._wait)
        except Retriable as error:
            raise ServerUnreachable(f"Odoo at {self._url} did not answer the login ({error})") from None

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        what = f"{model}.{method}"
        args: list[Any] = [list(ids)] if ids is not None else []
        if method == "create" and "vals_list" in kwargs:  # 17-18 call_kw reads create's values by position
            kwargs = dict(kwargs)
            args.append(kwargs.pop("vals_list"))

        def attempt() -> Any:
            self.calls += 1
            try:
                result = self._odoo.execute_kw(model, method, args, kwargs)
                return [result] if method == "create" and isinstance(result, int) else result
            except Exception as error:  # noqa: BLE001 - mapped to the transport's errors
                raise _fault(error, what, self._url, self._secret, self._database) from None

        try:
            return call_with_retries(attempt, self._retries, self._wait)
        except Retriable as error:
            raise ServerUnreachable(f"Odoo did not answer {what} after {self._retries} tries ({error})") from None
