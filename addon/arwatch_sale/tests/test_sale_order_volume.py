from odoo import Command
from odoo.addons.arwatch.lib import ledger_sql
from odoo.addons.arwatch.tests.common import ArwatchCommon
from odoo.tests import tagged

from arwatch.core.policy import Policy


@tagged("post_install", "-at_install")
class TestSaleOrderVolume(ArwatchCommon):
    """With confirmed sale orders the scoring measures order volume on them (core ``orders``)."""

    def board(self):
        self.env.flush_all()  # as _score_company does: the queries are SQL
        orders = ledger_sql.has_orders(self.env.cr, self.company.id)
        board, _ = self.env["arwatch.scoring"]._board(self.company, [self.good.id, self.late.id], self.today,
                                                       Policy(), orders=orders)
        return board.frame

    def test_orders__read_only_once_the_company_has_a_confirmed_one(self):
        self.assertFalse(self.board().orders_available, "no confirmed order: invoiced volume")
        product = self.env["product.product"].create({"name": "Widget", "list_price": 100.0})
        contact = self.env["res.partner"].create({"name": "Jo", "parent_id": self.good.id})
        order = self.env["sale.order"].create({
            "partner_id": contact.id, "company_id": self.company.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3,
                                           "tax_id": [Command.clear()]})],
        })
        draft = order.copy()
        order.action_confirm()
        frame = self.board()
        self.assertTrue(frame.orders_available)
        self.assertEqual(list(frame.o_number), [order.name], "the confirmed one only, not the quotation " + draft.name)
        self.assertEqual(str(frame.c_id[frame.o_cust[0]]), str(self.good.id), "a contact's order is its company's")
        self.assertAlmostEqual(float(frame.o_total[0]), 300.0)
