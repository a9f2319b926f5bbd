"""What is read from Odoo, declared as data, and the domains built from it (pure, tested as
values). Every stream pages by id (``id > last``) so a page never shifts under concurrent writes,
and filters incremental runs on ``write_date >= since``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

Domain = list[Any]
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Stream:
    """One ``search_read`` source: model, base domain, fields, company field, archived rows."""

    name: str
    model: str
    domain: tuple[Any, ...]
    fields: tuple[str, ...]
    company_field: str | None = "company_id"
    company_optional: bool = False  # records without a company (shared partners) belong to all
    active_test: bool = True


CUSTOMER_FIELDS = ("name", "email", "country_code", "property_payment_term_id", "credit_limit", "user_id",
                   "industry_id", "create_date", "active", "write_date")
CONTACT_FIELDS = ("name", "function", "commercial_partner_id", "create_date", "active", "write_date")
MOVE_FIELDS = ("name", "move_type", "state", "commercial_partner_id", "invoice_date", "date", "invoice_date_due",
               "amount_total_signed", "amount_residual_signed", "write_date")
PARTIAL_FIELDS = ("debit_move_id", "credit_move_id", "amount", "max_date", "write_date")
LINE_FIELDS = ("move_id", "payment_id")
MESSAGE_FIELDS = ("model", "res_id", "date", "body", "mail_activity_type_id", "message_type", "write_date")
ORDER_FIELDS = ("name", "state", "partner_id", "date_order", "amount_total", "currency_rate", "write_date")

CUSTOMERS = Stream("customers", "res.partner", (("parent_id", "=", False), ("customer_rank", ">", 0)),
                   CUSTOMER_FIELDS, company_optional=True, active_test=False)
CONTACTS = Stream("contacts", "res.partner", (("parent_id", "!=", False), ("type", "=", "contact")),
                  CONTACT_FIELDS, company_optional=True, active_test=False)
MOVES = Stream("invoices", "account.move", (("move_type", "in", ["out_invoice", "out_refund"]),
                                            ("state", "=", "posted")), MOVE_FIELDS)
#: An incremental pull reads changed partners in one call: customers OR their contacts.
PARTNERS = Stream("partners", "res.partner",
                  ("|", "&") + CUSTOMERS.domain + ("&", "&") + CONTACTS.domain
                  + (("commercial_partner_id.customer_rank", ">", 0),),
                  tuple(dict.fromkeys(CUSTOMER_FIELDS + CONTACT_FIELDS + ("parent_id",))),
                  company_optional=True, active_test=False)
PARTIALS = Stream("partials", "account.partial.reconcile",
                  (("debit_move_id.move_id.move_type", "=", "out_invoice"),
                   ("credit_move_id.move_id.move_type", "in", ["out_refund", "entry"])), PARTIAL_FIELDS)
#: Done activities (a notification with an activity type) and chatter notes (internal notes and
#: messages: ``comment``) on customers and invoices, in one call; walled by the company of the
#: record they are on (none for a shared partner).
MESSAGES = Stream("messages", "mail.message", (("model", "in", ["res.partner", "account.move"]),
                                               "|", "&", ("mail_activity_type_id", "!=", False),
                                               ("message_type", "=", "notification"),
                                               ("message_type", "=", "comment")),
                  MESSAGE_FIELDS, company_field="record_company_id", company_optional=True)


#: Confirmed sale orders (Sales app): order volume. 17.0+ has no "done" state (``locked`` instead).
ORDERS = Stream("orders", "sale.order", (("state", "=", "sale"),), ORDER_FIELDS)


def payment_stream(version: tuple[int, int]) -> Stream:
    """account.payment: 18.0 dropped ``_inherits`` (``memo``, states in_process/paid/rejected)."""
    states = list(posted_states(version))
    memo = "memo" if version >= (18, 0) else "ref"
    fields = ("name", "date", "amount", "amount_company_currency_signed", "state", "partner_id",
              "partner_bank_id", "move_id", "invoice_ids", memo, "write_date")
    return Stream("payments", "account.payment", (("partner_type", "=", "customer"),
                                                   ("payment_type", "=", "inbound"), ("state", "in", states)),
                  fields)


def any_state(stream: Stream) -> Stream:
    """``stream`` without its state filter: an incremental pull reads posted and unposted rows
    in one call (those that left their posted state are deletions)."""
    return Stream(stream.name, stream.model, tuple(t for t in stream.domain if isinstance(t, str) or t[0] != "state"),
                  stream.fields, stream.company_field, stream.company_optional, stream.active_test)


def posted_states(version: tuple[int, int]) -> tuple[str, ...]:
    """The payment states ``payment_stream`` reads (a payment in another state is a deletion)."""
    return ("in_process", "paid", "rejected", "canceled") if version >= (18, 0) else ("posted", "cancel")


def since_value(cursor: str | None, overlap_seconds: int) -> str | None:
    """The ``write_date`` lower bound: the cursor minus the overlap (Odoo datetimes, UTC)."""
    if not cursor:
        return None
    moment = dt.datetime.strptime(cursor, ODOO_DATETIME) - dt.timedelta(seconds=overlap_seconds)
    return moment.strftime(ODOO_DATETIME)


def domain(stream: Stream, company_ids: tuple[int, ...], since: str | None = None, after_id: int = 0,
           extra: tuple[Any, ...] = ()) -> Domain:
    """The stream's domain for one page: base, company, ``write_date >= since``, ``id > after_id``
    (the terms after the base are and-ed to it whatever prefix operators the base holds)."""
    terms: Domain = [t if isinstance(t, str) else list(t) for t in stream.domain]  # "|", "&": prefix operators
    if stream.company_field and company_ids:
        allowed: list[Any] = list(company_ids) + ([False] if stream.company_optional else [])
        terms.append([stream.company_field, "in", allowed])
    if since:
        terms.append(["write_date", ">=", since])
    if after_id:
        terms.append(["id", ">", after_id])
    terms += [list(t) for t in extra]
    return terms
