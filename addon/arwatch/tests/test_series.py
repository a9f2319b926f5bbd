from odoo.addons.arwatch import compat
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestSeries(ArwatchCommon):
    """What 18.0 and 19.0 name differently (compat.py) works in the series this runs in."""

    def test_groups__placed_in_the_user_form_with_root_and_admin_managers(self):
        category = self.env.ref("arwatch.module_category_collections")
        groups = self.env.ref("arwatch.group_collections_user") | self.env.ref("arwatch.group_collections_manager")
        if compat.V19:
            privilege = self.env.ref("arwatch.privilege_collections")
            self.assertEqual(groups.privilege_id, privilege)
            self.assertEqual(privilege.category_id, category)
            self.assertEqual(privilege.name, category.name)
        else:
            self.assertEqual(groups.category_id, category)
        managers = self.env.ref("arwatch.group_collections_manager")[compat.GROUP_USERS]
        self.assertIn(self.env.ref("base.user_admin"), managers)
        self.assertTrue(self.manager.has_group("arwatch.group_collections_user"), "manager implies user")
        self.assertFalse(self.salesman.has_group("arwatch.group_collections_user"))

    def test_groups__setup_is_idempotent(self):
        before = {xmlid: self.env.ref(xmlid)[compat.ACTION_GROUPS] for xmlid in compat.USER_ACTIONS}
        self.env["res.groups"]._arwatch_setup_series()
        self.env["res.groups"]._arwatch_setup_series()
        for xmlid, groups in before.items():
            self.assertEqual(self.env.ref(xmlid)[compat.ACTION_GROUPS], groups)
            self.assertEqual(groups, self.env.ref("arwatch.group_collections_user"), xmlid)
        if compat.V19:
            privileges = self.env["ir.model.data"].search([("module", "=", "arwatch"),
                                                            ("model", "=", "res.groups.privilege")])
            self.assertEqual(len(privileges), 1, "one privilege, whatever the number of updates")

    def test_actions__collections_actions_for_collections_users_only(self):
        for xmlid in compat.USER_ACTIONS:
            self.assertEqual(self.env.ref(xmlid)[compat.ACTION_GROUPS], self.env.ref("arwatch.group_collections_user"))
        action = self.env.ref("arwatch.action_score_now")
        with mute_logger("odoo.addons.base.models.ir_actions"), self.assertRaises(AccessError):
            action.with_user(self.salesman).run()
        action.with_user(self.collector).run()
        self.assertTrue(self.risk(self.late).hold, "the collections user's run scored the company")

    def test_constraints__named_alike_in_both_series(self):
        self.env.cr.execute("""SELECT conname FROM pg_constraint
                                WHERE conrelid IN ('arwatch_partner_risk'::regclass, 'arwatch_signal'::regclass,
                                                   'arwatch_contact_attempt'::regclass,
                                                   'arwatch_payment_plan_line'::regclass) AND contype IN ('u', 'c')""")
        names = {row[0] for row in self.env.cr.fetchall()}
        self.assertLessEqual({"arwatch_partner_risk_partner_company_uniq", "arwatch_signal_severity_range",
                              "arwatch_signal_confidence_range", "arwatch_contact_attempt_promise_after_call",
                              "arwatch_payment_plan_line_amount_positive"}, names)

    def test_constraints__refuse_a_second_risk_row_and_a_bad_severity(self):
        self.run_scoring()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["arwatch.partner.risk"].sudo().create({"partner_id": self.late.id, "company_id": self.company.id})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["arwatch.signal"].create({"partner_id": self.late.id, "kind": "hearsay", "severity": 2})

    def test_activities__a_done_collection_task_is_kept_archived(self):
        self.run_scoring()
        task = self.open_tasks(self.late)[0]
        task.action_feedback(feedback="called")
        done = self.env["mail.activity"].with_context(active_test=False).browse(task.id).exists()
        self.assertTrue(done, "kept (the written state reads recently done tasks)")
        self.assertFalse(done.active)

    def test_grouped_read__risk_by_salesperson_as_the_pivot_reads_it(self):
        self.run_scoring()
        risks = self.env["arwatch.partner.risk"].search([("company_id", "=", self.company.id)])
        rows = compat.grouped_read(self.env["arwatch.partner.risk"], [("company_id", "=", self.company.id)],
                                   ["user_id"], ["score:avg"])
        by_user = {(row["user_id"][0] if row["user_id"] else False): row for row in rows}
        late = self.risk(self.late)
        self.assertEqual(by_user[self.salesman.id]["__count"], 1)
        self.assertAlmostEqual(by_user[self.salesman.id]["score:avg"], late.score, places=1)
        self.assertEqual(sum(row["__count"] for row in rows), len(risks))

    def test_invoice_count__read_group_of_open_invoices(self):
        self.run_scoring()
        self.assertEqual(self.risk(self.late).invoice_count, 1)
        self.assertEqual(self.risk(self.good).invoice_count, 0)
