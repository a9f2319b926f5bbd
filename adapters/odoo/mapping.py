"""Odoo rows -> raw records in ``load_ledger``'s shape (pure; no I/O).

Amounts are read in the company's currency (the ``*_signed`` fields and the partials'
``amount``), so invoices, credit notes, payments and their allocations share one currency even
when an invoice in USD is paid in EUR. A row that cannot be mapped becomes an ``Issue`` naming
the Odoo model, the record id and the field; the other rows go on.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from arwatch.core.issues import Issue

SOURCE = "odoo"
Row = Mapping[str, Any]


class Unmappable(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def m2o_id(value: Any) -> int | None:
    """Odoo many2one as read: ``[id, "name"]``, an int, or ``False``."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value
    return None


def m2o_name(value: Any) -> str | None:
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else None


def day(value: Any) -> dt.date | None:
    """'2026-11-20' or '2026-11-20 08:00:00' -> a date; False -> None."""
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def money(value: Any) -> Decimal:
    return abs(Decimal(str(value or 0))).quantize(Decimal("0.01"))


def mapped(model: str, row: Row, build: Callable[[Row], dict[str, Any] | None],
           issues: list[Issue]) -> dict[str, Any] | None:
    """``build(row)``, or None plus an Issue naming model, id and field when it cannot be mapped."""
    try:
        return build(row)
    except Unmappable as error:
        issues.append(Issue(source=SOURCE, record_type=model, record_id=str(row.get("id")), field=error.field,
                            message=error.message))
    except (TypeError, ValueError, ArithmeticError) as error:
        issues.append(Issue(source=SOURCE, record_type=model, record_id=str(row.get("id")), field="",
                            message=f"cannot be read: {error}"))
    return None


def contact(row: Row) -> dict[str, Any]:
    """A child partner; Odoo keeps no archive date, so ``write_date`` stands for it."""
    return {"id": str(row["id"]), "name": row.get("name") or f"contact {row['id']}",
            "role": row.get("function") or None, "created_on": day(row.get("create_date")),
            "archived_on": None if row.get("active", True) else day(row.get("write_date"))}


