"""Is the arwatch add-on installed? With it, the adapter must write the add-on's own models
(``arwatch.partner.risk``: level, score, segment, reasons, hold, hold_rule, hold_reason,
hold_since; activities of its own types) instead of tags, notes and sales warnings.

That mode is not implemented yet: a database with the add-on is refused with a clear message
rather than written twice (once by the add-on's own scoring, once by this adapter).
"""

from __future__ import annotations

from .errors import ConfigError
from .transport import Transport

ADDON = "arwatch"


def addon_installed(transport: Transport) -> bool:
    return bool(transport.call("ir.module.module", "search_count",
                               domain=[["name", "=", ADDON], ["state", "=", "installed"]]))


def refuse_addon_mode() -> ConfigError:
    return ConfigError("the arwatch add-on is installed in this Odoo database, and writing through the add-on's "
                       "models is not implemented yet in the sync adapter; set use_addon = \"never\" in the "
                       "company's settings to write standard fields (tags, notes, sales warning, activities), "
                       "or let the add-on do the scoring inside Odoo")
