"""The add-on's own collections records (``arwatch.dispute``, ``arwatch.contact.attempt``,
``arwatch.payment.plan`` and its lines, ``arwatch.signal``, the agency placement of
``arwatch.partner.risk``): rows named by their fields, as the add-on reads them and hands them to
an external sync through its API; and Odoo Enterprise's follow-up date read as a snooze."""

from __future__ import annotations

from collections.abc import Iterable

from .values import Record, Row, day, m2o_id


def _ref(value: object) -> str | None:
    ident = m2o_id(value)
    return str(ident) if ident is not None else None


def dispute(row: Row) -> Record:
    return {"id": str(row["id"]), "customer_id": _ref(row["partner_id"]), "invoice_id": _ref(row.get("invoice_id")),
            "opened_on": row.get("opened_on"), "resolved_on": row.get("resolved_on"), "amount": row.get("amount"),
            "reason": row.get("reason") or "", "kind": row.get("kind") or "dispute"}


def attempt(row: Row) -> Record:
    return {"id": str(row["id"]), "customer_id": _ref(row["partner_id"]), "on": row.get("date"),
            "channel": row.get("channel") or "call", "answered": bool(row.get("answered")),
            "outcome": row.get("outcome") or "", "promise_date": row.get("promise_date"),
            "promise_amount": row.get("promise_amount") or None}


def plans(lines: Iterable[Row]) -> list[Record]:
    """Payment plans from their lines (one row per instalment: the plan's ``id``, ``partner_id``,
    ``agreed_on``, ``cancelled_on`` and the line's ``due_date``, ``amount``), in the rows' order."""
    found: dict[object, Record] = {}
    for row in lines:
        plan = found.get(row["id"])
        if plan is None:
            plan = found[row["id"]] = {"id": str(row["id"]), "customer_id": _ref(row["partner_id"]),
                                       "agreed_on": row.get("agreed_on"), "cancelled_on": row.get("cancelled_on"),
                                       "instalments": []}
        plan["instalments"].append({"due_date": row.get("due_date"), "amount": row.get("amount")})
    return list(found.values())


def signal(row: Row) -> Record:
    return {"id": str(row["id"]), "customer_id": _ref(row["partner_id"]), "kind": row.get("kind"),
            "on": row.get("date"), "source": row.get("source") or "manual", "note": row.get("note") or "",
            "severity": row.get("severity"), "confidence": row.get("confidence"), "expires_on": row.get("expires_on")}


def agency_switches(row: Row) -> list[Record]:
    """An ``arwatch.partner.risk`` row's agency placement as customer switches: ``placed`` on the
    day a manager approved the referral (``agency_since``), ``recalled`` on the day of a recall
    (``agency_recalled_on``, when on or after it), exactly as a ``placed:`` / ``recalled`` note."""
    since, recalled = row.get("agency_since"), row.get("agency_recalled_on")
    if not since:
        return []
    customer, key = _ref(row["partner_id"]), f"agency:{row['id']}"
    found = [{"id": f"{key}:placed", "customer_id": customer, "kind": "placed", "on": since,
              "note": "referral approved in Odoo", "source": "odoo"}]
    if recalled and str(recalled) >= str(since):
        found.append({"id": f"{key}:recalled", "customer_id": customer, "kind": "recalled", "on": recalled,
                      "source": "odoo"})
    return found


#: Odoo Enterprise's follow-up "next reminder" date on res.partner (module account_followup,
#: company-dependent): the date before which no follow-up action should be taken. Not in Community.
FOLLOWUP_DATE = "followup_next_action_date"


def followup_id(partner_id: object) -> str:
    return f"followup:{partner_id}"


def followup_snooze(row: Row) -> Record | None:
    """A customer's follow-up "next reminder" date (Enterprise) as a snooze until that day, known
    from the partner's last change (``write_date``; the day itself if that is later); None
    without a date."""
    until = day(row.get(FOLLOWUP_DATE))
    if until is None:
        return None
    known = day(row.get("write_date")) or until
    return {"id": followup_id(row["id"]), "customer_id": str(row["id"]), "kind": "snooze", "on": min(known, until),
            "until": until, "note": "next reminder date of Odoo's follow-up", "source": "odoo"}
