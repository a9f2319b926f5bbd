"""JSON-2 transport (Odoo 19.0 and later): ``POST /json/2/<model>/<method>``.

Named arguments in a JSON body, ``ids`` and ``context`` beside them, the API key as a bearer
token, the database in ``X-Odoo-Database``; each request is one transaction. Only API keys
work here (a password is refused): create one under Preferences > Account Security. Every text
taken from an error answer has the key blanked (a server may echo the request's headers).
"""

from __future__ import annotations

from typing import Any

import requests

from ..redaction import Secret, redact
from .errors import (
    RECORD_FAULTS,
    DatabaseUnknown,
    LoginRefused,
    RecordRefused,
    Retriable,
    ServerError,
    ServerUnreachable,
    login_refused,
    short_name,
)
from .retry import call_with_retries
from .transport import Version, compact


def _body(answer: requests.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class Json2Transport:
    """Odoo 19.0+: one HTTP request a call."""

    def __init__(self, url: str, database: str, login: str, secret: str, version: Version, *,
                 session: requests.Session | None = None, timeout: float = 60.0, retries: int = 4,
                 wait: float = 1.0):
        self.version, self.calls = version, 0
        self._url, self._login, self._database = url.rstrip("/"), login, database
        self._timeout, self._retries, self._wait = timeout, retries, wait
        self._session, self._secret = session or requests.Session(), Secret(secret)
        self._headers = {"Authorization": f"bearer {secret}", "X-Odoo-Database": database,
                         "Content-Type": "application/json", "User-Agent": "arwatch"}
        self.uid = self._whoami()

    def _whoami(self) -> int:
        try:
            context = self.call("res.users", "context_get")
        except LoginRefused:
            raise
        except RecordRefused as error:
            raise login_refused(self._url, self._login) from error
        return int(context["uid"])

    def _send(self, model: str, method: str, body: dict[str, Any]) -> Any:
        what = f"{model}.{method}"
        self.calls += 1
        try:
            answer = self._session.post(f"{self._url}/json/2/{model}/{method}", json=body,
                                        headers=self._headers, timeout=self._timeout)
        except (requests.Timeout, requests.ConnectionError) as error:
            raise Retriable(f"{what}: {type(error).__name__}") from None
        except requests.RequestException as error:
            raise ServerUnreachable(f"{what}: {type(error).__name__}") from None
        if answer.status_code == 200:
            try:
                return answer.json()
            except ValueError:
                raise ServerError(f"Odoo at {self._url} answered {what} with something that is not JSON "
                                  f"(HTTP 200)") from None
        raise self._fault(answer, what)

    def _fault(self, answer: requests.Response, what: str) -> Exception:
        data = _body(answer)
        name = short_name(redact(str(data.get("name", "")), self._secret))
        message = redact(str(data.get("message", "")), self._secret) or compact(redact(answer.text, self._secret))
        status = answer.status_code
        if status == 401:
            return login_refused(self._url, self._login)
        if name in RECORD_FAULTS:
            return RecordRefused(name, message)
        if status >= 500:
            return Retriable(f"{what}: HTTP {status} {name}".rstrip())
        if status == 404 and ("database" in message.lower() or not data):
            return DatabaseUnknown(f"{what}: the database {self._database!r} was not found at {self._url} "
                                   f"(HTTP 404); check the database setting")
        return ServerError(f"Odoo at {self._url} answered {what} with an error: HTTP {status} {name}: "
                           f"{compact(message)}")

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = list(ids)
        try:
            return call_with_retries(self._send, self._retries, self._wait, model, method, body)
        except Retriable as error:
            raise ServerUnreachable(f"Odoo did not answer {model}.{method} after {self._retries} tries "
                                    f"({error})") from None
