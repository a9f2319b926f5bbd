"""Write changes into Odoo with standard fields only (no add-on).

- Risk flag: a chatter note with the reasons and their evidence, marked with the company (the
  first of ``company_ids``), then the partner tag "Risk: <level>" (other risk tags removed) of
  the highest level any company flags the partner with (a shared partner, see ``owners``);
  clearing posts a note marked ``[arwatch:flag-cleared@<company id>]`` and leaves the tag of
  the other companies' flags, if any.
- Credit hold: a hold note, then the partner's sales warning (``sale_warn`` = block, a line
  ``<reason> [arwatch:hold@<company id>]`` per company holding the partner); the warning the
  first hold replaced goes into the hold note and into ``ApplyResult.details`` and is restored
  when the last company holding the partner releases it; a company releases only its own line.
  **Odoo enforces that block only in the sales order form** (an onchange on the customer); a
  confirmation through the API, an import or the portal is not stopped. **Odoo 19.0 has no
  block at all**: its partner keeps only the warning text (``sale_warn_msg``), shown on new
  orders, so there a hold is a warning. Where custom modules can be installed, use the arwatch
  add-on, which blocks ``action_confirm``.
- Collection task: a ``mail.activity`` on the partner whose note carries
  ``[arwatch:<key>@<company id>]`` (the first of ``company_ids``); an open one with the same key
  and one of ``company_ids`` (or a legacy mark without company, written by an earlier version)
  is reused, so reruns never duplicate it; closed with ``action_feedback`` when its cause is
  gone. Another company's task of a shared customer is neither reused nor closed.

Read before write: each change reads the partner's current values first; a sales warning a
user changed after arwatch placed its hold is left as the user set it. One refused record
(access or validation error) is a failed result; the other changes go on.

One writer at a time per customer: a flag or hold reads the customer's shared tag, sales warning
and the other companies' notes, then writes the tag or the whole warning back (Odoo has no
compare-and-set for a standard field). Two arwatch companies of one database synced at once
(``arwatch sync --all``: threads of one process) would otherwise both read the warning before
either writes, and the second write would drop the first one's line, or bring back a hold the
other had just released over the warning it restored (and, on 18.0, leave that hold without
its block). So each flag or hold write, from its read to its last write, holds the customer's
lock (``shared.SharedWrites``, one per customer of one database, shared by the process's
adapters). Runs in separate processes or on separate machines are not covered (see the README).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from arwatch.core.actions import ApplyResult, Change, Op

from . import notes
from .errors import RecordRefused
from .lookups import Lookups
from .markers import (
    FLAG_NOTES,
    HOLD_PREFIX,
    TASK_PREFIX,
    hold_mark,
    hold_owners,
    risk_tag,
    task_mark_start,
    task_owner,
    without_holds,
)
from .owners import Counted, PartnerNotes, above, counted, highest, live_holders, mine, scan
from .shared import SharedWrites
from .transport import Transport

log = logging.getLogger(__name__)
DetailsOf = Callable[[str], dict[str, str]]


#: the changes that read and rewrite a customer's shared tag or sales warning
SHARED_WRITES = frozenset({Op.SET_FLAG, Op.CLEAR_FLAG, Op.PLACE_HOLD, Op.RELEASE_HOLD})


class WriteBack:
    """Writes for the Odoo companies ``company_ids``: their tasks are marked with the first.
    ``shared``: the database's ``SharedWrites`` (default: this writer's own). ``family``: the
    companies the run reads (``Reader.family``): a customer of a company above them (a branch
    writing on its root's customer) is shared with that company and its other branches, and the
    marks of the family's branches count on its own customers (``owners.counted``); without it,
    a customer of a company is that company's alone, as before branches."""

    def __init__(self, transport: Transport, lookups: Lookups, details_of: DetailsOf | None = None,
                 company_ids: tuple[int, ...] = (), shared: SharedWrites | None = None,
                 family: tuple[int, ...] = ()):
        if not company_ids:
            raise ValueError("WriteBack needs the Odoo company ids it writes for")
        self.t, self.lookups, self.details_of = transport, lookups, details_of
        self.company_ids = tuple(company_ids)
        self.shared = shared or lookups.shared
        self.family = tuple(family)

    def _counted(self, partner: dict[str, Any]) -> Counted:
        company = _id(partner.get("company_id"))
        if not self.family:
            return company is None
        return counted(company, self.company_ids, self.family)

    def _legacy(self, partner: dict[str, Any]) -> bool:
        """Whether legacy marks (no company) are this writer's on the partner: not on a customer
        of a company above (the root's runs of earlier versions wrote them)."""
        return not above(_id(partner.get("company_id")), self.family)

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        """Each change; first, once risk tags were read and found twice, the duplicates merged
        into the oldest (``Lookups.merge_duplicate_risk_tags``)."""
        try:
            merged = self.lookups.merge_duplicate_risk_tags()
        except RecordRefused as error:
            log.warning("duplicate risk tags not merged: %s", error)
        else:
            if merged:
                log.info("duplicate risk tags %s merged into the oldest of their names", merged)
        for change in changes:
            yield self.apply_one(change)

    def apply_one(self, change: Change) -> ApplyResult:
        handler = {Op.SET_FLAG: self.set_flag, Op.CLEAR_FLAG: self.clear_flag, Op.PLACE_HOLD: self.place_hold,
                   Op.RELEASE_HOLD: self.release_hold, Op.OPEN_TASK: self.open_task,
                   Op.CLOSE_TASK: self.close_task}[change.op]
        try:
            if change.op in SHARED_WRITES:
                with self.shared.holding(change.customer_id):
                    external_id, details = handler(change)
            else:
                external_id, details = handler(change)
        except RecordRefused as error:
            log.warning("%s %s refused: %s", change.op.value, change.key, error)
            return ApplyResult(key=change.key, op=change.op, ok=False, error=str(error))
        except _Skip as skip:
            return ApplyResult(key=change.key, op=change.op, ok=False, error=str(skip))
        return ApplyResult(key=change.key, op=change.op, ok=True, external_id=external_id, details=details)

    # --- helpers ------------------------------------------------------------------------------
    def _partner(self, customer_id: str, fields: list[str]) -> dict[str, Any]:
        rows = self.t.call("res.partner", "search_read", domain=[["id", "=", int(customer_id)]], fields=fields,
                           context={"active_test": False})
        if not rows:
            raise _Skip(f"res.partner {customer_id} not found (deleted, or not readable by the API user)")
        row: dict[str, Any] = rows[0]
        return row

    def _note(self, customer_id: str, body: str) -> int:
        posted = self.t.call("res.partner", "message_post", ids=[int(customer_id)], body=body, body_is_html=True,
                             message_type="comment", subtype_xmlid="mail.mt_note")
        message_id: int = posted[0] if isinstance(posted, list) else posted  # JSON-2 answers a recordset as its ids
        return message_id

    def _risk_commands(self, current: list[int], keep: int | None) -> list[list[int]]:
        risk_ids = set(self.lookups.risk_tag_names())  # a duplicate of the kept tag goes too
        commands = [[3, tag] for tag in current if tag in risk_ids and tag != keep]
        if keep is not None and keep not in current:
            commands.append([4, keep])
        return commands

    # --- flags --------------------------------------------------------------------------------
    def _partner_notes(self, partner: dict[str, Any], mark: str, shared_only: bool = True) -> PartnerNotes:
        """The partner's arwatch notes containing ``mark``, by company (``shared_only``: none read
        for a partner of one company, where other companies' flags count no more)."""
        if shared_only and self._counted(partner) is False:
            return PartnerNotes()
        rows = self.t.call("mail.message", "search_read",
                           domain=[["model", "=", "res.partner"], ["res_id", "=", partner["id"]],
                                   ["body", "ilike", mark]], fields=["body"], order="id")
        return scan(dict(r, res_id=partner["id"]) for r in rows).get(partner["id"], PartnerNotes())

    def _others_flags(self, partner: dict[str, Any]) -> list[str]:
        """The levels other companies currently flag a shared partner with."""
        current = self._partner_notes(partner, FLAG_NOTES).current_flags(self.company_ids, self._counted(partner))
        return [str(data.get("level")) for owner, data in current.items()
                if owner is not None and owner not in self.company_ids]

    def _show_tag(self, partner: dict[str, Any], level: str | None) -> str | None:
        """Put the risk tag of ``level`` on the partner (other risk tags off; none when None)."""
        tag = risk_tag(level) if level else None
        commands = self._risk_commands(partner["category_id"], self.lookups.risk_tag_id(tag) if tag else None)
        if commands:
            self.t.call("res.partner", "write", ids=[partner["id"]], vals={"category_id": commands})
        return tag

    def set_flag(self, change: Change) -> tuple[str | None, dict[str, str]]:
        """The note first (the company's flag), then the tag: the highest level flagged by any
        company (a crash between the two: the next run finds no tag for its note and writes both)."""
        flag = change.flag
        assert flag is not None
        partner = self._partner(flag.customer_id, ["category_id", "company_id"])
        others = self._others_flags(partner)
        message = self._note(flag.customer_id, notes.flag_note(flag, self.company_ids[0]))
        tag = self._show_tag(partner, highest([flag.level, *others]))
        return str(message), {"tag": tag or ""}

    def clear_flag(self, change: Change) -> tuple[str | None, dict[str, str]]:
        """The note first (this company's flag is gone), then the tag: other companies' highest
        level, or none when none flags the partner."""
        partner = self._partner(change.customer_id, ["category_id", "company_id"])
        level = highest(self._others_flags(partner))
        kept = risk_tag(level) if level else None
        message = self._note(change.customer_id,
                             notes.flag_cleared_note(change.customer_id, change.why, self.company_ids[0], kept))
        self._show_tag(partner, level)
        return str(message), ({"tag": kept} if kept else {})

    # --- holds --------------------------------------------------------------------------------
    def _holders(self, partner: dict[str, Any]) -> list[int | None]:
        """The companies holding the partner by its sales warning (none when it is no block)."""
        if self.lookups.can_block() and partner.get("sale_warn") != "block":
            return []
        return hold_owners(partner.get("sale_warn_msg"))

    def place_hold(self, change: Change) -> tuple[str | None, dict[str, str]]:
        """This company's line in the sales warning, after its note (which keeps the warning to
        restore: the one found, or the one the holds already there replaced)."""
        hold = change.hold
        assert hold is not None
        if not self.lookups.has_sale_warning():
            raise _Skip("credit holds need the Sales app (the sales warning on res.partner); it is not installed")
        partner = self._partner(hold.customer_id, sorted(self.lookups.warning_fields()) + ["company_id"])
        message_now = partner.get("sale_warn_msg") or ""
        if any(mine(o, self.company_ids, self._legacy(partner)) for o in hold_owners(message_now)):
            return None, {"note": "already on hold"}
        holders = set(self._holders(partner))
        company = _id(partner.get("company_id"))
        live = live_holders(holders, self.company_ids, company, self.family)
        line = f"{hold.reason} {hold_mark(self.company_ids[0])}"
        if holders:  # other companies hold it: join them, the warning they replaced is the one to restore
            previous = (self._partner_notes(partner, HOLD_PREFIX, shared_only=False).previous_of(holders)
                        or {"sale_warn": "no-message", "sale_warn_msg": ""})
            kept = without_holds(message_now, holders - live)
            vals = {"sale_warn_msg": f"{kept}\n{line}" if kept else line}
        else:
            previous = {"sale_warn": partner.get("sale_warn") or "no-message",
                        "sale_warn_msg": without_holds(message_now)}
            vals = {"sale_warn_msg": line}
            if self.lookups.can_block():
                vals["sale_warn"] = "block"
        message = self._note(hold.customer_id, notes.hold_note(hold, previous, self.company_ids[0]))
        self.t.call("res.partner", "write", ids=[partner["id"]], vals=vals)
        details = {"previous_sale_warn": previous["sale_warn"], "previous_sale_warn_msg": previous["sale_warn_msg"]}
        if live:
            details["also_held_by"] = _companies(live)
        return str(message), details

    def _previous_warning(self, change: Change, partner: dict[str, Any]) -> dict[str, str]:
        stored = self.details_of(change.key) if self.details_of else {}
        if stored.get("previous_sale_warn"):
            return {"sale_warn": stored["previous_sale_warn"],
                    "sale_warn_msg": stored.get("previous_sale_warn_msg", "")}
        rows = self.t.call("mail.message", "search_read",
                           domain=[["model", "=", "res.partner"], ["res_id", "=", int(change.customer_id)],
                                   ["body", "ilike", HOLD_PREFIX]], fields=["body"], order="id")
        found = scan(dict(r, res_id=partner["id"]) for r in rows).get(partner["id"], PartnerNotes())
        return (found.previous_of([None, *self.company_ids] if self._legacy(partner) else self.company_ids)
                or {"sale_warn": "no-message", "sale_warn_msg": ""})

    def release_hold(self, change: Change) -> tuple[str | None, dict[str, str]]:
        """Removes this company's line from the sales warning; the last company holding the
        partner restores the warning the first hold replaced. Never another company's hold."""
        if not self.lookups.has_sale_warning():
            return None, {"note": "the Sales app is not installed; nothing to release"}
        block = self.lookups.can_block()
        partner = self._partner(change.customer_id, sorted(self.lookups.warning_fields()) + ["company_id"])
        holders = self._holders(partner)
        own = {o for o in holders if mine(o, self.company_ids, self._legacy(partner))}
        if not own:
            return None, {"note": "the sales warning was changed in Odoo since the hold; left as it is"}
        live = live_holders(set(holders) - own, self.company_ids, _id(partner.get("company_id")), self.family)
        if live:
            rest = without_holds(partner.get("sale_warn_msg"), set(holders) - live)
            self.t.call("res.partner", "write", ids=[partner["id"]], vals={"sale_warn_msg": rest})
            kept = f"still on hold for {_companies(live)}: the sales warning keeps their lines"
            message = self._note(change.customer_id, notes.hold_released_note(kept, change.why))
            return str(message), {"still_held_by": _companies(live)}
        previous = self._previous_warning(change, partner)
        vals = {"sale_warn_msg": previous["sale_warn_msg"] or False}
        if block:
            vals["sale_warn"] = previous["sale_warn"]
        self.t.call("res.partner", "write", ids=[partner["id"]], vals=vals)
        restored = f"sales warning restored to {previous['sale_warn']!r}"
        message = self._note(change.customer_id, notes.hold_released_note(restored, change.why))
        return str(message), {"restored_sale_warn": previous["sale_warn"]}

    # --- tasks --------------------------------------------------------------------------------
    def _open_activity(self, key: str) -> dict[str, Any] | None:
        """The open activity of task ``key`` of these companies: marked with one of them, else a
        legacy one (no company in its mark); one call for both."""
        rows = self.t.call("mail.activity", "search_read",
                           domain=[["res_model", "=", "res.partner"], ["note", "ilike", task_mark_start(key)]],
                           fields=["id", "res_id", "note"])
        owners = [(task_owner(r.get("note")), r) for r in rows]  # ilike reads "_" as a wildcard
        mine = [r for owner, r in owners if owner and owner[0] == key and owner[1] in self.company_ids]
        legacy = [r for owner, r in owners if owner and owner[0] == key and owner[1] is None]
        found = mine or legacy
        return min(found, key=lambda r: r["id"]) if found else None

    def open_task(self, change: Change) -> tuple[str | None, dict[str, str]]:
        task = change.task
        assert task is not None
        existing = self._open_activity(task.key)
        if existing:
            return str(existing["id"]), {"note": "already open"}
        self._partner(task.customer_id, ["id"])
        vals = {"res_model_id": self.lookups.partner_model(), "res_id": int(task.customer_id),
                "activity_type_id": self.lookups.activity_type(task.channel), "summary": task.title[:200],
                "note": notes.task_note(task, self.company_ids[0]), "date_deadline": task.due_date.isoformat(),
                "user_id": self.lookups.user(task.assignee)}
        created = self.t.call("mail.activity", "create", vals_list=[vals])
        return str(created[0] if isinstance(created, list) else created), {}

    def close_task(self, change: Change) -> tuple[str | None, dict[str, str]]:
        existing = self._open_activity(change.key)
        if not existing:
            return None, {"note": "already done or deleted in Odoo"}
        self.t.call("mail.activity", "action_feedback", ids=[existing["id"]], feedback=notes.task_feedback(change.why))
        return str(existing["id"]), {}


def _id(value: Any) -> int | None:
    """The id of a many2one value (``[id, name]`` or False)."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) and not isinstance(value, bool) and value else None


def _companies(owners: set[int | None]) -> str:
    """"Odoo company 6", "Odoo companies 6, 7" (a legacy hold: "an earlier arwatch version")."""
    ids = sorted(o for o in owners if o is not None)
    named = [f"Odoo compan{'ies' if len(ids) > 1 else 'y'} {', '.join(map(str, ids))}"] if ids else []
    return " and ".join(named + (["a hold of an earlier arwatch version"] if None in owners else []))


class _Skip(Exception):
    """A change that cannot be applied to this record (reported, the others go on)."""


__all__ = ["WriteBack", "TASK_PREFIX"]
