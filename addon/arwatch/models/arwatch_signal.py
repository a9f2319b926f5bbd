from odoo import _, api, fields, models
from odoo.tools.misc import format_date

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
    kind = fields.Selection(SIGNAL_KINDS, "Warning sign", required=True, tracking=True)
    date = fields.Date("Reported on", required=True, default=fields.Date.context_today, tracking=True)
    source = fields.Char("Source", default="manual",
                         help="Who or what reported it (a person, a news item, a credit agency).")
    note = fields.Text("Notes")
    severity = fields.Float("Severity", default=0.5,
                            help="How much this sign adds to the risk score if it is true: 0 (nothing) to 1 "
                                 "(as much as a sign can; 0.5 is a serious sign, 1 a bankruptcy filing).")
    confidence = fields.Float("Confidence", default=1.0,
                              help="How sure the source is: 1 for a fact on record (a court filing, a returned "
                                   "payment), 0.5 for a credible report, lower for hearsay. The score counts "
                                   "severity times confidence.")
    expires_on = fields.Date("Expires on", help="After this day the signal no longer counts.")
    active = fields.Boolean("Active", default=True)

    @api.depends("partner_id", "kind", "date")
    def _compute_display_name(self):
        labels = dict(SIGNAL_KINDS)
        for rec in self:
            if not rec.partner_id or not rec.kind:
                rec.display_name = _("New warning signal")
                continue
            rec.display_name = _("%(customer)s: %(sign)s, %(date)s", customer=rec.partner_id.display_name,
                                 sign=labels[rec.kind], date=format_date(self.env, rec.date) if rec.date else "")
