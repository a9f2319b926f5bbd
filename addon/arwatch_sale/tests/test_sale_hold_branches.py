import importlib.util
import os

from odoo import Command
from odoo.addons.arwatch_sale.models import sale_order
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchSaleCommon, compat


@tagged("post_install", "-at_install")
class TestSaleHoldBranches(ArwatchSaleCommon):
    """A branch's order for a customer its root company holds is held like the root's own; only a
    manager working in the root company overrides it; another company's hold holds nobody here.
    A per-order override covers the order as approved, invoice address included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.env["res.company"].create({"name": "Branch North", "parent_id": cls.company.id})
        cls.cr.precommit.run()  # the branch's journals (Odoo loads them at commit)
        cls.other = cls.setup_other_company(name="Unrelated Ltd")["company"]
        cls.env.user.sudo().company_ids |= cls.branch | cls.other
        cls.manager.sudo().company_ids |= cls.branch
        compat.add_groups(cls.manager.sudo(), "sales_team.group_sale_manager")
        cls.branch_seller = new_test_user(cls.env, "arw_north_seller", groups="sales_team.group_sale_salesman",
                                          company_id=cls.branch.id, company_ids=[Command.set(cls.branch.ids)])
        cls.branch_manager = new_test_user(
            cls.env, "arw_north_boss", groups="sales_team.group_sale_manager,arwatch.group_collections_manager",
            company_id=cls.branch.id, company_ids=[Command.set(cls.branch.ids)])
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100.0})
        cls.late_billing = cls.env["res.partner"].create(
            {"name": "Late Payer, accounts", "type": "invoice", "parent_id": cls.late.id})

    def order(self, partner, company=None, user=None, **vals):
        env = self.env(user=user) if user else self.env
        company = company or self.branch
        return env["sale.order"].with_company(company).create(dict({
            "partner_id": partner.id, "company_id": company.id, "user_id": (user or self.env.user).id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
        }, **vals))

    def test_confirm__a_branch_order_is_held_by_its_roots_hold(self):
        self.run_scoring()
        order = self.order(self.late, user=self.branch_seller)
        self.assertTrue(order.arwatch_hold)
        self.assertIn("Late Payer", order.arwatch_hold_title)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        good = self.order(self.good, user=self.branch_seller)
        good.action_confirm()
        self.assertEqual(good.state, "sale")

    def test_confirm__another_companys_hold_holds_nobody_in_the_group(self):
        self.env["arwatch.partner.risk"].sudo().create(
            {"partner_id": self.good.id, "company_id": self.other.id, "hold": True, "hold_reason": "theirs"})
        self.assertTrue(self.order(self.good, company=self.other).arwatch_hold)
        for company in (self.company, self.branch):
            order = self.order(self.good, company=company)
            self.assertFalse(order.arwatch_hold, company.name)
            order.action_confirm()
            self.assertEqual(order.state, "sale", company.name)

    def test_override__a_branch_manager_does_not_override_the_roots_hold(self):
        self.run_scoring()
        order = self.order(self.late, user=self.branch_seller)
        wizard = self.env["arwatch.sale.override"].with_user(self.branch_manager).create(
            {"order_id": order.id, "reason": "the branch says so"})
        with self.assertRaisesRegex(AccessError, "placed by"):
            wizard.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.sudo().arwatch_override_user_id)
        self.env["arwatch.sale.override"].with_user(self.manager).with_context(
            allowed_company_ids=[self.branch.id, self.company.id]).create(
            {"order_id": order.id, "reason": "director's approval"}).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_ask_credit_control__from_a_branch_reaches_the_roots_hold(self):
        self.run_scoring()
        order = self.order(self.late, user=self.branch_seller)
        order.with_user(self.branch_seller).action_arwatch_ask_credit_control()
        request = self.env["mail.activity"].search([("arwatch_key", "=like", f"request:%sale.order,{order.id}")])
        self.assertEqual(len(request), 1)
        self.assertEqual((request.arwatch_company_id, request.res_id), (self.company, self.risk(self.late).id))
        self.assertEqual(request.user_id, self.collector, "the root company's collections user")

    def quotation_approved(self):
        """A held customer's quotation with a manager's override of it as it is (left by server code)."""
        self.run_scoring()
        order = self.order(self.late, company=self.company, partner_invoice_id=self.late.id)
        order.sudo().write(order.with_user(self.manager)._prepare_arwatch_override_vals("approved as is"))
        self.assertTrue(order._arwatch_override_valid())
        return order

    def test_override__a_changed_invoice_address_is_not_covered(self):
        order = self.quotation_approved()
        order.partner_invoice_id = self.late_billing
        self.assertFalse(order._arwatch_override_valid(), "someone else is billed than was approved")
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_override__a_changed_note_is_still_covered(self):
        order = self.quotation_approved()
        order.note = "Deliver to the back door"
        self.assertTrue(order._arwatch_override_valid())
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_override__a_confirmed_orders_invoice_address_stays_as_approved(self):
        order = self.quotation_approved()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaisesRegex(UserError, "as approved"):
            order.with_user(self.manager).with_company(self.company).write({"partner_invoice_id": self.late_billing.id})

    def test_upgrade__an_override_as_approved_before_keeps_covering_its_order(self):
        """1.2.0's upgrade step: an override fingerprinted without the invoice address (earlier
        versions) is fingerprinted again while it matches its order; one that does not, stays void."""
        kept = self.quotation_approved()
        changed = self.order(self.late, company=self.company, partner_invoice_id=self.late.id)
        old_style = {order: sale_order._digest(order._arwatch_approval_payload(invoice_address=False))
                     for order in kept | changed}
        for order, digest in old_style.items():
            order.sudo().write({"arwatch_override_user_id": self.manager.id, "arwatch_override_reason": "before",
                                "arwatch_override_digest": digest, "arwatch_override_amount": order.amount_total})
        changed.order_line.product_uom_qty = 50
        self.assertFalse(kept._arwatch_override_valid() or changed._arwatch_override_valid(), "old fingerprints")
        path = os.path.join(os.path.dirname(__file__), "..", "migrations", "1.2.0", "post-migrate.py")
        spec = importlib.util.spec_from_file_location("arwatch_sale_migrate_1_2_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertTrue(kept._arwatch_override_valid(), "covers its order as approved, as before the upgrade")
        self.assertFalse(changed._arwatch_override_valid(), "changed since the approval: still covers nothing")
        self.assertEqual(changed.sudo().arwatch_override_digest, old_style[changed])
        kept.action_confirm()
        self.assertEqual(kept.state, "sale")
