"""``make_adapter(company, store, credentials)``: a ``QuickBooksSource`` from the sync config.

The sync runner (``arwatch.sync.sources.make_adapter``) calls it for ``source = "quickbooks"``::

    [companies.acme]
    source = "quickbooks"
    credentials = "acme-qbo"                # [acme-qbo] client_secret = "..." in the secrets file
    [companies.acme.settings]
    client_id = "AB..."
    token_path = "~/.config/arwatch/acme.qbo-tokens.json"

Settings (``SETTINGS`` below) are checked before anything is read; a wrong or unknown key is a
``ConfigError`` naming ``companies.<name>.settings.<key>``. The client secret comes only from the
credentials (the secrets file or ``ARWATCH_SECRET__<REF>__CLIENT_SECRET``) and is never shown.
Prior values for undo (the term a hold replaced) are read from the store when a release needs
them, so they are always the latest recorded.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError
from arwatch.core.key_errors import settings_message
from arwatch.core.urls import check_https

from .client import ClientOptions
from .source import QuickBooksSource, default_api_base, state_file
from .state import migrate_file
from .tokens import Secret

log = logging.getLogger(__name__)

# The client options every adapter built here starts from (api_base is set per company).
# Tests replace it to record retry waits instead of sleeping; ``now`` always comes from the run's clock.
OPTIONS = ClientOptions()

DEFAULT_TOKEN_FILE = "quickbooks-tokens.json"  # as ``arwatch connect quickbooks`` writes it
# settings that are paths: the sync registry resolves them against the config file's folder
PATH_SETTINGS = ("token_path", "state_path")


def default_token_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("arwatch")) / DEFAULT_TOKEN_FILE


class QuickBooksSettings(BaseModel):
    """``[companies.NAME.settings]`` of a QuickBooks company."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # before the URLs: their validators read it. Without it, environment (a discovery-document
    # URL) and api_base must be https:// or on this machine.
    allow_insecure_http: bool = False
    client_id: str | None = None
    redirect_uri: str = ""
    environment: str = "production"
    api_base: str | None = None
    home_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    company_name: str | None = None
    default_terms_days: int = Field(default=30, ge=0, le=3650)
    send_invoice_email: bool | list[str] = False
    token_path: Path | None = None
    state_path: Path | None = None

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: str, info: ValidationInfo) -> str:
        if value in ("production", "sandbox"):
            return value
        if value.startswith(("https://", "http://")):
            return check_https(value, bool(info.data.get("allow_insecure_http")))
        raise ValueError("must be production, sandbox or the URL of a discovery document")

    @field_validator("api_base")
    @classmethod
    def _api_base(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if value.startswith(("https://", "http://")):
            return check_https(value, bool(info.data.get("allow_insecure_http"))).rstrip("/")
        raise ValueError("must be an http(s) URL ending in /v3")

    @field_validator("token_path", "state_path")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        # relative paths in a config file reach here resolved against its folder (PATH_SETTINGS)
        if value is None:
            return None
        path = value.expanduser()
        if not path.is_absolute():
            raise ValueError("must be an absolute path (or start with ~)")
        return path


def read_settings(company: Any) -> QuickBooksSettings:
    try:
        return QuickBooksSettings.model_validate(dict(company.settings))
    except ValidationError as error:
        raise ConfigError(settings_message(company.name, error, QuickBooksSettings)) from None


def _secret(value: Any) -> str:
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal() if reveal else value)


def source_config(company: Any, settings: QuickBooksSettings,
                  credentials: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping ``QuickBooksSource`` takes; the secret stays wrapped in ``Secret``."""
    client_id = settings.client_id or (_secret(credentials["client_id"])
                                       if credentials.get("client_id") else None)
    if not client_id:
        raise ConfigError(f"companies.{company.name}.settings.client_id: missing (the Intuit "
                          f"app's client id)")
    if not credentials.get("client_secret"):
        where = (f"the [{company.credentials}] table of the secrets file"
                 if company.credentials else f"a credentials reference in [companies.{company.name}]")
        raise ConfigError(f"companies.{company.name}.credentials: no client_secret (add "
                          f"client_secret to {where})")
    return {"client_id": client_id, "client_secret": Secret(_secret(credentials["client_secret"])),
            "redirect_uri": settings.redirect_uri, "environment": settings.environment,
            "api_base": settings.api_base, "home_currency": settings.home_currency,
            "company_name": settings.company_name, "config_name": company.name,
            "default_terms_days": settings.default_terms_days,
            "send_invoice_email": settings.send_invoice_email,
            "state_path": settings.state_path}


class StoredDetails(Mapping[str, Mapping[str, str]]):
    """``store.written.details`` of one company as a read-only mapping, read when asked."""

    def __init__(self, store: Any, company: str):
        self.store, self.company = store, company

    def __getitem__(self, key: str) -> Mapping[str, str]:
        found: Mapping[str, str] = self.store.written.details(self.company, key)
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        rows = self.store.written.rows(self.company)
        return iter([k for k, r in rows.items() if r.details])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def make_adapter(company: Any, store: Any, credentials: Mapping[str, Any], clock: RunClock) -> QuickBooksSource:
    """The runner's factory; time comes from the run's ``clock``."""
    settings = read_settings(company)
    config = source_config(company, settings, credentials)
    api_base = settings.api_base or default_api_base(settings.environment)
    options = dataclasses.replace(OPTIONS, api_base=api_base, now=clock.now)
    token_path = (settings.token_path or default_token_path()).expanduser()
    memory = store.memory_of(company.name, "quickbooks")
    if migrate_file(state_file(config, token_path), memory):
        log.info("%s: the QuickBooks adapter's state file moved into the state store", company.name)
    source = QuickBooksSource(config, token_path, details=StoredDetails(store, company.name), options=options,
                              today=clock.today, memory=memory)
    return source.ready()  # a missing token file stops the run here, saying to connect first
