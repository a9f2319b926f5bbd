import hashlib
import json

from markupsafe import Markup, escape
from odoo import _, api, fields, models
from odoo.addons.arwatch import compat
from odoo.addons.arwatch.lib import words
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

# a manager's per-order override: written by the override wizard only (server code)
OVERRIDE_FIELDS = ("arwatch_override_user_id", "arwatch_override_reason", "arwatch_override_digest",
                   "arwatch_override_amount")


class SaleOrder(models.Model):
    """Credit hold on confirmation: an order reaches state ``sale`` only through the hold check.

    ``_confirmation_error_message`` is what ``action_confirm`` asks every order before confirming
    it, whoever calls it (form button, RPC, portal signature, payment post-processing); ``write``
    and ``create`` run the same check when they are asked for state ``sale`` directly. A manager's
    per-order override covers the order as approved (customer, invoice address, lines, amount): it lapses when
    they change and when the order leaves state ``sale`` (cancelled, reset to quotation).
    """

    _inherit = "sale.order"

    arwatch_hold = fields.Boolean("Customer on credit hold", compute="_compute_arwatch_hold")
    arwatch_hold_reason = fields.Text("Credit hold reason", compute="_compute_arwatch_hold")
    arwatch_hold_title = fields.Char("Credit hold", compute="_compute_arwatch_hold_title")
    # set by a collections manager's override only (the fields are not writable by others, over RPC either)
    arwatch_override_user_id = fields.Many2one("res.users", "Hold overridden by", copy=False, readonly=True,
                                               groups="arwatch.group_collections_manager")
    arwatch_override_reason = fields.Text("Hold override reason", copy=False, readonly=True,
                                          groups="arwatch.group_collections_manager")
    arwatch_override_digest = fields.Char("Hold override: order as approved", copy=False, readonly=True,
                                          groups="arwatch.group_collections_manager")
    arwatch_override_amount = fields.Monetary("Hold override: amount approved", copy=False, readonly=True,
                                              currency_field="currency_id",
                                              groups="arwatch.group_collections_manager")

    @api.depends("partner_id", "partner_invoice_id", "company_id")
    @api.depends_context("date")
    def _compute_arwatch_hold(self):
        held = self._arwatch_held_reasons()
        for order in self:
            reasons = held.get(order.company_id.id, {})
            debtor = order._arwatch_held_debtor(reasons)
            order.arwatch_hold = bool(debtor)
            order.arwatch_hold_reason = debtor and words.hold_reason(reasons.get(debtor.id)) or False

    @api.depends("arwatch_hold")
    @api.depends_context("date", "lang")
    def _compute_arwatch_hold_title(self):
        risk = self.env["arwatch.partner.risk"]
        held = self._arwatch_held_reasons()
        for order in self:
            debtor = order._arwatch_held_debtor(held.get(order.company_id.id, {}))
            order.arwatch_hold_title = order.arwatch_hold and bool(debtor) and risk._hold_title(
                debtor, order.company_id)

    def _arwatch_order_debtors(self):
        """Whom the orders' credit goes to: the customer and the invoice address (an order's
        invoice is to its invoice address, which may be another customer's)."""
        return self.partner_id | self.partner_invoice_id

    def _arwatch_held_debtor(self, reasons):
        """The partner whose hold (in ``reasons``, ``{partner id: reason}`` of the order's
        company) the order falls under, or an empty recordset."""
        self.ensure_one()
        return self.env["arwatch.partner.risk"]._held_debtor(self._arwatch_order_debtors(), reasons)

    def _arwatch_held_reasons(self):
        """{company id: {partner id: hold reason}} of the orders' customers and invoice
        addresses on hold: one query per company."""
        risk = self.env["arwatch.partner.risk"]
        return {company.id: risk._held_partner_ids(orders._arwatch_order_debtors(), company)
                for company, orders in self.grouped("company_id").items()}

    def _arwatch_paid_upfront(self):
        """A held customer may still buy with payment upfront: the order is fully paid already."""
        return self.amount_total > 0 and self.currency_id.compare_amounts(self.amount_paid, self.amount_total) >= 0

    # ------------------------------------------------------------------ the override as approved
    def _arwatch_approval_lines(self):
        """The lines a per-order override approves: what is sold (display lines and lines of no
        quantity, such as down payments and re-invoiced costs before delivery, are not)."""
        return self.order_line.filtered(lambda line: not line.display_type and line.product_uom_qty)

    def _arwatch_approval_digest(self):
        """A fingerprint of the order as a manager approves it: customer, invoice address (who is
        billed: its hold counts as the customer's, ``_arwatch_order_debtors``), currency, amount and
        each sold line's product, quantity, unit, price, discount and taxes."""
        self.ensure_one()
        return _digest(self._arwatch_approval_payload())

    def _arwatch_approval_payload(self, invoice_address=True):
        """What ``_arwatch_approval_digest`` fingerprints; without the invoice address, what
        add-on versions before 1.2.0 did (``migrations/1.2.0``)."""
        self.ensure_one()
        lines = sorted(
            (line.product_id.id, round(line.product_uom_qty, 6), line[compat.SALE_LINE_UOM].id,
             round(line.price_unit, 6), round(line.discount, 6), sorted(line[compat.SALE_LINE_TAXES].ids))
            for line in self._arwatch_approval_lines())
        billed = [self.partner_invoice_id.id] if invoice_address else []
        return [self.partner_id.commercial_partner_id.id, *billed, self.currency_id.id,
                self.currency_id.round(self.amount_total), lines]

    @api.model
    def _arwatch_refingerprint_overrides(self):
        """Upgrade to 1.2.0 (``migrations/1.2.0``): the overrides whose fingerprint is their order's
        as approved without the invoice address get the fingerprint with it; returns those orders.
        A one-off upgrade step, not a run: one order at a time is fine."""
        orders = self.sudo().with_context(active_test=False).search([("arwatch_override_digest", "!=", False)])
        current = orders.filtered(lambda order: order.arwatch_override_digest == _digest(
            order._arwatch_approval_payload(invoice_address=False)))
        for order in current:
            order.arwatch_override_digest = order._arwatch_approval_digest()
        return current

    def _prepare_arwatch_override_vals(self, reason):
        """The override values the wizard writes: the manager, the reason and the order as approved."""
        self.ensure_one()
        return {"arwatch_override_user_id": self.env.user.id, "arwatch_override_reason": reason,
                "arwatch_override_digest": self._arwatch_approval_digest(),
                "arwatch_override_amount": self.amount_total}

    def _arwatch_override_valid(self):
        """Whether a manager's override covers the order as it is now."""
        self.ensure_one()
        order = self.sudo()
        return bool(order.arwatch_override_user_id and order.arwatch_override_digest
                    and order.arwatch_override_digest == order._arwatch_approval_digest())

    # ------------------------------------------------------------------ the hold check
    def _arwatch_hold_errors(self):
        """{order: refusal message} of the orders whose customer is on hold in the order's company,
        neither paid upfront nor covered by a manager's override of the order as it is."""
        held = self._arwatch_held_reasons()
        errors = {}
        for order in self:
            reasons = held.get(order.company_id.id, {})
            partner = order._arwatch_held_debtor(reasons)
            if not partner or order._arwatch_override_valid() or order.sudo()._arwatch_paid_upfront():
                continue
            errors[order] = "\n".join([
                self.env["arwatch.partner.risk"]._hold_title(partner, order.company_id),
                _("%(customer)s is on credit hold: %(reason)s\n"
                  "This order can be confirmed only with payment upfront (send a pro-forma or a payment "
                  "link), or after credit control lifts the hold or overrides it for this order: "
                  "use 'Ask credit control' on the order.",
                  customer=partner.sudo().display_name,
                  reason=words.hold_reason(reasons[partner.id]) or _("no reason given"))])
        return errors

    def _arwatch_hold_message(self):
        """The refusal message when the customer is held (one query when it is not)."""
        self.ensure_one()
        return self._arwatch_hold_errors().get(self, False)

    def _arwatch_check_hold(self):
        errors = self._arwatch_hold_errors()
        if errors:
            raise UserError(next(iter(errors.values())))

    def _confirmation_error_message(self):
        return super()._confirmation_error_message() or self._arwatch_hold_message()

    def action_confirm(self):
        """From the order's Confirm button (the form sends ``validate_analytic``), a held
        customer's order opens the credit hold dialog, which shows the ways out, instead of an
        error; every other path is refused by ``_confirmation_error_message`` as before."""
        if self.env.context.get("validate_analytic") and len(self) == 1 and self._arwatch_hold_message():
            return self.action_arwatch_hold_dialog()
        return super().action_confirm()

    # ------------------------------------------------------------------ the ways out of a hold
    def action_arwatch_hold_dialog(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.arwatch_hold_title or _("Credit hold"),
            "res_model": "arwatch.sale.hold",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_arwatch_send_proforma(self):
        """Send the customer a pro-forma invoice to pay upfront (Odoo's quotation mail, pro-forma)."""
        self.ensure_one()
        return self.with_context(proforma=True, validate_analytic=False).action_quotation_send()

    def action_arwatch_payment_link(self):
        """A payment link for the order's amount: once paid, the order confirms despite the hold."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_payment.action_invoice_order_generate_link")
        action["context"] = {"active_model": "sale.order", "active_id": self.id, "active_ids": self.ids}
        return action

    def action_arwatch_ask_credit_control(self):
        """An activity for the collections user on the customer's risk record, with the order
        linked, and a note on the order; asking twice for one order keeps one open request."""
        self.ensure_one()
        self.check_access("read")
        if not self.arwatch_hold:
            raise UserError(_("%s is not on credit hold.", self.partner_id.commercial_partner_id.display_name))
        # the company whose hold it is: in a branch, its root company's credit control reviews
        # the root's hold (the request goes on the root's risk row, the hold's own)
        risk = self.env["arwatch.partner.risk"]._holding_risk(self._arwatch_order_debtors(), self.company_id)
        partner, company = risk.partner_id, risk.company_id
        key = f"request:{partner.id}:credit_review:sale.order,{self.id}"
        activities = self.env["mail.activity"].sudo()
        request = activities.search([("arwatch_company_id", "=", company.id), ("arwatch_key", "=", key)], limit=1)
        if not request:
            _collections, _manager, user = self.env["arwatch.assignment"]._people(company)
            link = Markup('<a href="/odoo/sale.order/%s">%s</a>') % (self.id, self.name)
            note = Markup("<p>%s</p><p>%s</p>") % (
                _("%(seller)s asks credit control to review the hold of %(customer)s for order %(order)s "
                  "(%(amount)s).", seller=self.env.user.name, customer=partner.display_name, order=self.name,
                  amount=formatLang(self.env, self.amount_total, currency_obj=self.currency_id)),
                self.arwatch_hold_title or "")
            note = Markup("%s<p>%s</p>") % (note, link)
            request = activities.with_context(mail_activity_quick_update=True).create({
                "res_model_id": self.env["ir.model"]._get_id("arwatch.partner.risk"),
                "res_id": risk.id,
                "activity_type_id": self.env.ref("arwatch_sale.mail_act_credit_review").id,
                "summary": _("Credit review for %(order)s (%(customer)s)", order=self.name,
                             customer=partner.display_name),
                "note": note,
                "date_deadline": fields.Date.context_today(self),
                "user_id": user,
                "arwatch_key": key,
                "arwatch_company_id": company.id,
                "arwatch_partner_id": partner.id,
                "arwatch_channel": "approval",
            })
            self.message_post(body=_("Credit control asked to review the credit hold (%s).", request.user_id.name
                                     or _("no collections user set")), subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Credit control asked"),
                       "message": _("%s will review the hold; the order stays a quotation until then.",
                                    request.user_id.name or _("Credit control")),
                       "type": "success", "next": {"type": "ir.actions.act_window_close"}},
        }

    # ------------------------------------------------------------------ every path to state 'sale'
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(set(vals) & set(OVERRIDE_FIELDS) for vals in vals_list):
            raise AccessError(_("A credit hold override is given with 'Confirm despite hold' only."))
        orders = super().create(vals_list)
        # an order created confirmed (RPC, a copy with default state) passes the same check
        orders.filtered(lambda order: order.state == "sale")._arwatch_check_hold()
        return orders

    def write(self, vals):
        if not self.env.su and set(vals) & set(OVERRIDE_FIELDS):
            raise AccessError(_("A credit hold override is given with 'Confirm despite hold' only."))
        state = vals.get("state")
        if state == "sale":
            self.filtered(lambda order: order.state != "sale")._arwatch_check_hold()
        elif state:
            self._arwatch_lapse_overrides(_("the order left the confirmed state (%s).", state))
        res = super().write(vals)
        if "partner_id" in vals or "partner_invoice_id" in vals:
            self._arwatch_check_approved_orders()
        return res

    def _arwatch_amounts(self):
        return {order.id: order.amount_total for order in self}

    def _arwatch_check_no_new_credit(self, before):
        """No new credit on a confirmed order while its customer is on hold: an order confirmed
        before the hold, or paid in full upfront, that a person's change makes owe more than
        ``before`` (``{order id: amount_total}``) and more than is paid is refused like a
        confirmation. Less, server code (``sudo``) and a manager's override (checked by
        ``_arwatch_check_approved_orders``) pass."""
        if self.env.su:
            return
        grown = self.filtered(lambda order: order.state == "sale" and not order.sudo().arwatch_override_user_id
                              and order.currency_id.compare_amounts(
                                  order.amount_total, max(before.get(order.id, 0.0), order.sudo().amount_paid)) > 0)
        errors = grown._arwatch_hold_errors() if grown else {}
        if errors:
            raise UserError(next(iter(errors.values())))

    def _arwatch_lapse_overrides(self, why):
        """Drop the per-order overrides of these orders (cancelled, reset to quotation), with a note."""
        overridden = self.sudo().filtered("arwatch_override_user_id")
        if not overridden:
            return
        overridden.write(dict.fromkeys(OVERRIDE_FIELDS, False))
        overridden._message_log_batch(bodies=dict.fromkeys(
            overridden.ids, escape(_("Credit hold override lapsed: %s", why))))

    def _arwatch_check_approved_orders(self):
        """Refuse a change to a confirmed order, made under a per-order override while its customer
        is still on hold, that it no longer matches as approved (customer, invoice address,
        lines, amount)."""
        if self.env.su:  # server code, e.g. a carrier's real delivery cost added on shipping
            return
        orders = self.filtered(lambda order: order.state == "sale" and order.sudo().arwatch_override_user_id)
        if not orders:
            return
        held = orders._arwatch_held_reasons()
        for order in orders:
            if order._arwatch_held_debtor(held.get(order.company_id.id, {})) \
                    and not order._arwatch_override_valid():
                raise UserError(_(
                    "%(order)s was confirmed under a credit hold override for its lines and amount as "
                    "approved (%(amount)s); its customer is still on hold. Changing them needs a "
                    "collections manager to lift the customer's hold, or a new order with its own override.",
                    order=order.name,
                    amount=formatLang(self.env, order.sudo().arwatch_override_amount,
                                      currency_obj=order.currency_id)))

    def action_arwatch_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm despite credit hold"),
            "res_model": "arwatch.sale.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }


def _digest(payload):
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()
