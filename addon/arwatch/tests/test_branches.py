from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestBranches(ArwatchCommon):
    """Odoo's branches (``res.company.parent_id``): the customer owes the group. The root company's
    run scores its branches' invoices with its own, its hold applies in every branch, and only a
    manager working in the root company lifts it; a hold of a branch or of another company never
    holds anyone elsewhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.env["res.company"].create({"name": "Branch North", "parent_id": cls.company.id})
        cls.sibling = cls.env["res.company"].create({"name": "Branch South", "parent_id": cls.company.id})
        cls.cr.precommit.run()  # the branches' journals (Odoo loads them at commit)
        cls.other = cls.setup_other_company(name="Unrelated Ltd")["company"]
        cls.env.user.sudo().company_ids |= cls.branch | cls.sibling | cls.other
        cls.manager.sudo().company_ids |= cls.branch
        cls.branch_manager = new_test_user(
            cls.env, "arw_branch_manager", groups="account.group_account_invoice,arwatch.group_collections_manager",
            company_id=cls.branch.id, company_ids=[Command.set(cls.branch.ids)])
        cls.branch_seller = new_test_user(cls.env, "arw_branch_seller", groups="account.group_account_invoice",
                                          company_id=cls.branch.id, company_ids=[Command.set(cls.branch.ids)])
        # a customer that owes only a branch: 1,500.00 120 days overdue
        cls.north_debtor = cls.env["res.partner"].create({"name": "North Debtor", "is_company": True})
        cls.north_open = cls.invoice(cls.north_debtor, cls.today - timedelta(days=120), 1500.0, company=cls.branch)

    def branch_invoice(self, partner, company=None, post=False):
        """A draft invoice on 30-day terms (on credit) of ``company`` (the branch)."""
        return self.invoice(partner, self.today, 200.0, company=company or self.branch, post=post,
                            term=self.env.ref("account.account_payment_term_30days"))

    def test_scoring__a_branch_invoice_is_the_roots_debt(self):
        self.assertEqual(self.branch.root_id, self.company)
        scoring = self.env["arwatch.scoring"]
        self.assertIn(self.company, scoring._cron_companies())
        self.assertFalse((self.branch | self.sibling) & scoring._cron_companies(), "scored with their root")
        self.run_scoring()
        risk = self.risk(self.north_debtor)
        self.assertTrue(risk.hold, "held by the root for what it owes the branch")
        self.assertEqual(risk.amount_overdue, 1500.0)
        self.assertEqual(risk.days_past_due, 120)
        self.assertFalse(self.risk(self.north_debtor, self.branch), "no risk row of its own in the branch")
        self.run_scoring(company=self.other)
        self.assertFalse(self.risk(self.north_debtor, self.other), "another company's run does not read the group")

    def test_score_now__in_a_branch_scores_the_root_where_the_user_works(self):
        self.north_debtor.with_context(allowed_company_ids=[self.branch.id, self.company.id]).action_arwatch_score_now()
        self.assertTrue(self.risk(self.north_debtor).hold)
        collector = new_test_user(self.env, "arw_branch_collector", groups="arwatch.group_collections_user",
                                  company_id=self.branch.id, company_ids=[Command.set(self.branch.ids)])
        with self.assertRaisesRegex(AccessError, "Score now"):
            self.env["arwatch.scoring"].with_user(collector)._score_now(self.branch)

    def test_invoice_posting__a_branch_is_held_by_its_roots_hold(self):
        self.company.arwatch_block_invoices = True
        self.run_scoring()
        self.assertTrue(self.risk(self.late).hold)
        invoice = self.branch_invoice(self.late).with_user(self.branch_seller).with_company(self.branch)
        with self.assertRaisesRegex(UserError, "credit hold"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        # a hold in another company, unrelated, holds nobody here
        self.other.arwatch_block_invoices = True
        self.env["arwatch.partner.risk"].sudo().create(
            {"partner_id": self.good.id, "company_id": self.other.id, "hold": True, "hold_reason": "theirs"})
        good = self.branch_invoice(self.good)
        good.action_post()
        self.assertEqual(good.state, "posted")

    def test_invoice_posting__a_branchs_hold_holds_neither_its_root_nor_a_sibling(self):
        self.company.arwatch_block_invoices = True
        self.env["arwatch.partner.risk"].sudo().create(
            {"partner_id": self.good.id, "company_id": self.branch.id, "hold": True, "hold_reason": "branch's own"})
        with self.assertRaisesRegex(UserError, "branch's own"):
            self.branch_invoice(self.good).action_post()
        for company in (self.company, self.sibling):
            invoice = self.branch_invoice(self.good, company=company)
            invoice.action_post()
            self.assertEqual(invoice.state, "posted", company.name)

    def test_held_debt__a_branch_manager_does_not_reset_the_roots_held_debt(self):
        self.run_scoring()
        invoice = self.north_open
        with self.assertRaisesRegex(UserError, "credit hold"):
            invoice.with_user(self.branch_seller).with_company(self.branch).button_draft()
        with self.assertRaisesRegex(UserError, "credit hold"):
            invoice.with_user(self.branch_manager).with_company(self.branch).button_draft()
        self.assertEqual(invoice.state, "posted")
        invoice.with_user(self.manager).with_company(self.branch).button_draft()
        self.assertEqual(invoice.state, "draft", "a manager with rights on the root company")

    def test_lift__only_a_manager_working_in_the_root_lifts_its_hold(self):
        self.run_scoring()
        risk = self.risk(self.north_debtor)
        with self.assertRaisesRegex(AccessError, "placed by"):
            self.north_debtor.with_user(self.branch_manager).with_company(self.branch).action_arwatch_lift_hold()
        wizard = self.env["arwatch.hold.override"].with_user(self.branch_manager).with_company(self.branch).create(
            {"risk_id": risk.id, "until": self.today + timedelta(days=5), "reason": "the branch says so"})
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertFalse(risk.override_until)
        as_manager = self.north_debtor.with_user(self.manager).with_context(
            allowed_company_ids=[self.branch.id, self.company.id])
        action = as_manager.action_arwatch_lift_hold()
        self.assertEqual(action["context"]["default_risk_id"], risk.id, "the root's row, from the branch")
        self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": risk.id, "until": self.today + timedelta(days=5), "reason": "paid at the counter"},
        ).action_apply()
        self.assertEqual(risk.override_until, self.today + timedelta(days=5))
        self.company.arwatch_block_invoices = True
        invoice = self.branch_invoice(self.north_debtor)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted", "the root's lifted hold holds nobody in its branches")

    def test_partner_flags__a_branch_shows_and_finds_its_roots_hold(self):
        self.run_scoring()
        partners = self.env["res.partner"].with_user(self.branch_seller).with_company(self.branch)
        self.assertTrue(partners.browse(self.north_debtor.id).arwatch_hold)
        self.assertEqual(partners.browse(self.north_debtor.id).arwatch_level, self.risk(self.north_debtor).level)
        held = partners.search([("arwatch_hold", "=", True)])
        self.assertIn(self.north_debtor, held)
        self.assertNotIn(self.good, held)
        elsewhere = self.env["res.partner"].with_company(self.other)
        self.assertFalse(elsewhere.browse(self.north_debtor.id).arwatch_hold, "another company's view")
        self.assertNotIn(self.north_debtor, elsewhere.search([("arwatch_hold", "=", True)]))

    def test_settings__a_branch_shows_its_roots_collections_settings_read_only(self):
        self.company.arwatch_score_high = 60.0
        self.company.arwatch_collections_user_id = self.manager
        settings = self.env["res.config.settings"].with_company(self.branch).create({})
        self.assertTrue(settings.arwatch_in_branch)
        self.assertEqual(settings.arwatch_settings_company_id, self.company)
        self.assertEqual(settings.arwatch_score_high, 60.0, "the value that applies, not the branch's own")
        self.assertEqual(settings.arwatch_collections_user_id, self.manager)
        settings.execute()  # saving the page unchanged in a branch is fine
        with self.assertRaisesRegex(UserError, "Branch North is a branch of .*High risk from score"):
            self.env["res.config.settings"].with_company(self.branch).create({"arwatch_score_high": 70.0})
        self.assertEqual(self.company.arwatch_score_high, 60.0, "the root's setting is changed in the root only")
        root = self.env["res.config.settings"].with_company(self.company).create({"arwatch_score_high": 65.0})
        self.assertFalse(root.arwatch_in_branch)
        root.execute()
        self.assertEqual(self.company.arwatch_score_high, 65.0)

    def test_settings__a_branch_refuses_a_collections_setting_of_its_own(self):
        with self.assertRaisesRegex(UserError, "Change them in"):
            self.branch.write({"arwatch_hold_level": "high", "name": "Branch North"})
        self.assertEqual(self.branch.arwatch_hold_level, "critical")
        self.branch.write({"arwatch_hold_level": "critical", "name": "Branch North (Leeds)"})  # unchanged: fine
        self.assertEqual(self.branch.name, "Branch North (Leeds)")
        self.company.write({"arwatch_hold_level": "high"})
        self.assertEqual(self.company.arwatch_hold_level, "high")
