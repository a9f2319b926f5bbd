from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestHoldInvoicePaths(ArwatchCommon):
    """With "refuse invoices on credit" on, a held customer gets no new invoice on credit, however
    the invoice is posted: without an invoice date (Odoo dates it today while posting, as for an
    invoice made from a sale order), or to the held company after it was made a contact of
    another company. And the debt that holds a customer stays posted for anyone below a
    collections manager: an open invoice reset to draft or cancelled leaves the ledger the
    scoring reads, and the next run would release the hold."""

    def setUp(self):
        super().setUp()
        self.run_scoring()
        self.assertTrue(self.risk(self.late).hold)
        self.company.arwatch_block_invoices = True
        self.net30 = self.env.ref("account.account_payment_term_30days")

    def draft(self, partner, **vals):
        return self.env["account.move"].create(dict({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_payment_term_id": self.net30.id,
            "invoice_line_ids": [Command.create({"name": "goods", "quantity": 1, "price_unit": 80.0,
                                                 "tax_ids": [Command.clear()]})],
        }, **vals))

    def test_invoice_without_a_date__refused_for_a_held_customer(self):
        draft = self.draft(self.late)
        self.assertFalse(draft.invoice_date, "the case of an invoice made from a sale order")
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(self.collector).action_post()
        self.assertEqual(draft.state, "draft")
        other = self.draft(self.good)
        other.with_user(self.collector).action_post()
        self.assertEqual((other.state, other.invoice_date), ("posted", fields.Date.context_today(other)),
                         "a customer without hold: posted and dated today, as Odoo does")

    def test_invoice_without_a_date__due_on_the_day_still_posts(self):
        """Payment upfront (no credit): an undated invoice due immediately is not refused."""
        draft = self.draft(self.late, invoice_payment_term_id=self.env.ref("account.account_payment_term_immediate").id)
        draft.with_user(self.collector).action_post()
        self.assertEqual(draft.state, "posted")

    def test_held_company_made_a_contact_of_another__still_refused(self):
        """Moving the held company under another company (a contact clerk writes ``parent_id``,
        unticks "is a company") changes its commercial partner, not whom the invoice is to: it
        stays held."""
        clerk = new_test_user(self.env, "arw_contacts_clerk", groups="base.group_user,base.group_partner_manager",
                              company_id=self.company.id)
        holding = self.env["res.partner"].create({"name": "Umbrella Holding", "is_company": True})
        self.late.with_user(clerk).write({"parent_id": holding.id, "is_company": False})
        self.assertEqual(self.late.commercial_partner_id, holding)
        draft = self.draft(self.late)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(self.collector).action_post()
        self.assertEqual(draft.state, "draft")

    def test_open_invoice_of_a_held_customer__reset_or_cancel_refused_below_a_manager(self):
        risk = self.risk(self.late)
        for action in ("button_draft", "button_cancel"):
            with self.assertRaisesRegex(UserError, "credit hold"):
                getattr(self.late_open.with_user(self.collector), action)()
        self.assertEqual(self.late_open.state, "posted")
        self.run_scoring(today=self.today + timedelta(days=1))
        self.assertTrue(risk.hold, "the debt is still read: the hold stays")
        # a paid invoice, or a customer without hold: as Odoo allows
        self.late_paid.with_user(self.collector).button_draft()
        self.assertEqual(self.late_paid.state, "draft")
        # a collections manager may (and is the one who lifts holds)
        self.late_open.with_user(self.manager).button_draft()
        self.assertEqual(self.late_open.state, "draft")

    def test_due_date_of_a_held_customers_open_invoice__moved_by_a_manager_only(self):
        """Over RPC ``write`` as well: Odoo lets an invoicing user move a posted invoice's due date."""
        risk = self.risk(self.late)
        later = self.today + timedelta(days=300)
        with self.assertRaisesRegex(UserError, "credit hold"):
            self.late_open.with_user(self.collector).write({"invoice_date_due": later})
        self.run_scoring(today=self.today + timedelta(days=1))
        self.assertTrue(risk.hold, "still 120 days overdue: the hold stays")
        self.draft(self.good).with_user(self.collector).write({"invoice_date_due": later})  # a draft: as Odoo allows
        self.late_open.with_user(self.manager).write({"invoice_date_due": later})
        self.assertEqual(self.late_open.invoice_date_due, later)
