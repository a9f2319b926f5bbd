"""``OdooAdapter``: the ``SourceAdapter`` for Odoo 17.0 and later: standard fields, or the arwatch
add-on's own records where it is installed (see ``addon``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.contract import ConfigError, Cursor, PullResult

from .addon import ADDON, READ_ONLY, SCORED_BY, AddonTarget, scored_by
from .lookups import Lookups
from .modules import installed_modules
from .pull import pull
from .reader import Reader
from .settings import OdooSettings
from .transport import CompanyScoped, Transport
from .writeback import DetailsOf, WriteBack
from .written import Mirror, read_written_state


class OdooAdapter:
    """Pull from and write back to one Odoo company (or several sharing one currency).

    ``mode`` says where flags, holds and tasks go:
      "standard": no add-on (or ``use_addon = "never"``): tags, notes, sales warning, activities;
      "addon": the add-on is installed and the company is scored by arwatch sync: its records,
        through its API;
      "read-only": the add-on's own job scores the company; ``writes_back`` is False, the
        written state is the add-on's and ``apply`` refuses.

    ``today`` is the run's as-of day (``arwatch.core.clock.RunClock.today``): the add-on's API
    and the written state's "recently done" window are computed for it, never for the wall clock.
    ``details_of(key)`` gives what an earlier apply returned in ``ApplyResult.details`` (the
    store's copy), used to restore a replaced sales warning; without it the hold note's copy is
    used. ``mirror()`` gives the store's mirror of what was written (see ``written``), so that
    only new notes are read back.
    """

    name = "odoo"

    def __init__(self, transport: Transport, settings: OdooSettings, today: dt.date,
                 details_of: DetailsOf | None = None, mirror: Callable[[], Mirror] | None = None):
        self.transport, self.settings, self.mirror = transport, settings, mirror
        self.today = today
        self.modules = installed_modules(transport)
        with_addon = settings.use_addon == "auto" and ADDON in self.modules
        rows = self._companies(with_addon)
        self.company = self._company(rows)
        self.mode = "standard" if not with_addon else ("addon" if scored_by(rows) == "sync" else "read-only")
        company_ids = tuple(settings.company_ids) or (int(self.company["id"]),)
        scoped = CompanyScoped(transport, company_ids)
        self.reader = Reader(scoped, company_ids, settings.page_size)
        self.lookups = Lookups(scoped, settings.task_user, sale_installed="sale" in self.modules)
        self.writeback = WriteBack(scoped, self.lookups, details_of)
        self.addon = AddonTarget(scoped, company_ids[0], self.today) if with_addon else None
        # disputes: Community has none, the add-on has; orders: only with the Sales app
        self.unavailable = frozenset(({"disputes"} if self.addon is None else set())
                                     | ({"orders"} if "sale" not in self.modules else set()))
        if self.addon and len(company_ids) > 1:
            raise ConfigError(f"company_ids {list(company_ids)}: with the arwatch add-on each Odoo company has its "
                              f"own risk records; configure one arwatch company per Odoo company")

    @property
    def writes_back(self) -> bool:
        return self.mode != "read-only"

    def _companies(self, with_addon: bool) -> list[dict[str, Any]]:
        ids = list(self.settings.company_ids)
        if not ids:
            user = self.transport.call("res.users", "read", ids=[self.transport.uid], fields=["company_id"])
            ids = [user[0]["company_id"][0]]
        fields = ["name", "currency_id"] + ([SCORED_BY] if with_addon else [])
        rows: list[dict[str, Any]] = self.transport.call("res.company", "read", ids=ids, fields=fields)
        if len(rows) != len(ids):
            raise ConfigError(f"company_ids {ids}: some companies are not readable by the API user")
        return rows

    @staticmethod
    def _company(rows: list[dict[str, Any]]) -> dict[str, Any]:
        currencies = {r["currency_id"][1] for r in rows}
        if len(currencies) > 1:
            ids = [r["id"] for r in rows]
            raise ConfigError(f"company_ids {ids}: the companies use different currencies "
                              f"({', '.join(sorted(currencies))}); configure one arwatch company per currency")
        first = rows[0]
        return {"id": str(first["id"]), "name": " + ".join(r["name"] for r in rows), "currency": currencies.pop()}

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        result = pull(self.reader, self.transport.version, self.company, since, full, self.settings.overlap_seconds,
                      done_activities=self.addon is None, orders="sale" in self.modules)
        if self.addon is None:
            return result
        own = self.addon.collections_records()
        return result.model_copy(update={"records": {**result.records, **own},
                                         "complete_collections": frozenset(own)})

    def read_written_state(self) -> WrittenState:
        if self.addon is not None:
            return self.addon.read_written_state()
        return read_written_state(self.reader, self.lookups, self.today, self.mirror() if self.mirror else None)

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        if self.mode == "read-only":
            return [ApplyResult(key=c.key, op=c.op, ok=False, error=READ_ONLY) for c in changes]
        if self.addon is not None:
            return list(self.addon.apply(changes))
        return list(self.writeback.apply(changes))