def customer(row: Row, currency: str, terms: Mapping[int, int], contacts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    if not row.get("name"):
        raise Unmappable("name", "a customer without a name")
    limit = Decimal(str(row.get("credit_limit") or 0))
    return {"id": str(row["id"]), "name": row["name"], "currency": currency,
            "terms_days": terms.get(m2o_id(row.get("property_payment_term_id")) or 0, 0),
            "credit_limit": limit if limit > 0 else None, "salesperson": m2o_name(row.get("user_id")),
            "email": row.get("email") or None, "country": row.get("country_code") or None,
            "industry": m2o_name(row.get("industry_id")), "created_on": day(row.get("create_date")),
            "active": bool(row.get("active", True)), "contacts": sorted(contacts, key=lambda c: int(c["id"]))}


def allocation(partial: Row, invoice_id: int) -> dict[str, Any]:
    return {"invoice_id": str(invoice_id), "amount": money(partial["amount"]), "date": day(partial.get("max_date"))}


def invoice(row: Row, currency: str, allocations: list[dict[str, Any]]) -> dict[str, Any]:
    """An out_invoice or out_refund; ``invoice_date_due`` is the latest instalment's date."""
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
    record = {"id": str(row["id"]), "number": row.get("name") or f"move {row['id']}", "customer_id": str(partner),
              "kind": "credit_note" if credit else "invoice", "state": "posted", "issue_date": issued,
              "due_date": due, "total": money(row.get("amount_total_signed")),
              "residual": min(money(row.get("amount_residual_signed")), money(row.get("amount_total_signed"))),
              "currency": currency}
    if credit:
        record["allocations"] = sorted(allocations, key=lambda a: (a["date"] or issued, a["invoice_id"]))
    return record


def order(row: Row, customer_id: int | None, currency: str) -> dict[str, Any]:
    """A confirmed sale order; its total in company currency (``amount_total`` is in the order's
    currency, ``currency_rate`` the company-to-order rate of its date)."""
    if customer_id is None:
        raise Unmappable("partner_id", "a confirmed sale order without a customer")
    ordered = day(row.get("date_order"))
    if ordered is None:
        raise Unmappable("date_order", "a confirmed sale order without an order date")
    rate = Decimal(str(row.get("currency_rate") or 1))
    if rate <= 0:
        raise Unmappable("currency_rate", f"rate {rate} is not positive")
    return {"id": str(row["id"]), "number": row.get("name") or f"order {row['id']}", "customer_id": str(customer_id),
            "order_date": ordered, "total": (money(row.get("amount_total")) / rate).quantize(Decimal("0.01")),
            "currency": currency, "state": "confirmed"}


PAYMENT_STATES = {"in_process": "posted", "paid": "posted", "posted": "posted", "rejected": "returned",
                  "canceled": "voided", "cancel": "voided"}


def payment(row: Row, customer_id: int | None, currency: str, allocations: list[dict[str, Any]],
            payer_account: str | None) -> dict[str, Any]:
    """A customer payment; Community keeps no rejection date, so ``write_date`` stands for it."""
    if customer_id is None:
        raise Unmappable("partner_id", "a customer payment without a partner")
    state = PAYMENT_STATES.get(str(row.get("state")))
    if state is None:
        raise Unmappable("state", f"unknown payment state {row.get('state')!r}")
    paid_on = day(row.get("date"))
    if paid_on is None:
        raise Unmappable("date", "a payment without a date")
    amount = money(row.get("amount_company_currency_signed") or row.get("amount"))
    record = {"id": f"pay:{row['id']}", "customer_id": str(customer_id), "date": paid_on, "amount": amount,
              "currency": currency, "state": state, "payer_account": payer_account,
              "reference": row.get("memo") or row.get("ref") or row.get("name") or None,
              "allocations": sorted(allocations, key=lambda a: a["invoice_id"])}
    if state != "posted":
        record["returned_on"] = max(paid_on, day(row.get("write_date")) or paid_on)
    return record


def entry_payment(move: Row, customer_id: int, currency: str, allocations: list[dict[str, Any]]) -> dict[str, Any]:
    """Money reconciled straight from a bank statement line (no account.payment)."""
    total = sum((a["amount"] for a in allocations), Decimal(0))
    return {"id": f"move:{move['id']}", "customer_id": str(customer_id), "date": day(move.get("date")),
            "amount": total, "currency": currency, "state": "posted", "reference": move.get("name") or None,
            "allocations": sorted(allocations, key=lambda a: a["invoice_id"])}


_NO_ANSWER = re.compile(r"no answer|unanswered|not answered|voicemail|voice mail|no reply|not reached|"
                        r"did not pick up|didn't pick up|no response", re.I)
_PROMISE = re.compile(r"promised?(?: to pay)?\s*[:=]?\s*(?:on\s+)?(\d{4}-\d{2}-\d{2})(?:\s*[:, ]\s*(\d+(?:\.\d+)?))?",
                      re.I)
_TAGS = re.compile(r"<[^>]+>")


def text_of(body: str | None) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", body or "")).split())


def contact_attempt(message: Row, customer_id: int, channel: str) -> dict[str, Any]:
    """A done activity: answered unless its feedback says otherwise; "promise: 2026-12-01 500" is
    read as a promise to pay."""
    text = text_of(message.get("body"))
    on = day(message.get("date"))
    if on is None:
        raise Unmappable("date", "a message without a date")
    record: dict[str, Any] = {"id": f"msg:{message['id']}", "customer_id": str(customer_id), "on": on,
                              "channel": channel, "answered": not _NO_ANSWER.search(text),
                              "outcome": text[:200]}
    promise = _PROMISE.search(text)
    if promise:
        record["promise_date"] = dt.date.fromisoformat(promise.group(1))
        if promise.group(2):
            record["promise_amount"] = Decimal(promise.group(2))
    return record


def channel_of(activity_type: Row) -> str | None:
    """The contact channel of an activity type, None for types that are not contacts (to-dos,
    uploads)."""
    category = activity_type.get("category")
    name = str(activity_type.get("name") or "").lower()
    icon = str(activity_type.get("icon") or "")
    if category == "phonecall" or "call" in name:
        return "call"
    if "envelope" in icon or "mail" in name:
        return "email"
    if category == "meeting" or "meeting" in name:
        return "visit"
    return None
