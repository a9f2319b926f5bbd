"""The synthetic company as an accounting export: invoices.csv and payments.csv (one row per
allocation; credit notes as negative amounts), and the file source's settings that read them.

Shared by the end-to-end benchmark and the tests that sync such an export, so both read the
same layout."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

INVOICE_HEADER = ["Customer", "Customer Name", "Invoice", "Date", "Due", "Amount", "Currency"]
PAYMENT_HEADER = ["Receipt", "Date", "Invoice", "Amount", "Customer"]


def export_settings(folder: Path) -> dict[str, Any]:
    """The file source's settings for the export in ``folder`` (its outbox beside the files)."""
    return {"invoices": str(folder / "invoices.csv"), "payments": str(folder / "payments.csv"),
            "outbox": str(folder / "outbox"), "date_format": "yyyy-mm-dd", "number_format": "1,234.56",
            "encoding": "utf-8", "delimiter": ",", "currency": "EUR",
            "columns": {"customer_id": "Customer", "customer_name": "Customer Name", "invoice_number": "Invoice",
                        "invoice_date": "Date", "due_date": "Due", "amount": "Amount", "currency": "Currency"},
            "payment_columns": {"payment_id": "Receipt", "payment_date": "Date", "invoice_number": "Invoice",
                                "amount": "Amount", "customer_id": "Customer"}}


def write_export(folder: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Write ``data`` (``build_synthetic``'s customers, invoices and payments) as the export in
    ``folder``; returns ``export_settings(folder)``."""
    names = {c.id: c.name for c in data["customers"]}
    with (folder / "invoices.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(INVOICE_HEADER)
        for inv in data["invoices"]:
            amount = -inv.total if inv.kind.value == "credit_note" else inv.total
            out.writerow([inv.customer_id, names[inv.customer_id], inv.id, inv.issue_date.isoformat(),
                          inv.due_date.isoformat(), f"{amount:.2f}", inv.currency])
    with (folder / "payments.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(PAYMENT_HEADER)
        for pay in data["payments"]:
            for alloc in pay.allocations:
                out.writerow([pay.id, pay.date.isoformat(), alloc.invoice_id, f"{alloc.amount:.2f}", pay.customer_id])
    return export_settings(folder)
