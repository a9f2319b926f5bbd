from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from .. import compat


class ArwatchPaymentPlan(models.Model):
    """An agreed schedule for paying an open balance (core ``PaymentPlan``)."""

    _name = "arwatch.payment.plan"
    _description = "Payment plan"
    _inherit = ["mail.thread"]
    _order = "agreed_on desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    agreed_on = fields.Date("Agreed on", required=True, default=fields.Date.context_today, tracking=True)
    cancelled_on = fields.Date("Cancelled on", tracking=True,
                                help="The day the customer broke the plan or it was called off; empty while it runs.")
    line_ids = fields.One2many("arwatch.payment.plan.line", "plan_id", "Instalments", copy=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary("Total of instalments", compute="_compute_amount_total",
                                   currency_field="currency_id")
    note = fields.Text("Notes")

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for plan in self:
            plan.amount_total = sum(plan.line_ids.mapped("amount"))

    @api.depends("partner_id", "agreed_on")
    def _compute_display_name(self):
        for plan in self:
            if not plan.partner_id:
                plan.display_name = _("New payment plan")
            elif plan.agreed_on:
                plan.display_name = _("Payment plan of %(customer)s, agreed on %(date)s",
                                      customer=plan.partner_id.display_name, date=format_date(self.env, plan.agreed_on))
            else:
                plan.display_name = _("Payment plan of %s", plan.partner_id.display_name)


@compat.sql_constraints(("amount_positive", "CHECK(amount > 0)", "An instalment is a positive amount."))
class ArwatchPaymentPlanLine(models.Model):
    _name = "arwatch.payment.plan.line"
    _description = "Payment plan instalment"
    _order = "plan_id, due_date, id"

    plan_id = fields.Many2one("arwatch.payment.plan", "Payment plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    due_date = fields.Date("Due on", required=True)
    amount = fields.Monetary("Amount", required=True, currency_field="currency_id")

