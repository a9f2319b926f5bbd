"""``arwatch connect quickbooks``: authorise arwatch on a QuickBooks Online company (OAuth 2.0).

The app's client id comes from ``--client-id`` or ``QBO_CLIENT_ID``; its secret only from an
environment variable (``--client-secret-env``, default ``QBO_CLIENT_SECRET``), never from the
command line where other users could read it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from arwatch.sync.clock import run_clock

from ..exit_codes import ExitCode, UsageError

DEFAULT_REDIRECT = "https://developer.intuit.com/v2/OAuth2Playground/RedirectUrl"


def default_token_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("arwatch")) / "quickbooks-tokens.json"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("connect", help="authorise arwatch on an accounting system",
                       description="Run the OAuth 2.0 authorisation-code flow and save the tokens "
                                   "in a file only you can read (mode 0600).")
    p.add_argument("system", choices=["quickbooks"], help="the system to connect")
    p.add_argument("--tokens", type=Path, default=None,
                   help="token file to write (default: the user config folder)")
    p.add_argument("--client-id", default=os.environ.get("QBO_CLIENT_ID"),
                   help="Intuit app client id (default: $QBO_CLIENT_ID)")
    p.add_argument("--client-secret-env", default="QBO_CLIENT_SECRET",
                   help="environment variable holding the client secret")
    p.add_argument("--redirect-uri", default=os.environ.get("QBO_REDIRECT_URI", DEFAULT_REDIRECT))
    p.add_argument("--environment", default="production",
                   help="production, sandbox, or a discovery-document URL (https://, or http:// on this machine)")
    p.add_argument("--realm-id", help="company id, if only the bare code is pasted")
    p.add_argument("--redirect", dest="pasted",
                   help="the redirect URL (or code); read from stdin when not given")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from arwatch.adapters.quickbooks.client import AppCredentials
    from arwatch.adapters.quickbooks.connect import ConnectError, consent_url, exchange, new_state, parse_redirect
    from arwatch.adapters.quickbooks.tokens import Secret, TokenStore
    from arwatch.core.urls import check_https

    secret = os.environ.get(args.client_secret_env, "")
    if not args.client_id or not secret:
        raise UsageError(f"set --client-id (or QBO_CLIENT_ID) and ${args.client_secret_env}")
    if args.environment not in ("production", "sandbox"):
        try:
            check_https(args.environment)
        except ValueError:
            raise UsageError("--environment: production, sandbox or a discovery-document URL that is https:// "
                             "(http:// only on this machine): the client secret and the tokens would otherwise "
                             "cross the network unencrypted") from None
    app = AppCredentials(args.client_id, Secret(secret), args.redirect_uri, args.environment)
    store = TokenStore(args.tokens or default_token_path())
    state = new_state()
    try:
        print("Open this address, choose the company and allow access:\n")
        print(consent_url(app, state), "\n")
        pasted = args.pasted
        if pasted is None:
            print("Paste the address you were sent back to (or the code): ", end="", flush=True)
            pasted = sys.stdin.readline()
        redirect = parse_redirect(pasted)
        tokens = exchange(app, redirect, store, expected_state=state if args.pasted is None else None,
                          realm_id=args.realm_id, now=run_clock().now)
    except ConnectError as error:
        raise UsageError(f"connect quickbooks: {error}", ExitCode.SOURCE_UNREACHABLE) from None
    print(f"Connected to QuickBooks company {tokens.realm_id}; tokens saved in {store.path} (0600).")
    return ExitCode.OK
