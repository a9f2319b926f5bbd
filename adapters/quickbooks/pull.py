"""Full and incremental pulls of one QuickBooks company.

Full: every stream (``streams.STREAMS``) page by page, ``MAXRESULTS 1000`` ordered by Id; a
page shorter than 1000 ends the stream, so an entity of N rows costs floor(N/1000) + 1 queries.
Incremental: one CDC request for all entities since the cursor (the envelope ``time`` of the
previous pull's first answer cut to its whole second, so nothing changed during a pull or later in
that second is skipped). Beyond CDC:

- the cursor is older than CDC's 30 days (by the adapter's clock, or CDC refuses it): a full
  pull, because deletions older than 30 days cannot be seen any other way and a deleted
  invoice left in the snapshot would count as open for ever;
- CDC answered with its cap (1000 objects, silently truncated, deletions after the live
  changes): a full pull, for the same reason (a deletion past the cap is seen no other way).

Credit memos applied in payments: a changed payment or credit memo brings the other side
(``Id IN (...)`` queries, only when such a change happened) so that the credit note's
allocations are complete.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from arwatch.core.contract import Cursor, PullResult
from arwatch.core.issues import Issue

from . import collector_notes, queries
from .client import QBOClient
from .errors import ItemRejected, QBOError, Reauthenticate
from .mapping import (
    SOURCE,
    MapContext,
    credit_applications,
    credit_note_id,
    linked_ids,
    map_credit_memo,
    map_customer,
    map_invoice,
    map_payment,
    ref,
)
from .state import AdapterState
from .streams import BY_ENTITY, ENTITIES, STREAMS

log = logging.getLogger(__name__)

DELETED_COLLECTION = {"Customer": "customers", "Invoice": "invoices", "CreditMemo": "invoices",
                      "Payment": "payments"}


class SamePageTwice(RuntimeError):
    """QuickBooks answered the next page with the rows of the previous one."""


@dataclass(frozen=True)
class PullSettings:
    home_currency: str = "USD"
    company_name: str | None = None  # the config's; without it, CompanyInfo's name
    fallback_name: str = ""  # without either: the company's name in the arwatch config
    default_terms_days: int = 30
    cdc_days: int = 30
    cdc_cap: int = 1000
    page_size: int = queries.PAGE_SIZE


def make_cursor(server_time: str) -> Cursor:
    """The cursor at ``server_time`` cut down to its whole second: QuickBooks stamps
    LastUpdatedTime in whole seconds, so a record changed later in that same second (after the
    answer ``server_time`` came with) is stamped before it and would be skipped."""
    return json.dumps({"v": 1, "since": whole_second(server_time)})


def whole_second(server_time: str) -> str:
    try:
        stamp = parse_time(server_time)
    except ValueError:
        return server_time
    return stamp.replace(microsecond=0).isoformat(timespec="seconds") if stamp.microsecond else server_time


def read_cursor(cursor: Cursor | None) -> str | None:
    try:
        data = json.loads(cursor or "")
        return str(data["since"]) if data.get("v") == 1 else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


Objects = dict[str, list[dict[str, Any]]]


class Puller:
    def __init__(self, client: QBOClient, state: AdapterState, settings: PullSettings,
                 now: Callable[[], dt.datetime]):
        self.client = client
        self.state = state
        self.settings = settings
        self.now = now
        self._time: str | None = None

    # ------------------------------------------------------------------ entry
    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        self._time = None
        since_time = None if full else read_cursor(since)
        if since_time is None:
            return self.full()
        if self.now() - parse_time(since_time) > dt.timedelta(days=self.settings.cdc_days,
                                                                 hours=-1):
            log.info("QuickBooks cursor %s is older than CDC's %d days: full pull", since_time,
                     self.settings.cdc_days)
            return self.full()
        return self.incremental(since_time)

    # ------------------------------------------------------------------ reading
    def _note_time(self, answer: Mapping[str, Any]) -> None:
        if self._time is None and answer.get("time"):
            self._time = str(answer["time"])

    def pages(self, entity: str, condition: str | None, since: str | None = None
              ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a stream; raises ``SamePageTwice`` if a page repeats."""
        size = self.settings.page_size
        start, previous = 1, None
        while True:
            text = (queries.changed_since(entity, since, start, condition=condition, size=size)
                    if since else queries.select_page(entity, start, condition=condition,
                                                      size=size))
            answer = self.client.query(text)
            self._note_time(answer)
            rows = answer.get("QueryResponse", {}).get(entity, [])
            ids = tuple(str(r.get("Id")) for r in rows)
            if rows and ids == previous:
                raise SamePageTwice(f"QuickBooks returned the same {entity} page twice "
                                    f"(STARTPOSITION {start})")
            previous = ids
            yield rows
            if len(rows) < size:
                return
            start += size

    def read_all(self, entity: str, since: str | None = None) -> list[dict[str, Any]]:
        return [row for page in self.pages(entity, BY_ENTITY[entity].condition, since)
                for row in page]

    def by_ids(self, entity: str, ids: list[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for i in range(0, len(ids), queries.PAGE_SIZE):
            answer = self.client.query(queries.by_ids(entity, ids[i:i + queries.PAGE_SIZE],
                                                      condition=BY_ENTITY[entity].condition))
            found += answer.get("QueryResponse", {}).get(entity, [])
        return found

    # ------------------------------------------------------------------ full
    def full(self) -> PullResult:
        self.read_company_name()
        objects: Objects = {s.entity: self.read_all(s.entity) for s in STREAMS}
        kept = self.remirror(objects)
        self.state.synced_at = self._time
        self.state.save()
        records, issues = self.map(objects, objects["Payment"])
        records.pop("credit_only_payments")
        notes, _, note_issues = self.collector_notes(objects, {}, complete=True)
        records["notes"] = notes
        self.state.save()
        return PullResult(records=records, cursor=make_cursor(self._time or ""), complete=True,
                          issues=tuple(issues + note_issues + kept))

    def read_company_name(self) -> None:
        """The company's name as QuickBooks has it (CompanyInfo's ``CompanyName``, else its
        ``LegalName``), kept in the adapter's memory; read on each full pull (a rename shows at the
        next one) and when not known yet, and only when the config names no ``company_name``. A
        read refused is no reason to stop the pull: the name stays what it was."""
        if self.settings.company_name:
            return
        realm = self.client.realm_id
        try:
            info = self.client.read("CompanyInfo", realm)
        except Reauthenticate:
            raise
        except QBOError as error:
            log.warning("QuickBooks company %s: its CompanyInfo could not be read (%s): the company is "
                        "named %r", realm, error, self.state.company_name or self.settings.fallback_name)
            info = {}
        name = str(info.get("CompanyName") or info.get("LegalName") or "").strip()
        # "" once asked: an incremental pull does not ask again, the next full pull does
        self.state.company_name = name or self.state.company_name or ""

    def company_name(self) -> str:
        """The config's ``company_name``, else QuickBooks' own (CompanyInfo), else the company's
        name in the arwatch config: never the realm id, a number nobody would sign a letter with."""
        if self.settings.company_name:
            return self.settings.company_name
        if self.state.company_name is None:
            self.read_company_name()
        return self.state.company_name or self.settings.fallback_name or "QuickBooks company"

    def rescan_written(self) -> None:
        """Read terms, customers and attachables again to rebuild the write-back mirror."""
        self._time = None
        objects = {e: self.read_all(e) for e in ("Term", "Customer", "Attachable")}
        self.remirror(objects)
        self.state.synced_at = self._time
        self.state.save()

    def remirror(self, objects: Objects) -> list[Issue]:
        """Rebuild the write-back mirror from a complete read. A customer with arwatch's block
        that the read left out is read again by its Id: found, the read was answered short and it
        joins ``objects``; not found, it is gone from QuickBooks (deleted, or merged into another),
        its flag and hold with it, and an issue says so (else they would vanish without a word)."""
        before = set(self.state.customers)
        returned = {str(o["Id"]) for o in objects.get("Customer", [])}
        missing = sorted(before - returned)
        if missing:
            found = self.by_ids("Customer", missing)
            log.warning("QuickBooks left %d customer(s) with arwatch's notes out of a full read; %d "
                        "found again by Id", len(missing), len(found))
            objects.setdefault("Customer", []).extend(found)
            missing = sorted(set(missing) - {str(o["Id"]) for o in found})
        self.state.reset_mirror()
        self.observe(objects, {})
        return [Issue(source=SOURCE, record_type="Customer", record_id=cid, field="Id",
                      message=f"customer {cid} is no longer in QuickBooks (deleted or merged): its arwatch "
                              f"flag and hold are gone with it") for cid in missing]

    # ------------------------------------------------------------------ incremental
    def incremental(self, since: str) -> PullResult:
        try:
            answer = self.client.cdc(ENTITIES, since)
        except ItemRejected as error:
            if error.code == "500":  # "older than fixed days is not supported"
                log.info("QuickBooks refused CDC since %s: full pull", since)
                return self.full()
            raise
        live, deleted = split_cdc(answer)
        if sum(len(v) for v in live.values()) + sum(len(v) for v in deleted.values()) \
                >= self.settings.cdc_cap:
            log.info("QuickBooks CDC since %s answered its cap of %d objects: full pull", since,
                     self.settings.cdc_cap)
            return self.full()  # the deletions past the cap cannot be seen any other way
        self._note_time(answer)
        issues: list[Issue] = []
        continuous = (self.state.synced_at is not None
                      and parse_time(self.state.synced_at) >= parse_time(since))
        self.observe(live, deleted)
        self.state.synced_at = self._time if continuous else None
        self.state.save()
        credit_payments = self.credit_closure(live)
        records, map_issues = self.map(live, credit_payments)
        records["notes"], gone_notes, note_issues = self.collector_notes(live, deleted, complete=False)
        map_issues += note_issues
        self.state.save()
        gone = deletions_of(deleted)
        if gone_notes:
            gone["notes"] = tuple(gone_notes)
        credit_only = tuple(records.pop("credit_only_payments"))
        if credit_only:
            gone["payments"] = gone.get("payments", ()) + credit_only
        return PullResult(records=records, deletions=gone,
                          cursor=make_cursor(self._time or since), complete=False,
                          issues=tuple(issues + map_issues))

    def credit_closure(self, live: Objects) -> list[dict[str, Any]]:
        """Bring the credit memos and payments needed to rebuild changed credit applications.

        Adds missing credit memos to ``live["CreditMemo"]``; returns every payment that
        applied one of them.
        """
        memos = {str(o["Id"]): o for o in live.get("CreditMemo", [])}
        payments = {str(o["Id"]): o for o in live.get("Payment", [])}
        wanted = {cm for p in payments.values() for cm in linked_ids(p, "CreditMemo")}
        missing = sorted(wanted - set(memos))
        if missing:
            for obj in self.by_ids("CreditMemo", missing):
                memos[str(obj["Id"])] = obj
                live.setdefault("CreditMemo", []).append(obj)
        needed = {pid for cm in memos.values() for pid in linked_ids(cm, "Payment")}
        missing = sorted(needed - set(payments))
        found = dict(payments)
        if missing:
            found.update({str(o["Id"]): o for o in self.by_ids("Payment", missing)})
        return list(found.values())

    # ------------------------------------------------------------------ collectors' notes
    def collector_notes(self, live: Objects, deleted: Objects,
                        complete: bool) -> tuple[list[dict[str, Any]], list[str], list[Issue]]:
        """The collectors' note lines of the Attachables pulled (``collector_notes``): their
        records, the record ids of lines and notes gone, and an issue per unreadable line (its
        answer is queued for ``WriteBack.answer_notes``)."""
        memory = self.state.note_days
        owners = self.invoice_customers(live)
        records: list[dict[str, Any]] = []
        gone: list[str] = []
        issues: list[Issue] = []
        seen: set[str] = set()
        for obj in live.get("Attachable", []):
            att_id = str(obj["Id"])
            seen.add(att_id)
            kind, target = collector_notes.target_of(obj)
            customer = target if kind == "Customer" else owners.get(target or "")
            read = collector_notes.read_note(obj, customer, target if kind == "Invoice" else None,
                                             memory.get(att_id, {}))
            gone += [collector_notes.record_id(att_id, k) for k in set(memory.get(att_id, {})) - set(read.days)]
            if read.days:
                memory[att_id] = read.days
            else:
                memory.pop(att_id, None)
            records += read.records
            self.state.answers.pop(att_id, None)
            if read.answered is not None and kind is not None:
                self.state.answers[att_id] = {"note": read.answered, "sync_token": str(obj.get("SyncToken", "0")),
                                              "target": {"type": kind, "value": target}, "customer": customer,
                                              "keys": read.problem_keys,
                                              "written": [collector_notes.ANSWER + p.message for p in read.problems]}
            issues += [Issue(source=SOURCE, record_type="Attachable", record_id=att_id, field="Note",
                             message=f"{p.text!r}: {p.message} (answered in the note)") for p in read.problems]
        for obj in deleted.get("Attachable", []):
            att_id = str(obj["Id"])
            gone += [collector_notes.record_id(att_id, k) for k in memory.pop(att_id, {})]
            self.state.answers.pop(att_id, None)
        if complete:
            for att_id in set(memory) - seen:
                del memory[att_id]
        return records, gone, issues

    def invoice_customers(self, live: Objects) -> dict[str, str]:
        """Invoice id -> customer id for the invoices notes are attached to (read when not pulled)."""
        owners = {str(o["Id"]): ref(o, "CustomerRef") or "" for o in live.get("Invoice", [])}
        wanted = sorted({target for obj in live.get("Attachable", [])
                         for kind, target in [collector_notes.target_of(obj)]
                         if kind == "Invoice" and target and target not in owners
                         and collector_notes.syntax_lines(obj.get("Note"))})
        if wanted:
            owners.update({str(o["Id"]): ref(o, "CustomerRef") or "" for o in self.by_ids("Invoice", wanted)})
        return {k: v for k, v in owners.items() if v}

    # ------------------------------------------------------------------ state and mapping
    def observe(self, live: Objects, deleted: Objects) -> None:
        for obj in live.get("Term", []):
            self.state.observe_term(obj)
        for obj in live.get("Customer", []):
            self.state.observe_customer(obj)
        for obj in deleted.get("Customer", []):
            self.state.customers.pop(str(obj["Id"]), None)
        for obj in live.get("Attachable", []):
            self.state.observe_attachable(obj)
        for obj in deleted.get("Attachable", []):
            self.state.forget_attachable(str(obj["Id"]))

    def context(self) -> MapContext:
        return MapContext(home_currency=self.settings.home_currency, terms=self.state.terms,
                          hold_term_id=self.state.hold_term_id,
                          default_terms_days=self.settings.default_terms_days)

    def map(self, objects: Objects, credit_payments: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Issue]]:
        ctx = self.context()
        issues: list[Issue] = []
        out: dict[str, Any] = {"customers": [], "invoices": [], "payments": []}

        def take(mapped: tuple[dict[str, Any] | None, list[Issue]], collection: str) -> None:
            record, found = mapped
            issues.extend(found)
            if record is not None:
                out[collection].append(record)

        for obj in objects.get("Customer", []):
            take(map_customer(obj, ctx, self.state.previous_term(str(obj["Id"]))), "customers")
        for obj in objects.get("Invoice", []):
            take(map_invoice(obj, ctx), "invoices")
        applied = credit_applications(credit_payments)
        for obj in objects.get("CreditMemo", []):
            take(map_credit_memo(obj, ctx, applied.get(str(obj["Id"]), [])), "invoices")
        credit_only: list[str] = []
        for obj in objects.get("Payment", []):
            record, found = map_payment(obj, ctx)
            take((record, found), "payments")
            if record is None and not found:
                credit_only.append(str(obj["Id"]))
        out["credit_only_payments"] = credit_only
        realm = self.client.realm_id
        out["company"] = {"id": realm, "currency": ctx.home_currency,
                          "name": self.company_name()}
        return out, issues


def split_cdc(answer: Mapping[str, Any]) -> tuple[Objects, Objects]:
    """CDC's objects by entity: (live, deleted)."""
    live: Objects = {e: [] for e in ENTITIES}
    deleted: Objects = {e: [] for e in ENTITIES}
    for response in answer.get("CDCResponse") or []:
        for group in response.get("QueryResponse") or []:
            for entity, rows in group.items():
                if entity not in live or not isinstance(rows, list):
                    continue
                for obj in rows:
                    (deleted if obj.get("status") == "Deleted" else live)[entity].append(obj)
    return live, deleted


def deletions_of(deleted: Objects) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for entity, collection in DELETED_COLLECTION.items():
        for obj in deleted.get(entity, []):
            qb_id = str(obj["Id"])
            out.setdefault(collection, []).append(
                credit_note_id(qb_id) if entity == "CreditMemo" else qb_id)
    return {k: tuple(v) for k, v in out.items()}
