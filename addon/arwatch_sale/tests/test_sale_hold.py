from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchSaleCommon


@tagged("post_install", "-at_install")
class TestSaleHold(ArwatchSaleCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "arw_seller", groups="sales_team.group_sale_salesman",
                                   company_id=cls.company.id)
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})

    def order(self, partner, user=None):
        env = self.env(user=user) if user else self.env
        return env["sale.order"].create({
            "partner_id": partner.id, "company_id": self.company.id, "user_id": (user or self.env.user).id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
        })

    def test_confirm__refused_for_held_customer_as_plain_user(self):
        self.run_scoring()
        order = self.order(self.late, self.seller)
        self.assertTrue(order.arwatch_hold)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        other = self.order(self.good, self.seller)
        other.action_confirm()
        self.assertEqual(other.state, "sale", "a customer without hold is confirmed as usual")

    def test_confirm__copy_of_a_confirmed_order_is_refused(self):
        order = self.order(self.late, self.seller)
        order.action_confirm()  # before the scoring: no hold yet
        self.run_scoring()
        copy = order.with_user(self.seller).copy()
        self.assertEqual(copy.state, "draft")
        with self.assertRaisesRegex(UserError, "credit hold"):
            copy.action_confirm()

    def test_confirm__portal_signature_path_is_refused(self):
        self.run_scoring()
        order = self.order(self.late)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.sudo()._validate_order()
        self.assertEqual(order.state, "draft")

    def test_confirm__plain_user_cannot_write_the_override(self):
        self.run_scoring()
        order = self.order(self.late, self.seller)
        with self.assertRaises(AccessError):
            order.write({"arwatch_override_reason": "me", "arwatch_override_user_id": self.seller.id})
        with self.assertRaises(AccessError):
            self.env["arwatch.sale.override"].with_user(self.seller).create({"order_id": order.id, "reason": "x"})

    def test_confirm__manager_override_with_reason_in_chatter(self):
        self.run_scoring()
        order = self.order(self.late, self.seller)
        wizard = self.env["arwatch.sale.override"].with_user(self.manager).create(
            {"order_id": order.id, "reason": "prepaid by bank transfer"})
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("prepaid by bank transfer", order.message_ids[0].body)
        copy = order.copy()
        self.assertFalse(copy.sudo().arwatch_override_user_id, "the override is not copied")
        with self.assertRaisesRegex(UserError, "credit hold"):
            copy.action_confirm()

    def test_confirm__allowed_again_once_the_hold_is_released(self):
        self.run_scoring()
        order = self.order(self.late, self.seller)
        self.pay(self.late_open, self.today)
        self.run_scoring(today=self.today + timedelta(days=8))
        order.invalidate_recordset()
        order.with_context(date=self.today + timedelta(days=8)).action_confirm()
        self.assertEqual(order.state, "sale")
