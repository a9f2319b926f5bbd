from odoo import api, fields, models

from .. import compat

SIGNAL_KINDS = [
    ("complaint", "Complaint"),
    ("hearsay", "Hearsay (heard from other clients)"),
    ("staff_left", "Key staff left"),
    ("industry_distress", "Industry in distress"),
    ("country_distress", "Country in distress"),
    ("merger_acquisition", "Merger or acquisition"),
    ("leadership_change", "Change of leadership"),
    ("fraud_suspicion", "Fraud suspicion"),
]


@compat.sql_constraints(
    ("severity_range", "CHECK(severity >= 0 AND severity <= 1)", "Severity is between 0 and 1."),
    ("confidence_range", "CHECK(confidence >= 0 AND confidence <= 1)", "Confidence is between 0 and 1."),
)
class ArwatchSignal(models.Model):
    """A warning signal about a customer, entered by a person or imported (core ``Signal``)."""

    _name = "arwatch.signal"
    _description = "Customer warning signal"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade",
                                 domain="[('is_company', '=', True)]")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(SIGNAL_KINDS, required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    source = fields.Char(default="manual", help="Who or what reported it (a person, a news item, a credit agency).")
    note = fields.Text()
    severity = fields.Float(default=0.5, help="0 to 1: how bad it is if true.")
    confidence = fields.Float(default=1.0, help="0 to 1: how sure the source is (hearsay is usually low).")
    expires_on = fields.Date("Expires on", help="After this day the signal no longer counts.")
    active = fields.Boolean(default=True)

    @api.depends("partner_id", "kind", "date")
    def _compute_display_name(self):
        labels = dict(SIGNAL_KINDS)
        for rec in self:
            rec.display_name = f"{rec.partner_id.display_name}: {labels.get(rec.kind, '')} ({rec.date or ''})"
