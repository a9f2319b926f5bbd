"""Write changes into Odoo with standard fields only (no add-on).

- Risk flag: a partner tag "Risk: <level>" (other risk tags removed) plus a chatter note with
  the reasons and their evidence.
- Credit hold: the partner's sales warning (``sale_warn`` = block, the reason as message,
  marked ``[arwatch:hold]``); the warning it replaced goes into the hold note and into
  ``ApplyResult.details`` and is restored on release. **Odoo enforces that block only in the
  sales order form** (an onchange on the customer); a confirmation through the API, an import
  or the portal is not stopped. **Odoo 19.0 has no block at all**: its partner keeps only the
  warning text (``sale_warn_msg``), shown on new orders, so there a hold is a warning. Where
  custom modules can be installed, use the arwatch add-on, which blocks ``action_confirm``.
- Collection task: a ``mail.activity`` on the partner whose note carries ``[arwatch:<key>]``;
  an open one with the same key is reused, so reruns never duplicate it; closed with
  ``action_feedback`` when its cause is gone.

Read before write: each change reads the partner's current values first; a sales warning a
user changed after arwatch placed its hold is left as the user set it. One refused record
(access or validation error) is a failed result; the other changes go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from arwatch.core.actions import ApplyResult, Change, Op

from . import notes
from .errors import RecordRefused
from .lookups import Lookups
from .markers import HOLD_MARK, TASK_PREFIX, payload, risk_tag, task_key, task_mark
from .transport import Transport

log = logging.getLogger(__name__)
DetailsOf = Callable[[str], dict[str, str]]


class WriteBack:
    def __init__(self, transport: Transport, lookups: Lookups, details_of: DetailsOf | None = None):
        self.t, self.lookups, self.details_of = transport, lookups, details_of

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        for change in changes:
            yield self.apply_one(change)

    def apply_one(self, change: Change) -> ApplyResult:
        handler = {Op.SET_FLAG: self.set_flag, Op.CLEAR_FLAG: self.clear_flag, Op.PLACE_HOLD: self.place_hold,
                   Op.RELEASE_HOLD: self.release_hold, Op.OPEN_TASK: self.open_task,
                   Op.CLOSE_TASK: self.close_task}[change.op]
        try:
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
        risk_ids = set(self.lookups.risk_tags().values())
        commands = [[3, tag] for tag in current if tag in risk_ids and tag != keep]
        if keep is not None and keep not in current:
            commands.append([4, keep])
        return commands

    # --- flags --------------------------------------------------------------------------------
    def set_flag(self, change: Change) -> tuple[str | None, dict[str, str]]:
        flag = change.flag
        assert flag is not None
        partner = self._partner(flag.customer_id, ["category_id"])
        tag = self.lookups.risk_tag_id(risk_tag(flag.level))
        commands = self._risk_commands(partner["category_id"], tag)
        if commands:
            self.t.call("res.partner", "write", ids=[partner["id"]], vals={"category_id": commands})
        message = self._note(flag.customer_id, notes.flag_note(flag))
        return str(message), {"tag": risk_tag(flag.level)}

    def clear_flag(self, change: Change) -> tuple[str | None, dict[str, str]]:
        partner = self._partner(change.customer_id, ["category_id"])
        commands = self._risk_commands(partner["category_id"], None)
        if commands:
            self.t.call("res.partner", "write", ids=[partner["id"]], vals={"category_id": commands})
        message = self._note(change.customer_id, notes.flag_cleared_note(change.customer_id, change.why))
        return str(message), {}

    # --- holds --------------------------------------------------------------------------------
    def place_hold(self, change: Change) -> tuple[str | None, dict[str, str]]:
        hold = change.hold
        assert hold is not None
        if not self.lookups.has_sale_warning():
            raise _Skip("credit holds need the Sales app (the sales warning on res.partner); it is not installed")
        partner = self._partner(hold.customer_id, sorted(self.lookups.warning_fields()))
        if HOLD_MARK in (partner.get("sale_warn_msg") or ""):
            return None, {"note": "already on hold"}
        previous = {"sale_warn": partner.get("sale_warn") or "no-message",
                    "sale_warn_msg": partner.get("sale_warn_msg") or ""}
        vals = {"sale_warn_msg": f"{hold.reason} {HOLD_MARK}"}
        if self.lookups.can_block():
            vals["sale_warn"] = "block"
        self.t.call("res.partner", "write", ids=[partner["id"]], vals=vals)
        message = self._note(hold.customer_id, notes.hold_note(hold, previous))
        return str(message), {"previous_sale_warn": previous["sale_warn"],
                              "previous_sale_warn_msg": previous["sale_warn_msg"]}

    def _previous_warning(self, change: Change) -> dict[str, str]:
        stored = self.details_of(change.key) if self.details_of else {}
        if stored.get("previous_sale_warn"):
            return {"sale_warn": stored["previous_sale_warn"],
                    "sale_warn_msg": stored.get("previous_sale_warn_msg", "")}
        rows = self.t.call("mail.message", "search_read",
                           domain=[["model", "=", "res.partner"], ["res_id", "=", int(change.customer_id)],
                                   ["body", "ilike", "[arwatch:hold:"]], fields=["body"], order="id desc", limit=1)
        data = payload("hold", rows[0]["body"]) if rows else None
        return (data or {}).get("previous") or {"sale_warn": "no-message", "sale_warn_msg": ""}

    def release_hold(self, change: Change) -> tuple[str | None, dict[str, str]]:
        if not self.lookups.has_sale_warning():
            return None, {"note": "the Sales app is not installed; nothing to release"}
        block = self.lookups.can_block()
        partner = self._partner(change.customer_id, sorted(self.lookups.warning_fields()))
        if (block and partner.get("sale_warn") != "block") or HOLD_MARK not in (partner.get("sale_warn_msg") or ""):
            return None, {"note": "the sales warning was changed in Odoo since the hold; left as it is"}
        previous = self._previous_warning(change)
        vals = {"sale_warn_msg": previous["sale_warn_msg"] or False}
        if block:
            vals["sale_warn"] = previous["sale_warn"]
        self.t.call("res.partner", "write", ids=[partner["id"]], vals=vals)
        restored = f"sales warning restored to {previous['sale_warn']!r}"
        message = self._note(change.customer_id, notes.hold_released_note(restored, change.why))
        return str(message), {"restored_sale_warn": previous["sale_warn"]}

    # --- tasks --------------------------------------------------------------------------------
    def _open_activity(self, key: str) -> dict[str, Any] | None:
        rows = self.t.call("mail.activity", "search_read",
                           domain=[["res_model", "=", "res.partner"], ["note", "ilike", task_mark(key)]],
                           fields=["id", "res_id", "note"])
        exact = [r for r in rows if task_key(r.get("note")) == key]  # ilike reads "_" as a wildcard
        return exact[0] if exact else None

    def open_task(self, change: Change) -> tuple[str | None, dict[str, str]]:
        task = change.task
        assert task is not None
        existing = self._open_activity(task.key)
        if existing:
            return str(existing["id"]), {"note": "already open"}
        self._partner(task.customer_id, ["id"])
        vals = {"res_model_id": self.lookups.partner_model(), "res_id": int(task.customer_id),
                "activity_type_id": self.lookups.activity_type(task.channel), "summary": task.title[:200],
                "note": notes.task_note(task), "date_deadline": task.due_date.isoformat(),
                "user_id": self.lookups.user(task.assignee)}
        created = self.t.call("mail.activity", "create", vals_list=[vals])
        return str(created[0] if isinstance(created, list) else created), {}

    def close_task(self, change: Change) -> tuple[str | None, dict[str, str]]:
        existing = self._open_activity(change.key)
        if not existing:
            return None, {"note": "already done or deleted in Odoo"}
        self.t.call("mail.activity", "action_feedback", ids=[existing["id"]], feedback=notes.task_feedback(change.why))
        return str(existing["id"]), {}


class _Skip(Exception):
    """A change that cannot be applied to this record (reported, the others go on)."""


__all__ = ["WriteBack", "TASK_PREFIX"]
