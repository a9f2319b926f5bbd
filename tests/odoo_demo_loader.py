"""Push a ledger (``load_ledger``'s raw shape) into a real Odoo through the adapter's transport.

Everything goes into its own company (created with the generic chart of accounts), so a run
never sees data of an earlier one: customers and contacts as partners, invoices and credit
notes posted (one untaxed line each, due date as given), credit notes applied to their
invoices, payments registered on their invoices (one payment per allocation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from arwatch.adapters.odoo.transport import Transport


def _grant_full_accounting(t: Transport) -> None:
    """Loading a chart needs "Show Full Accounting Features" (``group_ids`` since 19)."""
    group = t.call("ir.model.data", "search_read", domain=[["module", "=", "account"],
                                                           ["name", "=", "group_account_user"]], fields=["res_id"])
    field = "group_ids" if t.version >= (19, 0) else "groups_id"
    t.call("res.users", "write", ids=[t.uid], vals={field: [[4, group[0]["res_id"]]]})


def create_company(t: Transport, name: str) -> int:
    _grant_full_accounting(t)
    company = t.call("res.company", "create", vals_list=[{"name": name}])[0]
    t.call("res.users", "write", ids=[t.uid], vals={"company_ids": [[4, company]]})
    t.call("account.chart.template", "try_loading", ids=[], template_code="generic_coa", company=company,
           context={"allowed_company_ids": [company]})
    return company


class Loader:
    def __init__(self, t: Transport, company: int):
        self.t, self.company = t, company
        self.ctx = {"allowed_company_ids": [company]}
        self.partners: dict[str, int] = {}
        self.moves: dict[str, int] = {}

    def call(self, model: str, method: str, ids: list[int] | None = None, **kw: Any) -> Any:
        kw.setdefault("context", self.ctx)
        return self.t.call(model, method, ids=ids, **kw)

    def customers(self, rows: list[dict[str, Any]]) -> None:
        for c in rows:
            pid = self.call("res.partner", "create", vals_list=[{
                "name": c["name"], "company_id": self.company, "customer_rank": 1, "is_company": True}])[0]
            self.partners[c["id"]] = pid
            for k in c.get("contacts", ()):
                kid = self.call("res.partner", "create", vals_list=[{
                    "name": k["name"], "parent_id": pid, "type": "contact", "company_id": self.company}])[0]
                if k.get("archived_on"):
                    self.call("res.partner", "write", ids=[kid], vals={"active": False})

    def invoice(self, inv: dict[str, Any]) -> int:
        kind = "out_refund" if inv.get("kind") == "credit_note" else "out_invoice"
        move = self.call("account.move", "create", vals_list=[{
            "move_type": kind, "partner_id": self.partners[inv["customer_id"]], "company_id": self.company,
            "invoice_date": str(inv["issue_date"]), "invoice_date_due": str(inv["due_date"]), "ref": inv["number"],
            "invoice_line_ids": [[0, 0, {"name": inv["number"], "quantity": 1, "price_unit": float(inv["total"]),
                                         "tax_ids": [[6, 0, []]]}]]}])[0]
        self.call("account.move", "action_post", ids=[move])
        self.moves[inv["id"]] = move
        return move

    def apply_credit(self, note: dict[str, Any]) -> None:
        lines = self.call("account.move.line", "search_read", domain=[
            ["move_id", "=", self.moves[note["id"]]], ["account_type", "=", "asset_receivable"]], fields=["id"])
        for alloc in note.get("allocations", ()):
            self.call("account.move", "js_assign_outstanding_line", ids=[self.moves[alloc["invoice_id"]]],
                      line_id=lines[0]["id"])

    def pay(self, invoice_id: str, amount: Decimal | str, on: dt.date | str) -> None:
        ctx = dict(self.ctx, active_model="account.move", active_ids=[self.moves[invoice_id]])
        wizard = self.call("account.payment.register", "create", vals_list=[{
            "payment_date": str(on), "amount": float(amount)}], context=ctx)[0]
        self.call("account.payment.register", "action_create_payments", ids=[wizard], context=ctx)

    def load(self, data: dict[str, Any]) -> None:
        self.customers(data["customers"])
        for inv in data["invoices"]:
            self.invoice(inv)
        for note in data["invoices"]:
            if note.get("kind") == "credit_note":
                self.apply_credit(note)
        for p in data["payments"]:
            for alloc in p["allocations"]:
                self.pay(alloc["invoice_id"], alloc.get("amount") or p["amount"], p["date"])
