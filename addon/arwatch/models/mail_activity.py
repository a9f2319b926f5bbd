from odoo import _, fields, models
from odoo.exceptions import AccessError

from arwatch.core.marks import CLOSED_MARK

AGENCY_STEP = "agency_referral"


class MailActivity(models.Model):
    """Collection tasks are activities of the add-on's types with a stable ``arwatch_key``.

    The key is the core task key (``task:<customer>:<step>:<cause>``); a partial unique index
    keeps one open activity per key and company, so a rerun can never duplicate one.
    """

    _inherit = "mail.activity"

    arwatch_key = fields.Char("Collection task key", index=True, copy=False, readonly=True)
    arwatch_company_id = fields.Many2one("res.company", "Collections company", copy=False, readonly=True)
    arwatch_partner_id = fields.Many2one("res.partner", "Collections customer", index=True, copy=False,
                                         readonly=True)
    arwatch_channel = fields.Selection(
        [("email", "Email"), ("letter", "Letter"), ("call", "Call"), ("todo", "To do"), ("approval", "Approval")],
        "Collection channel", copy=False, readonly=True)

    def init(self):
        res = super().init()
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS mail_activity_arwatch_key_open_uniq
                ON mail_activity (arwatch_company_id, arwatch_key)
             WHERE arwatch_key IS NOT NULL AND active
        """)
        return res

    def action_arwatch_log_outcome(self):
        """Open the call outcome wizard for this activity (no answer / promise / dispute)."""
        self.ensure_one()
        partner = self.arwatch_partner_id or (
            self.env[self.res_model].browse(self.res_id).commercial_partner_id
            if self.res_model in ("res.partner", "account.move") else self.env["res.partner"])
        return {
            "type": "ir.actions.act_window",
            "name": _("Log call outcome"),
            "res_model": "arwatch.call.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_id": self.id, "default_partner_id": partner.id,
                        "default_invoice_id": self.res_id if self.res_model == "account.move" else False},
        }

    def _arwatch_step(self):
        parts = (self.arwatch_key or "").split(":")
        return parts[2] if len(parts) > 2 and parts[0] == "task" else ""

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking an agency referral done is its approval: only a collections manager approves,
        and the customer is then "with agency" in the referral's company (as a ``placed:`` note
        says): the planner sends no more dunning, the hold stays. A referral arwatch closes
        itself (its cause gone, ``CLOSED_MARK``) is no approval."""
        approved = self.filtered(lambda a: a.active and a._arwatch_step() == AGENCY_STEP
                                 and a.arwatch_partner_id and a.arwatch_company_id) \
            if CLOSED_MARK not in str(feedback or "") else self.browse()
        if approved and not (self.env.user.has_group("arwatch.group_collections_manager")
                             or self.env.user._is_superuser()):
            raise AccessError(_("Only a collections manager approves a referral to a collection agency."))
        referrals = [(a.arwatch_partner_id, a.arwatch_company_id) for a in approved]
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        today = fields.Date.context_today(self)
        risks = self.env["arwatch.partner.risk"].sudo()
        for partner, company in referrals:
            risk = risks.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1) \
                or risks.create({"partner_id": partner.id, "company_id": company.id})
            risk._arwatch_place_with_agency(today, _("referral approved by %s", self.env.user.name))
        return result
