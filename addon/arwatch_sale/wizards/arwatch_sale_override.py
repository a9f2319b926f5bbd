from markupsafe import Markup
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang


class ArwatchSaleOverride(models.TransientModel):
    """A collections manager confirms one order of a held customer, with a reason in the chatter.

    The override covers the order as approved (customer, invoice address, lines, amount): it lapses when they
    change or when the order is cancelled or reset to quotation (see ``sale.order``).
    """

    _name = "arwatch.sale.override"
    _description = "Confirm an order despite a credit hold"

    order_id = fields.Many2one("sale.order", required=True)
    hold_reason = fields.Text(related="order_id.arwatch_hold_reason")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("arwatch.group_collections_manager"):
            raise AccessError(_("Only a collections manager can override a credit hold."))
        if not (self.reason or "").strip():
            raise UserError(_("Say why the order is confirmed despite the hold: the reason is kept in the chatter."))
        order = self.order_id
        # company wall before the sudo write: an order the manager may change
        order.check_access("write")
        # a hold placed by the root company of the order's branch is the root's to override
        holding = self.env["arwatch.partner.risk"]._holding_risk(order._arwatch_order_debtors(), order.company_id)
        if holding and holding.company_id not in self.env.companies:
            raise AccessError(_("The credit hold of %(customer)s is placed by %(company)s: a collections manager "
                                "working in %(company)s overrides it.",
                                customer=holding.partner_id.display_name, company=holding.company_id.name))
        if order.state not in ("draft", "sent"):
            raise UserError(_("Only a quotation is confirmed despite a credit hold."))
        order.sudo().write(order._prepare_arwatch_override_vals(self.reason))
        order.message_post(
            body=Markup("%s<br/>%s") % (
                _("Credit hold overridden for this order (%(amount)s, as it is now) by %(user)s.",
                  amount=formatLang(self.env, order.amount_total, currency_obj=order.currency_id),
                  user=self.env.user.name),
                _("Reason: %s", self.reason)),
            subtype_xmlid="mail.mt_note")
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
