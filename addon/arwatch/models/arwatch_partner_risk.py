from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .. import compat
from ..lib import words

LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
SEGMENTS = [
    ("good", "Good"),
    ("new", "New"),
    ("chronic_late", "Chronic late"),
    ("delinquent", "Delinquent"),
    ("under_review", "Under review"),
]
SLIPPING = ("habit_slip", "slowing_trend", "selective_payment")
# written only by server code (sudo): the scoring run, the sync API (managers) and the override
# wizard (managers, reason, chatter); never by a caller's own write or create, RPC included
HOLD_FIELDS = ("hold", "hold_rule", "hold_reason", "hold_since")
OVERRIDE_FIELDS = ("override_until", "override_reason", "override_user_id")
GUARDED_FIELDS = HOLD_FIELDS + OVERRIDE_FIELDS + ("partner_id", "company_id")


@compat.sql_constraints(
    ("partner_company_uniq", "unique(partner_id, company_id)", "One risk record per customer and company."),
)
class ArwatchPartnerRisk(models.Model):
    """A customer's risk in one company.

    A partner is shared by the companies of a database but its risk is not: each company scores
    its own receivables with its own policy. One row per (partner, company) holds what the
    scoring run wrote (flag and hold) and what a manager decided (override); ``res.partner``
    shows the row of the current company through non-stored computed fields.
    """

    _name = "arwatch.partner.risk"
    _description = "Customer risk (per company)"
    _inherit = ["mail.thread"]
    _order = "score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", "Salesperson", related="partner_id.user_id", store=True)
    level = fields.Selection(LEVELS, "Risk level", tracking=True, copy=False, index=True)
    score = fields.Float("Risk score", digits=(5, 1), tracking=True, copy=False, aggregator="avg")
    segment = fields.Selection(SEGMENTS, "Segment", tracking=True, copy=False, index=True)
    reasons = fields.Text("Reasons", copy=False, help="The top reasons with their evidence, one a line.")
    reasons_html = fields.Html("Reasons with evidence", compute="_compute_reasons_html", sanitize=True)
    indicators = fields.Char("Fired indicator ids", copy=False,
                             help="Ids of the indicators that fired, comma separated (for filters and exports).")
    indicator_names = fields.Char("Warning signs", compute="_compute_words",
                                  help="The warning signs that fired, in words.")
    risk_words = fields.Char("Risk in words", compute="_compute_words",
                             help="How the customer has paid over time and how likely its debt goes bad now, "
                                  "as one phrase: 'good payer, sudden change: high'.")
    slipping = fields.Boolean("Slipping", copy=False, index=True,
                              help="Pays later than its own habit, slower and slower, or selectively.")
    scored_at = fields.Datetime("Last scored", copy=False, readonly=True)
    hold = fields.Boolean("On credit hold", tracking=True, copy=False, index=True, readonly=True)
    hold_rule = fields.Char("Hold rule", copy=False, readonly=True)
    hold_cause = fields.Char("Held because", compute="_compute_words", help="The hold's rule in words.")
    hold_reason = fields.Text("Hold reason", tracking=True, copy=False, readonly=True)
    hold_since = fields.Date("On hold since", copy=False, readonly=True)
    override_until = fields.Date("Hold lifted until", tracking=True, copy=False, readonly=True)
    # who lifted a hold and why: the managers' audit, set by the override wizard only
    override_reason = fields.Text("Override reason", tracking=True, copy=False, readonly=True,
                                  groups="arwatch.group_collections_manager")
    override_user_id = fields.Many2one("res.users", "Lifted by", copy=False, readonly=True,
                                       groups="arwatch.group_collections_manager")
    hold_effective = fields.Boolean("Hold in force", compute="_compute_hold_effective")
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_guarded_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_guarded_fields(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_on_hold(self):
        if not self.env.su and any(self.mapped("hold")):
            raise AccessError(_("A customer on credit hold keeps its risk record: a collections manager "
                                "lifts the hold with 'Lift credit hold'."))

    @api.model
    def _check_guarded_fields(self, vals):
        """Holds, overrides and the customer/company a row belongs to are written by server code
        only (``sudo``: the scoring run, the sync API, the override wizard). A caller's environment,
        which is all an RPC call gets whatever its context says, is refused, managers included:
        a hold is lifted with the wizard (reason required, logged in the chatter)."""
        guarded = sorted(set(vals) & set(GUARDED_FIELDS))
        if guarded and not self.env.su:
            raise AccessError(_(
                "Credit holds are placed by the scoring and lifted by a collections manager with "
                "'Lift credit hold' (reason required); %(fields)s cannot be written directly.",
                fields=", ".join(guarded)))

    @api.depends("reasons")
    def _compute_reasons_html(self):
        for rec in self:
            lines = (rec.reasons or "").splitlines()
            if not lines:
                rec.reasons_html = False
                continue
            items = "".join(f"<li>{_escape(words.hold_reason(line))}</li>" for line in lines)
            rec.reasons_html = f"<ul>{items}</ul>"

    @api.depends("indicators", "level", "segment", "hold_rule")
    def _compute_words(self):
        for rec in self:
            rec.hold_cause = words.hold_cause(rec.hold_rule) or False
            rec.indicator_names = words.indicator_names(rec.indicators) or False
            rec.risk_words = words.standing(rec.level, rec.segment) or False

    @api.depends("hold", "override_until")
    @api.depends_context("date")
    def _compute_hold_effective(self):
        today = fields.Date.context_today(self)
        for rec in self:
            rec.hold_effective = rec.hold and not (rec.override_until and rec.override_until >= today)

    def _compute_invoice_count(self):
        groups = self.env["account.move"]._read_group(
            [("commercial_partner_id", "in", self.partner_id.ids), ("move_type", "=", "out_invoice"),
             ("state", "=", "posted"), ("payment_state", "not in", ("paid", "reversed"))],
            ["commercial_partner_id", "company_id"], ["__count"])
        counts = {(p.id, c.id): n for p, c, n in groups}
        for rec in self:
            rec.invoice_count = counts.get((rec.partner_id.id, rec.company_id.id), 0)

    def action_score_now(self):
        """Score this company's customers now (the cron's work, on demand)."""
        self.env["arwatch.scoring"]._score_now(self.company_id or self.env.company)
        return True

    def action_open_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Lift credit hold"),
            "res_model": "arwatch.hold.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_risk_id": self.id},
        }

    @api.model
    def _arwatch_risk_of(self, partner, company):
        """The risk record (sudo) of ``partner`` in ``company``, created if missing: where notes
        that belong to one company go. ``company`` must be one the user works in."""
        if company not in self.env.companies:
            raise AccessError(_("%s is not one of the companies you work in.", company.name))
        risks = self.sudo()
        risk = risks.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1)
        return risk or risks.create({"partner_id": partner.id, "company_id": company.id})

    @api.model
    def _held_partner_ids(self, partners, company):
        """{commercial partner id: hold reason} of the partners held in ``company``; one SQL query
        (this runs on every order confirmation and invoice posting, so no ORM prefetching)."""
        ids = partners.commercial_partner_id.ids
        if not ids:
            return {}
        self.flush_model(["partner_id", "company_id", "hold", "hold_reason", "override_until"])
        self.env.cr.execute(
            """SELECT partner_id, hold_reason FROM arwatch_partner_risk
                WHERE company_id = %s AND partner_id = ANY(%s) AND hold
                  AND (override_until IS NULL OR override_until < %s)""",
            (company.id, ids, fields.Date.context_today(self)))
        return dict(self.env.cr.fetchall())

def _escape(text):
    from markupsafe import escape

    return str(escape(text))
