"""Where the arwatch add-on is installed: who writes, and writing through the add-on.

The add-on keeps a company's flags, holds and tasks in its own records (``arwatch.partner.risk``,
a hold enforced server-side on order confirmation, activities with an ``arwatch_key``) and lets
each company choose who writes them (``res.company.arwatch_scored_by``, in Accounting settings):

Either way the add-on's own collections records (disputes, contact attempts logged with its
call-outcome wizard, payment plans, warning signals) are pulled in one call, whole each run, as
the job scores with them; done activities are then not read as contact attempts.

- "odoo" (its default): the add-on's daily job scores inside Odoo. This adapter is then
  read-only: it pulls and scores (for reports and backtests outside Odoo), and its written state
  is the add-on's (so ``arwatch plan`` compares its own policy with what the job wrote), but
  ``apply`` refuses. Two writers with two policies and two schedules would undo each other's
  flags, holds and tasks at every alternate run.
- "sync": the daily job skips the company and this adapter writes through the add-on's public
  API (``arwatch.sync.api``): ``arwatch_written_state`` reads what is written (overrides by
  managers included) and ``arwatch_apply`` applies a batch of changes in one call, each in its
  own savepoint, read before write. The API user needs the "Collections: manager" group.

``use_addon = "never"`` ignores the add-on and writes standard fields (tags, notes, sales
warning, activities) for a database where the add-on is installed but unused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.contract import ConfigError

from .errors import RecordRefused
from .transport import Transport

ADDON = "arwatch"
API = "arwatch.sync.api"
SCORED_BY = "arwatch_scored_by"
READ_ONLY = ("not written: the arwatch add-on scores this company in Odoo (Scored by: this add-on), "
             "so its daily job is the only writer; set Scored by to \"arwatch sync\" in Odoo's "
             "Accounting settings to let this sync write through the add-on")


def scored_by(companies: list[dict[str, Any]]) -> str:
    """"odoo" or "sync" for the configured companies (which must agree)."""
    modes = {row.get(SCORED_BY) or "odoo" for row in companies}
    if len(modes) > 1:
        names = ", ".join(f"{r['name']}: {r.get(SCORED_BY) or 'odoo'}" for r in companies)
        raise ConfigError(f"the companies configured together are scored by different writers ({names}); "
                          f"set the same 'Scored by' in Odoo or configure them as separate arwatch companies")
    return modes.pop()


class AddonTarget:
    """Reads and writes one company's flags, holds and tasks through the add-on's API."""

    def __init__(self, transport: Transport, company_id: int, today: dt.date):
        self.t, self.company_id, self.today = transport, company_id, today

    def _read(self, method: str, **named: Any) -> Any:
        """An API read; a refusal (rights) stops the run with what the user needs."""
        try:
            return self.t.call(API, method, company_id=self.company_id, **named)
        except RecordRefused as error:
            raise ConfigError(f"reading the arwatch add-on's records was refused ({error}); the API user "
                              f"needs the 'Collections: user' group (manager to write)") from None

    def read_written_state(self) -> WrittenState:
        return WrittenState.model_validate(self._read("arwatch_written_state", today=self.today.isoformat()))

    def collections_records(self) -> dict[str, list[dict[str, Any]]]:
        """The add-on's disputes, contact attempts, payment plans and signals (raw records)."""
        records: dict[str, list[dict[str, Any]]] = self._read("arwatch_collections_records")
        return records

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        """One call for the batch; a refusal of the whole call (rights, mode) fails each change."""
        if not changes:
            return []
        try:
            answers = self.t.call(API, "arwatch_apply", company_id=self.company_id,
                                  changes=[c.model_dump(mode="json") for c in changes],
                                  today=self.today.isoformat())
        except RecordRefused as error:
            return [ApplyResult(key=c.key, op=c.op, ok=False, error=str(error)) for c in changes]
        if not isinstance(answers, list) or [a.get("key") for a in answers] != [c.key for c in changes]:
            raise RuntimeError(f"{API}.arwatch_apply answered results that do not match the {len(changes)} changes "
                               f"sent (the add-on and this adapter are different versions?)")
        return [ApplyResult(key=c.key, op=c.op, ok=bool(a.get("ok")), error=a.get("error") or "",
                            external_id=a.get("external_id"), details=a.get("details") or {})
                for c, a in zip(changes, answers, strict=False)]
