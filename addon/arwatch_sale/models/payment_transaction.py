from odoo import _, models
from odoo.tools import plaintext2html


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Online payments for a held customer's quotation: the money is recorded, the order is not
        confirmed (unless paid in full, the upfront exception), and its chatter says why.

        Raising here, as ``action_confirm`` would, rolls back the whole post-processing: the
        provider has taken the money but no payment is recorded, and the cron retries for days.
        """
        held = self.browse()
        for tx in self:
            for order in tx.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent")):
                message = order._arwatch_hold_message()
                if message and order._is_confirmation_amount_reached():
                    held |= tx
                    order.sudo().message_post(body=plaintext2html(
                        _("Online payment %(reference)s received; the order was not confirmed.\n%(why)s",
                          reference=tx.reference, why=message)))
        return super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
