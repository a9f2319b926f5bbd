"""``QuickBooksSource``: the SourceAdapter of a QuickBooks Online company.

Built from the company's config mapping and the path of its token file::

    QuickBooksSource({"client_id": ..., "client_secret": ..., "redirect_uri": ...,
                      "environment": "production", "home_currency": "USD",
                      "send_invoice_email": False}, "~/.config/arwatch/acme.qbo-tokens.json",
                     details=store.written.details(company))

Config keys: ``client_id``, ``client_secret`` (required; a ``Secret`` or a str),
``redirect_uri``, ``environment`` ("production", "sandbox" or a discovery-document URL),
``api_base`` (default: Intuit's production or sandbox URL), ``home_currency`` ("USD"),
``company_name`` (default: the company's name in QuickBooks, CompanyInfo; else ``config_name``,
the company's name in the arwatch config), ``default_terms_days`` (30), ``send_invoice_email`` (false; true for every
email step, or a list of task steps), ``state_path`` (the adapter's memory without the sync
engine, default beside the token file; the engine keeps it in its state store: ``memory``).

Time comes from the run: ``options.now`` (token expiry, change-data-capture windows) and
``today``, the as-of day a completed task is dated with (default: ``options.now``'s date).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.contract import AdapterMemory, ConfigError, Cursor, NoteAnswer, PullResult, SourceUnreachable

from .client import PRODUCTION_API, SANDBOX_API, AppCredentials, ClientOptions, QBOClient
from .errors import QBOError
from .pull import Puller, PullSettings
from .state import AdapterState, FileMemory
from .streams import UNAVAILABLE
from .tokens import Secret, TokenFileError, TokenStore
from .writeback import WriteBack, WriteOptions

log = logging.getLogger(__name__)


def app_credentials(config: Mapping[str, Any]) -> AppCredentials:
    missing = [k for k in ("client_id", "client_secret") if not config.get(k)]
    if missing:
        raise ConfigError(f"quickbooks: missing {', '.join(missing)} in the configuration")
    secret = config["client_secret"]
    return AppCredentials(client_id=str(config["client_id"]),
                          client_secret=secret if isinstance(secret, Secret) else Secret(str(secret)),
                          redirect_uri=str(config.get("redirect_uri") or ""),
                          environment=str(config.get("environment") or "production"))


def email_steps(value: Any) -> frozenset[str]:
    if value is True:
        return frozenset({"*"})
    if not value:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)


def state_file(config: Mapping[str, Any], token_path: Path) -> Path:
    """Where the adapter's memory is kept when no engine keeps it (or was, before the store did)."""
    return Path(config.get("state_path") or token_path.with_suffix(".state.json"))


def default_api_base(environment: str) -> str:
    return SANDBOX_API if environment == "sandbox" else PRODUCTION_API


class QuickBooksSource:
    """A QuickBooks Online company as the sync runner sees it."""

    name = "quickbooks"
    unavailable = frozenset(UNAVAILABLE)

    def __init__(self, config: Mapping[str, Any], token_path: str | os.PathLike[str], *,
                 details: Mapping[str, Mapping[str, str]] | None = None,
                 options: ClientOptions | None = None, today: dt.date | None = None,
                 memory: AdapterMemory | None = None):
        """Checks the config and reads nothing: the token file and the adapter's memory are read at
        the first use (``ready``, or any of ``pull``, ``read_written_state``, ``apply``)."""
        app = app_credentials(config)
        store = TokenStore(Path(token_path).expanduser())
        self.options = options or ClientOptions(
            api_base=str(config.get("api_base") or default_api_base(app.environment)))
        self.client = QBOClient(app, store, self.options)
        self.memory = memory or FileMemory(state_file(config, store.path))
        self.config, self.today, self.details = config, today, details

    def ready(self) -> QuickBooksSource:
        """Reads the token file now: a missing or unsafe one is a ``ConfigError`` saying what to do."""
        try:
            self.client.tokens  # noqa: B018 - read for its check
        except TokenFileError as error:
            raise ConfigError(str(error)) from None
        return self

    @cached_property
    def state(self) -> AdapterState:
        return AdapterState.load(self.memory)

    @cached_property
    def puller(self) -> Puller:
        self.ready()
        return Puller(self.client, self.state, PullSettings(
            home_currency=str(self.config.get("home_currency") or "USD"),
            company_name=self.config.get("company_name"),
            fallback_name=str(self.config.get("config_name") or ""),
            default_terms_days=int(self.config.get("default_terms_days", 30))), self.options.now)

    @cached_property
    def writer(self) -> WriteBack:
        self.ready()
        today, now = self.today, self.options.now
        return WriteBack(self.client, self.state, WriteOptions(
            email_steps=email_steps(self.config.get("send_invoice_email")),
            today=(lambda: today) if today else (lambda: now().date())), self.details)

    def __repr__(self) -> str:
        return repr(self.client).replace("QBOClient", "QuickBooksSource", 1)

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        with _unreachable():
            return self.puller.pull(since, full)

    def read_written_state(self) -> WrittenState:
        with _unreachable():
            if self.state.synced_at is None:
                self.puller.rescan_written()
            return self.state.written()

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        if not changes:
            return []
        with _unreachable():
            if self.state.synced_at is None:
                self.puller.rescan_written()  # never open a task that is already there
            return self.writer.apply(changes)


    def finish(self, written: WrittenState) -> list[NoteAnswer]:
        """After the run's writes: answer the note lines that could not be read (once each);
        returns the answers written, which the sync engine records in the audit log."""
        with _unreachable():
            answers = self.writer.answer_notes()
        for answer in answers:
            log.info("answered an unreadable line in QuickBooks note %s", answer.note_id)
        return answers


class _unreachable:
    """Refused logins, exhausted retries and any other QuickBooks error that reaches the run (a
    fault answered to a read, not to one item) stop the company's run as ``SourceUnreachable``
    (exit code 3), with QuickBooks' fault in one line."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if isinstance(error, QBOError):
            raise SourceUnreachable(f"QuickBooks: {error}") from None
        return False


