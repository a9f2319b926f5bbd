"""Invoices, credit notes, payments, what settled what, and confirmed sale orders.

Amounts are the company currency's (the ``*_signed`` fields, the partials' ``amount``), so
invoices, credit notes, payments and their allocations share one currency even when an invoice
in USD is paid in EUR.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .values import CENT, Record, Row, Unmappable, day, m2o_id, money

PAYMENT_STATES = {"in_process": "posted", "paid": "posted", "posted": "posted", "rejected": "returned",
                  "canceled": "voided", "cancel": "voided"}


def allocation(partial: Row, invoice_id: int) -> Record | None:
    """What one ``account.partial.reconcile`` settled of ``invoice_id``; None for a partial of no
    amount in company currency (an exchange difference's counterpart), which settles nothing and
    which the model refuses (an allocation is positive)."""
    amount = money(partial.get("amount"))
    if not amount:
        return None
    return {"invoice_id": str(invoice_id), "amount": amount, "date": day(partial.get("max_date"))}


def moveless_allocations(payment: Row, totals: Mapping[int, Decimal]) -> list[Record]:
    """What a payment without a journal entry (18.0, a journal without an outstanding account)
    settles: its amount goes to its ``invoice_ids`` in id order, each up to its total (``totals``
    by invoice id); such a payment has no partials."""
    left = money(payment.get("amount_company_currency_signed") or payment.get("amount"))
    allocations = []
    for invoice_id in sorted(payment.get("invoice_ids") or ()):
        part = min(left, totals.get(invoice_id, Decimal(0)))
        if part > 0:
            allocations.append({"invoice_id": str(invoice_id), "amount": part, "date": day(payment.get("date"))})
            left -= part
    return allocations


def invoice(row: Row, currency: str, allocations: list[Record]) -> Record:
    """An out_invoice or out_refund (``allocations``: a credit note's, by invoice);
    ``invoice_date_due`` is the latest instalment's date."""
    partner = m2o_id(row.get("commercial_partner_id"))
    if partner is None:
        raise Unmappable("commercial_partner_id", "a posted invoice without a customer")
    issued = day(row.get("invoice_date")) or day(row.get("date"))
    if issued is None:
        raise Unmappable("invoice_date", "a posted invoice without a date")
    due = day(row.get("invoice_date_due")) or issued
    if due < issued:
        raise Unmappable("invoice_date_due", f"due {due} before the invoice date {issued}")
    credit = row.get("move_type") == "out_refund"
    total = money(row.get("amount_total_signed"))
    record = {"id": str(row["id"]), "number": row.get("name") or f"move {row['id']}", "customer_id": str(partner),
              "kind": "credit_note" if credit else "invoice", "state": "posted", "issue_date": issued,
              "due_date": due, "total": total, "residual": min(money(row.get("amount_residual_signed")), total),
              "currency": currency}
    if credit:
        record["allocations"] = sorted(allocations, key=lambda a: (a["date"] or issued, a["invoice_id"]))
    return record


def _paid(amount: Decimal, allocations: list[Record]) -> Decimal:
    """The amount, or what its allocations settle when that is more: exchange differences may
    allocate a cent more than a payment's amount in company currency."""
    return max(amount, sum((a["amount"] for a in allocations), Decimal(0)))


def payment(row: Row, customer_id: int | None, currency: str, allocations: list[Record],
            payer_account: str | None) -> Record:
    """A customer payment (``account.payment``) of the commercial partner ``customer_id``;
    Community keeps no rejection date, so ``write_date`` stands for it."""
    if customer_id is None:
        raise Unmappable("partner_id", "a customer payment without a partner")
    state = PAYMENT_STATES.get(str(row.get("state")))
    if state is None:
        raise Unmappable("state", f"unknown payment state {row.get('state')!r}")
    paid_on = day(row.get("date"))
    if paid_on is None:
        raise Unmappable("date", "a payment without a date")
    amount = money(row.get("amount_company_currency_signed") or row.get("amount"))
    record = {"id": f"pay:{row['id']}", "customer_id": str(customer_id), "date": paid_on,
              "amount": _paid(amount, allocations), "currency": currency, "state": state,
              "payer_account": payer_account or None,
              "reference": row.get("memo") or row.get("ref") or row.get("name") or None,
              "allocations": sorted(allocations, key=lambda a: a["invoice_id"])}
    if state != "posted":
        record["returned_on"] = max(paid_on, day(row.get("write_date")) or paid_on)
    return record


def entry_payment(move: Row, customer_id: int, currency: str, allocations: list[Record],
                  payer_account: str | None = None) -> Record:
    """Money reconciled straight from a journal entry that is no ``account.payment`` (a bank
    statement line): as much as it settled, on the entry's date."""
    return {"id": f"move:{move['id']}", "customer_id": str(customer_id), "date": day(move.get("date")),
            "amount": _paid(Decimal(0), allocations), "currency": currency, "state": "posted",
            "payer_account": payer_account or None, "reference": move.get("name") or None,
            "allocations": sorted(allocations, key=lambda a: a["invoice_id"])}


def order(row: Row, customer_id: int | None, currency: str) -> Record:
    """A confirmed sale order; its total in company currency (``amount_total`` is in the order's
    currency, ``currency_rate`` the company-to-order rate of its date; none or 0 reads as 1)."""
    if customer_id is None:
        raise Unmappable("partner_id", "a confirmed sale order without a customer")
    ordered = day(row.get("date_order"))
    if ordered is None:
        raise Unmappable("date_order", "a confirmed sale order without an order date")
    rate = Decimal(str(row.get("currency_rate") or 1))
    if rate <= 0:
        raise Unmappable("currency_rate", f"rate {rate} is not positive")
    return {"id": str(row["id"]), "number": row.get("name") or f"order {row['id']}", "customer_id": str(customer_id),
            "order_date": ordered, "total": (money(row.get("amount_total")) / rate).quantize(CENT),
            "currency": currency, "state": "confirmed"}
