"""``OdooAdapter``: the ``SourceAdapter`` for Odoo 17.0 and later, standard fields only; read-only
where the arwatch add-on is installed (see ``addon``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.sync.contract import ConfigError, Cursor, PullResult

from .addon import addon_installed
from .lookups import Lookups
from .pull import pull
from .reader import Reader
from .settings import OdooSettings
from .transport import CompanyScoped, Transport
from .writeback import DetailsOf, WriteBack
from .written import read_written_state


class OdooAdapter:
    """Pull from and write back to one Odoo company (or several sharing one currency).

    ``details_of(key)`` gives what an earlier apply returned in ``ApplyResult.details`` (the
    store's copy), used to restore a replaced sales warning; without it the hold note's copy is
    used.

    ``writes_back`` is False when the arwatch add-on is installed (and ``use_addon`` is "auto"):
    the add-on is then the only writer; the written state reads as empty and ``apply`` refuses.
    """

    name = "odoo"
    unavailable: frozenset[str] = frozenset({"disputes"})  # Community has no dispute records

    def __init__(self, transport: Transport, settings: OdooSettings, details_of: DetailsOf | None = None,
                 today: dt.date | None = None):
        self.transport, self.settings = transport, settings
        self.today = today or dt.date.today()
        self.writes_back = not (settings.use_addon == "auto" and addon_installed(transport))
        self.company = self._company()
        company_ids = tuple(settings.company_ids) or (int(self.company["id"]),)
        scoped = CompanyScoped(transport, company_ids)
        self.reader = Reader(scoped, company_ids, settings.page_size)
        self.lookups = Lookups(scoped, settings.task_user)
        self.writeback = WriteBack(scoped, self.lookups, details_of)

    def _company(self) -> dict[str, Any]:
        ids = list(self.settings.company_ids)
        if not ids:
            user = self.transport.call("res.users", "read", ids=[self.transport.uid], fields=["company_id"])
            ids = [user[0]["company_id"][0]]
        rows = self.transport.call("res.company", "read", ids=ids, fields=["name", "currency_id"])
        if len(rows) != len(ids):
            raise ConfigError(f"company_ids {ids}: some companies are not readable by the API user")
        currencies = {r["currency_id"][1] for r in rows}
        if len(currencies) > 1:
            raise ConfigError(f"company_ids {ids}: the companies use different currencies ({', '.join(sorted(currencies))}); "
                              f"configure one arwatch company per currency")
        first = rows[0]
        return {"id": str(first["id"]), "name": " + ".join(r["name"] for r in rows), "currency": currencies.pop()}

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        return pull(self.reader, self.transport.version, self.company, since, full, self.settings.overlap_seconds)

    def read_written_state(self) -> WrittenState:
        if not self.writes_back:
            return WrittenState()
        return read_written_state(self.reader, self.lookups, self.today)

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        if not self.writes_back:
            return [ApplyResult(key=c.key, op=c.op, ok=False, error=READ_ONLY) for c in changes]
        return list(self.writeback.apply(changes))


READ_ONLY = ("not written: the arwatch add-on is installed in this Odoo database and writes its own "
             "flags, holds and tasks; set use_addon = \"never\" to write standard fields as well")
