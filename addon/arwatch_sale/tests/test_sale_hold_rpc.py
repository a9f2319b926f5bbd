from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ArwatchSaleCommon


@tagged("post_install", "-at_install")
class TestSaleHoldRpc(ArwatchSaleCommon, HttpCase):
    """The hold holds over XML-RPC too: a real call to /xmlrpc/2/object, served by Odoo's HTTP thread."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "arw_rpc_seller", password="arw_rpc_seller_pw",
                                   groups="sales_team.group_sale_salesman", company_id=cls.company.id)
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})

    def rpc(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.seller.id, "arw_rpc_seller_pw", model, method, list(args), kwargs)

    def rpc_order(self, partner):
        # XML-RPC cannot marshal Odoo's Command enum: plain (0, 0, vals) tuples
        return self.rpc("sale.order", "create", {
            "partner_id": partner.id, "company_id": self.company.id, "user_id": self.seller.id,
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})],
        })

    def test_rpc_confirm__refused_for_held_customer_as_plain_user(self):
        self.run_scoring()
        order_id = self.rpc_order(self.late)
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc("sale.order", "action_confirm", [order_id])
        self.assertEqual(self.env["sale.order"].browse(order_id).state, "draft")
        other_id = self.rpc_order(self.good)
        self.rpc("sale.order", "action_confirm", [other_id])
        self.assertEqual(self.env["sale.order"].browse(other_id).state, "sale",
                         "a customer without hold is confirmed over RPC as usual")

    def test_rpc_confirm__order_created_in_the_test_as_the_seller(self):
        self.run_scoring()
        order = self.env["sale.order"].with_user(self.seller).create({
            "partner_id": self.late.id, "company_id": self.company.id, "user_id": self.seller.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
        })
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc("sale.order", "action_confirm", [order.id])
        self.assertEqual(order.state, "draft")
