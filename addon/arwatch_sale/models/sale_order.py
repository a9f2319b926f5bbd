import hashlib
import json

from markupsafe import escape
from odoo import _, api, fields, models
from odoo.addons.arwatch import compat
from odoo.addons.arwatch.lib import words
from odoo.exceptions import AccessError, UserError

# a manager's per-order override: written by the override wizard only (server code)
OVERRIDE_FIELDS = ("arwatch_override_user_id", "arwatch_override_reason", "arwatch_override_digest",
                   "arwatch_override_amount")


class SaleOrder(models.Model):
    """Credit hold on confirmation: an order reaches state ``sale`` only through the hold check.

    ``_confirmation_error_message`` is what ``action_confirm`` asks every order before confirming
    it, whoever calls it (form button, RPC, portal signature, payment post-processing); ``write``
    and ``create`` run the same check when they are asked for state ``sale`` directly. A manager's
    per-order override covers the order as approved (customer, lines, amount): it lapses when
    they change and when the order leaves state ``sale`` (cancelled, reset to quotation).
    """

    _inherit = "sale.order"

    arwatch_hold = fields.Boolean("Customer on credit hold", compute="_compute_arwatch_hold")
    arwatch_hold_reason = fields.Text("Credit hold reason", compute="_compute_arwatch_hold")
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

    @api.depends("partner_id", "company_id")
    @api.depends_context("date")
    def _compute_arwatch_hold(self):
        held = self._arwatch_held_reasons()
        for order in self:
            reasons = held.get(order.company_id.id, {})
            pid = order.partner_id.commercial_partner_id.id
            order.arwatch_hold = pid in reasons
            order.arwatch_hold_reason = words.hold_reason(reasons.get(pid)) or False

    def _arwatch_held_reasons(self):
        """{company id: {commercial partner id: hold reason}} of the orders' customers on hold:
        one query per company."""
        risk = self.env["arwatch.partner.risk"]
        return {company.id: risk._held_partner_ids(orders.partner_id, company)
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
        """A fingerprint of the order as a manager approves it: customer, currency, amount and
        each sold line's product, quantity, unit, price, discount and taxes."""
        self.ensure_one()
        lines = sorted(
            (line.product_id.id, round(line.product_uom_qty, 6), line[compat.SALE_LINE_UOM].id,
             round(line.price_unit, 6), round(line.discount, 6), sorted(line[compat.SALE_LINE_TAXES].ids))
            for line in self._arwatch_approval_lines())
        payload = [self.partner_id.commercial_partner_id.id, self.currency_id.id,
                   self.currency_id.round(self.amount_total), lines]
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()

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
            partner = order.partner_id.commercial_partner_id
            if partner.id not in reasons or order._arwatch_override_valid() or order.sudo()._arwatch_paid_upfront():
                continue
            errors[order] = _(
                "%(customer)s is on credit hold: %(reason)s\n"
                "This order can be confirmed only with payment upfront, or after a collections manager "
                "lifts the hold or overrides it for this order.",
                customer=partner.sudo().display_name,
                reason=words.hold_reason(reasons[partner.id]) or _("no reason given"))
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
        if "partner_id" in vals:
            self._arwatch_check_approved_orders()
        return res

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
        is still on hold, that it no longer matches as approved (customer, lines, amount)."""
        if self.env.su:  # server code, e.g. a carrier's real delivery cost added on shipping
            return
        orders = self.filtered(lambda order: order.state == "sale" and order.sudo().arwatch_override_user_id)
        if not orders:
            return
        held = orders._arwatch_held_reasons()
        for order in orders:
            if order.partner_id.commercial_partner_id.id in held.get(order.company_id.id, {}) \
                    and not order._arwatch_override_valid():
                raise UserError(_(
                    "%(order)s was confirmed under a credit hold override for its lines and amount as "
                    "approved (%(amount)s); its customer is still on hold. Changing them needs a "
                    "collections manager to lift the customer's hold, or a new order with its own override.",
                    order=order.name,
                    amount=f"{order.sudo().arwatch_override_amount:.2f} {order.currency_id.name}"))

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
