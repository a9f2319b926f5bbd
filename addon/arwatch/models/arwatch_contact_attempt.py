from odoo import api, fields, models

from .. import compat

OUTCOMES = [
    ("no_answer", "No answer"),
    ("promise", "Promised to pay"),
    ("dispute", "Disputes an invoice"),
    ("answered", "Answered, no promise"),
]
CHANNELS = [("call", "Call"), ("email", "Email"), ("visit", "Visit"), ("letter", "Letter")]


@compat.sql_constraints(
    ("promise_after_call", "CHECK(promise_date IS NULL OR promise_date >= date)",
     "A promise to pay is for a day on or after the call."),
)
class ArwatchContactAttempt(models.Model):
    """One attempt to reach a customer and what came of it (core ``ContactAttempt``)."""

    _name = "arwatch.contact.attempt"
    _description = "Contact attempt"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Date("Date", required=True, default=fields.Date.context_today)
    channel = fields.Selection(CHANNELS, "Channel", default="call", required=True)
    outcome = fields.Selection(OUTCOMES, "Outcome", required=True, default="no_answer")
    answered = fields.Boolean("Answered", compute="_compute_answered", store=True)
    promise_date = fields.Date("Promised payment date")
    promise_amount = fields.Monetary("Promised amount", currency_field="currency_id",
                                     help="In the company's currency.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_id = fields.Many2one("account.move", "Invoice", check_company=True, ondelete="set null")
    dispute_id = fields.Many2one("arwatch.dispute", "Dispute", ondelete="set null")
    note = fields.Text("What was said")
    user_id = fields.Many2one("res.users", "Logged by", default=lambda self: self.env.user)

    @api.depends("outcome")
    def _compute_answered(self):
        for rec in self:
            rec.answered = rec.outcome != "no_answer"
