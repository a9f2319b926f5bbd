from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    arwatch_score_medium = fields.Float(related="company_id.arwatch_score_medium", readonly=False)
    arwatch_score_high = fields.Float(related="company_id.arwatch_score_high", readonly=False)
    arwatch_score_critical = fields.Float(related="company_id.arwatch_score_critical", readonly=False)
    arwatch_delinquent_days = fields.Integer(related="company_id.arwatch_delinquent_days", readonly=False)
    arwatch_hold_enabled = fields.Boolean(related="company_id.arwatch_hold_enabled", readonly=False)
    arwatch_hold_delinquent = fields.Boolean(related="company_id.arwatch_hold_delinquent", readonly=False)
    arwatch_hold_level = fields.Selection(related="company_id.arwatch_hold_level", readonly=False)
    arwatch_hold_clear_days = fields.Integer(related="company_id.arwatch_hold_clear_days", readonly=False)
    arwatch_block_invoices = fields.Boolean(related="company_id.arwatch_block_invoices", readonly=False)
    arwatch_reminder_days = fields.Integer(related="company_id.arwatch_reminder_days", readonly=False)
    arwatch_call_days = fields.Integer(related="company_id.arwatch_call_days", readonly=False)
    arwatch_patience_days = fields.Integer(related="company_id.arwatch_patience_days", readonly=False)
    arwatch_agency_days = fields.Integer(related="company_id.arwatch_agency_days", readonly=False)
    arwatch_large_invoice = fields.Float(related="company_id.arwatch_large_invoice", readonly=False)
    arwatch_collections_user_id = fields.Many2one(related="company_id.arwatch_collections_user_id", readonly=False)
    arwatch_manager_user_id = fields.Many2one(related="company_id.arwatch_manager_user_id", readonly=False)
    arwatch_scored_by = fields.Selection(related="company_id.arwatch_scored_by", readonly=False)
    arwatch_model_use = fields.Selection(related="company_id.arwatch_model_use", readonly=False)
    arwatch_model_min_settled = fields.Integer(related="company_id.arwatch_model_min_settled", readonly=False)
    arwatch_model_summary = fields.Char(related="company_id.arwatch_model_fit_id.summary")
    arwatch_model_reason = fields.Text(related="company_id.arwatch_model_fit_id.reason")
    arwatch_model_backtest = fields.Text(related="company_id.arwatch_model_fit_id.backtest")
