"""What an external ``arwatch sync`` calls to read and write through the add-on.

A company whose ``Scored by`` is *arwatch sync* is skipped by the add-on's daily job; the sync
adapter (``arwatch.adapters.odoo``) scores it outside Odoo and writes its flags, holds and tasks
into the add-on's own records with two public methods, over JSON-RPC, XML-RPC or JSON-2:

- ``arwatch_written_state(company_id, today)``: the company's flags, holds, open tasks and the
  managers' hold overrides as the core's ``WrittenState`` (JSON), read exactly as the daily job
  reads them before it plans. Collections users may read it in either mode (reports and plans
  outside Odoo).
- ``arwatch_collections_records(company_id)``: the add-on's disputes, contact attempts, payment
  plans and warning signals of the company's customers, in the core's raw shape (what the daily
  job scores with), for collections users.
- ``arwatch_apply(company_id, changes, today)``: applies the core's ``Change`` list (JSON) to
  ``arwatch.partner.risk`` and the add-on's activities, each change in its own savepoint, and
  answers one result per change. Only collections managers, only for one of their companies,
  only when its ``Scored by`` is arwatch sync: one writer per company.

Read before write: each change looks at the current record first, so a change found already
applied (a retried request, a rerun after a crash) writes nothing and answers ok. A refused
change (missing record, validation error) is a failed result; the others go on.

Company walls: the writes are sudo, so every id a change names is checked against the company
the call acts for before anything is written: the customer (shared, or of that company), the
invoice of a task (of that company) and the user a task is assigned to (working in that company).
A change naming another company's record is refused alone, with the reason.
"""

import psycopg2
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from arwatch.core.actions import Change, Op
from arwatch.core.jsonable import jsonable

from ..lib import words
from ..lib.ledger_sql import collections_raw
from .arwatch_writeback import SLIPPING, _differs

PARTNERS = """
    SELECT partner_id FROM arwatch_partner_risk WHERE company_id = %(company)s
     UNION
    SELECT arwatch_partner_id FROM mail_activity
     WHERE arwatch_company_id = %(company)s AND arwatch_partner_id IS NOT NULL
       AND arwatch_key IS NOT NULL AND arwatch_key != ''
"""


