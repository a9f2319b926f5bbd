"""Build a company's source adapter from its configuration.

``demo`` and ``file`` are built here. Other sources come from ``arwatch.adapters.<source>``,
which must expose ``make_adapter(company, store, credentials, clock) -> SourceAdapter``
(credentials: the company's secrets, ``dict[str, SecretStr]``; clock: the run's ``RunClock``).
Relative paths in the settings are taken from the config file's folder: those of ``demo`` and
``file``, and those another source names in its ``PATH_SETTINGS``. A source whose module sets
``TAKES_PEERS`` also gets ``peers``: the configuration's other companies of that source, name ->
settings (the Odoo adapter reads a branch another company names under that company only).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from pydantic import ValidationError

from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError, SourceAdapter
from arwatch.core.key_errors import settings_message

from ..config import CompanyConfig, Secrets, SyncConfig
from ..store import Store


def _file(company: CompanyConfig, config: SyncConfig, store: Store) -> SourceAdapter:
    from arwatch.adapters.file import FileMapping, FileSource

    try:
        mapping = FileMapping.model_validate(company.settings)
    except ValidationError as error:
        raise ConfigError(settings_message(company.name, error, FileMapping)) from None
    return FileSource(company.name, mapping.resolve(config.base_dir), store.records_of(company.name))


def _demo(company: CompanyConfig, config: SyncConfig, store: Store) -> SourceAdapter:
    from .demo import DEFAULT_DAY, DemoSource

    s = dict(company.settings)
    unknown = set(s) - {"seed", "today", "outbox"}
    if unknown:
        raise ConfigError(f"companies.{company.name}.settings: unknown key {sorted(unknown)[0]!r}")
    today = dt.date.fromisoformat(str(s["today"])) if "today" in s else DEFAULT_DAY
    return DemoSource(company.name, store, int(s.get("seed", 7)), today, config.path(s.get("outbox")))


def make_adapter(company: CompanyConfig, config: SyncConfig, store: Store, secrets: Secrets,
                 clock: RunClock) -> SourceAdapter:
    if company.source == "file":
        return _file(company, config, store)
    if company.source == "demo":
        return _demo(company, config, store)
    credentials = secrets.get(company.credentials) if company.credentials else {}
    try:
        module = importlib.import_module(f"arwatch.adapters.{company.source}")
    except ImportError:
        raise ConfigError(f"source {company.source!r} is not available in this installation") from None
    factory = getattr(module, "make_adapter", None)
    if factory is None:
        raise ConfigError(f"source {company.source!r} is not available yet (arwatch.adapters.{company.source} "
                          f"has no make_adapter)")
    resolved = _paths_resolved(company, config, getattr(module, "PATH_SETTINGS", ()))
    if getattr(module, "TAKES_PEERS", False):
        adapter: SourceAdapter = factory(resolved, store, credentials, clock, peers=_peers(company, config))
    else:
        adapter = factory(resolved, store, credentials, clock)
    return adapter


def _peers(company: CompanyConfig, config: SyncConfig) -> dict[str, dict[str, Any]]:
    """The configuration's other companies of ``company``'s source: name -> settings."""
    return {name: dict(other.settings) for name, other in config.companies.items()
            if other is not company and name != company.name and other.source == company.source}


def _paths_resolved(company: CompanyConfig, config: SyncConfig, keys: tuple[str, ...]) -> CompanyConfig:
    """``company`` with the settings in ``keys`` (a source's ``PATH_SETTINGS``) relative to the
    config file's folder made absolute (``~`` expanded)."""
    found = {k: str(config.path(str(company.settings[k]))) for k in keys if company.settings.get(k)}
    return company.model_copy(update={"settings": {**company.settings, **found}}) if found else company
