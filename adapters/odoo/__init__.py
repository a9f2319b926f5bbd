"""Odoo source adapter over the external API (JSON-RPC for 17.0-18.0, JSON-2 for 19.0+).

Standard fields only, for databases that cannot install the arwatch add-on (Odoo Online, locked
hosting). Odoo Online grants external API access only on its Custom plan.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError
from arwatch.core.key_errors import settings_message

from .adapter import OdooAdapter
from .settings import OdooSettings
from .transport import Transport, connect

__all__ = ["OdooAdapter", "OdooSettings", "Transport", "connect", "make_adapter"]


def _secret(credentials: dict[str, Any]) -> str:
    for key in ("api_key", "password"):
        value = credentials.get(key)
        if value is not None:
            return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    raise ConfigError("the Odoo credentials need an api_key (or a password on Odoo 17.0-18.0)")


def make_adapter(company: Any, store: Any, credentials: dict[str, Any], clock: RunClock) -> OdooAdapter:
    """The runner's factory: settings from the company's config, secrets from ``credentials``,
    the as-of day from the run's ``clock``."""
    try:
        settings = OdooSettings.model_validate(company.settings)
    except ValidationError as error:
        raise ConfigError(settings_message(company.name, error, OdooSettings)) from None
    transport = connect(settings.url, settings.database, settings.login, _secret(credentials),
                        timeout=settings.timeout, retries=settings.retries, wait=settings.retry_wait)
    written = getattr(store, "written", None)
    if written is None:
        return OdooAdapter(transport, settings, clock.today)

    def mirror() -> dict[str, tuple[Any, str | None]]:
        return {key: (row.item, row.external_id) for key, row in written.rows(company.name).items()}

    return OdooAdapter(transport, settings, clock.today, lambda key: written.details(company.name, key),
                       mirror=mirror)
