"""One small interface to Odoo's external API, with the implementation chosen by version.

    transport = connect(url, database, login, secret)   # detects the version first
    transport.call("res.partner", "search_read", domain=[...], fields=[...], limit=500)
    transport.call("res.partner", "write", ids=[7], vals={...})

Arguments are always named (JSON-2 takes nothing else); ``ids`` are the records a method runs
on: a record method called on no record (not ``@api.model``) still takes ``ids=[]``. Odoo
17.0-18.0 speak JSON-RPC (``/jsonrpc``, through odoorpc); Odoo 19.0 and later the JSON-2 API
(``POST /json/2/<model>/<method>``, bearer API key). ``/xmlrpc`` and ``/jsonrpc`` are deprecated
since 19 and their object service is to be removed in Odoo 22 (Odoo Online 21.1).

Odoo Online grants external API access only on its Custom plan: on other plans every call
is refused and ``connect`` says so.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import requests

from .errors import ServerUnreachable

Version = tuple[int, int]
JSON2_SINCE: Version = (19, 0)
OLDEST: Version = (17, 0)


class Transport(Protocol):
    """What the adapter needs from a connection.

    Attributes:
      version: (major, minor) of the server, e.g. (18, 0).
      uid: the API user's id.
      calls: requests sent so far (retries included), for the efficiency benchmark.
    """

    @property
    def version(self) -> Version: ...

    @property
    def uid(self) -> int: ...

    @property
    def calls(self) -> int: ...

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """Run ``model.method`` on ``ids`` (or on the model) with named arguments."""
        ...


def parse_version(info: dict[str, Any]) -> Version:
    """(major, minor) from ``version_info``; SaaS builds say ``'saas~17'`` or ``'saas~17.4'``."""
    head = (info.get("server_version_info") or [None, 0])
    major, minor = head[0], head[1] if len(head) > 1 else 0
    if isinstance(major, str):
        text = major.split("~")[-1]
        major, _, rest = text.partition(".")
        minor = int(rest) if rest.isdigit() else minor
    try:
        return int(major), int(minor)
    except (TypeError, ValueError):
        raise ServerUnreachable(f"the server's version {info.get('server_version')!r} is not an Odoo "
                                f"version this adapter understands") from None


def detect_version(session: requests.Session, url: str, timeout: float) -> Version:
    """Ask ``/web/webclient/version_info`` (JSON-RPC, every version; ``GET /web/version`` is 404
    on 18). Raises ``ServerUnreachable`` for a wrong URL or a server that is not Odoo."""
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 0}
    endpoint = url.rstrip("/") + "/web/webclient/version_info"
    try:
        answer = session.post(endpoint, json=body, timeout=timeout)
    except requests.RequestException as error:
        raise ServerUnreachable(f"no answer from {url} ({type(error).__name__}); check the url setting") from None
    if answer.status_code != 200:
        raise ServerUnreachable(f"{url} is not an Odoo server (version_info answered HTTP "
                                f"{answer.status_code}); check the url setting")
    try:
        info = answer.json()["result"]
    except (ValueError, KeyError, TypeError):
        raise ServerUnreachable(f"{url} is not an Odoo server (version_info answered no JSON-RPC "
                                f"result); check the url setting") from None
    return parse_version(info)


def connect(url: str, database: str, login: str, secret: str, *, timeout: float = 60.0,
            retries: int = 4, wait: float = 1.0, session: requests.Session | None = None) -> Transport:
    """A logged-in transport for the server at ``url``, chosen by its version."""
    from arwatch.core.contract import ConfigError

    session = session or requests.Session()
    version = detect_version(session, url, timeout)
    if version < OLDEST:
        raise ConfigError(f"Odoo {version[0]}.{version[1]} is not supported (17.0 or later is needed)")
    if version >= JSON2_SINCE:
        from .transport_json2 import Json2Transport

        return Json2Transport(url, database, login, secret, version, session=session, timeout=timeout,
                              retries=retries, wait=wait)
    from .transport_jsonrpc import JsonRpcTransport

    return JsonRpcTransport(url, database, login, secret, version, timeout=timeout, retries=retries, wait=wait)


def compact(value: Any, limit: int = 300) -> str:
    """A short rendering of a server answer for an error message (never of a request)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."


class CompanyScoped:
    """A transport whose calls run with ``allowed_company_ids`` (record rules of multi-company
    databases let the API user see the configured companies' records only with it)."""

    def __init__(self, inner: Transport, company_ids: tuple[int, ...]):
        self.inner, self.company_ids = inner, company_ids

    @property
    def version(self) -> Version:
        return self.inner.version

    @property
    def uid(self) -> int:
        return self.inner.uid

    @property
    def calls(self) -> int:
        return self.inner.calls

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        context = dict(kwargs.pop("context", None) or {})
        context.setdefault("allowed_company_ids", list(self.company_ids))
        return self.inner.call(model, method, ids=ids, context=context, **kwargs)
