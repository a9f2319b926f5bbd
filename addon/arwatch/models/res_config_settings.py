from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """The collections settings of the current company; in a branch, its root company's, shown
    read-only: they apply in all the root's branches (``res.company.write`` refuses them on a branch)."""

    _inherit = "res.config.settings"

    arwatch_in_branch = fields.Boolean(compute="_compute_arwatch_in_branch")
    arwatch_settings_company_id = fields.Many2one(related="company_id.root_id", string="Collections settings of")

    arwatch_score_medium = fields.Float(related="company_id.root_id.arwatch_score_medium", readonly=False)
    arwatch_score_high = fields.Float(related="company_id.root_id.arwatch_score_high", readonly=False)
    arwatch_score_critical = fields.Float(related="company_id.root_id.arwatch_score_critical", readonly=False)
    arwatch_delinquent_days = fields.Integer(related="company_id.root_id.arwatch_delinquent_days", readonly=False)
    arwatch_hold_enabled = fields.Boolean(related="company_id.root_id.arwatch_hold_enabled", readonly=False)
    arwatch_hold_delinquent = fields.Boolean(related="company_id.root_id.arwatch_hold_delinquent", readonly=False)
    arwatch_hold_level = fields.Selection(related="company_id.root_id.arwatch_hold_level", readonly=False)
    arwatch_hold_clear_days = fields.Integer(related="company_id.root_id.arwatch_hold_clear_days", readonly=False)
    arwatch_block_invoices = fields.Boolean(related="company_id.root_id.arwatch_block_invoices", readonly=False)
    arwatch_reminder_days = fields.Integer(related="company_id.root_id.arwatch_reminder_days", readonly=False)
    arwatch_call_days = fields.Integer(related="company_id.root_id.arwatch_call_days", readonly=False)
    arwatch_patience_days = fields.Integer(related="company_id.root_id.arwatch_patience_days", readonly=False)
    arwatch_agency_days = fields.Integer(related="company_id.root_id.arwatch_agency_days", readonly=False)
    arwatch_large_invoice = fields.Float(related="company_id.root_id.arwatch_large_invoice", readonly=False)
    arwatch_collections_user_id = fields.Many2one(
        related="company_id.root_id.arwatch_collections_user_id", readonly=False)
    arwatch_manager_user_id = fields.Many2one(related="company_id.root_id.arwatch_manager_user_id", readonly=False)
    arwatch_scored_by = fields.Selection(related="company_id.root_id.arwatch_scored_by", readonly=False)
    arwatch_model_use = fields.Selection(related="company_id.root_id.arwatch_model_use", readonly=False)
    arwatch_model_min_settled = fields.Integer(related="company_id.root_id.arwatch_model_min_settled", readonly=False)
    arwatch_model_summary = fields.Char(related="company_id.root_id.arwatch_model_fit_id.summary")
    arwatch_model_reason = fields.Text(related="company_id.root_id.arwatch_model_fit_id.reason")
    arwatch_model_backtest = fields.Text(related="company_id.root_id.arwatch_model_fit_id.backtest")

    @api.model_create_multi
    def create(self, vals_list):
        """Settings saved in a branch change nothing of the root's collections settings they show."""
        for vals in vals_list:
            company = self.env["res.company"].browse(vals["company_id"]) if vals.get("company_id") else self.env.company
            if company.sudo().parent_id:
                company.sudo()._arwatch_refuse_settings(vals, company.sudo().root_id)
        return super().create(vals_list)

    @api.depends("company_id")
    def _compute_arwatch_in_branch(self):
        for settings in self:
            settings.arwatch_in_branch = bool(settings.company_id.parent_id)
