from xmlrpc.client import Fault

from odoo.addons.arwatch.tests.common import ArwatchRpc
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ArwatchSaleCommon


@tagged("post_install", "-at_install")
class TestSaleHoldBypass(ArwatchSaleCommon, ArwatchRpc, HttpCase):
    """An order of a held customer reaches state ``sale`` only through the hold check, over
    XML-RPC too; a manager's per-order override covers the order as approved, no more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "arw_bypass_seller", groups="sales_team.group_sale_salesman",
                                   company_id=cls.company.id)
        cls.sales_manager = new_test_user(cls.env, "arw_bypass_boss", groups="sales_team.group_sale_manager,"
                                          "arwatch.group_collections_manager", company_id=cls.company.id)
        cls.with_passwords(cls.seller, cls.sales_manager)
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})

    def order_vals(self, partner, **vals):
        # XML-RPC cannot marshal Odoo's Command enum: plain (0, 0, vals) tuples
        return dict({"partner_id": partner.id, "company_id": self.company.id, "user_id": self.seller.id,
                     "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})]}, **vals)

    def held_order(self):
        self.run_scoring()
        return self.env["sale.order"].browse(self.rpc(self.seller, "sale.order", "create", self.order_vals(self.late)))

    def overridden_order(self):
        order = self.held_order()
        self.env["arwatch.sale.override"].with_user(self.sales_manager).create(
            {"order_id": order.id, "reason": "director's approval for 2 widgets"}).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def state(self, order):
        order.invalidate_recordset()
        return order.state

    def test_rpc_state_write__refused_for_a_held_customer(self):
        order = self.held_order()
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "write", [order.id], {"state": "sale"})
        self.assertEqual(self.state(order), "draft")
        other = self.rpc(self.seller, "sale.order", "create", self.order_vals(self.good))
        self.rpc(self.seller, "sale.order", "write", [other], {"state": "sale"})
        self.assertEqual(self.state(self.env["sale.order"].browse(other)), "sale", "no hold: as Odoo allows")

    def test_rpc_create_or_copy_confirmed__refused_for_a_held_customer(self):
        self.run_scoring()
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "create", self.order_vals(self.late, state="sale"))
        order = self.held_order()
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "copy", [order.id], {"state": "sale"})
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.late.id), ("state", "=", "sale")]))

    def test_rpc_override_fields__written_by_the_wizard_only(self):
        order = self.held_order()
        vals = {"arwatch_override_user_id": self.sales_manager.id, "arwatch_override_reason": "me"}
        with self.assertRaises(Fault):
            self.rpc(self.seller, "sale.order", "write", [order.id], vals)
        with self.assertRaisesRegex(Fault, "Confirm despite hold"):
            self.rpc(self.sales_manager, "sale.order", "write", [order.id], vals)
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order.id])
        self.assertEqual(self.state(order), "draft")

    def test_override__lapses_on_cancel_then_draft(self):
        order = self.overridden_order()
        self.rpc(self.seller, "sale.order", "action_cancel", [order.id], context={"disable_cancel_warning": True})
        self.assertEqual(self.state(order), "cancel")
        self.assertFalse(order.sudo().arwatch_override_user_id, "the override went with the cancellation")
        self.assertTrue(any("override lapsed" in (m.body or "") for m in order.message_ids))
        self.rpc(self.seller, "sale.order", "action_draft", [order.id])
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order.id])
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "write", [order.id], {"state": "sale"})
        self.assertEqual(self.state(order), "draft")

    def test_override__covers_the_lines_approved_not_a_line_added(self):
        order = self.overridden_order()
        line = order.order_line
        with self.assertRaisesRegex(Fault, "as approved"):
            self.rpc(self.seller, "sale.order", "write", [order.id],
                     {"order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 50})]})
        with self.assertRaisesRegex(Fault, "as approved"):
            self.rpc(self.seller, "sale.order.line", "write", [line.id], {"product_uom_qty": 40})
        with self.assertRaisesRegex(Fault, "as approved"):
            self.rpc(self.seller, "sale.order.line", "create",
                     {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 50})
        order.invalidate_recordset()
        self.assertEqual((len(order.order_line), line.product_uom_qty, order.amount_total),
                         (1, 2, order.sudo().arwatch_override_amount), "the order as approved")
        self.rpc(self.seller, "sale.order.line", "write", [line.id], {"name": "Widget, blue"})  # not approved values

    def test_override__a_changed_quotation_is_not_covered(self):
        """The override is checked against the order as approved when it is confirmed, whatever
        path changed it in between (an override left on a quotation by server code)."""
        order = self.held_order()
        order.sudo().write(order.with_user(self.sales_manager)._prepare_arwatch_override_vals("approved as is"))
        self.rpc(self.seller, "sale.order", "write", [order.id],
                 {"order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 50})]})
        with self.assertRaisesRegex(Fault, "credit hold"):
            self.rpc(self.seller, "sale.order", "action_confirm", [order.id])
        self.assertEqual(self.state(order), "draft")

    def test_override__changes_pass_once_the_hold_is_lifted(self):
        order = self.overridden_order()
        risk = self.risk(self.late)
        self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": risk.id, "reason": "paid by wire, clearing tomorrow"}).action_apply()
        self.rpc(self.seller, "sale.order", "write", [order.id],
                 {"order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 5})]})
        order.invalidate_recordset()
        self.assertEqual(len(order.order_line), 2)
