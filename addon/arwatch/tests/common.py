from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.arwatch import compat
from odoo.tests import new_test_user


class ArwatchCommon(AccountTestInvoicingCommon):
    """Customers with real posted invoices and payments registered through the wizard.

    ``good`` paid four 30-day invoices ten days after issue; ``late`` has an invoice 120 days past due
    (delinquent) and a salesperson. Tracking stays disabled (``BaseCommon``) except where tested.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.salesman = new_test_user(cls.env, "arw_sales", groups="base.group_user", company_id=cls.company.id)
        cls.collector = new_test_user(cls.env, "arw_collector", groups="account.group_account_invoice,"
                                      "arwatch.group_collections_user", company_id=cls.company.id)
        cls.manager = new_test_user(cls.env, "arw_manager", groups="account.group_account_invoice,"
                                    "arwatch.group_collections_manager", company_id=cls.company.id)
        compat.add_groups(cls.env.user.sudo(), "arwatch.group_collections_manager")
        cls.company.arwatch_collections_user_id = cls.collector
        cls.company.arwatch_manager_user_id = cls.manager
        cls.good = cls.env["res.partner"].create({"name": "Good Payer", "is_company": True})
        cls.late = cls.env["res.partner"].create({"name": "Late Payer", "is_company": True,
                                                  "user_id": cls.salesman.id})
        net30 = cls.env.ref("account.account_payment_term_30days")
        for months in (12, 9, 6, 3):  # on 30-day terms, paid on day 10: punctual whatever today is
            day = cls.today - timedelta(days=30 * months)
            invoice = cls.invoice(cls.good, day, 500.0, term=net30)
            cls.pay(invoice, day + timedelta(days=10))
        cls.late_paid = cls.invoice(cls.late, cls.today - timedelta(days=200), 300.0)
        cls.pay(cls.late_paid, cls.today - timedelta(days=190))
        cls.late_open = cls.invoice(cls.late, cls.today - timedelta(days=120), 1000.0)

    @classmethod
    def invoice(cls, partner, day, amount, company=None, post=True, term=None):
        """A posted customer invoice of one line, due on ``day`` unless ``term`` says otherwise."""
        company = company or cls.company
        vals = {
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": day, "date": day,
            "invoice_payment_term_id": term.id if term else False,
            "invoice_line_ids": [Command.create({"name": "goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        }
        if not term:
            # without a payment term Odoo keeps the due date given (default: today): due on issue
            vals["invoice_date_due"] = day
        move = cls.env["account.move"].with_company(company).create(vals)
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoices, day, amount=None):
        """Register a payment for ``invoices`` with the wizard (reconciled with them)."""
        vals = {"payment_date": day}
        if amount is not None:
            vals["amount"] = amount
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids).create(vals)._create_payments()

    def run_scoring(self, company=None, today=None, partners=None):
        return self.env["arwatch.scoring"]._score_company(
            company or self.company, today=today or self.today, partner_ids=partners.ids if partners else None)

    def risk(self, partner, company=None):
        return self.env["arwatch.partner.risk"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)])

    def open_tasks(self, partner, company=None):
        return self.env["mail.activity"].search(
            [("arwatch_partner_id", "=", partner.id), ("arwatch_company_id", "=", (company or self.company).id)])


class ArwatchRpc:
    """Calls as an outside program makes them, through Odoo's HTTP server (mix with ``HttpCase``):
    the caller's own environment, never ``sudo``, whatever context it sends."""

    @classmethod
    def with_passwords(cls, *users):
        for user in users:
            user.sudo().password = f"{user.login}-pw"

    def rpc(self, user, model, method, *args, **kwargs):
        """XML-RPC ``execute_kw`` as ``user``; a refusal is an ``xmlrpc.client.Fault``."""
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, f"{user.login}-pw", model, method, list(args), kwargs)

    def jsonrpc(self, user, model, method, *args, **kwargs):
        """JSON-RPC ``execute_kw`` as ``user`` (answers may hold nulls, as the sync API's do)."""
        return self.make_jsonrpc_request("/jsonrpc", {
            "service": "object", "method": "execute_kw",
            "args": [self.env.cr.dbname, user.id, f"{user.login}-pw", model, method, list(args), kwargs]})
