"""OAuth 2.0 authorisation-code flow: connect arwatch to a QuickBooks Online company.

1. ``consent_url``: the Intuit page where the user picks the company and allows access.
2. Intuit redirects to the app's redirect URI with ``code``, ``realmId`` and ``state``;
   the user pastes that URL (or just the code) back.
3. ``exchange``: the code becomes an access and a refresh token, saved with the realm id in
   the 0600 token file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from arwatch.core.clock import Now

from ..redaction import redact
from .client import AppCredentials, make_auth_client
from .tokens import Tokens, TokenStore

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


class ConnectError(Exception):
    """The flow failed; the message never holds a code or a token."""


@dataclass(frozen=True, repr=False)
class Redirect:
    code: str
    realm_id: str | None
    state: str | None

    def __repr__(self) -> str:
        return f"Redirect(realm_id={self.realm_id!r})"


def new_state() -> str:
    return secrets.token_urlsafe(24)


def consent_url(app: AppCredentials, state: str,
                factory: Callable[[AppCredentials], Any] = make_auth_client) -> str:
    from intuitlib.enums import Scopes

    url: str = factory(app).get_authorization_url([Scopes.ACCOUNTING], state_token=state)
    return url


def parse_redirect(text: str) -> Redirect:
    """The code, realm and state from the pasted redirect URL, or a bare code."""
    text = text.strip()
    if not text:
        raise ConnectError("nothing was pasted")
    if "://" not in text and "code=" not in text:
        return Redirect(text, None, None)
    query = parse_qs(urlparse(text).query if "://" in text else text.lstrip("?"))
    if "error" in query:
        raise ConnectError(f"Intuit answered: {query['error'][0]}")
    code = (query.get("code") or [""])[0]
    if not code:
        raise ConnectError("the pasted URL has no code parameter")
    return Redirect(code, query["realmId"][0] if query.get("realmId") else None,
                    query["state"][0] if query.get("state") else None)


def exchange(app: AppCredentials, redirect: Redirect, store: TokenStore, *,
             expected_state: str | None = None, realm_id: str | None = None,
             now: Now,
             factory: Callable[[AppCredentials], Any] = make_auth_client) -> Tokens:
    """Trade the code for tokens and save them; returns the saved grant."""
    from intuitlib.exceptions import AuthClientError

    if expected_state and redirect.state and redirect.state != expected_state:
        raise ConnectError("the state in the redirect does not match: start again")
    realm = redirect.realm_id or realm_id
    if not realm:
        raise ConnectError("no company (realmId): paste the whole redirect URL or give --realm-id")
    auth = factory(app)
    try:
        auth.get_bearer_token(redirect.code, realm_id=realm)
    except AuthClientError as error:
        raise ConnectError(f"Intuit refused the code (HTTP {getattr(error, 'status_code', '?')}): "
                           f"it is single-use and expires in minutes; start again") from None
    except Exception as error:  # network errors: never echo the request
        raise ConnectError(redact(f"the token exchange failed: {type(error).__name__}",
                                  redirect.code)) from None
    tokens = Tokens.from_grant(realm, auth.access_token, auth.refresh_token,
                               getattr(auth, "expires_in", None),
                               getattr(auth, "x_refresh_token_expires_in", None), now())
    store.save(tokens)
    return tokens
