from odoo import _, api, fields, models

from .arwatch_partner_risk import LEVELS, SEGMENTS

# partner field -> field of arwatch.partner.risk shown for the current company
RISK_FIELDS = {
    "arwatch_level": "level",
    "arwatch_score": "score",
    "arwatch_segment": "segment",
    "arwatch_risk_words": "risk_words",
    "arwatch_reasons": "reasons_html",
    "arwatch_scored_at": "scored_at",
    "arwatch_hold": "hold",
    "arwatch_hold_reason": "hold_reason",
    "arwatch_hold_since": "hold_since",
    "arwatch_override_until": "override_until",
    "arwatch_slipping": "slipping",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    arwatch_risk_ids = fields.One2many("arwatch.partner.risk", "partner_id", "Risk per company")
    arwatch_level = fields.Selection(LEVELS, "Risk level", compute="_compute_arwatch", search="_search_arwatch_level")
    arwatch_score = fields.Float("Risk score", digits=(5, 1), compute="_compute_arwatch",
                                search="_search_arwatch_score")
    arwatch_segment = fields.Selection(SEGMENTS, "Payer type", compute="_compute_arwatch",
                                       search="_search_arwatch_segment",
                                       help="How the customer has paid so far; the risk level says how that "
                                            "is changing.")
    arwatch_risk_words = fields.Char("Risk in words", compute="_compute_arwatch",
                                     help="Segment and level as one phrase: 'good payer, sudden change: high'.")
    arwatch_reasons = fields.Html("Risk reasons", compute="_compute_arwatch", sanitize=False)
    arwatch_scored_at = fields.Datetime("Last scored", compute="_compute_arwatch")
    arwatch_hold = fields.Boolean("On credit hold", compute="_compute_arwatch", search="_search_arwatch_hold")
    arwatch_hold_reason = fields.Text("Hold reason", compute="_compute_arwatch")
    arwatch_hold_since = fields.Date("On hold since", compute="_compute_arwatch")
    arwatch_override_until = fields.Date("Hold lifted until", compute="_compute_arwatch")
    arwatch_slipping = fields.Boolean("Slipping", compute="_compute_arwatch", search="_search_arwatch_slipping")
    arwatch_archived_on = fields.Date(
        "Archived on", copy=False, readonly=True,
        help="Day the contact was archived; the staff-exodus warning sign counts these.")

    @api.depends_context("company")
    @api.depends("arwatch_risk_ids.level", "arwatch_risk_ids.score", "arwatch_risk_ids.hold")
    def _compute_arwatch(self):
        company = self.env.company
        risks = self.env["arwatch.partner.risk"].sudo().search(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", company.id)])
        by_partner = {r.partner_id.id: r for r in risks}
        for partner in self:
            risk = by_partner.get(partner.commercial_partner_id.id)
            for name, source in RISK_FIELDS.items():
                partner[name] = risk[source] if risk else False

    def _arwatch_search(self, source, operator, value):
        """Search through the current company's risk row (no load of every partner)."""
        return [("arwatch_risk_ids", "any", [("company_id", "=", self.env.company.id), (source, operator, value)])]

    def _search_arwatch_level(self, operator, value):
        return self._arwatch_search("level", operator, value)

    def _search_arwatch_score(self, operator, value):
        return self._arwatch_search("score", operator, value)

    def _search_arwatch_segment(self, operator, value):
        return self._arwatch_search("segment", operator, value)

    def _search_arwatch_hold(self, operator, value):
        return self._arwatch_search("hold", operator, value)

    def _search_arwatch_slipping(self, operator, value):
        return self._arwatch_search("slipping", operator, value)

    def write(self, vals):
        if vals.get("active") is False and "arwatch_archived_on" not in vals:
            vals = dict(vals, arwatch_archived_on=fields.Date.context_today(self))
        elif vals.get("active") is True:
            vals = dict(vals, arwatch_archived_on=False)
        return super().write(vals)

    def action_arwatch_score_now(self):
        return self.env["arwatch.scoring"]._score_now(self.env.company)

    def action_arwatch_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log call outcome"),
            "res_model": "arwatch.call.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_arwatch_lift_hold(self):
        self.ensure_one()
        risk = self.env["arwatch.partner.risk"].search(
            [("partner_id", "=", self.commercial_partner_id.id), ("company_id", "=", self.env.company.id)], limit=1)
        return risk.action_open_override()

