import logging

from odoo import api, fields, models

from arwatch.core.backtest.live import FORMAT, PREDICTOR_TITLES, ModelInUse, due_for_fit, fit_in_use, policy_key

from .. import compat
from ..lib import ledger_sql
from ..lib.policy import company_policy

_logger = logging.getLogger(__name__)

PREDICTORS = [(key, title.capitalize()) for key, title in PREDICTOR_TITLES.items()]
REFIT_CRON = "arwatch.ir_cron_refit_model"


class ArwatchModelFit(models.Model):
    """The model that scores a company, as its own backtest chose it on the day of the fit.

    One row per fit, the newest is in use (``_in_use``). Fitting and scoring are two jobs: the
    refit job (``_cron_refit``, "arwatch: refit the risk model") fits when the newest may not score
    the day (``arwatch.core.backtest.live.due_for_fit``: none yet, another policy or question,
    ``refit_days`` old, or fitted after that day) and stores the fit; the scoring run only reads
    the newest fit and applies it (``_model_for``), and when it finds a fit due it triggers the
    refit job rather than fitting itself (a fit of 2,000 customers takes seconds). ``data`` is the
    core's ``ModelInUse`` as JSON (coefficients and calibration of a learned model included): what
    is applied is exactly what was stored, with its version and fit day.
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
    def _model_for(self, company, policy, today):
        """The ``ModelInUse`` that scores ``company`` on ``today``, read, never fitted, and whether
        a fit is due. The newest stored fit scores while it was fitted for this policy and
        question on or before ``today`` (one only ``refit_days`` old still scores until the refit
        job replaces it); else, and before the first fit, the scorecard. A due fit triggers the
        refit job (``_trigger_refit``): the next run applies what it stores."""
        stored = self._in_use(company)
        model = stored._model() if stored else None
        due = due_for_fit(model, today, policy)
        if due:
            self._trigger_refit()
        # fitted for this policy and question (due on its own fit day only for those) and saw no later day
        if model is not None and model.fitted_on <= today and not due_for_fit(model, model.fitted_on, policy):
            return model, due
        return ModelInUse(predictor="scorecard", version=f"{FORMAT}:scorecard:unfitted", fitted_on=today,
                          late_days=policy.model.late_days, policy=policy_key(policy), settled_invoices=0,
                          reason="no model fitted for this policy and day yet: the scorecard scores until "
                                 "the refit job has fitted one"), due

    @api.model
    def _trigger_refit(self):
        """Ask the refit job to run soon, once: a trigger still pending is not doubled."""
        cron = self.env.ref(REFIT_CRON, raise_if_not_found=False)
        if not cron:
            return
        cron = cron.sudo()
        if not self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)], limit=1):
            cron._trigger()

    @api.model
    def _cron_refit(self):
        """The refit job: per company the add-on scores, a new fit where one is due. The day is
        decided here, once, for every company."""
        today = fields.Date.context_today(self)
        for company in self.env["arwatch.scoring"]._cron_companies():
            self.with_company(company)._refit(company, today)
            if not compat.in_test_mode():
                # one company at a time: a failure keeps the others' fits
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _refit(self, company, today):
        """Fit ``company``'s model for ``today`` on every customer of the company (only its own
        ledger) when due and store it; returns the stored fit, or an empty recordset when none
        was due or the fit failed. A failed fit is not stored: the scorecard keeps scoring and the
        next run of the job fits again."""
        self.env.flush_all()
        policy, _extras = company_policy(company._arwatch_policy_values())
        stored = self._in_use(company)
        if not due_for_fit(stored._model() if stored else None, today, policy):
            return self.browse()
        cr = self.env.cr
        scoring = self.env["arwatch.scoring"]
        try:
            frame, _issues = scoring._frame(company, ledger_sql.customer_ids(cr, company.id), today,
                                            ledger_sql.has_orders(cr, company.id))
            model = fit_in_use(frame, policy, today)
        except Exception as error:  # noqa: BLE001 - one company's failed fit must not stop the others'
            _logger.warning("arwatch: %s: no model could be fitted (%s: %s): the scorecard scores",
                            company.name, type(error).__name__, error)
            return self.browse()
        fit = self._store(company, model)
        _logger.info("arwatch: %s: %s", company.name, model.sentence())
        return fit

    @api.model
    def _store(self, company, model):
        return self.sudo().create({
            "company_id": company.id, "fitted_on": model.fitted_on, "predictor": model.predictor,
            "version": model.version, "reason": model.reason, "settled_invoices": model.settled_invoices,
            "backtest": model.backtest.sentence() if model.backtest else False,
            "data": model.model_dump_json(),
        })
