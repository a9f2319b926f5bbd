from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _arwatch_on_credit(self):
        """Customer invoices sold on credit: paid later than the day they are issued."""
        return self.filtered(lambda m: m.move_type == "out_invoice" and m.invoice_date_due and m.invoice_date
                             and m.invoice_date_due > m.invoice_date)

    def _arwatch_check_credit_hold(self):
        """Refuse posting an invoice on credit for a customer on hold, when the company says so."""
        risk = self.env["arwatch.partner.risk"]
        for company, moves in self._arwatch_on_credit().grouped("company_id").items():
            if not company.arwatch_block_invoices:
                continue
            held = risk._held_partner_ids(moves.commercial_partner_id, company)
            blocked = moves.filtered(lambda m, held=held: m.commercial_partner_id.id in held)
            if blocked:
                move = blocked[0]
                raise UserError(_(
                    "%(customer)s is on credit hold in %(company)s: %(reason)s\n"
                    "New invoices on credit are refused; invoice with immediate payment terms, or ask a "
                    "collections manager to lift the hold.",
                    customer=move.commercial_partner_id.display_name, company=company.name,
                    reason=held[move.commercial_partner_id.id] or _("no reason given")))

    def _post(self, soft=True):
        self._arwatch_check_credit_hold()
        return super()._post(soft=soft)
