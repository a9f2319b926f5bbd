from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestCollections(ArwatchCommon):

    def test_tasks__created_once_and_closed_when_paid(self):
        self.run_scoring()
        tasks = self.open_tasks(self.late)
        self.assertTrue(tasks, "the delinquent customer gets collection activities")
        self.assertFalse(self.open_tasks(self.good), "a good payer inside its habit gets none")
        self.assertTrue(all(t.activity_type_id.get_external_id()[t.activity_type_id.id].startswith("arwatch.")
                            for t in tasks))
        self.assertTrue(all(t.note for t in tasks), "each task carries its script or template")
        on_invoice = tasks.filtered(lambda t: t.res_model == "account.move")
        self.assertEqual(on_invoice.mapped("res_id"), [self.late_open.id] * len(on_invoice))
        self.assertTrue(set(tasks.user_id.ids) <= {self.salesman.id, self.collector.id, self.manager.id})
        keys = sorted(tasks.mapped("arwatch_key"))

        counts = self.run_scoring()  # rerun: nothing new
        self.assertEqual(sorted(self.open_tasks(self.late).mapped("arwatch_key")), keys)
        self.assertEqual(counts["changes"], 0)

        self.pay(self.late_open, self.today)
        self.assertEqual(self.late_open.amount_residual, 0.0, "the payment is reconciled with the invoice")
        self.run_scoring(today=self.today + timedelta(days=8))  # past any hold hysteresis
        self.assertFalse(self.open_tasks(self.late), "every task closed once its cause is gone")
        done = self.env["mail.activity"].with_context(active_test=False).search(
            [("arwatch_partner_id", "=", self.late.id), ("active", "=", False)])
        self.assertEqual(sorted(done.mapped("arwatch_key")), keys, "kept as done, not deleted")
        risk = self.risk(self.late)
        self.assertFalse(risk.hold, "the hold released when the cause cleared")
        released = [m.body for m in risk.message_ids if "Credit hold released" in (m.body or "")]
        self.assertEqual(len(released), 1, released)
        self.assertIn("Credit hold released: paid: nothing overdue since the payment of", released[0],
                      "the release says why: paid, and when")

    def test_hold__invoice_on_credit_refused_when_policy_says_so(self):
        self.run_scoring()
        term = self.env.ref("account.account_payment_term_30days")
        draft = self.invoice(self.late, self.today, 50.0, post=False, term=term)
        draft.action_post()  # the policy does not block invoices by default
        self.company.arwatch_block_invoices = True
        draft2 = self.invoice(self.late, self.today, 60.0, post=False, term=term)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft2.with_user(self.collector).action_post()
        upfront = self.invoice(self.late, self.today, 70.0, post=False)  # due today: not on credit
        upfront.action_post()
        self.assertEqual(upfront.state, "posted")

    def test_hold__manager_override_with_reason(self):
        self.run_scoring()
        risk = self.risk(self.late)
        self.company.arwatch_block_invoices = True
        with self.assertRaises(AccessError):
            self.env["arwatch.hold.override"].with_user(self.collector).create(
                {"risk_id": risk.id, "reason": "asked nicely"})
        wizard = self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": risk.id, "until": self.today + timedelta(days=5), "reason": "CFO agreed a plan by phone"})
        wizard.action_apply()
        self.assertEqual(risk.override_until, self.today + timedelta(days=5))
        self.assertFalse(risk.hold_effective)
        self.assertIn("CFO agreed a plan by phone", risk.message_ids[0].body, "in the company's own chatter")
        self.assertFalse(any("CFO agreed" in (m.body or "") for m in self.late.message_ids),
                         "not on the partner every company reads")
        term = self.env.ref("account.account_payment_term_30days")
        self.invoice(self.late, self.today, 50.0, term=term)  # posts: the hold is lifted

    def test_call_outcome__promise_logged_and_activity_done(self):
        self.run_scoring()
        task = self.open_tasks(self.late)[0]
        action = task.action_arwatch_log_outcome()
        wizard = self.env["arwatch.call.outcome"].with_user(self.collector).with_context(**action["context"]).create({
            "outcome": "promise", "promise_date": self.today + timedelta(days=3), "promise_amount": 400.0})
        wizard.action_log()
        attempt = self.env["arwatch.contact.attempt"].search([("partner_id", "=", self.late.id)])
        self.assertEqual(attempt.outcome, "promise")
        self.assertTrue(attempt.answered)
        self.assertEqual(attempt.promise_amount, 400.0)
        self.assertFalse(task.active, "the activity is marked done with the outcome as feedback")
        with self.assertRaisesRegex(UserError, "invoice"):
            self.env["arwatch.call.outcome"].create({"partner_id": self.late.id, "outcome": "dispute"}).action_log()
        self.env["arwatch.call.outcome"].create({"partner_id": self.late.id, "outcome": "dispute",
                                                 "invoice_id": self.late_open.id, "note": "wrong qty"}).action_log()
        dispute = self.env["arwatch.dispute"].search([("partner_id", "=", self.late.id)])
        self.assertEqual(dispute.invoice_id, self.late_open)
        self.run_scoring()  # the core reads attempts and disputes back without data issues

    def test_multi_company__risk_is_per_company_and_isolated(self):
        company2 = self.setup_other_company()["company"]
        self.invoice(self.good, self.today - timedelta(days=150), 800.0, company=company2)
        self.env["arwatch.signal"].create({"partner_id": self.good.id, "company_id": company2.id,
                                           "kind": "hearsay", "date": self.today, "confidence": 0.3})
        self.run_scoring()
        self.run_scoring(company=company2)
        self.assertFalse(self.risk(self.good).hold)
        self.assertTrue(self.risk(self.good, company2).hold)
        self.assertFalse(self.good.with_company(self.company).arwatch_hold)
        self.assertTrue(self.good.with_company(company2).arwatch_hold)
        user1 = new_test_user(self.env, "arw_c1", groups="arwatch.group_collections_user",
                              company_id=self.company.id, company_ids=[(6, 0, self.company.ids)])
        risks = self.env["arwatch.partner.risk"].with_user(user1).search([("partner_id", "=", self.good.id)])
        self.assertEqual(risks.company_id, self.company)
        self.assertFalse(self.env["arwatch.signal"].with_user(user1).search([("partner_id", "=", self.good.id)]))
        with self.assertRaises(AccessError):
            self.risk(self.good, company2).with_user(user1).read(["level"])
