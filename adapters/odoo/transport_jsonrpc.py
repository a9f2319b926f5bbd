"""JSON-RPC transport (Odoo 17.0-18.0) over odoorpc.

odoorpc logs the ``execute_kw`` arguments, password included, at DEBUG: its logger is kept at
INFO here so that no log ever holds the secret. odoorpc takes host and port, not a URL path:
a server behind a path prefix is not supported.
"""

from __future__ import annotations

import http.client
import logging
import socket
import urllib.error
from typing import Any
from urllib.parse import urlparse

import odoorpc

from .errors import (
    RECORD_FAULTS,
    DatabaseUnknown,
    OdooError,
    RecordRefused,
    Retriable,
    ServerUnreachable,
    login_refused,
    short_name,
)
from .retry import call_with_retries
from .transport import Version

logging.getLogger("odoorpc").setLevel(max(logging.INFO, logging.getLogger("odoorpc").level))


def _endpoint(url: str) -> tuple[str, str, int]:
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerUnreachable(f"{url!r} is not an http(s) URL; check the url setting")
    ssl = parts.scheme == "https"
    return parts.hostname, "jsonrpc+ssl" if ssl else "jsonrpc", parts.port or (443 if ssl else 80)


def _fault(error: Exception, what: str) -> Exception:
    """The transport error for an exception odoorpc or urllib raised."""
    if isinstance(error, odoorpc.error.RPCError):
        data = (error.info or {}).get("data", {}) if isinstance(error.info, dict) else {}
        name = short_name(str(data.get("name", "")))
        message = str(data.get("message") or (error.args[0] if error.args else ""))
        if name in RECORD_FAULTS:
            return RecordRefused(name, message)
        if name == "OperationalError" and "does not exist" in message:
            return DatabaseUnknown(f"{what}: {message.splitlines()[-1].strip()}")
        return OdooError(f"{what}: {name or 'error'}: {message}")
    if isinstance(error, urllib.error.HTTPError):
        if error.code >= 500:
            return Retriable(f"{what}: HTTP {error.code}")
        return ServerUnreachable(f"{what}: HTTP {error.code}; is the url an Odoo server?")
    if isinstance(error, (socket.timeout, TimeoutError, ConnectionError, http.client.RemoteDisconnected,
                          http.client.IncompleteRead, urllib.error.URLError)):
        reason = getattr(error, "reason", error)
        return Retriable(f"{what}: {type(reason).__name__}")
    return error


class JsonRpcTransport:
    """Odoo 17.0-18.0: ``execute_kw`` through odoorpc; a password or an API key works."""

    def __init__(self, url: str, database: str, login: str, secret: str, version: Version, *,
                 timeout: float = 60.0, retries: int = 4, wait: float = 1.0):
        self.version, self.calls = version, 0
        self._retries, self._wait, self._url = retries, wait, url
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
                fault = _fault(error, "login")
                if isinstance(fault, RecordRefused) or short_name(str(error.info.get("data", {}).get("name", ""))) \
                        == "AccessDenied":
                    raise login_refused(self._url, login) from None
                raise fault from None
            except Exception as error:  # noqa: BLE001 - mapped below, re-raised as is if unknown
                raise _fault(error, "login") from None
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
                raise _fault(error, what) from None

        try:
            return call_with_retries(attempt, self._retries, self._wait)
        except Retriable as error:
            raise ServerUnreachable(f"Odoo did not answer {what} after {self._retries} tries ({error})") from None
