from odoo import Command
from odoo.addons.payment.tests.common import PaymentCommon
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ArwatchSaleCommon, compat


@tagged("post_install", "-at_install")
class TestSaleHoldPayment(ArwatchSaleCommon, PaymentCommon):
    """The portal payment path: a transaction's post-processing confirms the order it pays
    (``_check_amount_and_confirm_order`` → ``action_confirm``) with Odoo's dummy provider.

    ``PaymentCommon`` (not ``AccountPaymentCommon``, whose ``cls.invoice`` record would shadow
    ``ArwatchCommon.invoice``) mocks account_payment's part of the post-processing (the
    ``account.payment`` creation): what is tested is sale's confirmation step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})
        cls.seller = new_test_user(cls.env, "arw_upfront_seller", groups="sales_team.group_sale_salesman",
                                   company_id=cls.company.id)

    def order(self, partner, **vals):
        return self.env["sale.order"].create(dict({
            "partner_id": partner.id, "company_id": self.company.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2,
                                           compat.SALE_LINE_TAXES: [Command.clear()]})],
        }, **vals))

    def pay_online(self, order, amount, reference):
        return self._create_transaction(flow="redirect", sale_order_ids=[order.id], state="done", amount=amount,
                                        currency_id=order.currency_id.id, partner_id=order.partner_id.id,
                                        reference=reference)

    def test_payment__prepayment_does_not_confirm_a_held_customers_order(self):
        self.run_scoring()
        order = self.order(self.late, require_payment=True, prepayment_percent=0.5)
        self.assertTrue(order.arwatch_hold)
        tx = self.pay_online(order, order.amount_total / 2, "arw-prepay")
        self.assertTrue(order._is_confirmation_amount_reached(), "without the hold Odoo would confirm")
        with mute_logger("odoo.addons.sale.models.payment_transaction"):
            tx._post_process()  # no exception: the post-processing (and the money) is kept
        self.assertEqual(order.state, "draft")
        messages = self.env["mail.message"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        notes = [m.body for m in messages if "was not confirmed" in (m.body or "")]
        self.assertTrue(notes and "credit hold" in notes[0],
                        f"the chatter says why it was not confirmed; found: {messages.mapped('body')}")

    def test_payment__full_payment_upfront_confirms_a_held_customers_order(self):
        self.run_scoring()
        order = self.order(self.late)
        tx = self.pay_online(order, order.amount_total, "arw-full")
        with mute_logger("odoo.addons.sale.models.payment_transaction"):
            tx._post_process()
        self.assertEqual(order.state, "sale", "paid in full upfront: no credit is extended")

    def test_payment__an_order_paid_upfront_does_not_grow_on_credit(self):
        """The upfront exception covers what was paid: while the customer is on hold, a line added
        to the confirmed order (or a quantity raised) beyond the amount paid is refused."""
        self.run_scoring()
        order = self.order(self.late, user_id=self.seller.id)
        tx = self.pay_online(order, order.amount_total, "arw-full-grow")
        with mute_logger("odoo.addons.sale.models.payment_transaction"):
            tx._post_process()
        self.assertEqual(order.state, "sale")
        paid = order.amount_total
        seller_order = order.with_user(self.seller)
        # refused after the write, as a constraint is: Odoo's assertRaises rolls it back (assertRaisesRegex does not)
        with self.assertRaises(UserError) as refused:
            seller_order.write({"order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 50})]})
        self.assertIn("credit hold", str(refused.exception))
        with self.assertRaises(UserError) as refused:
            seller_order.order_line.write({"product_uom_qty": 40})
        self.assertIn("credit hold", str(refused.exception))
        order.invalidate_recordset()
        self.assertEqual((len(order.order_line), order.amount_total), (1, paid), "the order as paid")
        seller_order.order_line.write({"name": "Widget, blue"})  # no amount: as before
        seller_order.order_line.write({"product_uom_qty": 1})  # less than paid: no new credit
        self.assertEqual(order.order_line.product_uom_qty, 1)
