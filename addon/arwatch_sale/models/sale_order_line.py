from odoo import api, models
from odoo.addons.arwatch import compat

# the line values a per-order credit hold override approves (see sale.order._arwatch_approval_digest)
APPROVED_FIELDS = {"order_id", "product_id", "product_uom_qty", compat.SALE_LINE_UOM, "price_unit", "discount",
                   compat.SALE_LINE_TAXES, "display_type"}


class SaleOrderLine(models.Model):
    """A line added, changed or removed on an order confirmed under a credit hold override is
    refused while the customer is on hold: the override covers the order as approved only; on
    another confirmed order of a held customer, one that makes it owe more (new credit) is too."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse({vals["order_id"] for vals in vals_list if vals.get("order_id")})
        amounts = orders._arwatch_amounts()
        lines = super().create(vals_list)
        lines.order_id._arwatch_check_approved_orders()
        lines.order_id._arwatch_check_no_new_credit(amounts)
        return lines

    def write(self, vals):
        if not APPROVED_FIELDS & set(vals):
            return super().write(vals)
        before = self.order_id
        amounts = before._arwatch_amounts()
        res = super().write(vals)
        (before | self.order_id)._arwatch_check_approved_orders()
        (before | self.order_id)._arwatch_check_no_new_credit(amounts)
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._arwatch_check_approved_orders()
        return res
