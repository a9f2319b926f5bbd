import logging

from odoo import api, fields, models

from arwatch.core.backtest.live import FORMAT, PREDICTOR_TITLES, ModelInUse, due_for_fit, fit_in_use, policy_key

_logger = logging.getLogger(__name__)

PREDICTORS = [(key, title.capitalize()) for key, title in PREDICTOR_TITLES.items()]


class ArwatchModelFit(models.Model):
    """The model that scores a company, as its own backtest chose it on the day of the fit.

    One row per fit, the newest is in use (``_in_use``); the daily job fits again when the newest
    may not score the run's day (``arwatch.core.backtest.live.due_for_fit``: none yet, another
    policy or question, ``refit_days`` old, or fitted after that day). ``data`` is the core's
    ``ModelInUse`` as JSON (coefficients and calibration of a learned model included): what is
    applied is exactly what was stored, with its version and fit day.
    """

    _name = "arwatch.model.fit"
    _description = "Collections risk model in use (per company)"
    _order = "fitted_on desc, id desc"
    _rec_name = "version"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True, ondelete="cascade")
    fitted_on = fields.Date("Fitted on", required=True, readonly=True,
                            help="The fit saw only what was known before this day.")
    predictor = fields.Selection(PREDICTORS, "Scored by", required=True, readonly=True)
    version = fields.Char("Version", required=True, readonly=True)
    reason = fields.Text("Why this model", readonly=True)
    backtest = fields.Text("How it did in its backtest", readonly=True)
    settled_invoices = fields.Integer("Settled invoices known", readonly=True)
    data = fields.Text("Fitted model (JSON)", required=True, readonly=True)
    summary = fields.Char("Model in use", compute="_compute_summary")

    @api.depends("predictor", "fitted_on", "version")
    def _compute_summary(self):
        for fit in self:
            title = PREDICTOR_TITLES.get(fit.predictor, fit.predictor or "")
            fit.summary = f"{title}, fitted on {fit.fitted_on} ({fit.version})" if fit.predictor else False

    def _model(self):
        """The stored ``ModelInUse`` of this row."""
        self.ensure_one()
        return ModelInUse.model_validate_json(self.data)

    @api.model
    def _in_use(self, company):
        """The newest fit of ``company`` (an empty recordset before the first)."""
        return self.sudo().search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _model_for(self, company, policy, today, full_frame):
        """The ``ModelInUse`` that scores ``company`` on ``today``: the stored one while it may
        (``due_for_fit``), else a new fit on ``full_frame()`` (every customer of the company, as of
        ``today``; built only when a fit is due), stored before it is used. A fit that fails is
        not stored: the scorecard scores this run and the next run fits again."""
        stored = self._in_use(company)
        model = stored._model() if stored else None
        if not due_for_fit(model, today, policy):
            return model
        try:
            model = fit_in_use(full_frame(), policy, today)
        except Exception as error:  # noqa: BLE001 - a failed fit must not stop the run: the scorecard scores
            # not stored: the next run tries again
            _logger.warning("arwatch: %s: no model could be fitted (%s: %s): the scorecard scores",
                            company.name, type(error).__name__, error)
            return ModelInUse(predictor="scorecard", version=f"{FORMAT}:scorecard:unfitted", fitted_on=today,
                              late_days=policy.model.late_days, policy=policy_key(policy), settled_invoices=0,
                              reason=f"no model could be fitted ({type(error).__name__}): the scorecard scores")
        self._store(company, model)
        _logger.info("arwatch: %s: %s", company.name, model.sentence())
        return model

    @api.model
    def _store(self, company, model):
        return self.sudo().create({
            "company_id": company.id, "fitted_on": model.fitted_on, "predictor": model.predictor,
            "version": model.version, "reason": model.reason, "settled_invoices": model.settled_invoices,
            "backtest": model.backtest.sentence() if model.backtest else False,
            "data": model.model_dump_json(),
        })
