"""The modules the adapter adapts to, read once at connect in one call.

- ``arwatch``: the add-on (its records and API; see ``addon``);
- ``sale``: the Sales app: the partner's sales warning (credit holds without the add-on) and
  confirmed sale orders (order volume);
- ``account_followup`` (Odoo Enterprise): the customer's follow-up "next reminder" date, read as
  a snooze when ``fields_get`` says the field is there (``Lookups.followup_date``).
"""

from __future__ import annotations

from .transport import Transport

ADAPTS_TO = ("arwatch", "sale", "account_followup")


def installed_modules(transport: Transport) -> frozenset[str]:
    rows = transport.call("ir.module.module", "search_read",
                          domain=[["name", "in", list(ADAPTS_TO)], ["state", "=", "installed"]], fields=["name"])
    return frozenset(r["name"] for r in rows)
