from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _arwatch_due_date(self):
        """The day the invoice is due in full: its last instalment (the payment term lines), else
        ``invoice_date_due`` (19.0 keeps a due date given as False at create until posting)."""
        self.ensure_one()
        dates = [line.date_maturity for line in self.line_ids
                 if line.display_type == "payment_term" and line.date_maturity]
        return max(dates) if dates else self.invoice_date_due

    def _arwatch_on_credit(self):
        """Customer invoices sold on credit: paid later than the day they are issued. An invoice
        without an invoice date is issued today: posting dates it so (``_post``), after this check."""
        today = fields.Date.context_today(self)
        return self.filtered(lambda m: m.move_type == "out_invoice"
                             and (m._arwatch_due_date() or m.invoice_date or today) > (m.invoice_date or today))

    def _arwatch_check_credit_hold(self):
        """Refuse posting an invoice on credit for a customer on hold, when the company says so: a
        branch by its root company's setting, as the root's credit policy is the group's."""
        for company, moves in self._arwatch_on_credit().grouped("company_id").items():
            if not company.sudo().root_id.arwatch_block_invoices:
                continue
            for _move, debtor, reason in moves._arwatch_held_debtors(company):
                raise UserError(_(
                    "%(customer)s is on credit hold in %(company)s: %(reason)s\n"
                    "New invoices on credit are refused; invoice with immediate payment terms, or ask a "
                    "collections manager to lift the hold.",
                    customer=debtor.display_name, company=company.name, reason=reason))

    def _arwatch_check_held_debt_kept(self):
        """A held customer's open invoices stay as posted below a collections manager: reset to
        draft or cancelled, an invoice leaves the ledger the scoring reads; with its due date moved
        on, it is no longer overdue; either way the next run releases the hold. A lifted hold
        (``override_until``) holds nobody, and server code passes. A branch's invoice is part of
        its root company's debt: a manager passes with rights on every company whose holds apply
        in the invoice's company (``_hold_companies``), not on the branch alone."""
        if self.env.su:
            return
        manager = self.env.user.has_group("arwatch.group_collections_manager")
        risk = self.env["arwatch.partner.risk"]
        open_invoices = self.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice"
                                      and not m.currency_id.is_zero(m.amount_residual))
        for company, moves in open_invoices.grouped("company_id").items():
            if manager and not risk._hold_companies(company) - self.env.user.company_ids:
                continue
            for move, debtor, reason in moves._arwatch_held_debtors(company):
                raise UserError(_(
                    "%(customer)s is on credit hold in %(company)s: %(reason)s\n"
                    "%(invoice)s is part of the debt that holds it: only a collections manager resets or "
                    "cancels it or moves its due date, or lifts the hold first.",
                    customer=debtor.display_name, company=company.name, invoice=move.name, reason=reason))

    def _arwatch_held_debtors(self, company):
        """(move, held partner, hold reason) of each of these moves of ``company`` whose customer
        (or its commercial partner) is on hold there (by the company or one above it), in order:
        one query for all."""
        risk = self.env["arwatch.partner.risk"]
        held = risk._held_partner_ids(self.partner_id, company)
        for move in self:
            debtor = risk._held_debtor(move.partner_id, held)
            if debtor:
                yield move, debtor, held[debtor.id] or _("no reason given")

    def write(self, vals):
        if "invoice_date_due" in vals:
            self._arwatch_check_held_debt_kept()
        return super().write(vals)

    def button_draft(self):
        """``button_cancel`` of a posted invoice resets it to draft first: both are checked here."""
        self._arwatch_check_held_debt_kept()
        return super().button_draft()

    def _post(self, soft=True):
        self._arwatch_check_credit_hold()
        return super()._post(soft=soft)
