"""``pull(since, full)``: Odoo's customers, invoices, payments and done activities as raw records.

Incremental runs read rows whose ``write_date`` is at or after the stream's cursor (minus an
overlap); a record whose parts changed is sent again whole (a customer when one contact
changed, a payment or credit note when one of its reconciliations did), and the runner upserts
it by id. Invoices and payments that left their posted state are deletions. Rows deleted
outright in Odoo disappear at the next full pull (``complete``). With nothing changed, an
incremental pull makes one call per stream (partners, moves, payments, partials, messages): the
lookups that complete changed records run only when there are some.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from arwatch.core import odoo_rows as m
from arwatch.core.contract import PullResult
from arwatch.core.issues import Issue
from arwatch.core.jsonable import jsonable
from arwatch.core.marks import CLOSED_MARK
from arwatch.core.notes import NoteProblem

from . import notes
from .errors import RecordRefused
from .query import (
    CONTACTS,
    CUSTOMERS,
    MESSAGES,
    MOVES,
    ORDERS,
    PARTIALS,
    PARTNERS,
    Stream,
    any_state,
    payment_stream,
    posted_states,
    since_value,
)
from .reader import Reader
from .window import Windows, parse_seen

CURSOR_STREAMS = ("partners", "moves", "payments", "partials", "messages", "orders")
CLOSED_BY_ARWATCH = CLOSED_MARK


def parse_cursor(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in CURSOR_STREAMS and isinstance(v, str)}


def parse_foreign(cursor: str | None) -> set[int]:
    """The customers of other companies this company's records named (cursor key ``foreign``)."""
    try:
        found = json.loads(cursor or "{}").get("foreign", [])
    except (ValueError, AttributeError):
        return set()
    return {i for i in found if isinstance(i, int) and not isinstance(i, bool)} if isinstance(found, list) else set()


#: Customers by id whatever their company: those of another company (a branch's root) that the
#: configured companies' invoices, credit notes and payments name; Odoo's record rules decide.
NAMED_CUSTOMERS = Stream("customers", "res.partner", CUSTOMERS.domain, CUSTOMERS.fields + ("company_id",),
                         company_field=None, active_test=False)
NAMED_CONTACTS = Stream("contacts", "res.partner", CONTACTS.domain, CONTACTS.fields, company_field=None,
                        active_test=False)


def _latest(rows: list[dict[str, Any]], previous: str | None) -> str | None:
    dates = [r["write_date"] for r in rows if r.get("write_date")]
    return max(dates + ([previous] if previous else [])) if dates or previous else None


@dataclass(frozen=True)
class Unreadable:
    """A message (done activity or chatter note) with lines in the syntax that do not read."""

    model: str
    res_id: int
    message_id: int
    customer_id: str
    problems: tuple[NoteProblem, ...]


