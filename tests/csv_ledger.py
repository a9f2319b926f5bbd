"""A tiny single-table invoice CSV -> Ledger path for tests only (the real file source lives in
adapters/file). Columns as in IBM's Accounts Receivable sample: customerID, countryCode,
invoiceNumber, InvoiceDate, DueDate (m/d/yyyy), InvoiceAmount, Disputed (Yes/No), SettledDate,
PaperlessBill (the invoice's delivery).
Each settled invoice gets one payment on its settled date.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from arwatch.core.load import load_ledger
from arwatch.core.model import Ledger


def _day(text: str) -> str:
    return dt.datetime.strptime(text.strip(), "%m/%d/%Y").date().isoformat()


def ledger_from_csv(path: Path) -> Ledger:
    customers: dict[str, dict] = {}
    invoices, payments = [], []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cid = row["customerID"]
            customers.setdefault(cid, {"id": cid, "name": cid, "country": row["countryCode"], "terms_days": 30})
            iid = row["invoiceNumber"]
            invoices.append({"id": iid, "number": iid, "customer_id": cid, "issue_date": _day(row["InvoiceDate"]),
                             "due_date": _day(row["DueDate"]), "total": row["InvoiceAmount"],
                             "disputed": row["Disputed"] == "Yes", "delivery": row.get("PaperlessBill") or None})
            if row.get("SettledDate"):
                payments.append({"id": f"pay-{iid}", "customer_id": cid, "date": _day(row["SettledDate"]),
                                 "amount": row["InvoiceAmount"],
                                 "allocations": [{"invoice_id": iid, "amount": row["InvoiceAmount"]}]})
    ledger, issues = load_ledger({"company": {"id": "ibm", "name": "IBM AR sample", "currency": "USD"},
                                  "customers": list(customers.values()), "invoices": invoices,
                                  "payments": payments},
                                 source="file", unavailable=("contact_attempts", "payer_account", "contacts"))
    assert not issues, [str(i) for i in issues[:5]]
    return ledger
