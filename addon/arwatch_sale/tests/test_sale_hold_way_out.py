"""A hold that shows the way out: the titled message, pro-forma, payment link, ask credit control."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchSaleCommon


@tagged("post_install", "-at_install")
class TestSaleHoldWayOut(ArwatchSaleCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "arw_seller2", groups="sales_team.group_sale_salesman",
                                   company_id=cls.company.id)
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})

    def order(self):
        return self.env["sale.order"].with_user(self.seller).create({
            "partner_id": self.late.id, "company_id": self.company.id, "user_id": self.seller.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
        })

    def test_title__names_the_customer_the_amount_and_the_days(self):
        self.run_scoring()
        order = self.order()
        self.assertRegex(order.arwatch_hold_title, r"^Credit hold: Late Payer owes .*1,000\.00.*, 120 days overdue$")
        with self.assertRaises(UserError) as refused:
            order.action_confirm()
        self.assertTrue(str(refused.exception).startswith(order.arwatch_hold_title),
                        "RPC and every other path read the same title first")

    def test_confirm_button__opens_the_ways_out_instead_of_an_error(self):
        self.run_scoring()
        order = self.order()
        action = order.with_context(validate_analytic=True).action_confirm()
        self.assertEqual(action["res_model"], "arwatch.sale.hold")
        self.assertEqual(action["name"], order.arwatch_hold_title)
        self.assertEqual(order.state, "draft", "not confirmed")
        dialog = self.env["arwatch.sale.hold"].with_user(self.seller).with_context(**action["context"]).create({})
        self.assertEqual(dialog.order_id, order)
        proforma = dialog.action_send_proforma()
        self.assertTrue(proforma["context"].get("proforma"))
        link = dialog.action_payment_link()
        self.assertEqual(link["res_model"], "payment.link.wizard")
        self.assertEqual((link["context"]["active_model"], link["context"]["active_id"]), ("sale.order", order.id))

    def test_ask_credit_control__a_task_for_the_collections_user_with_the_order(self):
        self.run_scoring()
        order = self.order()
        result = order.with_user(self.seller).action_arwatch_ask_credit_control()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn(self.collector.name, result["params"]["message"])
        request = self.env["mail.activity"].search([("arwatch_key", "like", f"request:{self.late.id}:credit_review:")])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.user_id, self.collector)
        self.assertIn(f"/odoo/sale.order/{order.id}", request.note)
        self.assertIn(order.name, request.summary)
        self.assertEqual(request.res_model, "arwatch.partner.risk")
        order.with_user(self.seller).action_arwatch_ask_credit_control()
        self.assertEqual(self.env["mail.activity"].search_count(
            [("arwatch_key", "=", request.arwatch_key)]), 1, "asked twice: one request")
        self.assertIn(request, self.env["arwatch.worklist"].with_user(self.collector).search([]).activity_id,
                      "on the collections worklist")
        self.run_scoring()
        self.assertTrue(request.active, "the scoring run leaves requests alone")
        self.assertEqual(order.state, "draft")

    def test_ask_credit_control__only_for_a_held_customer(self):
        order = self.order()
        with self.assertRaisesRegex(UserError, "not on credit hold"):
            order.with_user(self.seller).action_arwatch_ask_credit_control()
