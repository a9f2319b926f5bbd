from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError


class ArwatchSaleOverride(models.TransientModel):
    """A collections manager confirms one order of a held customer, with a reason in the chatter."""

    _name = "arwatch.sale.override"
    _description = "Confirm an order despite a credit hold"

    order_id = fields.Many2one("sale.order", required=True)
    hold_reason = fields.Text(related="order_id.arwatch_hold_reason")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("arwatch.group_collections_manager"):
            raise AccessError(_("Only a collections manager can override a credit hold."))
        order = self.order_id
        order.sudo().write({"arwatch_override_user_id": self.env.user.id, "arwatch_override_reason": self.reason})
        order.message_post(
            body=Markup("%s<br/>%s") % (_("Credit hold overridden for this order by %s.", self.env.user.name),
                                        _("Reason: %s", self.reason)),
            subtype_xmlid="mail.mt_note")
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
