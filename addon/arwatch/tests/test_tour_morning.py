from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestTourMorning(ArwatchCommon, HttpCase):
    """The controller's morning in a browser: worklist, a call with a promise, a snooze."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.env["res.partner"].create({"name": "Ghost Trading", "is_company": True})
        cls.invoice(cls.big, cls.today - timedelta(days=120), 8100.0)
        cls.collector.sudo().password = "arw_collector"  # noqa: S105 (browser_js logs in with login as password)

    def test_tour__a_controllers_morning(self):
        self.run_scoring()
        self.env.flush_all()
        self.start_tour("/odoo/action-arwatch.action_worklist", "arwatch_collections_morning",
                        login="arw_collector")
        attempt = self.env["arwatch.contact.attempt"].search([("partner_id", "=", self.big.id)])
        self.assertEqual(attempt.outcome, "promise")
        self.assertEqual(attempt.promise_amount, 500.0)
        self.assertEqual(attempt.promise_date, self.today + timedelta(days=7))
        late_tasks = self.open_tasks(self.late)
        self.assertTrue(late_tasks)
        self.assertTrue(all(t.date_deadline >= self.today + timedelta(days=7) for t in late_tasks), "snoozed")
