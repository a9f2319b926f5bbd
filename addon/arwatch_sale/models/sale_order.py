from odoo import _, api, fields, models


class SaleOrder(models.Model):
    """Credit hold on confirmation: ``_confirmation_error_message`` is what ``action_confirm`` asks
    every order before confirming it, whoever calls it (form button, RPC, portal signature,
    payment post-processing), so the hold cannot be walked around."""

    _inherit = "sale.order"

    arwatch_hold = fields.Boolean("Customer on credit hold", compute="_compute_arwatch_hold")
    arwatch_hold_reason = fields.Text("Credit hold reason", compute="_compute_arwatch_hold")
    # set by a collections manager's override only (the fields are not writable by others, over RPC either)
    arwatch_override_user_id = fields.Many2one("res.users", "Hold overridden by", copy=False, readonly=True,
                                               groups="arwatch.group_collections_manager")
    arwatch_override_reason = fields.Text("Hold override reason", copy=False, readonly=True,
                                          groups="arwatch.group_collections_manager")

    @api.depends("partner_id", "company_id")
    @api.depends_context("date")
    def _compute_arwatch_hold(self):
        risk = self.env["arwatch.partner.risk"]
        held = {}
        for company, orders in self.grouped("company_id").items():
            held[company.id] = risk._held_partner_ids(orders.partner_id, company)
        for order in self:
            reasons = held.get(order.company_id.id, {})
            pid = order.partner_id.commercial_partner_id.id
            order.arwatch_hold = pid in reasons
            order.arwatch_hold_reason = reasons.get(pid) or False

    def _arwatch_paid_upfront(self):
        """A held customer may still buy with payment upfront: the order is fully paid already."""
        return self.amount_total > 0 and self.currency_id.compare_amounts(self.amount_paid, self.amount_total) >= 0

    def _arwatch_hold_message(self):
        """The refusal message when the customer is held (one query when it is not)."""
        self.ensure_one()
        held = self.env["arwatch.partner.risk"]._held_partner_ids(self.partner_id, self.company_id)
        pid = self.partner_id.commercial_partner_id.id
        if pid not in held:
            return False
        order = self.sudo()
        if order.arwatch_override_user_id or order._arwatch_paid_upfront():
            return False
        return _(
            "%(customer)s is on credit hold: %(reason)s\n"
            "This order can be confirmed only with payment upfront, or after a collections manager "
            "lifts the hold or overrides it for this order.",
            customer=order.partner_id.commercial_partner_id.display_name, reason=held[pid] or _("no reason given"))

    def _confirmation_error_message(self):
        return super()._confirmation_error_message() or self._arwatch_hold_message()

    def action_arwatch_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm despite credit hold"),
            "res_model": "arwatch.sale.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }
