"""Shared set-up for the QuickBooks adapter tests: a source wired to the stand-in.

``kit.source()`` builds a ``QuickBooksSource`` whose clock is the stand-in's, whose retries
sleep nowhere (the waits are recorded in ``kit.sleeps``) and whose token file is in tmp_path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from arwatch.adapters.quickbooks.client import ClientOptions
from arwatch.adapters.quickbooks.limits import CompanyLimits
from arwatch.adapters.quickbooks.source import QuickBooksSource
from arwatch.adapters.quickbooks.tokens import Tokens, TokenStore
from arwatch.core.actions import Change, Flag, Hold, Op, Task

try:
    from qbo_standin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, StandIn
    from qbo_standin.fixtures import qbo_standin  # noqa: F401  (re-exported fixture)
except ImportError:  # pragma: no cover
    from tests.qbo_standin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, StandIn
    from tests.qbo_standin.fixtures import qbo_standin  # noqa: F401

TODAY = dt.date(2024, 1, 5)


@dataclass
class Kit:
    standin: StandIn
    tmp: Path
    sleeps: list[float] = field(default_factory=list)

    @property
    def token_path(self) -> Path:
        return self.tmp / "acme.qbo-tokens.json"

    @property
    def store(self) -> TokenStore:
        return TokenStore(self.token_path)

    def config(self, **extra: Any) -> dict[str, Any]:
        return {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
                "redirect_uri": DEFAULT_REDIRECT_URI, "environment": self.standin.discovery_url,
                "api_base": self.standin.api_base, **extra}

    def options(self, **extra: Any) -> ClientOptions:
        values = dict(api_base=self.standin.api_base, sleep=self.sleeps.append,
                      now=self.standin.clock.now, limits=CompanyLimits(), timeout=5.0)
        values.update(extra)
        return ClientOptions(**values)

    def source(self, details=None, options: ClientOptions | None = None,
               **config: Any) -> QuickBooksSource:
        return QuickBooksSource(self.config(**config), self.token_path, details=details,
                                options=options or self.options())

    def later(self, minutes: float = 5) -> None:
        """Let stand-in time pass, so that what follows is newer than what came before."""
        self.standin.clock.advance(minutes=minutes)


def save_tokens(standin: StandIn, store: TokenStore) -> dict:
    grant = standin.issue_tokens()
    store.save(Tokens.from_grant(standin.realm, grant["access_token"], grant["refresh_token"],
                                 grant["expires_in"], grant["x_refresh_token_expires_in"],
                                 standin.clock.now()))
    return grant


@pytest.fixture
def kit(qbo_standin, tmp_path) -> Kit:  # noqa: F811
    k = Kit(qbo_standin, tmp_path)
    save_tokens(qbo_standin, k.store)
    return k


# ---------------------------------------------------------------------- changes
def set_flag(cid: str, level: str = "high", score: float = 72, reasons=("aging: 1001 61 days past due",)
             ) -> Change:
    flag = Flag(customer_id=cid, level=level, score=score, segment="slipping",
                reasons=tuple(reasons), as_of=TODAY)
    return Change(op=Op.SET_FLAG, key=flag.key, customer_id=cid, flag=flag)


def clear_flag(cid: str) -> Change:
    return Change(op=Op.CLEAR_FLAG, key=f"flag:{cid}", customer_id=cid)


def place_hold(cid: str) -> Change:
    hold = Hold(customer_id=cid, rule="delinquent", reason="91+ days past due", since=TODAY)
    return Change(op=Op.PLACE_HOLD, key=hold.key, customer_id=cid, hold=hold)


def release_hold(cid: str) -> Change:
    return Change(op=Op.RELEASE_HOLD, key=f"hold:{cid}", customer_id=cid)


def task(cid: str, invoice: str | None = None, step: str = "reminder_1",
         channel: str = "email") -> Task:
    cause = f"invoice:{invoice}" if invoice else "account"
    return Task(customer_id=cid, step=step, cause=cause, title=f"Remind about {cause}",
                body="Please pay.", channel=channel, due_date=TODAY, invoice_id=invoice)


def open_task(t: Task) -> Change:
    return Change(op=Op.OPEN_TASK, key=t.key, customer_id=t.customer_id, task=t)


def close_task(t: Task) -> Change:
    return Change(op=Op.CLOSE_TASK, key=t.key, customer_id=t.customer_id, before=t)


def arwatch_notes(kit: Kit) -> list[dict]:
    """arwatch's task notes stored in the stand-in."""
    return [a for a in kit.standin.company().objects["Attachable"].values()
            if str(a.get("Note", "")).startswith("arwatch task ")]
