"""Seed, then check, the add-on's data across a module update (run by scripts/test-odoo-upgrade).

Runs inside ``odoo-bin shell`` (``env`` is given): ARWATCH_UPGRADE_PHASE=seed puts the add-on to
use as a company would (customers scored into flags, holds and collection tasks, a hold lifted and
an order confirmed by a manager's override, a task done, signals, a dispute, a call with a
promise, a payment plan, the settings changed) and writes a snapshot of it to
ARWATCH_UPGRADE_SNAPSHOT; ARWATCH_UPGRADE_PHASE=check takes the same snapshot after the update and
writes the differences to ARWATCH_UPGRADE_RESULT ("ok ..." when there are none).

Works with the version being replaced as well as the new one: only fields and methods both have.
"""

import json
import os
from datetime import timedelta

from odoo import Command, fields
from odoo.models import BaseModel

PHASE = os.environ["ARWATCH_UPGRADE_PHASE"]
SNAPSHOT = os.environ["ARWATCH_UPGRADE_SNAPSHOT"]
RESULT = os.environ.get("ARWATCH_UPGRADE_RESULT", "")
SETTINGS = ("arwatch_delinquent_days", "arwatch_hold_level", "arwatch_block_invoices", "arwatch_call_days")


def seed(env):
    company = env.company
    if not env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    company.write({"arwatch_delinquent_days": 80, "arwatch_hold_level": "critical", "arwatch_call_days": 25})
    today = fields.Date.context_today(env.user)
    partners = env["res.partner"].create([{"name": f"Upgrade {name}", "is_company": True}
                                          for name in ("Late", "Lifted", "Good")])
    late, lifted, good = partners
    for partner, days, amount in ((late, 120, 1000.0), (lifted, 150, 2500.0), (good, 5, 100.0)):
        day = today - timedelta(days=days)
        env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": day, "date": day,
            "invoice_date_due": day,
            "invoice_line_ids": [Command.create({"name": "goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        }).action_post()
    env["arwatch.signal"].create({"partner_id": late.id, "kind": "hearsay", "note": "heard at the fair",
                                  "confidence": 0.4})
    dispute = env["arwatch.dispute"].create({"partner_id": late.id, "reason": "damaged goods", "amount": 200})
    env["arwatch.contact.attempt"].create({"partner_id": lifted.id, "outcome": "promise", "dispute_id": False,
                                           "promise_date": today + timedelta(days=3), "promise_amount": 500,
                                           "note": "will pay Friday"})
    env["arwatch.contact.attempt"].create({"partner_id": late.id, "outcome": "dispute", "dispute_id": dispute.id})
    env["arwatch.payment.plan"].create({"partner_id": lifted.id, "note": "three instalments", "line_ids": [
        Command.create({"due_date": today + timedelta(days=30 * i), "amount": 800}) for i in (1, 2, 3)]})
    env["arwatch.scoring"]._score_company(company, today=today)
    risk = env["arwatch.partner.risk"].search([("partner_id", "=", lifted.id), ("company_id", "=", company.id)])
    assert risk.hold, "the seed needs a held customer"
    env["arwatch.hold.override"].create({"risk_id": risk.id, "until": today + timedelta(days=10),
                                         "reason": "CFO agreed a plan by phone"}).action_apply()
    done = env["mail.activity"].search([("arwatch_partner_id", "=", late.id)], limit=1)
    done.action_feedback(feedback="called, no answer")
    if "sale.order" in env:
        product = env["product.product"].create({"name": "Upgrade widget", "list_price": 100.0})
        order = env["sale.order"].create({"partner_id": late.id, "order_line": [
            Command.create({"product_id": product.id, "product_uom_qty": 2})]})
        env["arwatch.sale.override"].create({"order_id": order.id, "reason": "prepaid by cheque"}).action_confirm()
        assert order.state == "sale"
    env.cr.commit()


def snapshot(env):
    def rows(model, domain, fields_, active_test=True):
        records = env[model].sudo().with_context(active_test=active_test).search(domain, order="id")
        return [{f: _plain(_value(r[f])) for f in fields_} for r in records]

    risk_fields = ["partner_id", "company_id", "level", "score", "segment", "reasons", "indicators", "slipping",
                   "hold", "hold_rule", "hold_reason", "hold_since", "override_until", "override_reason",
                   "override_user_id"]
    task_fields = ["arwatch_key", "arwatch_partner_id", "arwatch_company_id", "res_model", "summary", "date_deadline",
                   "user_id", "activity_type_id", "active"]
    data = {
        "risks": rows("arwatch.partner.risk", [], risk_fields),
        "tasks": rows("mail.activity", [("arwatch_key", "!=", False)], task_fields, active_test=False),
        "signals": rows("arwatch.signal", [], ["partner_id", "kind", "note", "confidence", "active"], False),
        "disputes": rows("arwatch.dispute", [], ["partner_id", "kind", "reason", "amount", "opened_on"]),
        "calls": rows("arwatch.contact.attempt", [], ["partner_id", "outcome", "promise_date", "promise_amount",
                                                       "dispute_id", "note", "user_id"]),
        "plans": rows("arwatch.payment.plan", [], ["partner_id", "agreed_on", "note", "amount_total"]),
        "instalments": rows("arwatch.payment.plan.line", [], ["plan_id", "due_date", "amount"]),
        "risk_notes": rows("mail.message", [("model", "=", "arwatch.partner.risk")], ["res_id", "body"]),
        "settings": [{f: _plain(env.company[f]) for f in SETTINGS}],
        "managers": sorted(_group_users(env, "arwatch.group_collections_manager").mapped("login")),
        "cron": rows("ir.cron", [("id", "=", env.ref("arwatch.ir_cron_score").id)], ["active", "interval_type"]),
    }
    if "sale.order" in env and "arwatch_override_digest" in env["sale.order"]:
        data["orders"] = rows("sale.order", [("arwatch_override_user_id", "!=", False)],
                              ["name", "state", "arwatch_override_user_id", "arwatch_override_reason",
                               "arwatch_override_digest", "arwatch_override_amount"])
    return data


def _group_users(env, xmlid):
    group = env.ref(xmlid).sudo()
    return group["user_ids" if "user_ids" in group else "users"]  # 19.0 renamed it


def _first_change(before, after):
    for i in range(max(len(before), len(after))):
        b = before[i] if i < len(before) else None
        a = after[i] if i < len(after) else None
        if a != b:
            return {"before": b, "after": a}
    return None


def _value(value):
    """A related record as a person reads it: a user by login, a payment plan by its customer and
    day (its display name is worded, and the wording may change between versions), anything else
    by name."""
    if isinstance(value, BaseModel):
        if value._name == "res.users":
            return value.login or None
        if value._name == "arwatch.payment.plan" and value:
            return f"{value.partner_id.display_name}, agreed on {value.agreed_on}"
        return value.display_name or None
    return value


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)


def check(env):
    before = json.load(open(SNAPSHOT, encoding="utf-8"))
    after = snapshot(env)
    problems = [f"{key}: {len(before[key])} before, {len(after.get(key, []))} after; first difference: "
                f"{_first_change(before[key], after.get(key, []))}" for key in before if before[key] != after.get(key)]
    kept = ", ".join(f"{len(before[k])} {k}" for k in ("risks", "tasks", "signals", "disputes", "calls", "plans",
                                                        "risk_notes", "orders") if k in before)
    holds = sum(1 for r in before["risks"] if r["hold"])
    overrides = sum(1 for r in before["risks"] if r["override_until"])
    open_tasks = sum(1 for t in before["tasks"] if t["active"])
    summary = f"kept {kept} ({holds} holds, {overrides} overrides, {open_tasks} open tasks)"
    return "\n".join(problems) if problems else f"ok: {summary}"


if PHASE == "seed":
    seed(env)  # noqa: F821 (given by odoo-bin shell)
    with open(SNAPSHOT, "w", encoding="utf-8") as out:
        json.dump(snapshot(env), out, indent=1, sort_keys=True)  # noqa: F821
elif PHASE == "check":
    with open(RESULT, "w", encoding="utf-8") as out:
        out.write(check(env) + "\n")  # noqa: F821
else:
    raise SystemExit(f"ARWATCH_UPGRADE_PHASE={PHASE!r}: seed or check")
