from odoo import _, api, fields, models
from odoo.exceptions import AccessError

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
        """The risk of the current company; in a branch, the row of the root-most company above
        it that has one (``_hold_companies``): the root's, which scores the group's debt."""
        companies = self.env["arwatch.partner.risk"]._hold_companies(self.env.company).ids
        risks = self.env["arwatch.partner.risk"].sudo().search(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "in", companies)])
        # nearest company first, so that the root-most row is the one kept
        by_partner = {r.partner_id.id: r for r in risks.sorted(lambda r: -companies.index(r.company_id.id))}
        for partner in self:
            risk = by_partner.get(partner.commercial_partner_id.id)
            for name, source in RISK_FIELDS.items():
                partner[name] = risk[source] if risk else False

    def _arwatch_search(self, source, operator, value):
        """Search through the risk rows shown (``_compute_arwatch``): the current company's and, in
        a branch, those of the companies above it (no load of every partner). Read as server code:
        a branch's user may not read its root's rows, whose holds apply to the branch."""
        risk = self.env["arwatch.partner.risk"]
        rows = risk.sudo()._search([("company_id", "in", risk._hold_companies(self.env.company).ids),
                                    (source, operator, value)])
        return [("arwatch_risk_ids", "in", rows)]

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
        """Lift the hold in force in the current company: in a branch, its root company's hold,
        which only a manager working in the root company lifts (the override wizard's wall)."""
        self.ensure_one()
        risks = self.env["arwatch.partner.risk"]
        holding = risks._holding_risk(self.commercial_partner_id, self.env.company)
        if holding and holding.company_id not in self.env.companies:
            raise AccessError(_("The credit hold of %(customer)s is placed by %(company)s: a collections manager "
                                "working in %(company)s lifts it.",
                                customer=holding.partner_id.display_name, company=holding.company_id.name))
        risk = risks.browse(holding.id) or risks.search(
            [("partner_id", "=", self.commercial_partner_id.id), ("company_id", "=", self.env.company.id)], limit=1)
        return risk.action_open_override()

