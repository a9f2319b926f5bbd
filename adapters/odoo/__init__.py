"""Odoo source adapter over the external API (JSON-RPC for 17.0-18.0, JSON-2 for 19.0+).

Standard fields only, for databases that cannot install the arwatch add-on (Odoo Online, locked
hosting). Odoo Online grants external API access only on its Custom plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError
from arwatch.core.key_errors import settings_message

from .adapter import OdooAdapter, Peer
from .settings import OdooSettings
from .transport import Transport, connect

__all__ = ["OdooAdapter", "OdooSettings", "Transport", "connect", "make_adapter", "peers_on"]

#: ``arwatch.sync.sources`` passes the configuration's other companies of this source (``peers``)
TAKES_PEERS = True


def _secret(credentials: dict[str, Any]) -> str:
    for key in ("api_key", "password"):
        value = credentials.get(key)
        if value is not None:
            return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    raise ConfigError("the Odoo credentials need an api_key (or a password on Odoo 17.0-18.0)")


def _database(settings: OdooSettings) -> tuple[str, str]:
    return settings.url.strip().rstrip("/").lower(), settings.database


def peers_on(settings: OdooSettings, peers: Mapping[str, Mapping[str, Any]]) -> tuple[Peer, ...]:
    """The other arwatch companies (name -> settings) that read the same Odoo database as
    ``settings``; one whose settings do not validate is left to its own run to report."""
    found = []
    for name, raw in peers.items():
        try:
            other = OdooSettings.model_validate(raw)
        except ValidationError:
            continue
        if _database(other) == _database(settings):
            found.append(Peer(name, tuple(dict.fromkeys(other.company_ids)), other.login))
    return tuple(found)


def make_adapter(company: Any, store: Any, credentials: dict[str, Any], clock: RunClock,
                 peers: Mapping[str, Mapping[str, Any]] | None = None) -> OdooAdapter:
    """The runner's factory: settings from the company's config, secrets from ``credentials``,
    the as-of day from the run's ``clock``; ``peers``: the configuration's other Odoo companies
    (name -> settings), those on the same database are the adapter's ``peers``."""
    try:
        settings = OdooSettings.model_validate(company.settings)
    except ValidationError as error:
        raise ConfigError(settings_message(company.name, error, OdooSettings)) from None
    transport = connect(settings.url, settings.database, settings.login, _secret(credentials),
                        timeout=settings.timeout, retries=settings.retries, wait=settings.retry_wait)
    same_database = peers_on(settings, peers or {})
    written = getattr(store, "written", None)
    if written is None:
        return OdooAdapter(transport, settings, clock.today, company=company.name, peers=same_database)

    def mirror() -> dict[str, tuple[Any, str | None]]:
        return {key: (row.item, row.external_id) for key, row in written.rows(company.name).items()}

    return OdooAdapter(transport, settings, clock.today, lambda key: written.details(company.name, key),
                       mirror=mirror, company=company.name, peers=same_database)
