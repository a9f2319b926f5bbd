from markupsafe import Markup
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class ArwatchHoldOverride(models.TransientModel):
    """A collections manager lifts a customer's credit hold until a date, with a reason (audited).

    The only way a hold is lifted by a person: the risk record's hold and override fields refuse
    any write that does not come from server code (see ``arwatch.partner.risk.write``).
    """

    _name = "arwatch.hold.override"
    _description = "Lift a credit hold"

    risk_id = fields.Many2one("arwatch.partner.risk", required=True)
    partner_id = fields.Many2one(related="risk_id.partner_id")
    hold_reason = fields.Text(related="risk_id.hold_reason")
    until = fields.Date("Lift until", required=True,
                        default=lambda self: fields.Date.add(fields.Date.context_today(self), days=7))
    reason = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("arwatch.group_collections_manager"):
            raise AccessError(_("Only a collections manager can lift a credit hold."))
        if not (self.reason or "").strip():
            raise UserError(_("Say why the hold is lifted: the reason is kept in the chatter."))
        if self.until < fields.Date.context_today(self):
            raise UserError(_("The date to lift the hold until is in the past."))
        # company wall before the sudo write: a risk record of one of the manager's companies
        self.risk_id.check_access("write")
        risk = self.risk_id.sudo()
        risk.write({"override_until": self.until, "override_reason": self.reason,
                    "override_user_id": self.env.user.id})
        body = Markup("%s<br/>%s") % (
            _("Credit hold lifted until %(date)s by %(user)s.", date=self.until, user=self.env.user.name),
            _("Reason: %s", self.reason))
        # on the company's own risk record, not the partner every company shares
        risk.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
