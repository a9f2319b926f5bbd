"""Customers (commercial partners) and their contacts (child partners)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .values import Record, Row, day, m2o_name


def contact(row: Row) -> Record:
    """A child partner. Its archive day is the add-on's ``arwatch_archived_on`` when the row has
    it, else ``write_date`` (standard Odoo keeps no archive date)."""
    archived = None if row.get("active", True) else (day(row.get("arwatch_archived_on")) or day(row.get("write_date")))
    return {"id": str(row["id"]), "name": row.get("name") or f"contact {row['id']}",
            "role": row.get("function") or None, "created_on": day(row.get("create_date")),
            "archived_on": archived}


def customer(row: Row, currency: str, terms_days: int, contacts: Iterable[Record],
             salesperson: str | None) -> Record:
    """A commercial partner. ``terms_days`` is its payment term's longest line; ``salesperson``
    the user as the caller names users (the add-on: the user's id, the sync: the user's name).

    A customer without a name keeps its invoices and is called "partner <id>", as Odoo itself
    shows a nameless partner, rather than being left out with every invoice it owes."""
    limit = Decimal(str(row.get("credit_limit") or 0))
    return {"id": str(row["id"]), "name": row.get("name") or f"partner {row['id']}", "currency": currency,
            "terms_days": int(terms_days or 0), "credit_limit": limit if limit > 0 else None,
            "salesperson": salesperson, "email": row.get("email") or None,
            "country": row.get("country_code") or None, "industry": m2o_name(row.get("industry_id")),
            "created_on": day(row.get("create_date")), "active": bool(row.get("active", True)),
            "contacts": sorted(contacts, key=lambda c: int(c["id"]))}
