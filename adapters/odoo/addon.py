"""Is the arwatch add-on installed? Then Odoo scores inside itself and the adapter is read-only.

The add-on's daily cron (``arwatch.scoring._cron_score``) scores every company and writes its
own records: ``arwatch.partner.risk`` (level, score, segment, reasons, hold, hold_rule,
hold_reason, hold_since), a hold enforced on ``sale.order.action_confirm``, and activities
carrying an ``arwatch_key``. Writing those same records from the sync adapter as well would
make two writers with two policies and two schedules: each run would undo the other's flags,
release the other's holds and close the other's tasks. Writing tags, notes and sales warnings
beside them would show a second, possibly contradicting, set of flags to users.

So with the add-on (``use_addon = "auto"``, the default) the adapter pulls as usual, for
reports and backtests outside Odoo, and writes nothing: ``writes_back`` is False, the runner
skips the written state and the write-back. ``use_addon = "never"`` writes standard fields
anyway (for a database where the add-on is installed but its cron is switched off).
"""

from __future__ import annotations

from .transport import Transport

ADDON = "arwatch"


def addon_installed(transport: Transport) -> bool:
    return bool(transport.call("ir.module.module", "search_count",
                               domain=[["name", "=", ADDON], ["state", "=", "installed"]]))