class ArwatchSyncApi(models.AbstractModel):
    _name = "arwatch.sync.api"
    _description = "arwatch sync: external read and write-back"

    # ------------------------------------------------------------------ public (RPC)
    @api.model
    def arwatch_written_state(self, company_id, today=None):
        """The company's ``WrittenState`` as JSON (see the module docstring)."""
        company = self._arwatch_company(company_id, "arwatch.group_collections_user")
        day = self._arwatch_day(today)
        self.env.flush_all()
        self.env.cr.execute(PARTNERS, {"company": company.id})
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        written, _maps = self.env["arwatch.writeback"].sudo()._written_state(company, partner_ids, day)
        return written.model_dump(mode="json")

    @api.model
    def arwatch_collections_records(self, company_id):
        """Disputes, contact attempts, payment plans and signals as raw records (JSON)."""
        company = self._arwatch_company(company_id, "arwatch.group_collections_user")
        self.env.flush_all()
        return jsonable(collections_raw(self.env.cr, company.id))

    @api.model
    def arwatch_apply(self, company_id, changes, today=None):
        """Apply ``changes`` (the core's ``Change`` as JSON); one result dict per change, in order."""
        company = self._arwatch_company(company_id, "arwatch.group_collections_manager")
        if company.arwatch_scored_by != "sync":
            raise UserError(_("%s is scored by the arwatch add-on's daily job: an external sync may "
                              "only read it. Set 'Scored by' to arwatch sync to let it write.", company.name))
        day = self._arwatch_day(today)
        return [self._arwatch_apply_one(company, raw, day) for raw in changes or []]

    # ------------------------------------------------------------------ checks
    @api.model
    def _arwatch_company(self, company_id, group):
        if not self.env.user.has_group(group):
            raise AccessError(_("arwatch sync: the user %(user)s is not in the group '%(group)s'",
                                user=self.env.user.login, group=self.env.ref(group).name))
        company = self.env["res.company"].browse(int(company_id)).exists()
        if not company or company not in self.env.user.company_ids:
            raise AccessError(_("arwatch sync: company %s is not one of this user's companies", company_id))
        return company

    @api.model
    def _arwatch_day(self, today):
        return fields.Date.to_date(today) if today else fields.Date.context_today(self)

    # ------------------------------------------------------------------ apply
    @api.model
    def _arwatch_apply_one(self, company, raw, day):
        key = str(raw.get("key") or "?") if isinstance(raw, dict) else "?"
        try:
            change = _checked(Change.model_validate(raw))
        except ValueError as error:  # pydantic's ValidationError is one
            return {"key": key, "ok": False, "error": f"invalid change {key}: {error}"}
        handler = {Op.SET_FLAG: self._arwatch_set_flag, Op.CLEAR_FLAG: self._arwatch_clear_flag,
                   Op.PLACE_HOLD: self._arwatch_place_hold, Op.RELEASE_HOLD: self._arwatch_release_hold,
                   Op.OPEN_TASK: self._arwatch_open_task, Op.CLOSE_TASK: self._arwatch_close_task}[change.op]
        result = {"key": change.key, "op": change.op.value}
        try:
            with self.env.cr.savepoint():
                external_id, note = handler(company, change, day)
        except (UserError, psycopg2.Error, ValueError) as error:
            self.env.invalidate_all()
            return dict(result, ok=False, error=f"{change.op.value} {change.key}: {error}")
        return dict(result, ok=True, external_id=str(external_id) if external_id else None,
                    details={"note": note} if note else {})

    @api.model
    def _arwatch_partner(self, company, customer_id):
        """The customer ``customer_id`` if ``company`` may write about it: shared by the companies
        (no company) or of ``company``."""
        partner = self.env["res.partner"].sudo().browse(int(customer_id)).exists()
        if not partner:
            raise UserError(_("res.partner %s not found (deleted?)", customer_id))
        if partner.company_id and partner.company_id != company:
            raise UserError(_("res.partner %(partner)s belongs to another company than %(company)s: refused",
                              partner=customer_id, company=company.name))
        return partner

    @api.model
    def _arwatch_check_task(self, company, task):
        """The invoice and the assignee a task names, checked against ``company``."""
        if task.invoice_id:
            move = self.env["account.move"].sudo().browse(int(task.invoice_id)).exists() \
                if str(task.invoice_id).isdigit() else None
            if not move:
                raise UserError(_("account.move %s not found (deleted?)", task.invoice_id))
            if move.company_id != company:
                raise UserError(_("account.move %(move)s belongs to another company than %(company)s: refused",
                                  move=task.invoice_id, company=company.name))
        if task.assignee and str(task.assignee).isdigit():
            user = self.env["res.users"].sudo().browse(int(task.assignee)).exists()
            if user and (user.share or company not in user.company_ids):
                raise UserError(_("res.users %(user)s does not work in %(company)s: refused",
                                  user=task.assignee, company=company.name))

    @api.model
    def _arwatch_risk(self, company, customer_id, create=False):
        partner = self._arwatch_partner(company, customer_id)
        risks = self.env["arwatch.partner.risk"].sudo()
        risk = risks.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)])
        if not risk and create:
            risk = risks.create({"partner_id": partner.id, "company_id": company.id})
        return risk

    @api.model
    def _arwatch_write(self, risk, vals):
        """Write the values that differ; returns whether anything was written."""
        changed = {k: v for k, v in vals.items() if _differs(risk[k], v)}
        if changed:
            risk.write(changed)
        return bool(changed)

    @api.model
    def _arwatch_set_flag(self, company, change, day):
        flag = change.flag
        risk = self._arwatch_risk(company, change.customer_id, create=True)
        vals = dict(self.env["arwatch.writeback"]._flag_vals(flag), **self._indicator_vals(flag))
        written = self._arwatch_write(risk, vals)
        risk.write({"written_at": fields.Datetime.now()})
        return risk.id, None if written else "already set"

    @api.model
    def _indicator_vals(self, flag):
        """The indicators behind the flag's reasons ("<indicator name>: <evidence>", ``lib.words``)
        and the slipping badge (a flag carries its top reasons, not every fired indicator)."""
        ids = words.indicator_ids(flag.reasons)
        return {"indicators": ",".join(ids) or False, "slipping": any(i in SLIPPING for i in ids)}

    @api.model
    def _arwatch_clear_flag(self, company, change, day):
        risk = self._arwatch_risk(company, change.customer_id)
        if not risk or not risk.level:
            return risk.id or None, "no flag"
        risk.write({"level": False, "score": 0.0, "segment": False, "reasons": False, "indicators": False,
                    "slipping": False})
        return risk.id, None

    @api.model
    def _arwatch_place_hold(self, company, change, day):
        hold = change.hold
        risk = self._arwatch_risk(company, change.customer_id, create=True)
        if risk.hold:
            return risk.id, "already on hold"
        risk.write({"hold": True, "hold_rule": hold.rule, "hold_reason": hold.reason, "hold_since": hold.since})
        self.env["arwatch.writeback"].sudo()._post_hold_events(
            [(risk, _("Credit hold placed by arwatch sync: %s", hold.reason))])
        return risk.id, None

    @api.model
    def _arwatch_release_hold(self, company, change, day):
        risk = self._arwatch_risk(company, change.customer_id)
        if not risk or not risk.hold:
            return risk.id or None, "not on hold"
        risk.write({"hold": False, "hold_rule": False, "hold_reason": False, "hold_since": False})
        why = change.why or _("the cause cleared.")
        self.env["arwatch.writeback"].sudo()._post_hold_events(
            [(risk, _("Credit hold released by arwatch sync: %s", why))])
        return risk.id, None

    @api.model
    def _arwatch_open_activity(self, company, key):
        return self.env["mail.activity"].sudo().search(
            [("arwatch_company_id", "=", company.id), ("arwatch_key", "=", key)], limit=1)

    @api.model
    def _arwatch_open_task(self, company, change, day):
        existing = self._arwatch_open_activity(company, change.key)
        if existing:
            return existing.id, "already open"
        self._arwatch_partner(company, change.customer_id)
        self._arwatch_check_task(company, change.task)
        created = self.env["arwatch.writeback"].sudo()._open_tasks(company, [change.task])
        return created.id, None

    @api.model
    def _arwatch_close_task(self, company, change, day):
        existing = self._arwatch_open_activity(company, change.key)
        if not existing:
            return None, "already done or deleted"
        self.env["arwatch.writeback"].sudo()._close_tasks(existing)
        return existing.id, None


PAYLOAD = {Op.SET_FLAG: "flag", Op.PLACE_HOLD: "hold", Op.OPEN_TASK: "task"}


def _checked(change):
    """``change`` if it carries what its op needs, for a customer id that is a partner id."""
    if not change.customer_id.isdigit():
        raise ValueError(f"customer_id {change.customer_id!r} is not a res.partner id")
    needed = PAYLOAD.get(change.op)
    if needed:
        payload = getattr(change, needed)
        if payload is None:
            raise ValueError(f"{change.op.value} needs a {needed}")
        if payload.customer_id != change.customer_id:
            raise ValueError(f"the {needed} is for customer {payload.customer_id}, not {change.customer_id}")
    return change
