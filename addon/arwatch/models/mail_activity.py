from odoo import _, fields, models


class MailActivity(models.Model):
    """Collection tasks are activities of the add-on's types with a stable ``arwatch_key``.

    The key is the core task key (``task:<customer>:<step>:<cause>``); a partial unique index
    keeps one open activity per key and company, so a rerun can never duplicate one.
    """

    _inherit = "mail.activity"

    arwatch_key = fields.Char("Collection task key", index=True, copy=False, readonly=True)
    arwatch_company_id = fields.Many2one("res.company", "Collections company", copy=False, readonly=True)
    arwatch_partner_id = fields.Many2one("res.partner", "Collections customer", index=True, copy=False,
                                         readonly=True)
    arwatch_channel = fields.Selection(
        [("email", "Email"), ("letter", "Letter"), ("call", "Call"), ("todo", "To do"), ("approval", "Approval")],
        "Collection channel", copy=False, readonly=True)

    def init(self):
        res = super().init()
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS mail_activity_arwatch_key_open_uniq
                ON mail_activity (arwatch_company_id, arwatch_key)
             WHERE arwatch_key IS NOT NULL AND active
        """)
        return res

    def action_arwatch_log_outcome(self):
        """Open the call outcome wizard for this activity (no answer / promise / dispute)."""
        self.ensure_one()
        partner = self.arwatch_partner_id or (
            self.env[self.res_model].browse(self.res_id).commercial_partner_id
            if self.res_model in ("res.partner", "account.move") else self.env["res.partner"])
        return {
            "type": "ir.actions.act_window",
            "name": _("Log call outcome"),
            "res_model": "arwatch.call.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_id": self.id, "default_partner_id": partner.id,
                        "default_invoice_id": self.res_id if self.res_model == "account.move" else False},
        }
