from odoo import fields, models


class ArwatchSaleHold(models.TransientModel):
    """What a salesperson sees when confirming a held customer's order: the hold in one titled
    sentence and the ways out (pro-forma, payment link, asking credit control; a collections
    manager's override)."""

    _name = "arwatch.sale.hold"
    _description = "Credit hold on an order: the ways out"

    order_id = fields.Many2one("sale.order", "Order", required=True, readonly=True)
    title = fields.Char(related="order_id.arwatch_hold_title")
    hold_reason = fields.Text(related="order_id.arwatch_hold_reason")
    amount_total = fields.Monetary(related="order_id.amount_total")
    currency_id = fields.Many2one(related="order_id.currency_id")

    def action_send_proforma(self):
        return self.order_id.action_arwatch_send_proforma()

    def action_payment_link(self):
        return self.order_id.action_arwatch_payment_link()

    def action_ask_credit_control(self):
        return self.order_id.action_arwatch_ask_credit_control()

    def action_override(self):
        return self.order_id.action_arwatch_override()
