from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import ArwatchCommon, ArwatchRpc


@tagged("post_install", "-at_install")
class TestCompanyWalls(ArwatchCommon, ArwatchRpc, HttpCase):
    """Two companies share the customer ``late``, each holds it for its own reason: neither reads
    the other's notes, and the sync API (sudo writes) takes no id of the other company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.setup_other_company(name="Elsewhere")["company"]
        cls.late2_open = cls.invoice(cls.late, cls.today - timedelta(days=150), 800.0, company=cls.company2)
        cls.local2 = cls.env["res.partner"].create({"name": "Elsewhere's own customer", "is_company": True,
                                                    "company_id": cls.company2.id})
        cls.collector2 = new_test_user(cls.env, "arw_collector2", groups="account.group_account_invoice,"
                                       "arwatch.group_collections_user", company_id=cls.company2.id,
                                       company_ids=[(6, 0, cls.company2.ids)])
        cls.with_passwords(cls.manager, cls.collector, cls.collector2)

    def hold_notes(self, user, partner):
        return self.env["mail.message"].with_user(user).search(
            [("body", "ilike", "Credit hold"), "|", ("model", "=", "arwatch.partner.risk"),
             "&", ("model", "=", "res.partner"), ("res_id", "=", partner.id)])

    def test_hold_notes__each_company_reads_its_own(self):
        self.run_scoring()
        self.run_scoring(company=self.company2)
        risk1, risk2 = self.risk(self.late), self.risk(self.late, self.company2)
        self.assertTrue(risk1.hold and risk2.hold, "held in both companies")
        self.assertFalse([m for m in self.late.message_ids if "Credit hold" in (m.body or "")],
                         "nothing about a hold on the partner both companies read")
        self.assertEqual(self.hold_notes(self.collector, self.late).mapped("res_id"), risk1.ids)
        self.assertEqual(self.hold_notes(self.collector2, self.late).mapped("res_id"), risk2.ids)
        with self.assertRaises(AccessError):
            risk1.with_user(self.collector2).message_ids.mapped("body")

    def test_hold_override__a_manager_lifts_in_own_companies_only(self):
        self.run_scoring(company=self.company2)
        risk2 = self.risk(self.late, self.company2)
        wizard = self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": risk2.id, "until": self.today + timedelta(days=5), "reason": "not mine to lift"})
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertFalse(risk2.override_until)

    def test_call_outcome__closes_a_task_of_own_company_only(self):
        self.run_scoring(company=self.company2)
        task2 = self.open_tasks(self.late, self.company2)[0]
        wizard = self.env["arwatch.call.outcome"].with_user(self.collector).create(
            {"partner_id": self.late.id, "activity_id": task2.id, "outcome": "no_answer"})
        with self.assertRaises(AccessError):
            wizard.action_log()
        self.assertTrue(task2.active, "the other company's task stays open")
        self.env["arwatch.call.outcome"].with_user(self.collector).create(
            {"partner_id": self.late.id, "outcome": "no_answer", "note": "voicemail"}).action_log()
        self.assertIn("voicemail", self.risk(self.late).message_ids[0].body, "logged on this company's record")
        self.assertFalse(self.env["mail.message"].with_user(self.collector2).search([("body", "ilike", "voicemail")]),
                         "the other company does not read it")

    # ------------------------------------------------------------------ sync API
    def apply(self, changes):
        self.company.arwatch_scored_by = "sync"
        return self.jsonrpc(self.manager, "arwatch.sync.api", "arwatch_apply", self.company.id, changes,
                            self.today.isoformat())

    def hold_change(self, partner):
        cid, day = str(partner.id), self.today.isoformat()
        return {"op": "place_hold", "key": f"hold:{cid}", "customer_id": cid,
                "hold": {"customer_id": cid, "rule": "manual", "reason": "test", "since": day}}

    def task_change(self, partner, invoice=None, assignee=None, step="reminder"):
        cid, day = str(partner.id), self.today.isoformat()
        task = {"customer_id": cid, "step": step, "cause": "overdue", "title": "Remind", "due_date": day,
                "invoice_id": str(invoice.id) if invoice else None,
                "assignee": str(assignee.id) if assignee else None}
        return {"op": "open_task", "key": f"task:{cid}:{step}:overdue", "customer_id": cid, "task": task}

    def test_sync_api__another_companys_partner_is_refused(self):
        results = self.apply([self.hold_change(self.local2), self.hold_change(self.late)])
        self.assertEqual([r["ok"] for r in results], [False, True])
        self.assertIn("belongs to another company", results[0]["error"])
        self.assertFalse(self.risk(self.local2), "nothing written for the other company's customer")
        self.assertIn("placed by arwatch sync", self.risk(self.late).message_ids[0].body)

    def test_sync_api__another_companys_invoice_is_refused(self):
        results = self.apply([self.task_change(self.late, invoice=self.late2_open),
                              self.task_change(self.late, invoice=self.late_open, step="phone_call")])
        self.assertEqual([r["ok"] for r in results], [False, True], results)
        self.assertIn(f"account.move {self.late2_open.id} belongs to another company", results[0]["error"])
        self.assertFalse(self.env["mail.activity"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.late2_open.id)]))

    def test_sync_api__a_user_of_another_company_is_refused(self):
        results = self.apply([self.task_change(self.late, assignee=self.collector2),
                              self.task_change(self.late, assignee=self.collector, step="phone_call")])
        self.assertEqual([r["ok"] for r in results], [False, True], results)
        self.assertIn("does not work in", results[0]["error"])
        self.assertEqual(self.open_tasks(self.late).user_id, self.collector)

    def test_sync_api__another_company_is_refused_whole(self):
        self.company2.arwatch_scored_by = "sync"
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):  # not one of the manager's companies
            self.jsonrpc(self.manager, "arwatch.sync.api", "arwatch_apply", self.company2.id,
                         [self.hold_change(self.late)], self.today.isoformat())
        self.assertFalse(self.risk(self.late, self.company2))
