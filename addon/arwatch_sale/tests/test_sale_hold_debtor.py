from xmlrpc.client import Fault

from odoo.addons.arwatch.tests.common import ArwatchRpc
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ArwatchSaleCommon


@tagged("post_install", "-at_install")
class TestSaleHoldDebtor(ArwatchSaleCommon, ArwatchRpc, HttpCase):
    """The hold follows whom the order's invoice will be to, over XML-RPC as a salesperson does
    it: a held customer as the invoice address of another customer's order, a contact of the
    held customer, and the held company moved under another company, are all refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "arw_debtor_seller", groups="sales_team.group_sale_salesman,"
                                   "base.group_partner_manager", company_id=cls.company.id)
        cls.with_passwords(cls.seller)
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})

    def setUp(self):
        super().setUp()
        self.run_scoring()
        self.assertTrue(self.risk(self.late).hold)

    def rpc_order(self, partner, **vals):
        # XML-RPC cannot marshal Odoo's Command enum: plain (0, 0, vals) tuples
        return self.rpc(self.seller, "sale.order", "create", dict({
            "partner_id": partner.id, "company_id": self.company.id, "user_id": self.seller.id,
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})]}, **vals))

    def state(self, order_id):
        order = self.env["sale.order"].browse(order_id)
        order.invalidate_recordset()
        return order.state

    def test_held_customer_as_invoice_address__refused(self):
        order_id = self.rpc_order(self.good, partner_invoice_id=self.late.id)
        self.assertTrue(self.env["sale.order"].browse(order_id).arwatch_hold, "the banner shows the hold")
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order_id])
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "write", [order_id], {"state": "sale"})
        self.assertEqual(self.state(order_id), "draft")
        # switched to the held invoice address after the quotation was made: the same
        other_id = self.rpc_order(self.good)
        self.rpc(self.seller, "sale.order", "write", [other_id], {"partner_invoice_id": self.late.id})
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [other_id])
        self.assertEqual(self.state(other_id), "draft")

    def test_contact_of_held_customer__refused(self):
        contact = self.env["res.partner"].create({"name": "Buyer at Late Payer", "parent_id": self.late.id})
        order_id = self.rpc_order(contact)
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order_id])
        self.assertEqual(self.state(order_id), "draft")

    def test_held_company_moved_under_another__refused(self):
        holding = self.env["res.partner"].create({"name": "Umbrella Holding", "is_company": True})
        self.rpc(self.seller, "res.partner", "write", [self.late.id], {"parent_id": holding.id, "is_company": False})
        self.late.invalidate_recordset()
        self.assertEqual(self.late.commercial_partner_id, holding)
        order_id = self.rpc_order(self.late)
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order_id])
        self.assertEqual(self.state(order_id), "draft")

    def test_unheld_customer_with_own_addresses__confirmed(self):
        order_id = self.rpc_order(self.good, partner_invoice_id=self.good.id)
        self.rpc(self.seller, "sale.order", "action_confirm", [order_id])
        self.assertEqual(self.state(order_id), "sale")
