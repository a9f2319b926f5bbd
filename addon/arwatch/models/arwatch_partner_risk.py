from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import formatLang

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
LEVEL_RANK = {value: rank for rank, (value, _label) in enumerate(LEVELS)}
SLIPPING = ("habit_slip", "slowing_trend", "selective_payment")
# written only by server code (sudo): the scoring run, the sync API (managers) and the override
# wizard (managers, reason, chatter); never by a caller's own write or create, RPC included
HOLD_FIELDS = ("hold", "hold_rule", "hold_reason", "hold_since")
OVERRIDE_FIELDS = ("override_until", "override_reason", "override_user_id")
# with a collection agency: set when a manager approves an agency referral, cleared by a recall
AGENCY_FIELDS = ("agency_since", "agency_recalled_on", "agency_approved_by")
GUARDED_FIELDS = HOLD_FIELDS + OVERRIDE_FIELDS + AGENCY_FIELDS + ("partner_id", "company_id")


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
    _order = "level_rank desc, score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", "Salesperson", related="partner_id.user_id", store=True)
    level = fields.Selection(LEVELS, "Risk level", tracking=True, copy=False, index=True,
                             help="How likely the customer is to pay late or not at all, from its score: "
                                  "low, medium, high, critical (thresholds in the settings).")
    level_rank = fields.Integer(
        "Risk level rank", compute="_compute_level_rank", store=True, index=True,
        help="The level as a number (low 0 to critical 3, none -1): lists show the riskiest first by "
             "level, then by score, as arwatch's other lists do (a level set by the payer type's rules "
             "or the model in use may put a lower score above a higher one).")
    score = fields.Float("Risk score", digits=(5, 1), tracking=True, copy=False, aggregator="avg",
                         help="0 (no warning sign) to 100 (every warning sign at full strength).")
    segment = fields.Selection(SEGMENTS, "Payer type", tracking=True, copy=False, index=True,
                               help="How the customer has paid so far (good payer, new, chronically late, "
                                    "delinquent, under review); the risk level says how that is changing.")
    reasons = fields.Text("Reasons", copy=False, help="The top reasons with their evidence, one a line.")
    reasons_html = fields.Html("Reasons with evidence", compute="_compute_reasons_html", sanitize=True)
    indicators = fields.Char("Warning signs (codes)", copy=False,
                             help="Codes of the warning signs that fired, for exports; the reasons say them in words.")
    indicator_names = fields.Char("Warning signs", compute="_compute_words",
                                  help="The warning signs that fired, in words.")
    risk_words = fields.Char("Risk in words", compute="_compute_words",
                             help="How the customer has paid over time and how likely its debt goes bad now, "
                                  "as one phrase: 'good payer, sudden change: high'.")
    slipping = fields.Boolean("Slipping", copy=False, index=True,
                              help="Pays later than its own habit, slower and slower, or selectively.")
    # "last scored" of a row: when a run last wrote it (a run over some customers, an external
    # sync, or a change of its values), or the company's last run over all its customers, which
    # writes only the rows that change (one row version per customer and night was the no-change
    # run's largest write)
    written_at = fields.Datetime(
        "Last written by a run", copy=False, readonly=True,
        help="When a scoring run or sync last wrote this row; a nightly run over all customers "
             "writes only the rows that changed.")
    scored_at = fields.Datetime("Last scored", compute="_compute_scored_at",
                                help="The later of this row's last write and the company's last run over all "
                                     "its customers.")
    scored_by_model = fields.Char(
        "Scored by", compute="_compute_scored_by_model",
        help="The model whose chance of late payment set the score and level: the one the company's own "
             "backtest chose, with its fit day and version (Settings > Invoicing > Collections).")
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
    # indexed where set: the nightly read of agency placements (``ledger_sql.AGENCY``) then reads
    # the few placed rows, not every risk row of the company
    agency_since = fields.Date(
        "With agency since", tracking=True, copy=False, readonly=True, index="btree_not_null",
        help="The day a collections manager approved the referral to a collection agency: from then on "
             "arwatch sends no reminder, letter or call task of its own; a credit hold stays and payments "
             "still settle invoices. 'Recall from agency' ends it.")
    agency_recalled_on = fields.Date("Recalled from agency on", tracking=True, copy=False, readonly=True)
    agency_approved_by = fields.Many2one("res.users", "Referral approved by", copy=False, readonly=True)
    with_agency = fields.Boolean("With agency", compute="_compute_with_agency", store=True, index=True,
                                 help="Placed with a collection agency (approved referral, not recalled).")
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    amount_overdue = fields.Monetary("Amount overdue", currency_field="currency_id", copy=False, readonly=True,
                                     help="Open invoices past their due date, as of the last scoring.")
    days_past_due = fields.Integer("Days past due", copy=False, readonly=True, aggregator="max",
                                   help="Days past due of the oldest open invoice, as of the last scoring.")
    money_at_risk = fields.Monetary(
        "Money at risk", currency_field="currency_id", copy=False, readonly=True,
        help="Amount overdue times the risk score read as a chance of loss (score 60: 60 %). "
             "The worklist puts the largest first.")
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    next_activity_type_id = fields.Many2one("mail.activity.type", "Next step", compute="_compute_next_step")
    next_deadline = fields.Date("Next step due", compute="_compute_next_step")

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

    @api.depends("written_at", "company_id.arwatch_full_run_at")
    def _compute_scored_at(self):
        for rec in self:
            stamps = [t for t in (rec.written_at, rec.company_id.sudo().arwatch_full_run_at) if t]
            rec.scored_at = max(stamps) if stamps else False

    @api.depends("company_id")
    def _compute_scored_by_model(self):
        """The company's model in use (``arwatch.model.fit``): what set this row's score at its last run."""
        fits = self.env["arwatch.model.fit"]
        summaries = {company: fits._in_use(company).summary for company in self.company_id}
        for rec in self:
            rec.scored_by_model = summaries.get(rec.company_id, False)

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

    @api.depends("agency_since", "agency_recalled_on")
    def _compute_with_agency(self):
        for rec in self:
            rec.with_agency = bool(rec.agency_since) and not (
                rec.agency_recalled_on and rec.agency_recalled_on >= rec.agency_since)

    def _arwatch_place_with_agency(self, day, why):
        """Mark these rows "with agency" from ``day`` (server code: an approved referral)."""
        for rec in self.sudo():
            if rec.with_agency:
                continue
            rec.write({"agency_since": day, "agency_recalled_on": False, "agency_approved_by": self.env.user.id})
            rec.message_post(body=_("Placed with a collection agency: %s", why))

    def action_recall_from_agency(self):
        """A collections manager takes the customers back from the agency: arwatch's dunning
        resumes at the next scoring."""
        if not self.env.user.has_group("arwatch.group_collections_manager"):
            raise AccessError(_("Only a collections manager recalls a customer from the agency."))
        if self.company_id - self.env.companies:
            raise AccessError(_("%s is not one of the companies you work in.",
                                (self.company_id - self.env.companies)[0].name))
        today = fields.Date.context_today(self)
        for rec in self.sudo().filtered("with_agency"):
            rec.write({"agency_recalled_on": max(today, rec.agency_since)})
            rec.message_post(body=_("Recalled from the collection agency by %s.", self.env.user.name))
        return True

    @api.depends("level")
    def _compute_level_rank(self):
        for rec in self:
            rec.level_rank = LEVEL_RANK.get(rec.level, -1)

    @api.model
    def _level_rank(self, row):
        """Sort key of a grouped row by risk level, low to critical (rows without a level last)."""
        value = row.get("level")
        if isinstance(value, (list, tuple)):
            value = value[0] if value else False
        return LEVEL_RANK.get(value, len(LEVEL_RANK))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Groups by level in the levels' order (low -> critical), not alphabetically (pivot, graph)."""
        rows = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        return self._levels_in_order(rows, groupby, orderby)

    @api.model
    def formatted_read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        """19.0's grouped read of the pivot and graph views: levels low -> critical as well."""
        rows = super().formatted_read_group(domain, groupby, aggregates, *args, **kwargs)
        return self._levels_in_order(rows, groupby, kwargs.get("order"))

    @api.model
    def formatted_read_grouping_sets(self, domain, grouping_sets, aggregates=(), **kwargs):
        """19.0's pivot: one grouped read per grouping set, each with levels low -> critical."""
        results = super().formatted_read_grouping_sets(domain, grouping_sets, aggregates, **kwargs)
        return [self._levels_in_order(rows, groupby, kwargs.get("order"))
                for rows, groupby in zip(results, grouping_sets, strict=False)]

    @api.model
    def _levels_in_order(self, rows, groupby, orderby):
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or ())
        if "level" not in groupby or (orderby and "level" not in str(orderby) and str(orderby).strip()):
            return rows
        return sorted(rows, key=self._level_rank)

    def _compute_next_step(self):
        """The earliest open collection task of each row's customer in its company (one search)."""
        activities = self.env["mail.activity"].sudo().search(
            [("arwatch_partner_id", "in", self.partner_id.ids), ("arwatch_company_id", "in", self.company_id.ids),
             ("arwatch_key", "!=", False)], order="date_deadline, id")
        first = {}
        for activity in activities:
            first.setdefault((activity.arwatch_partner_id.id, activity.arwatch_company_id.id), activity)
        for rec in self:
            activity = first.get((rec.partner_id.id, rec.company_id.id))
            rec.next_activity_type_id = activity.activity_type_id if activity else False
            rec.next_deadline = activity.date_deadline if activity else False

    def _compute_invoice_count(self):
        groups = self.env["account.move"]._read_group(
            [("commercial_partner_id", "in", self.partner_id.ids), ("move_type", "=", "out_invoice"),
             ("state", "=", "posted"), ("payment_state", "not in", ("paid", "reversed"))],
            ["commercial_partner_id", "company_id"], ["__count"])
        counts = {(p.id, c.id): n for p, c, n in groups}
        for rec in self:
            rec.invoice_count = counts.get((rec.partner_id.id, rec.company_id.id), 0)

    def action_score_now(self):
        """Score this company's customers now (the cron's work, on demand); a notification says
        what it did."""
        return self.env["arwatch.scoring"]._score_now(self.company_id or self.env.company)

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
    def _hold_companies(self, company):
        """The companies whose credit holds apply in ``company``, root first: the company and the
        companies above it (Odoo's branches, ``res.company.parent_id``: a customer owes the group,
        so a hold of the root company applies in each of its branches). Never a sibling branch or
        an unrelated company: the company wall of every hold check."""
        return company.sudo().parent_ids

    @api.model
    def _held_partner_ids(self, partners, company):
        """{partner id: hold reason} of the partners held in ``company`` (by itself or a company
        above it, ``_hold_companies``: the root's reason first), each partner looked up itself
        and through its commercial partner (``_debtors``); one SQL query (this runs on every
        order confirmation and invoice posting, so no ORM prefetching)."""
        ids = self._debtors(partners).ids
        if not ids:
            return {}
        companies = self._hold_companies(company).ids
        self.flush_model(["partner_id", "company_id", "hold", "hold_reason", "override_until"])
        # nearest company first, so that the dict keeps the reason of the root-most hold
        self.env.cr.execute(
            """SELECT partner_id, hold_reason FROM arwatch_partner_risk
                WHERE company_id = ANY(%s) AND partner_id = ANY(%s) AND hold
                  AND (override_until IS NULL OR override_until < %s)
                ORDER BY array_position(%s, company_id) DESC, id""",
            (companies, ids, fields.Date.context_today(self), companies))
        return dict(self.env.cr.fetchall())

    @api.model
    def _holding_risk(self, partner, company):
        """The risk row (sudo) whose hold in force ``partner`` falls under in ``company``: of the
        company or of a company above it (the root-most), or an empty recordset."""
        held = self._held_debtor(partner, self._held_partner_ids(partner, company))
        if not held:
            return self.sudo().browse()
        companies = self._hold_companies(company).ids
        today = fields.Date.context_today(self)
        rows = self.sudo().search([("partner_id", "=", held.id), ("company_id", "in", companies), ("hold", "=", True)])
        rows = rows.filtered(lambda r: not (r.override_until and r.override_until >= today))
        return rows.sorted(lambda r: companies.index(r.company_id.id))[:1]

    @api.model
    def _debtors(self, partners):
        """Who may hold ``partners``' debt: each commercial partner, where risk rows are scored,
        then each partner itself. A held company moved under another (its commercial partner
        changed since the hold was placed) keeps its own hold."""
        return partners.commercial_partner_id | partners

    @api.model
    def _held_debtor(self, partners, held):
        """The first of ``_debtors(partners)`` that ``held`` (``_held_partner_ids``) holds, or
        an empty recordset."""
        return next((debtor for debtor in self._debtors(partners) if debtor.id in held), partners.browse())

    @api.model
    def _hold_title(self, partner, company):
        """"Credit hold: Ghost Trading owes 8,100.00 €, 120 days overdue": the customer's overdue
        amount and oldest days past due as of the last scoring, in the user's language."""
        risk = self._holding_risk(partner, company)
        held = risk.partner_id or partner.commercial_partner_id
        if not risk:
            risk = self.sudo().search([("partner_id", "=", held.id), ("company_id", "=", company.id)], limit=1)
        name = held.sudo().display_name
        if not risk.amount_overdue:
            return _("Credit hold: %s", name)
        amount = formatLang(self.env, risk.amount_overdue, currency_obj=company.currency_id)
        return _("Credit hold: %(customer)s owes %(amount)s, %(days)s days overdue",
                 customer=name, amount=amount, days=risk.days_past_due)


def _escape(text):
    from markupsafe import escape

    return str(escape(text))
