from datetime import date, timedelta
from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ArwatchCommon, ArwatchRpc


@tagged("post_install", "-at_install")
class TestHoldGuard(ArwatchCommon, ArwatchRpc, HttpCase):
    """Holds only a manager lifts, and only with the override wizard: every other way in over
    XML-RPC (a collections user's or a manager's own write, create, unlink, a context) is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_passwords(cls.collector, cls.manager, cls.salesman)

    def held(self):
        self.run_scoring()
        risk = self.risk(self.late)
        self.assertTrue(risk.hold and risk.hold_effective)
        return risk

    def assert_still_held(self, risk):
        self.env.invalidate_all()
        self.assertTrue(risk.hold and risk.hold_effective, "the hold is in force")
        self.assertFalse(risk.override_until or risk.override_user_id)

    def test_rpc_write__collections_user_cannot_lift_a_hold(self):
        risk = self.held()
        for vals in ({"hold": False}, {"hold_reason": False, "hold_since": False},
                     {"override_until": "2099-12-31"}):
            with self.assertRaisesRegex(Fault, "Lift credit hold"):
                self.rpc(self.collector, "arwatch.partner.risk", "write", [risk.id], vals)
        self.assert_still_held(risk)

    def test_rpc_write__manager_override_only_through_the_wizard(self):
        risk = self.held()
        vals = {"override_until": "2099-12-31", "override_reason": "trust me", "override_user_id": self.manager.id}
        with self.assertRaisesRegex(Fault, "Lift credit hold"):
            self.rpc(self.manager, "arwatch.partner.risk", "write", [risk.id], vals)
        with self.assertRaisesRegex(Fault, "Lift credit hold"):
            self.rpc(self.manager, "arwatch.partner.risk", "write", [risk.id], {"hold": False},
                     context={"arwatch_internal": True, "arwatch_hold_write": True})
        with self.assertRaisesRegex(Fault, "Lift credit hold"):
            self.rpc(self.collector, "arwatch.partner.risk", "write", [risk.id], {"partner_id": self.good.id})
        with self.assertRaisesRegex(Fault, "keeps its risk record"):
            self.rpc(self.manager, "arwatch.partner.risk", "unlink", [risk.id])
        with self.assertRaisesRegex(Fault, "Lift credit hold"):
            self.rpc(self.manager, "arwatch.partner.risk", "create",
                     {"partner_id": self.good.id, "company_id": self.company.id, "hold": True,
                      "override_until": "2099-12-31"})
        self.assert_still_held(risk)
        # what a collections user may still do on the record: follow it, talk in its chatter
        self.rpc(self.collector, "arwatch.partner.risk", "message_post", [risk.id], body="called, no answer")

    def test_rpc_read__who_lifted_a_hold_is_the_managers(self):
        risk = self.held()
        with self.assertRaises(Fault):
            self.rpc(self.salesman, "arwatch.partner.risk", "read", [risk.id], ["override_user_id"])
        rows = self.rpc(self.collector, "arwatch.partner.risk", "read", [risk.id], ["hold", "override_until"])
        self.assertEqual(rows[0]["hold"], True)

    def test_wizard__manager_lifts_with_a_reason_in_the_companys_chatter(self):
        risk = self.held()
        wizard = self.env["arwatch.hold.override"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "why"):
            wizard.create({"risk_id": risk.id, "reason": "  "}).action_apply()
        wizard.create({"risk_id": risk.id, "until": self.today + timedelta(days=3),
                       "reason": "bank guarantee received"}).action_apply()
        self.assertEqual((risk.override_until, risk.override_user_id), (self.today + timedelta(days=3), self.manager))
        self.assertFalse(risk.hold_effective)
        self.assertIn("bank guarantee received", risk.message_ids[0].body)
        self.assertFalse(any("bank guarantee received" in (m.body or "") for m in self.late.message_ids),
                         "not on the partner every company shares")

    def test_wizard__a_collections_user_cannot_run_it(self):
        risk = self.held()
        with self.assertRaises(Fault):
            self.rpc(self.collector, "arwatch.hold.override", "create", {"risk_id": risk.id, "reason": "x"})
        self.assert_still_held(risk)

    def test_scoring__still_writes_holds_as_server_code(self):
        risk = self.held()
        self.pay(self.late_open, self.today)
        self.run_scoring(today=self.today + timedelta(days=8))
        self.assertFalse(risk.hold, "the scoring run releases the hold itself")
        self.assertIn("Credit hold released", risk.message_ids[0].body)

    def test_score_now__collections_users_only(self):
        with self.assertRaisesRegex(Fault, "Only collections users"):
            self.rpc(self.salesman, "res.partner", "action_arwatch_score_now", [self.late.id])
        self.assertFalse(self.risk(self.late), "nothing scored")
        self.rpc(self.collector, "res.partner", "action_arwatch_score_now", [self.late.id])
        self.assertTrue(self.risk(self.late).hold)

    def test_score_now__only_where_the_addon_is_the_companys_writer(self):
        self.company.arwatch_scored_by = "sync"
        with self.assertRaisesRegex(Fault, "scored by arwatch sync"):
            self.rpc(self.collector, "res.partner", "action_arwatch_score_now", [self.late.id])
        with self.assertRaisesRegex(UserError, "scored by arwatch sync"):
            self.env["arwatch.scoring"].with_user(self.collector)._score_now(self.company)
        self.assertFalse(self.risk(self.late), "nothing written where the external sync writes")

    def test_score_now__menu_action_checks_the_same(self):
        action = self.env.ref("arwatch.action_score_now")
        self.company.arwatch_scored_by = "sync"
        with self.assertRaisesRegex(UserError, "scored by arwatch sync"):
            action.with_user(self.collector).with_company(self.company).run()
        with self.assertRaises(AccessError):
            action.with_user(self.salesman).with_company(self.company).run()
        self.assertFalse(self.risk(self.late))

    def test_wizard__any_future_date_with_a_reason(self):
        """An override until 2099 is refused for who writes it, not for its date: a manager's wizard may."""
        risk = self.held()
        self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": risk.id, "until": date(2099, 12, 31), "reason": "group guarantee"}).action_apply()
        self.assertFalse(risk.hold_effective)
