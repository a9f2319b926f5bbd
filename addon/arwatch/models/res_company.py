from odoo import _, fields, models
from odoo.exceptions import UserError

from arwatch.core.formats import locale_of_lang

LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
MODEL_USE = [("chosen", "The model the company's own backtest chooses"), ("scorecard", "Always the scorecard")]
SCORED_BY = [("odoo", "This add-on (daily job in Odoo)"), ("sync", "arwatch sync (external)")]
#: the collections settings (Settings > Accounting > Collections): in a branch, its root company's apply
POLICY_FIELDS = (
    "arwatch_score_medium", "arwatch_score_high", "arwatch_score_critical", "arwatch_delinquent_days",
    "arwatch_hold_enabled", "arwatch_hold_delinquent", "arwatch_hold_level", "arwatch_hold_clear_days",
    "arwatch_block_invoices", "arwatch_reminder_days", "arwatch_call_days", "arwatch_patience_days",
    "arwatch_agency_days", "arwatch_large_invoice", "arwatch_collections_user_id", "arwatch_manager_user_id",
    "arwatch_scored_by", "arwatch_model_use", "arwatch_model_min_settled",
)


class ResCompany(models.Model):
    """The credit policy of a company: what the core's ``Policy`` is built from (per company)."""

    _inherit = "res.company"

    arwatch_score_medium = fields.Float("Medium risk from score", default=25.0)
    arwatch_score_high = fields.Float("High risk from score", default=50.0)
    arwatch_score_critical = fields.Float("Critical risk from score", default=75.0)
    arwatch_delinquent_days = fields.Integer("Delinquent after (days past due)", default=91)
    arwatch_hold_enabled = fields.Boolean("Automatic credit holds", default=True)
    arwatch_hold_delinquent = fields.Boolean("Hold delinquent customers", default=True)
    arwatch_hold_level = fields.Selection(
        LEVELS + [("none", "Never by level")], string="Hold from risk level", default="critical", required=True)
    arwatch_hold_clear_days = fields.Integer(
        "Release a hold after (days clear)", default=7,
        help="Every cause must have been clear this many consecutive days before a hold is released.")
    arwatch_block_invoices = fields.Boolean(
        "Refuse invoices on credit for held customers",
        help="Posting a customer invoice whose due date is after its invoice date is refused "
             "for a customer on credit hold (payment upfront only).")
    arwatch_reminder_days = fields.Integer("Reminder from (days past due)", default=1)
    arwatch_call_days = fields.Integer("Phone call from (days past due)", default=30)
    arwatch_patience_days = fields.Integer(
        "Patience (days past due)", default=30,
        help="Nothing beyond reminders before this many days past due.")
    arwatch_agency_days = fields.Integer("Agency referral from (days past due)", default=91)
    arwatch_large_invoice = fields.Float("Large invoice from", default=5000.0)
    arwatch_collections_user_id = fields.Many2one("res.users", "Collections user")
    arwatch_manager_user_id = fields.Many2one("res.users", "Collections manager")
    arwatch_last_run = fields.Datetime("Last scoring run", readonly=True)
    arwatch_full_run_at = fields.Datetime(
        "Last scoring run over all customers", readonly=True,
        help="Every customer's risk row was scored then; the run wrote only the rows that changed.")
    arwatch_scored_by = fields.Selection(
        SCORED_BY, "Scored by", default="odoo", required=True,
        help="Who writes this company's risk flags, credit holds and collection activities. "
             "'arwatch sync': the daily job skips this company and an external `arwatch sync` "
             "(a collections manager's API key) writes them through this add-on; the holds are "
             "enforced the same way. One writer per company: the other only reads.")
    arwatch_model_use = fields.Selection(
        MODEL_USE, "Risk model", default="chosen", required=True,
        help="Which model's chance of late payment sets the score and level: the one the company's own "
             "backtest chooses on its history (a learned model, the customer's past late rate or the "
             "scorecard; fitted again every 30 days), or always the explained scorecard. The reasons "
             "shown are the warning signs' evidence either way.")
    arwatch_model_min_settled = fields.Integer(
        "Settled invoices needed to choose a model", default=200,
        help="With fewer settled invoices known before the fit day, the scorecard scores.")
    arwatch_model_fit_id = fields.Many2one("arwatch.model.fit", "Model in use", compute="_compute_arwatch_model_fit")

    def _compute_arwatch_model_fit(self):
        fits = self.env["arwatch.model.fit"]
        for company in self:
            company.arwatch_model_fit_id = fits._in_use(company) if company.id else fits

    def write(self, vals):
        """A branch's collections settings are its root company's (the root scores the group and
        its hold applies in every branch): a value written on a branch would be kept and never
        used, so a change is refused, naming the company where it is set."""
        for company in self.sudo().filtered("parent_id"):
            company._arwatch_refuse_settings(vals, company)
        return super().write(vals)

    def _arwatch_refuse_settings(self, vals, current):
        """Raise when ``vals`` changes a collections setting of the branch ``self``, compared with
        the values of ``current`` (the branch itself, or its root whose values the settings show)."""
        self.ensure_one()
        changed = [f for f in POLICY_FIELDS
                   if f in vals and current._fields[f].convert_to_write(current[f], current) != (vals[f] or False)]
        if changed:
            raise UserError(_(
                "%(branch)s is a branch of %(root)s: its collections settings (%(fields)s) are "
                "%(root)s's, which apply in all its branches. Change them in %(root)s.",
                branch=self.name, root=self.root_id.name,
                fields=", ".join(self._fields[f].string for f in changed)))

    def _arwatch_scored_in_odoo(self):
        """The companies of ``self`` that the add-on's job scores."""
        return self.filtered(lambda c: c.arwatch_scored_by == "odoo")

    def _arwatch_locale(self):
        """How the company's hold reasons, task notes and activities write days and money: the
        locale of the company's language (its partner's, as Odoo keeps it: fr_FR, de_CH), en_US
        when it has none or one the formats do not know."""
        self.ensure_one()
        # one query whatever is in the cache, so that a scoring run costs the same every time
        self.env["res.partner"].flush_model(["lang"])
        self.env["res.company"].flush_model(["partner_id"])
        self.env.cr.execute("SELECT p.lang FROM res_company c JOIN res_partner p ON p.id = c.partner_id "
                            "WHERE c.id = %s", [self.id])
        row = self.env.cr.fetchone()
        return locale_of_lang(row[0] if row else None)

    def _arwatch_policy_values(self):
        """The policy settings of one company as plain values (see ``lib.policy``)."""
        self.ensure_one()
        return {
            "medium": self.arwatch_score_medium,
            "high": self.arwatch_score_high,
            "critical": self.arwatch_score_critical,
            "delinquent_days": self.arwatch_delinquent_days,
            "hold_enabled": self.arwatch_hold_enabled,
            "hold_delinquent": self.arwatch_hold_delinquent,
            "hold_level": self.arwatch_hold_level,
            "hold_clear_days": self.arwatch_hold_clear_days,
            "reminder_days": self.arwatch_reminder_days,
            "call_days": self.arwatch_call_days,
            "patience_days": self.arwatch_patience_days,
            "agency_days": self.arwatch_agency_days,
            "large_invoice": self.arwatch_large_invoice,
            "collections_user": str(self.arwatch_collections_user_id.id or ""),
            "manager_user": str(self.arwatch_manager_user_id.id or ""),
            "model_use": self.arwatch_model_use,
            "model_min_settled": self.arwatch_model_min_settled,
        }
