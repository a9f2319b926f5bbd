"""Load a ledger in core's raw shape (e.g. the demo company) into the QuickBooks stand-in.

``load_demo_into_standin(standin, demo_data)`` converts each record into the QuickBooks JSON
the stand-in stores and returns ``{collection: {core id: QuickBooks Id}}`` so a test can
translate ids both ways (QuickBooks numbers its objects itself). What QuickBooks Online cannot
hold is left out: disputes, contact attempts, payment plans, signals, payer accounts.

- a Term "Net <n>" per distinct ``terms_days``;
- a credit note's allocations become a zero-amount Payment linking the CreditMemo and the
  invoice (how QuickBooks applies a credit);
- a returned or voided payment is stored as QuickBooks keeps a voided one: amount 0,
  ``PrivateNote`` "Voided", last updated on ``returned_on``;
- cancelled invoices likewise (zero amounts, "Voided"); drafts are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any


def _money(value: Any) -> float:
    return float(Decimal(str(value)))


def _stamp(day: Any, hour: int = 9) -> str:
    return f"{dt.date.fromisoformat(str(day)[:10]).isoformat()}T{hour:02d}:00:00-08:00"


def _currency(record: dict, home: str) -> dict:
    code = record.get("currency") or home
    out: dict[str, Any] = {"CurrencyRef": {"value": code}}
    if code != home:
        out["ExchangeRate"] = _money(record.get("fx_rate", 1))
    return out


def _line(amount: float) -> list[dict]:
    return [{"Amount": amount, "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"}}}]


def load_demo_into_standin(standin, demo_data: dict[str, Any], realm: str | None = None
                           ) -> dict[str, dict[str, str]]:
    home = (demo_data.get("company") or {}).get("currency", "USD")
    ids: dict[str, dict[str, str]] = defaultdict(dict)
    customers = list(demo_data.get("customers", ()))
    days = sorted({int(c.get("terms_days", 30)) for c in customers})
    term_ids = {d: str(i) for i, d in enumerate(days, start=1)}
    terms = [{"Id": term_ids[d], "Name": f"Net {d}", "DueDays": d} for d in days]

    qb_customers = []
    for n, c in enumerate(customers, start=1):
        ids["customers"][c["id"]] = str(n)
        row = {"Id": str(n), "DisplayName": c["name"], "Active": c.get("active", True),
               "SalesTermRef": {"value": term_ids[int(c.get("terms_days", 30))]},
               "CurrencyRef": {"value": c.get("currency") or home}}
        if c.get("email"):
            row["PrimaryEmailAddr"] = {"Address": c["email"]}
        if c.get("country"):
            row["BillAddr"] = {"Country": c["country"]}
        if c.get("created_on"):
            row["MetaData"] = {"CreateTime": _stamp(c["created_on"])}
        qb_customers.append(row)

    invoices, credits, payments = [], [], []
    inv_n = cm_n = 0
    for inv in demo_data.get("invoices", ()):
        if inv.get("state") == "draft" or inv["customer_id"] not in ids["customers"]:
            continue
        cancelled = inv.get("state") == "cancelled"
        total = 0.0 if cancelled else _money(inv["total"])
        row = {"DocNumber": str(inv["number"])[:21],
               "CustomerRef": {"value": ids["customers"][inv["customer_id"]]},
               "TxnDate": str(inv["issue_date"]), "TotalAmt": total, "Line": _line(total),
               **_currency(inv, home),
               "MetaData": {"CreateTime": _stamp(inv["issue_date"])}}
        if cancelled:
            row["PrivateNote"] = "Voided"
        if inv.get("kind", "invoice") == "credit_note":
            cm_n += 1
            row["Id"] = str(cm_n)
            ids["credit_notes"][inv["id"]] = str(cm_n)
            credits.append((inv, row))
        else:
            inv_n += 1
            row["Id"] = str(inv_n)
            row["DueDate"] = str(inv["due_date"])
            ids["invoices"][inv["id"]] = str(inv_n)
            invoices.append(row)

    pay_n = 0
    for p in demo_data.get("payments", ()):
        if p["customer_id"] not in ids["customers"]:
            continue
        pay_n += 1
        ids["payments"][p["id"]] = str(pay_n)
        row = {"Id": str(pay_n), "CustomerRef": {"value": ids["customers"][p["customer_id"]]},
               "TxnDate": str(p["date"]), **_currency(p, home),
               "MetaData": {"CreateTime": _stamp(p["date"])}}
        if p.get("reference"):
            row["PaymentRefNum"] = str(p["reference"])[:21]
        if p.get("state", "posted") != "posted":
            back = p.get("returned_on") or p["date"]
            row.update(TotalAmt=0.0, Line=[], PrivateNote="Voided",
                       MetaData={"CreateTime": _stamp(p["date"]),
                                 "LastUpdatedTime": _stamp(back, 12)})
        else:
            row["TotalAmt"] = _money(p["amount"])
            row["Line"] = [{"Amount": _money(a["amount"]), "LinkedTxn": [
                {"TxnId": ids["invoices"][a["invoice_id"]], "TxnType": "Invoice"}]}
                for a in p.get("allocations", ()) if a["invoice_id"] in ids["invoices"]]
        payments.append(row)

    for inv, row in credits:
        for a in inv.get("allocations", ()):
            if a["invoice_id"] not in ids["invoices"]:
                continue
            pay_n += 1
            when = str(a.get("date") or inv["issue_date"])
            amount = _money(a["amount"])
            payments.append({
                "Id": str(pay_n), "CustomerRef": row["CustomerRef"], "TxnDate": when,
                "TotalAmt": 0.0, **_currency(inv, home),
                "MetaData": {"CreateTime": _stamp(when)},
                "Line": [{"Amount": amount, "LinkedTxn": [
                            {"TxnId": ids["invoices"][a["invoice_id"]], "TxnType": "Invoice"}]},
                         {"Amount": amount, "LinkedTxn": [
                            {"TxnId": row["Id"], "TxnType": "CreditMemo"}]}]})

    standin.load(realm, terms=terms, customers=qb_customers, invoices=invoices,
                 credit_memos=[row for _, row in credits], payments=payments)
    return dict(ids)
