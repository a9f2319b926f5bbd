from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.arwatch_contact_attempt import CHANNELS, OUTCOMES


class ArwatchCallOutcome(models.TransientModel):
    """Log what came of a call: stored as a contact attempt (and a dispute), activity marked done."""

    _name = "arwatch.call.outcome"
    _description = "Log a call outcome"

    activity_id = fields.Many2one("mail.activity", "Activity")
    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True)
    channel = fields.Selection(CHANNELS, default="call", required=True)
    outcome = fields.Selection(OUTCOMES, default="no_answer", required=True)
    promise_date = fields.Date("Promised payment date")
    promise_amount = fields.Monetary("Promised amount", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_id = fields.Many2one("account.move", "Invoice",
                                 domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
                                        "('commercial_partner_id', '=', partner_id)]")
    dispute_amount = fields.Monetary("Disputed amount", currency_field="currency_id")
    note = fields.Text()

    @api.onchange("outcome")
    def _onchange_outcome(self):
        """A promise gets a date a week ahead to start from (the caller changes it)."""
        if self.outcome == "promise" and not self.promise_date:
            self.promise_date = fields.Date.add(fields.Date.context_today(self), days=7)

    @api.model
    def _summary(self, vals):
        labels = dict(OUTCOMES)
        text = labels[vals["outcome"]]
        if vals["outcome"] == "promise":
            text = _("Promised to pay %(amount)s on %(date)s", amount=vals.get("promise_amount") or "",
                     date=vals.get("promise_date") or "")
        elif vals["outcome"] == "dispute" and vals.get("invoice"):
            text = _("Disputes invoice %s", vals["invoice"])
        return text + (f": {vals['note']}" if vals.get("note") else "")

    def _check(self):
        if self.company_id not in self.env.companies:
            raise AccessError(_("%s is not one of the companies you work in.", self.company_id.name))
        activity = self.activity_id
        if activity and not (activity.arwatch_key and activity.arwatch_company_id == self.company_id
                             and activity.arwatch_partner_id == self.partner_id.commercial_partner_id):
            raise AccessError(_("Only a collection task of this customer in %s can be closed here.",
                                self.company_id.name))
        if self.outcome == "promise" and not self.promise_date:
            raise UserError(_("A promise to pay needs the promised date."))
        if self.outcome == "dispute" and not self.invoice_id:
            raise UserError(_("Name the invoice the customer disputes."))

    def action_log(self):
        self.ensure_one()
        self._check()
        partner = self.partner_id.commercial_partner_id
        dispute = self.env["arwatch.dispute"]
        if self.outcome == "dispute":
            dispute = dispute.create({
                "partner_id": partner.id, "company_id": self.company_id.id, "invoice_id": self.invoice_id.id,
                "amount": self.dispute_amount or self.invoice_id.amount_residual, "reason": self.note or "",
            })
        self.env["arwatch.contact.attempt"].create({
            "partner_id": partner.id, "company_id": self.company_id.id, "channel": self.channel,
            "outcome": self.outcome, "promise_date": self.promise_date if self.outcome == "promise" else False,
            "promise_amount": self.promise_amount if self.outcome == "promise" else 0.0,
            "invoice_id": self.invoice_id.id, "dispute_id": dispute.id, "note": self.note,
        })
        summary = self._summary({"outcome": self.outcome, "promise_amount": self.promise_amount,
                                 "promise_date": self.promise_date, "invoice": self.invoice_id.name,
                                 "note": self.note})
        if self.activity_id:
            # collections users close collection tasks assigned to others (salesperson) too; the
            # wizard itself is open to collections users only (access rules), the author stays them
            self.activity_id.sudo().action_feedback(feedback=summary)
        else:
            # the company's own risk record: the partner's chatter is read by every company
            risk = self.env["arwatch.partner.risk"]._arwatch_risk_of(partner, self.company_id)
            risk.message_post(body=summary, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