class Puller:
    """One pull; holds the lookups (commercial partners, lines) it builds on the way."""

    def __init__(self, reader: Reader, version: tuple[int, int], currency: str, overlap_seconds: int,
                 windows: Windows | None = None, followup: str | None = None):
        self.reader, self.version, self.currency, self.overlap = reader, version, currency, overlap_seconds
        self.followup = followup  # Enterprise's follow-up date field, read as a snooze when there
        self.windows = windows or Windows({})
        self.issues: list[Issue] = []
        self.commercial: dict[int, int] = {}
        self.customer_ids: set[int] = set()  # commercial partners known to be customers
        self.unreadable: list[Unreadable] = []

    # --- partners ---------------------------------------------------------------------------
    def _commercial_of(self, partner_ids: set[int]) -> dict[int, int]:
        missing = {p for p in partner_ids if p not in self.commercial}
        if missing:
            for row in self.reader.read("res.partner", missing, ("commercial_partner_id",)):
                self.commercial[row["id"]] = m.m2o_id(row["commercial_partner_id"]) or row["id"]
        return self.commercial

    def _terms(self, rows: list[dict[str, Any]]) -> dict[int, int]:
        ids = {m.m2o_id(r.get("property_payment_term_id")) for r in rows} - {None}
        if not ids:
            return {}
        lines = self.reader.where_in(Stream("terms", "account.payment.term.line", (), ("payment_id", "nb_days"),
                                            company_field=None, active_test=False), "payment_id", ids)  # type: ignore[arg-type]
        days: dict[int, int] = defaultdict(int)
        for line in lines:
            term = m.m2o_id(line["payment_id"])
            days[term] = max(days[term], int(line.get("nb_days") or 0))  # type: ignore[index]
        return days

    def _fields(self, stream: Stream) -> tuple[str, ...]:
        return stream.fields + ((self.followup,) if self.followup else ())

    def customers(self, since: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if since:  # one call for changed customers and contacts
            changed = self.windows.rows("partners", self.reader.pages(PARTNERS, since, fields=self._fields(PARTNERS)),
                                        since)
            rows = [r for r in changed if not r.get("parent_id")]
            contacts = [r for r in changed if r.get("parent_id")]
        else:
            rows = self.reader.pages(CUSTOMERS, fields=self._fields(CUSTOMERS))
            contacts = self.reader.pages(CONTACTS, extra=(("commercial_partner_id.customer_rank", ">", 0),))
            self.windows.rows("partners", rows + contacts, None)
        if since and (rows or contacts):
            affected = {r["id"] for r in rows} | {m.m2o_id(c["commercial_partner_id"]) for c in contacts} - {None}
            known = {r["id"] for r in rows}
            rows += self.reader.where_in(CUSTOMERS, "id", affected - known,  # type: ignore[arg-type]
                                         fields=self._fields(CUSTOMERS))
            contacts = self.reader.where_in(CONTACTS, "commercial_partner_id", affected)  # type: ignore[arg-type]
        for row in rows:
            self.commercial[row["id"]] = row["id"]
            self.customer_ids.add(row["id"])
        for c in contacts:
            self.commercial[c["id"]] = m.m2o_id(c["commercial_partner_id"]) or c["id"]
        return rows, contacts

    def named_elsewhere(self, named: set[int], known: set[int],
                        ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, str]]:
        """(customers, contacts, unreadable id -> why) of the commercial partners ``named`` by
        this run's invoices, credit notes and payments that were not read with the companies'
        customers, and of the ``known`` ones of earlier runs: a branch's invoice to a customer of
        its root company (Odoo shows a root's partners in its branches). Read by id whatever
        their company, as far as the API user may (Odoo's record rules): one call, plus one for
        the contacts of those found; none when nothing is missing."""
        wanted = (named - self.customer_ids) | known
        if not wanted:
            return [], [], {}
        scope = set(self.reader.scope)
        refused: dict[int, str] = {}
        try:
            rows = self.reader.where_in(NAMED_CUSTOMERS, "id", wanted, fields=self._fields(NAMED_CUSTOMERS))
        except RecordRefused:  # one customer refused fails the call: each one alone (on this error only)
            rows = []
            for pid in sorted(wanted):
                try:
                    rows += self.reader.where_in(NAMED_CUSTOMERS, "id", {pid}, fields=self._fields(NAMED_CUSTOMERS))
                except RecordRefused as error:
                    refused[pid] = f"refused by Odoo ({error})"
        readable = {r["id"] for r in rows} | set(refused)
        rows = [r for r in rows if r["id"] not in self.customer_ids
                and m.m2o_id(r.get("company_id")) not in scope | {None}]
        unreadable = {pid: "not readable by the API user (Odoo's record rules: it belongs to a company the "
                           f"user may not read from companies {sorted(scope)})"
                      for pid in sorted(wanted - readable) if pid in named} | {
            pid: why for pid, why in refused.items() if pid in named}
        if not rows:
            return [], [], unreadable
        try:
            contacts = self.reader.where_in(NAMED_CONTACTS, "commercial_partner_id", {r["id"] for r in rows})
        except RecordRefused as error:
            self.issues.append(Issue(source=m.SOURCE, record_type="res.partner", record_id=str(rows[0]["id"]),
                                     field="child_ids", message=f"contacts not read: {error}"))
            contacts = []
        for row in rows:
            self.commercial[row["id"]] = row["id"]
            self.customer_ids.add(row["id"])
        for c in contacts:
            self.commercial[c["id"]] = m.m2o_id(c["commercial_partner_id"]) or c["id"]
        return rows, contacts, unreadable

    def snoozes(self, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
        """The follow-up dates of these customers as snoozes, and the ids of those without one
        (a date cleared since: a deletion), when the field is read (Enterprise); else nothing."""
        if not self.followup:
            return [], ()
        found = {r["id"]: m.followup_snooze(r) for r in rows}
        return ([s for s in found.values() if s is not None],
                tuple(m.followup_id(pid) for pid, s in sorted(found.items()) if s is None))

    def customer_records(self, rows: list[dict[str, Any]], contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        terms = self._terms(rows)
        people: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for c in contacts:
            record = m.mapped("res.partner", c, m.contact, self.issues)
            if record is not None:
                people[m.m2o_id(c["commercial_partner_id"]) or 0].append(record)
        built = (m.mapped("res.partner", r, lambda r: m.customer(
            r, self.currency, terms.get(m.m2o_id(r.get("property_payment_term_id")) or 0, 0), people[r["id"]],
            m.m2o_name(r.get("user_id"))), self.issues) for r in rows)
        return [r for r in built if r is not None]

    # --- reconciliation ---------------------------------------------------------------------
    def partials(self, since: str | None, refunds: set[int], payment_moves: set[int]) -> list[dict[str, Any]]:
        """Every partial of the credit notes and payments to send (all of them on a full pull)."""
        changed = self.windows.rows("partials", self.reader.pages(PARTIALS, since), since)
        if not since:
            return changed
        self._lines({m.m2o_id(p["credit_move_id"]) for p in changed} - {None})  # type: ignore[arg-type]
        affected = {self.line_move[m.m2o_id(p["credit_move_id"])] for p in changed  # type: ignore[index]
                    if m.m2o_id(p["credit_move_id"]) in self.line_move} | refunds | payment_moves
        every = self.reader.where_in(PARTIALS, "credit_move_id.move_id", affected)
        seen = {p["id"] for p in every}
        return every + [p for p in changed if p["id"] not in seen]

    def _lines(self, ids: set[int]) -> None:
        if not hasattr(self, "line_move"):
            self.line_move: dict[int, int] = {}
            self.line_payment: dict[int, int | None] = {}
        missing = ids - set(self.line_move)
        for row in self.reader.read("account.move.line", missing, ("move_id", "payment_id")):
            self.line_move[row["id"]] = m.m2o_id(row["move_id"]) or 0
            self.line_payment[row["id"]] = m.m2o_id(row.get("payment_id"))

    def allocations(self, partials: list[dict[str, Any]], refund_ids: set[int],
                    ) -> tuple[dict[int, list[dict[str, Any]]], ...]:
        """Allocations by credit note id, by payment id and by other (bank entry) move id."""
        self._lines({i for p in partials for i in (m.m2o_id(p["debit_move_id"]), m.m2o_id(p["credit_move_id"]))
                     if i is not None})
        by_refund: dict[int, list[dict[str, Any]]] = defaultdict(list)
        by_payment: dict[int, list[dict[str, Any]]] = defaultdict(list)
        by_entry: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for p in partials:
            debit, credit = m.m2o_id(p["debit_move_id"]), m.m2o_id(p["credit_move_id"])
            invoice, source = self.line_move.get(debit), self.line_move.get(credit)  # type: ignore[arg-type]
            if not invoice or not source:
                continue
            alloc = m.allocation(p, invoice)
            if alloc is None:
                continue
            if self.line_payment.get(credit):  # type: ignore[arg-type]
                by_payment[self.line_payment[credit]].append(alloc)  # type: ignore[index]
            elif source in refund_ids:
                by_refund[source].append(alloc)
            else:
                by_entry[source].append(alloc)
        return by_refund, by_payment, by_entry

    def _missing_moves(self, ids: set[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        return self.reader.read("account.move", ids, tuple(MOVES_FIELDS_PLUS))

    # --- payments -----------------------------------------------------------------------------
    def _payer_accounts(self, rows: list[dict[str, Any]]) -> dict[int, str]:
        ids = {m.m2o_id(r.get("partner_bank_id")) for r in rows} - {None}
        if not ids:
            return {}
        return {r["id"]: r["acc_number"] for r in self.reader.read("res.partner.bank", ids, ("acc_number",))  # type: ignore[arg-type]
                if r.get("acc_number")}

    def _moveless_allocations(self, rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
        """18.0 payments without a journal entry settle their ``invoice_ids`` without partials:
        the amount goes to those invoices in id order, each up to its total."""
        moveless = [r for r in rows if not r.get("move_id") and r.get("invoice_ids")]
        if not moveless:
            return {}
        totals = {r["id"]: m.money(r["amount_total_signed"]) for r in
                  self.reader.read("account.move", {i for r in moveless for i in r["invoice_ids"]},
                                   ("amount_total_signed",))}
        return {r["id"]: m.moveless_allocations(r, totals) for r in moveless}

    def payment_records(self, rows: list[dict[str, Any]],
                        by_payment: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        commercial = self._commercial_of({m.m2o_id(r["partner_id"]) for r in rows} - {None})  # type: ignore[arg-type]
        accounts = self._payer_accounts(rows)
        moveless = self._moveless_allocations(rows)
        built = (m.mapped("account.payment", r, lambda r: m.payment(
            r, commercial.get(m.m2o_id(r["partner_id"]) or 0), self.currency,
            by_payment.get(r["id"]) or moveless.get(r["id"], []),
            accounts.get(m.m2o_id(r.get("partner_bank_id")) or 0)), self.issues) for r in rows)
        return [r for r in built if r is not None]

    # --- sale orders ---------------------------------------------------------------------------
    def order_records(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        commercial = self._commercial_of({m.m2o_id(r["partner_id"]) for r in rows} - {None})  # type: ignore[arg-type]
        built = (m.mapped("sale.order", r, lambda r: m.order(r, commercial.get(m.m2o_id(r["partner_id"]) or 0),
                                                            self.currency), self.issues) for r in rows)
        return [r for r in built if r is not None]

    # --- done activities and chatter notes ----------------------------------------------------
    def _customers_among(self, ids: set[int]) -> set[int]:
        """Which of these commercial partners are customers (one call for those not pulled now)."""
        unknown = ids - self.customer_ids
        if unknown:
            self.customer_ids |= {r["id"] for r in self.reader.where_in(CUSTOMERS, "id", unknown, fields=("id",))}
        return ids & self.customer_ids

    def _owners(self, rows: list[dict[str, Any]]) -> dict[int, int]:
        """Message id -> the customer it is about: the commercial partner of the partner, or of
        the customer invoice or credit note, it is on (others, such as vendor bills, have none)."""
        moves = {r["res_id"] for r in rows if r["model"] == "account.move"}
        move_partner = {r["id"]: m.m2o_id(r["commercial_partner_id"]) for r in self.reader.read(
            "account.move", moves, ("commercial_partner_id", "move_type"))
            if r.get("move_type") in ("out_invoice", "out_refund")} if moves else {}
        commercial = self._commercial_of({r["res_id"] for r in rows if r["model"] == "res.partner"})
        owner = {r["id"]: commercial.get(r["res_id"]) if r["model"] == "res.partner" else move_partner.get(r["res_id"])
                 for r in rows}
        customers = self._customers_among({o for o in owner.values() if o is not None})
        return {mid: o for mid, o in owner.items() if o in customers}

    def attempts(self, since: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """(contact attempts, collectors' notes, message rows read) of the done activities and the
        chatter notes: a done call, e-mail or meeting is a contact attempt unless its feedback
        records the contact in the notes' syntax (``call: ...``, ``promise: ...``); the lines in
        the syntax of any activity's feedback or chatter note are collectors' notes
        (docs/collector-notes.md), dated by the message's own date. A message with lines that do
        not read is kept in ``unreadable`` (to be answered once, ``OdooAdapter.finish``).
        arwatch's own posts are not read: its flag and hold notes, its answers, a task it closed."""
        read = self.windows.rows("messages", self.reader.pages(MESSAGES, since), since)
        rows = [r for r in read if CLOSED_BY_ARWATCH not in (r.get("body") or "")
                and not (r.get("message_type") == "comment" and notes.own_post(r))]
        if not rows:
            return [], [], read
        types = {t["id"]: m.channel_of(t) for t in self.reader.transport.call(
            "mail.activity.type", "search_read", domain=[], fields=["name", "category", "icon"],
            context={"active_test": False})} if any(r.get("mail_activity_type_id") for r in rows) else {}
        owners = self._owners(rows)
        records: list[dict[str, Any]] = []
        noted: list[dict[str, Any]] = []
        for r in rows:
            owner = owners.get(r["id"])
            if owner is None:
                continue
            on = m.day(r.get("date"))
            lines = notes.collector_notes(r, str(owner), str(r["res_id"]) if r["model"] == "account.move" else None, on)
            noted += lines
            if bad := notes.problems(r, on):
                self.unreadable.append(Unreadable(r["model"], r["res_id"], r["id"], str(owner), tuple(bad)))
            channel = types.get(m.m2o_id(r.get("mail_activity_type_id")) or 0)
            if r.get("message_type") == "comment" or channel is None or notes.records_a_contact(lines):
                continue  # a note, a done to-do or upload is no contact attempt; a "call:" line is its own
            record = m.mapped("mail.message", r, partial(m.contact_attempt, customer_id=owner, channel=channel),
                              self.issues)
            if record is not None:
                records.append(record)
        return records, noted, read


MOVES_FIELDS_PLUS = MOVES.fields + ("statement_line_id",)


def _changed(p: Puller, name: str, stream: Stream, since: str | None,
             is_posted: Callable[[dict[str, Any]], bool]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(posted rows, rows that left their posted state): everything posted on a full pull; on an
    incremental one every changed row in one call, split by state."""
    rows = p.windows.rows(name, p.reader.pages(any_state(stream) if since else stream, since), since)
    return [r for r in rows if is_posted(r)], [r for r in rows if not is_posted(r)]


def _named_elsewhere(p: Puller, move_rows: list[dict[str, Any]], pay_rows: list[dict[str, Any]], known: set[int],
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, int]]]:
    """(customers, contacts, (model, id) of the rows left out) for the customers of other companies that
    ``move_rows`` and ``pay_rows`` name (``Puller.named_elsewhere``). A record naming one the API
    user cannot read is left out of the records with an issue naming the customer and the record
    (else its debt would be dropped later as an "unknown customer", with no word of why); it
    still counts for the cursor, so it is not read again and again (a full pull reads it once
    the user may read its customer)."""
    payers = p._commercial_of({m.m2o_id(r["partner_id"]) for r in pay_rows} - {None}) if pay_rows else {}  # type: ignore[arg-type]
    move_owner = {r["id"]: m.m2o_id(r.get("commercial_partner_id")) for r in move_rows}
    pay_owner = {r["id"]: payers.get(m.m2o_id(r.get("partner_id")) or 0) for r in pay_rows}
    named = {pid for pid in (*move_owner.values(), *pay_owner.values()) if pid is not None}
    rows, contacts, unreadable = p.named_elsewhere(named, known)
    left_out: set[tuple[str, int]] = set()
    for model, found, owner, label in (("account.move", move_rows, move_owner, "invoice"),
                                       ("account.payment", pay_rows, pay_owner, "payment")):
        for r in found:
            pid = owner[r["id"]]
            if pid is None or pid not in unreadable:
                continue
            p.issues.append(Issue(
                source=m.SOURCE, record_type=model, record_id=str(r["id"]), field="partner_id",
                message=f"customer {pid} of {label} {r.get('name') or r['id']} is {unreadable[pid]}; the "
                        f"{label} is left out (give the API user access to the customer's company, then "
                        f"run a full pull)"))
            left_out.add((model, r["id"]))
    return rows, contacts, left_out


def pull(reader: Reader, version: tuple[int, int], company: dict[str, Any], cursor: str | None, full: bool,
         overlap_seconds: int, done_activities: bool = True, orders: bool = False,
         unreadable: list[Unreadable] | None = None, followup: str | None = None) -> PullResult:
    """Everything (``full`` or no cursor) or what changed since ``cursor``; contact attempts and
    collectors' notes from done activities and chatter notes unless ``done_activities`` is False
    (the add-on keeps its own); confirmed sale orders when ``orders`` (the Sales app is
    installed). The messages with unreadable lines are added to ``unreadable``. ``followup``
    names Enterprise's follow-up date field (``Lookups.followup_date``): read as a snooze."""
    marks = {} if full else parse_cursor(cursor)
    since = {s: since_value(marks.get(s), overlap_seconds) for s in CURSOR_STREAMS}
    incremental = bool(marks)
    p = Puller(reader, version, company["currency"], overlap_seconds,
               Windows(parse_seen(cursor) if incremental else {}), followup)

    customer_rows, contact_rows = p.customers(since["partners"])
    pay_stream = payment_stream(version)
    move_rows, gone_moves = _changed(p, "moves", MOVES, since["moves"], lambda r: r.get("state") == "posted")
    posted = posted_states(version)
    pay_rows, gone_pays = _changed(p, "payments", pay_stream, since["payments"], lambda r: r.get("state") in posted)
    refunds = {r["id"] for r in move_rows if r["move_type"] == "out_refund"}
    pay_moves = {m.m2o_id(r.get("move_id")) for r in pay_rows} - {None}
    partials = p.partials(since["partials"], refunds, pay_moves)  # type: ignore[arg-type]
    p._lines({i for q in partials for i in (m.m2o_id(q["credit_move_id"]),) if i is not None})
    credit_moves = {p.line_move.get(m.m2o_id(q["credit_move_id"]) or 0, 0) for q in partials} - {0}
    known_moves = {r["id"] for r in move_rows} | pay_moves
    extra_moves = p._missing_moves(credit_moves - known_moves)
    refunds |= {r["id"] for r in extra_moves if r.get("move_type") == "out_refund" and r.get("state") == "posted"}
    move_rows += [r for r in extra_moves if r["id"] in refunds]
    by_refund, by_payment, by_entry = p.allocations(partials, refunds)
    missing_payments = set(by_payment) - {r["id"] for r in pay_rows}
    if missing_payments:
        pay_rows += reader.where_in(pay_stream, "id", missing_payments)

    foreign_rows, foreign_contacts, left_out = _named_elsewhere(p, move_rows, pay_rows, parse_foreign(cursor))
    invoiced = [row for row in move_rows if ("account.move", row["id"]) not in left_out]
    invoices = [r for r in (m.mapped("account.move", row, lambda row: m.invoice(
        row, p.currency, by_refund.get(row["id"], [])), p.issues) for row in invoiced) if r is not None]
    payments = p.payment_records([r for r in pay_rows if ("account.payment", r["id"]) not in left_out], by_payment)
    statement = {r["id"]: r for r in extra_moves if r.get("statement_line_id") and r.get("state") == "posted"}
    payments += [m.entry_payment(statement[mid], m.m2o_id(statement[mid]["commercial_partner_id"]) or 0,
                                 p.currency, allocs) for mid, allocs in by_entry.items() if mid in statement]
    attempts, noted, message_rows = p.attempts(since["messages"]) if done_activities else ([], [], [])
    if unreadable is not None:
        unreadable += p.unreadable

    order_rows, gone_orders = (_changed(p, "orders", ORDERS, since["orders"], lambda r: r.get("state") == "sale")
                               if orders else ([], []))

    snoozes, unsnoozed = p.snoozes(customer_rows)
    deletions: dict[str, tuple[str, ...]] = {}
    if incremental:
        deletions = {"invoices": tuple(str(r["id"]) for r in gone_moves),
                     "payments": tuple(f"pay:{r['id']}" for r in gone_pays),
                     "orders": tuple(str(r["id"]) for r in gone_orders), "switches": unsnoozed}
        move_rows += gone_moves
        pay_rows += gone_pays
        order_rows_all = order_rows + gone_orders
    else:
        order_rows_all = order_rows

    new_cursor = {
        "partners": _latest(customer_rows + contact_rows, marks.get("partners")),  # this company's own only
        "moves": _latest(move_rows, marks.get("moves")),
        "payments": _latest(pay_rows, marks.get("payments")),
        "partials": _latest(partials, marks.get("partials")),
        "messages": _latest(message_rows, marks.get("messages")),
        "orders": _latest(order_rows_all, marks.get("orders")),
    }
    foreign = sorted(r["id"] for r in foreign_rows)
    records = {"company": company, "customers": p.customer_records(customer_rows + foreign_rows,
                                                                   contact_rows + foreign_contacts),
               "invoices": invoices, "payments": payments}
    if done_activities:
        records["contact_attempts"] = attempts
        records["notes"] = noted
    if orders:
        records["orders"] = p.order_records(order_rows)
    if followup:
        records["switches"] = snoozes
    return PullResult(records=jsonable(records), deletions={k: v for k, v in deletions.items() if v},
                      cursor=json.dumps({**{k: v for k, v in new_cursor.items() if v},
                                         "seen": p.windows.digests(new_cursor, overlap_seconds),
                                         **({"foreign": foreign} if foreign else {})}, sort_keys=True),
                      complete=not incremental, issues=tuple(p.issues))
