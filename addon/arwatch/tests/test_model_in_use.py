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
    """The daily job scores with the model the company's own backtest chose (core.backtest.live):
    fitted on the company's history when due, stored with version and fit day, applied when scoring."""

    def fits(self, company=None):
        return self.env["arwatch.model.fit"].search([("company_id", "=", (company or self.company).id)])

    def store(self, predictor, linear=None, day=None):
        """A model as a fit stores it, current for the company's policy on ``day`` (default today)."""
        policy, _extras = company_policy(self.company._arwatch_policy_values())
        model = ModelInUse(predictor=predictor, version=f"{FORMAT}:{predictor}:test", fitted_on=day or self.today,
                           late_days=policy.model.late_days, policy=policy_key(policy), settled_invoices=300,
                           reason="stored by the test", linear=linear)
        return self.env["arwatch.model.fit"]._store(self.company, model)

    def test_first_run__fits_on_the_company_history_and_stores_it(self):
        counts = self.run_scoring()
        fit = self.fits()
        self.assertEqual(len(fit), 1)
        self.assertEqual(fit.fitted_on, self.today)
        # five settled invoices (the good payer's four, the late payer's first) are under the
        # policy's minimum of 200: the scorecard scores, and the fit says why
        self.assertEqual(fit.predictor, "scorecard")
        self.assertEqual(fit.settled_invoices, 5)
        self.assertIn("minimum is 200", fit.reason)
        self.assertTrue(fit.version.startswith("1:scorecard:"), fit.version)
        self.assertEqual(fit._model().version, fit.version, "the JSON is the model applied")
        self.assertEqual(counts["scored_by"], "scorecard")
        self.assertEqual(counts["model_version"], fit.version)
        # shown where people look: the settings and the customer's risk
        self.assertEqual(self.company.arwatch_model_fit_id, fit)
        settings = self.env["res.config.settings"].create({})
        self.assertIn("scorecard", settings.arwatch_model_summary)
        self.assertIn(fit.version, settings.arwatch_model_summary)
        self.assertIn("minimum is 200", settings.arwatch_model_reason)
        self.assertIn(fit.version, self.risk(self.late).scored_by_model)

    def test_scoring_one_customer__fits_on_every_customer_of_the_company(self):
        self.run_scoring(partners=self.good)
        self.assertEqual(self.fits().settled_invoices, 5, "the late payer's settled invoice counts too")

    def test_policy_minimum__comes_from_the_settings(self):
        self.company.arwatch_model_min_settled = 5
        self.run_scoring()
        # enough settled invoices now: the backtest ran, but had too little to judge a choice on
        self.assertEqual(self.fits().predictor, "scorecard")
        self.assertNotIn("minimum is", self.fits().reason)
        self.assertRegex(self.fits().reason, "months of history|too little evidence")

    def test_stored_model__is_reused_until_due_then_fitted_again(self):
        self.run_scoring()
        first = self.fits()
        self.run_scoring()
        self.run_scoring(today=self.today + timedelta(days=29))
        self.assertEqual(self.fits(), first, "not due: the stored fit scores")
        self.run_scoring(today=self.today + timedelta(days=30))
        self.assertEqual(len(self.fits()), 2, "refitted every 30 days")
        self.assertEqual(self.company.arwatch_model_fit_id.fitted_on, self.today + timedelta(days=30))
        self.run_scoring(today=self.today + timedelta(days=10))
        self.assertEqual(len(self.fits()), 3, "a fit that saw later days never scores an earlier one")

    def test_policy_change__fits_again(self):
        self.run_scoring()
        self.company.arwatch_delinquent_days = 60
        self.run_scoring()
        self.assertEqual(len(self.fits()), 2)
        self.company.arwatch_model_use = "scorecard"
        self.run_scoring()
        self.assertEqual(len(self.fits()), 3)
        self.assertIn("policy asks for the scorecard", self.company.arwatch_model_fit_id.reason)

    def test_stored_learned_model__sets_score_and_level(self):
        # a learned model whose chance is 0.6 for every customer (no feature, intercept logit(0.6))
        linear = LinearModel(setting="test", names=(), mean=(), scale=(), coef=(), intercept=math.log(0.6 / 0.4))
        fit = self.store("learned", linear)
        counts = self.run_scoring()
        self.assertEqual(self.fits(), fit, "current: not fitted again")
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

    def test_failed_fit__scorecard_scores_and_next_run_fits_again(self):
        with patch(FIT, side_effect=MemoryError("no room")):
            counts = self.run_scoring()
        self.assertEqual(counts["scored_by"], "scorecard")
        self.assertTrue(self.risk(self.late).hold, "the run went on")
        self.assertFalse(self.fits(), "a failed fit is not stored")
        self.run_scoring()
        self.assertEqual(len(self.fits()), 1)

    def test_company_walls__each_company_its_own_model(self):
        other = self.setup_other_company()["company"]
        self.invoice(self.good, self.today - timedelta(days=150), 800.0, company=other)  # open: not settled
        self.run_scoring()
        self.run_scoring(company=other)
        mine, theirs = self.fits(), self.fits(other)
        self.assertEqual(len(mine), 1)
        self.assertEqual(len(theirs), 1)
        self.assertEqual(theirs.settled_invoices, 0, "the other company's history only")
        seen = self.env["arwatch.model.fit"].with_user(self.collector).with_context(
            allowed_company_ids=self.company.ids).search([])
        self.assertEqual(seen, mine, "a collections user of one company sees its model only")
