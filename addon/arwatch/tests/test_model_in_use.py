import math
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from arwatch.core.backtest.live import FORMAT, LinearModel, ModelInUse, policy_key

from ..lib.policy import company_policy
from .common import ArwatchCommon

FIT = "odoo.addons.arwatch.models.arwatch_model_fit.fit_in_use"


@tagged("post_install", "-at_install")
class TestModelInUse(ArwatchCommon):
    """The company is scored with the model its own backtest chose (core.backtest.live), in two
    jobs: the refit job fits on the company's history when due and stores the fit (version, fit
    day); the scoring run only applies the newest fit, and triggers the refit job when one is due."""

    def fits(self, company=None):
        return self.env["arwatch.model.fit"].search([("company_id", "=", (company or self.company).id)])

    def refit(self, company=None, today=None):
        """The refit job's work for one company on ``today`` (default today)."""
        return self.env["arwatch.model.fit"]._refit(company or self.company, today or self.today)

    def triggers(self):
        """Pending triggers of the refit job (the job itself never runs in a test)."""
        cron = self.env.ref("arwatch.ir_cron_refit_model")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def store(self, predictor, linear=None, day=None):
        """A model as a fit stores it, current for the company's policy on ``day`` (default today)."""
        policy, _extras = company_policy(self.company._arwatch_policy_values())
        model = ModelInUse(predictor=predictor, version=f"{FORMAT}:{predictor}:test", fitted_on=day or self.today,
                           late_days=policy.model.late_days, policy=policy_key(policy), settled_invoices=300,
                           reason="stored by the test", linear=linear)
        return self.env["arwatch.model.fit"]._store(self.company, model)

    def test_refit_job__fits_on_the_company_history_and_stores_it(self):
        fit = self.refit()
        self.assertEqual(fit, self.fits())
        self.assertEqual(len(fit), 1)
        self.assertEqual(fit.fitted_on, self.today)
        # five settled invoices (the good payer's four, the late payer's first) are under the
        # policy's minimum of 200: the scorecard scores, and the fit says why
        self.assertEqual(fit.predictor, "scorecard")
        self.assertEqual(fit.settled_invoices, 5)
        self.assertIn("minimum is 200", fit.reason)
        self.assertTrue(fit.version.startswith("1:scorecard:"), fit.version)
        self.assertEqual(fit._model().version, fit.version, "the JSON is the model applied")
        counts = self.run_scoring()
        self.assertEqual(counts["scored_by"], "scorecard")
        self.assertEqual(counts["model_version"], fit.version, "the scoring run applies the stored fit")
        self.assertFalse(counts["refit_due"])
        self.assertFalse(self.triggers(), "current: no refit asked for")
        # shown where people look: the settings and the customer's risk
        self.assertEqual(self.company.arwatch_model_fit_id, fit)
        settings = self.env["res.config.settings"].create({})
        self.assertIn("scorecard", settings.arwatch_model_summary)
        self.assertIn(fit.version, settings.arwatch_model_summary)
        self.assertIn("minimum is 200", settings.arwatch_model_reason)
        self.assertIn(fit.version, self.risk(self.late).scored_by_model)

    def test_first_run__scores_without_fitting_and_triggers_the_refit_job(self):
        with patch(FIT, side_effect=AssertionError("the scoring run must not fit")) as fit_call:
            counts = self.run_scoring()
            self.run_scoring()
        fit_call.assert_not_called()
        self.assertFalse(self.fits(), "the scoring run stores no fit")
        self.assertEqual(counts["scored_by"], "scorecard")
        self.assertTrue(counts["model_version"].endswith(":unfitted"), counts["model_version"])
        self.assertTrue(counts["refit_due"])
        self.assertTrue(self.risk(self.late).hold, "the scorecard scored the run")
        self.assertEqual(len(self.triggers()), 1, "due: the refit job is triggered, once while pending")
        fit = self.refit()
        counts = self.run_scoring()
        self.assertEqual(counts["model_version"], fit.version, "the next run picks up the new fit")
        self.assertFalse(counts["refit_due"])

    def test_scoring_one_customer__applies_the_fit_on_every_customer_of_the_company(self):
        fit = self.refit()
        self.assertEqual(fit.settled_invoices, 5, "the late payer's settled invoice counts too")
        counts = self.run_scoring(partners=self.good)
        self.assertEqual(counts["model_version"], fit.version)

    def test_policy_minimum__comes_from_the_settings(self):
        self.company.arwatch_model_min_settled = 5
        self.refit()
        # enough settled invoices now: the backtest ran, but had too little to judge a choice on
        self.assertEqual(self.fits().predictor, "scorecard")
        self.assertNotIn("minimum is", self.fits().reason)
        self.assertRegex(self.fits().reason, "months of history|too little evidence")

    def test_stored_model__is_reused_until_due_then_fitted_again(self):
        first = self.refit()
        self.assertFalse(self.refit(), "not due: nothing fitted")
        self.run_scoring()
        counts = self.run_scoring(today=self.today + timedelta(days=29))
        self.assertFalse(self.refit(today=self.today + timedelta(days=29)))
        self.assertEqual(self.fits(), first, "not due: the stored fit scores")
        self.assertEqual(counts["model_version"], first.version)
        self.assertFalse(self.triggers())
        later = self.today + timedelta(days=30)
        counts = self.run_scoring(today=later)
        self.assertEqual(len(self.triggers()), 1, "30 days old: the refit job is triggered")
        self.assertEqual(counts["model_version"], first.version, "it scores until the refit job replaces it")
        self.assertEqual(len(self.fits()), 1, "the scoring run does not fit")
        self.refit(today=later)
        self.assertEqual(len(self.fits()), 2, "refitted every 30 days")
        self.assertEqual(self.company.arwatch_model_fit_id.fitted_on, later)
        self.assertEqual(self.run_scoring(today=later)["model_version"], self.fits()[0].version)
        self.triggers().unlink()  # as the job's run consumes them
        counts = self.run_scoring(today=self.today + timedelta(days=10))
        self.assertTrue(counts["model_version"].endswith(":unfitted"),
                        "a fit that saw later days never scores an earlier one")
        self.assertEqual(len(self.triggers()), 1)
        self.refit(today=self.today + timedelta(days=10))
        self.assertEqual(len(self.fits()), 3)

    def test_policy_change__fits_again(self):
        self.refit()
        self.company.arwatch_delinquent_days = 60
        counts = self.run_scoring()
        self.assertTrue(counts["refit_due"])
        self.assertTrue(self.triggers())
        self.assertTrue(counts["model_version"].endswith(":unfitted"), "a fit for another policy does not score")
        self.refit()
        self.assertEqual(len(self.fits()), 2)
        self.company.arwatch_model_use = "scorecard"
        self.refit()
        self.assertEqual(len(self.fits()), 3)
        self.assertIn("policy asks for the scorecard", self.company.arwatch_model_fit_id.reason)

    def test_stored_learned_model__sets_score_and_level(self):
        # a learned model whose chance is 0.6 for every customer (no feature, intercept logit(0.6))
        linear = LinearModel(setting="test", names=(), mean=(), scale=(), coef=(), intercept=math.log(0.6 / 0.4))
        fit = self.store("learned", linear)
        counts = self.run_scoring()
        self.assertFalse(self.refit(), "current: not fitted again")
        self.assertEqual(self.fits(), fit)
        self.assertFalse(self.triggers())
        self.assertEqual(counts["scored_by"], "learned")
        good = self.risk(self.good)
        self.assertAlmostEqual(good.score, 60.0, places=1)
        self.assertEqual(good.level, "high", "the level follows the model's score with the company's thresholds")
        # in arrears, a customer keeps at least its scorecard score: the evidence still says why
        late = self.risk(self.late)
        self.assertGreaterEqual(late.score, 60.0)
        self.assertIn(late.level, ("high", "critical"))
        self.assertIn("Overdue: ", late.reasons)
        self.assertIn("learned", late.scored_by_model)

    def test_stored_dunning_model__scores_days_past_due(self):
        self.store("dunning")
        self.run_scoring()
        self.assertEqual(self.risk(self.good).score, 0.0, "nothing overdue")
        self.assertEqual(self.risk(self.good).level, "low")
        self.assertEqual(self.risk(self.late).score, 100.0, "120 days past due, capped at 100")

    def test_failed_fit__not_stored_scorecard_scores_and_next_refit_fits(self):
        with patch(FIT, side_effect=MemoryError("no room")):
            self.assertFalse(self.refit())
        self.assertFalse(self.fits(), "a failed fit is not stored")
        counts = self.run_scoring()
        self.assertEqual(counts["scored_by"], "scorecard")
        self.assertTrue(self.risk(self.late).hold, "the run went on")
        self.assertTrue(self.triggers(), "still due: the refit job is asked again")
        self.refit()
        self.assertEqual(len(self.fits()), 1)

    def test_score_now__says_which_model_scored(self):
        action = self.env.ref("arwatch.action_score_now").with_user(self.collector).with_company(self.company)
        message = action.run()["params"]["message"]
        self.assertIn("Scored by the scorecard: no model fitted yet.", message)
        self.assertIn("being fitted again", message)
        linear = LinearModel(setting="test", names=(), mean=(), scale=(), coef=(), intercept=0.0)
        fit = self.store("learned", linear)
        message = action.run()["params"]["message"]
        self.assertIn(f"Scored by the learned model (logistic regression), fitted on {fit.fitted_on}.", message)
        self.assertNotIn("being fitted again", message)

    def test_refit_job__every_company_scored_in_odoo_its_own_model(self):
        other = self.setup_other_company()["company"]
        self.invoice(self.good, self.today - timedelta(days=150), 800.0, company=other)  # open: not settled
        external = self.setup_other_company(name="company_sync")["company"]
        external.arwatch_scored_by = "sync"
        self.env["arwatch.model.fit"]._cron_refit()
        mine, theirs = self.fits(), self.fits(other)
        self.assertEqual(len(mine), 1)
        self.assertEqual(len(theirs), 1)
        self.assertEqual(mine.settled_invoices, 5)
        self.assertEqual(theirs.settled_invoices, 0, "the other company's history only")
        self.assertFalse(self.fits(external), "a company scored by arwatch sync is not fitted in Odoo")
        self.assertEqual(self.run_scoring(company=other)["model_version"], theirs.version)
        seen = self.env["arwatch.model.fit"].with_user(self.collector).with_context(
            allowed_company_ids=self.company.ids).search([])
        self.assertEqual(seen, mine, "a collections user of one company sees its model only")
