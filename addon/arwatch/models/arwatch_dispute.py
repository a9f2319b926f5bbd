from odoo import fields, models


class ArwatchDispute(models.Model):
    """A customer's dispute or complaint, on an invoice or on the account (core ``Dispute``)."""

    _name = "arwatch.dispute"
    _description = "Customer dispute"
    _inherit = ["mail.thread"]
    _order = "opened_on desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    invoice_id = fields.Many2one("account.move", "Invoice", check_company=True, ondelete="set null",
                                 domain="[('move_type', '=', 'out_invoice'), ('partner_id', 'child_of', partner_id)]")
    kind = fields.Selection([("dispute", "Dispute"), ("complaint", "Complaint")], "Kind", default="dispute",
                            required=True)
    opened_on = fields.Date("Opened on", required=True, default=fields.Date.context_today)
    resolved_on = fields.Date("Resolved on", tracking=True)
    amount = fields.Monetary("Disputed amount", currency_field="currency_id", help="In the company's currency.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    reason = fields.Text("What the customer says")
