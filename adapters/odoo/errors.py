"""Odoo faults grouped by what the caller should do.

Connection-level faults stop a company's run and use the contract's errors:
``SourceUnreachable`` (wrong URL, server down, login refused, external API not in the plan)
and ``ConfigError`` (unknown database, a missing access right, bad settings). Record-level
faults (``RecordRefused``: an access or validation error on one record) are reported for that
record and the run goes on. ``Retriable`` faults (timeouts, resets, 5xx) are retried by the
transport and never reach the adapter unless the retries run out.

No message here ever holds a password or an API key: messages are built from the server's
error name and text, the model and the method, never from the request, and a server that echoes
the request (or the key) in its error has it blanked (``arwatch.adapters.redaction.redact``)
before the text goes into any exception.
"""

from __future__ import annotations

from arwatch.core.contract import ConfigError, SourceUnreachable

ODOO_ONLINE_PLAN = ("Odoo Online grants external API access only on its Custom plan; on the "
                    "One App Free and Standard plans the API refuses every call")


class OdooError(Exception):
    """Base of the faults the transports raise for one call."""


class Retriable(OdooError):
    """A timeout, a connection reset or a 5xx answer: worth another try."""


class ServerError(OdooError, SourceUnreachable):
    """Odoo answered a call with an error that is neither a record's fault nor a refused login
    (a server error, a database fault, an answer that is not JSON-RPC): the company's run stops
    with the server's error name and message (secrets blanked), exit code 3."""


class RecordRefused(OdooError):
    """Odoo refused the call for its records (AccessError, ValidationError, UserError,
    MissingError): report it for that record and go on with the others.

    Attributes:
      kind: the Odoo exception's short name ("AccessError", "ValidationError", ...).
    """

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class AccessRightMissing(ConfigError):
    """The API user lacks a right the sync needs everywhere (e.g. reading invoices)."""


class LoginRefused(SourceUnreachable):
    """Wrong login, password or API key (or the API is closed for this plan)."""


class DatabaseUnknown(ConfigError):
    """The database named in the settings does not exist on that server."""


class ServerUnreachable(SourceUnreachable):
    """Nothing answered at the URL, or it is not an Odoo server."""


RECORD_FAULTS = ("AccessError", "ValidationError", "UserError", "MissingError", "RedirectWarning",
                 "ValueError")


def short_name(exception_name: str) -> str:
    """'odoo.exceptions.AccessError' -> 'AccessError'."""
    return exception_name.rsplit(".", 1)[-1]


def is_odoo_online(url: str) -> bool:
    from urllib.parse import urlparse

    host = (urlparse(url).hostname or "").lower()
    return host.endswith(".odoo.com")


def login_refused(url: str, login: str) -> LoginRefused:
    hint = f"; note: {ODOO_ONLINE_PLAN}" if is_odoo_online(url) else ""
    return LoginRefused(f"Odoo at {url} refused the login {login!r}: check the login and the API key "
                        f"(or password) in the secrets{hint}")
