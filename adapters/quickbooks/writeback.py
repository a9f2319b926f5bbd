"""Write flags, holds and tasks into QuickBooks Online; one ``ApplyResult`` per change.

- Flags and holds live in arwatch's block in ``Customer.Notes`` (``notes_block``). All the
  changes of one customer become one sparse update with the SyncToken just read, so two
  changes of a customer never race each other. A 5010 (stale SyncToken: someone edited the
  customer meanwhile) re-reads that customer, recomputes from the fresh notes and retries.
- A hold switches ``SalesTermRef`` to the "Credit hold - payment in advance" term (DueDays 0),
  created once and reactivated if someone made it inactive. The term it replaced goes into
  ``ApplyResult.details["previous_term"]`` (the store keeps it) and into the notes block; a
  release restores the store's value, else the block's. "" means the customer had no term:
  then the release is a full update without ``SalesTermRef`` (a sparse update cannot unset it).
- Tasks are ``Attachable`` notes keyed by the task key (``task_note``); an open note with the
  key already there is never created again; closing marks the note done.
- Writes go through the batch endpoint, at most 30 items per request (10 if QuickBooks rejects
  30 with fault 1040), each request with its own ``requestid`` so a retried request is answered
  from Intuit's memory instead of being applied twice. A failed item is that change's result;
  the others go on.
- Reminder tasks on the email channel can also send the invoice (``/invoice/<id>/send``), only
  for the steps listed in ``WriteOptions.email_steps`` (off by default).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arwatch.core.actions import ApplyResult, Change, Op
from arwatch.core.contract import NoteAnswer

from . import collector_notes, notes_block, queries, task_note
from .client import QBOClient
from .errors import ItemRejected, QBOError, Refused, StaleObject, error_from_fault
from .mapping import is_credit_note_id, ref
from .state import HOLD_TERM_NAME, AdapterState

log = logging.getLogger(__name__)

CUSTOMER_OPS = {Op.SET_FLAG, Op.CLEAR_FLAG, Op.PLACE_HOLD, Op.RELEASE_HOLD}
BATCH_LIMIT = 30
SMALL_BATCH = 10  # the other number in Intuit's batch documentation


def request_id() -> str:
    return f"arwatch-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class WriteOptions:
    """``today``: the run's as-of day (a task's done date); ``email_steps``: task steps whose
    email tasks also send the invoice ("*" = every step)."""

    today: Callable[[], dt.date]
    email_steps: frozenset[str] = frozenset()
    batch_size: int = BATCH_LIMIT
    stale_retries: int = 3


@dataclass
class CustomerPlan:
    """One customer's update and what each of its changes reports."""

    body: dict[str, Any] | None
    details: dict[str, dict[str, str]] = field(default_factory=dict)
    error: str = ""


class WriteBack:
    def __init__(self, client: QBOClient, state: AdapterState, options: WriteOptions,
                 details: Mapping[str, Mapping[str, str]] | None = None):
        self.client = client
        self.state = state
        self.options = options
        self.details = details or {}

    def apply(self, changes: Sequence[Change]) -> list[ApplyResult]:
        results: dict[int, ApplyResult] = {}
        customer = [(i, c) for i, c in enumerate(changes) if c.op in CUSTOMER_OPS]
        tasks = [(i, c) for i, c in enumerate(changes) if c.op not in CUSTOMER_OPS]
        if customer:
            results.update(self.customer_changes(customer))
        if tasks:
            results.update(self.task_changes(tasks))
        self.state.save()
        return [results.get(i) or fail(c, "not applied") for i, c in enumerate(changes)]

    # ================================================================== batches
    def run_batch(self, items: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any] | QBOError]:
        """Send ``(bId, item)`` pairs in batches; bId -> the entity dict or the item's error."""
        out: dict[str, dict[str, Any] | QBOError] = {}
        size = self.options.batch_size
        for start in range(0, len(items), size):
            out.update(self._one_batch(items[start:start + size]))
        return out

    def _one_batch(self, chunk: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any] | QBOError]:
        try:
            answers = self.client.batch([{"bId": bid, **item} for bid, item in chunk],
                                        request_id())
        except Refused:
            raise
        except ItemRejected as error:
            if error.code == "1040" and len(chunk) > SMALL_BATCH:
                out: dict[str, dict[str, Any] | QBOError] = {}
                for start in range(0, len(chunk), SMALL_BATCH):
                    out.update(self._one_batch(chunk[start:start + SMALL_BATCH]))
                return out
            return {bid: error for bid, _ in chunk}
        except QBOError as error:  # retries exhausted: these items failed, the run goes on
            return {bid: error for bid, _ in chunk}
        out = {}
        for answer in answers:
            bid = str(answer.get("bId"))
            if "Fault" in answer:
                out[bid] = error_from_fault(answer["Fault"])
            else:
                entity = next((v for k, v in answer.items() if k != "bId" and isinstance(v, dict)),
                              None)
                out[bid] = entity if entity is not None else ItemRejected("empty batch answer")
        for bid, _ in chunk:
            out.setdefault(bid, ItemRejected("QuickBooks gave no answer for this item"))
        return out

    # ================================================================== customers
    def customer_changes(self, indexed: list[tuple[int, Change]]) -> dict[int, ApplyResult]:
        results: dict[int, ApplyResult] = {}
        by_customer: dict[str, list[tuple[int, Change]]] = defaultdict(list)
        for i, c in indexed:
            by_customer[c.customer_id].append((i, c))
        hold_term = None
        if any(c.op is Op.PLACE_HOLD for _, c in indexed):
            try:
                hold_term = self.ensure_hold_term()
            except Refused:
                raise
            except QBOError as error:
                for cid in list(by_customer):
                    if any(c.op is Op.PLACE_HOLD for _, c in by_customer[cid]):
                        for i, c in by_customer.pop(cid):
                            results[i] = fail(c, f"the credit-hold term could not be made: {error}")
        pending = sorted(by_customer)
        for attempt in range(self.options.stale_retries + 1):
            if not pending:
                break
            current = {str(o["Id"]): o for o in self.read_customers(pending)}
            items, plans = [], {}
            for cid in pending:
                changes = by_customer[cid]
                obj = current.get(cid)
                if obj is None:
                    results.update({i: fail(c, f"customer {cid} not found in QuickBooks")
                                    for i, c in changes})
                    continue
                plan = self.plan_customer(obj, [c for _, c in changes], hold_term)
                if plan.error or plan.body is None:
                    if not plan.error:  # already so in QuickBooks: the mirror learns it
                        self.record_customer(obj, [c for _, c in changes])
                    results.update({i: done(c, plan, cid, plan.error) for i, c in changes})
                    continue
                plans[cid] = plan
                items.append((cid, {"operation": "update", "Customer": plan.body}))
            answers = self.run_batch(items)
            stale = []
            for cid, plan in plans.items():
                answer = answers[cid]
                if isinstance(answer, StaleObject) and attempt < self.options.stale_retries:
                    stale.append(cid)
                elif isinstance(answer, QBOError):
                    results.update({i: fail(c, str(answer)) for i, c in by_customer[cid]})
                else:
                    self.record_customer(answer, [c for _, c in by_customer[cid]])
                    results.update({i: done(c, plan, cid) for i, c in by_customer[cid]})
            pending = stale
        return results

    def read_customers(self, ids: list[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), queries.PAGE_SIZE):
            found += self.client.rows("Customer", queries.by_ids(
                "Customer", ids[start:start + queries.PAGE_SIZE], condition=queries.ALL_ACTIVE))
        return found

    def plan_customer(self, obj: dict[str, Any], changes: list[Change], hold_term: str | None) -> CustomerPlan:
        cid = str(obj["Id"])
        block = notes_block.parse_block(notes_block.split_notes(obj.get("Notes")).block, cid)
        # the whole flag, not the shortened reasons read back, so that a hold written after it
        # keeps its Ref (else the flag reads back changed and is rewritten on every run)
        flag = self.state.flag_as_written(cid, block)
        hold, previous = block.hold, block.previous_term
        term = ref(obj, "SalesTermRef")
        new_term = term
        details: dict[str, dict[str, str]] = {}
        for c in changes:
            if c.op is Op.SET_FLAG:
                flag = c.flag
            elif c.op is Op.CLEAR_FLAG:
                flag = None
            elif c.op is Op.PLACE_HOLD:
                if term != hold_term or previous is None:
                    previous = term if term != hold_term else (previous or "")
                hold, new_term = c.hold, hold_term
                details[c.key] = {"previous_term": previous or "", "hold_term": hold_term or ""}
            elif c.op is Op.RELEASE_HOLD:
                stored = self.details.get(c.key, {}).get("previous_term")
                restore = stored if stored is not None else (previous or "")
                if term is not None and term == self.state.hold_term_id:
                    new_term = restore or None
                hold, previous = None, None
                details[c.key] = {"restored_term": restore}
        try:
            notes = notes_block.compose(obj.get("Notes"), notes_block.Block(
                flag, hold, previous if hold else None))
        except notes_block.BlockTooLong as error:
            return CustomerPlan(None, details, f"customer {cid}: {error}")
        if notes == (obj.get("Notes") or "") and new_term == term:
            return CustomerPlan(None, details)  # already so: nothing to send
        if new_term is None and term is not None:
            body = {k: copy.deepcopy(v) for k, v in obj.items() if k != "SalesTermRef"}
            body.update(Notes=notes, sparse=False)
        else:
            body = {"Id": cid, "SyncToken": obj["SyncToken"], "sparse": True, "Notes": notes}
            if new_term != term:
                body["SalesTermRef"] = {"value": new_term}
        return CustomerPlan(body, details)

    def record_customer(self, obj: dict[str, Any], changes: list[Change]) -> None:
        for c in changes:
            if c.op is Op.SET_FLAG and c.flag is not None:
                self.state.remember_flag(c.flag)
            elif c.op is Op.CLEAR_FLAG:
                self.state.flags_written.pop(c.customer_id, None)
        self.state.observe_customer(obj)

    def ensure_hold_term(self) -> str:
        """The credit-hold term's Id: found, reactivated or created (once)."""
        known = self.state.hold_term_id
        if known and self.state.terms.get(known, {}).get("Active", True) is not False:
            return known
        rows = self.client.rows("Term", queries.by_name("Term", HOLD_TERM_NAME))
        if not rows:
            try:
                rows = [self.client.write("Term", {"Name": HOLD_TERM_NAME, "Type": "STANDARD",
                                                   "DueDays": 0}, request_id())]
            except ItemRejected as error:
                if error.code != "6240":  # 6240: made meanwhile by someone else
                    raise
                rows = self.client.rows("Term", queries.by_name("Term", HOLD_TERM_NAME))
        term = rows[0]
        if term.get("Active") is False:
            term = self.client.write("Term", {"Id": term["Id"], "SyncToken": term["SyncToken"],
                                              "sparse": True, "Active": True}, request_id())
        self.state.observe_term(term)
        self.state.hold_term_id = str(term["Id"])
        return self.state.hold_term_id

    # ================================================================== tasks
    def task_changes(self, indexed: list[tuple[int, Change]]) -> dict[int, ApplyResult]:
        results: dict[int, ApplyResult] = {}
        pending: dict[str, tuple[int, Change, dict[str, Any]]] = {}
        for i, c in indexed:
            entry = self.state.tasks.get(c.key)
            if c.op is Op.OPEN_TASK:
                if entry is not None:  # already there: never a second note
                    results[i] = ok(c, entry["attachable_id"], {"existing": "true"})
                else:
                    pending[str(i)] = (i, c, self.open_item(c))
            elif c.op is Op.CLOSE_TASK:
                if entry is None:
                    results[i] = ok(c, None, {"already_closed": "true"})
                else:
                    pending[str(i)] = (i, c, self.close_item(entry))
        for attempt in range(self.options.stale_retries + 1):
            if not pending:
                break
            answers = self.run_batch([(bid, item) for bid, (_, _, item) in pending.items()])
            retry: dict[str, tuple[int, Change, dict[str, Any]]] = {}
            for bid, (i, c, item) in pending.items():
                answer = answers[bid]
                if isinstance(answer, StaleObject) and attempt < self.options.stale_retries:
                    fresh = self.client.read("Attachable", item["Attachable"]["Id"])
                    self.state.observe_attachable(fresh)
                    entry = self.state.tasks.get(c.key)
                    if entry is None:
                        results[i] = ok(c, str(fresh["Id"]), {"already_closed": "true"})
                    else:
                        retry[bid] = (i, c, self.close_item(entry))
                elif isinstance(answer, QBOError):
                    results[i] = fail(c, str(answer))
                else:
                    results[i] = self.task_done(c, answer)
            pending = retry
        return results

    def answer_notes(self) -> list[NoteAnswer]:
        """Write the queued answers to unreadable note lines (``collector_notes``); returns what
        was written, one ``NoteAnswer`` a note (for the audit log). A note changed since it was
        read (stale) is left: the next pull reads it again and queues what is still unanswered."""
        pending = dict(self.state.answers)
        if not pending:
            return []
        items = [(att_id, {"operation": "update", "Attachable": {
            "Id": att_id, "SyncToken": entry["sync_token"], "Note": entry["note"],
            "AttachableRef": [{"EntityRef": entry["target"], "IncludeOnSend": False}]}})
            for att_id, entry in sorted(pending.items())]
        answered = []
        for att_id, answer in self.run_batch(items).items():
            self.state.answers.pop(att_id, None)
            if isinstance(answer, QBOError):
                log.warning("note %s not answered: %s", att_id, answer)
                continue
            self.state.observe_attachable(answer)
            entry = pending[att_id]
            answered.append(NoteAnswer(
                key=collector_notes.answer_key(att_id, list(entry.get("keys") or [])),
                customer_id=str(entry.get("customer") or ""), note_id=att_id,
                text="\n".join(entry.get("written") or ()), external_id=att_id))
        self.state.save()
        return answered

    def open_item(self, c: Change) -> dict[str, Any]:
        task = c.task
        assert task is not None
        if task.invoice_id and not is_credit_note_id(task.invoice_id):
            target = {"type": "Invoice", "value": task.invoice_id}
        else:
            target = {"type": "Customer", "value": c.customer_id}
        return {"operation": "create", "Attachable": {
            "Note": task_note.render(task),
            "AttachableRef": [{"EntityRef": target, "IncludeOnSend": False}]}}

    def close_item(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        return {"operation": "update", "Attachable": {
            "Id": entry["attachable_id"], "SyncToken": entry["sync_token"],
            "Note": task_note.mark_done(entry["note"] or "", self.options.today()),
            "AttachableRef": [{"EntityRef": entry["target"], "IncludeOnSend": False}]}}

    def task_done(self, c: Change, att: dict[str, Any]) -> ApplyResult:
        details: dict[str, str] = {}
        if c.op is Op.OPEN_TASK and c.task is not None:
            self.state.remember_task(c.task, att)
            details = self.maybe_email(c)
        else:
            self.state.observe_attachable(att)
        return ok(c, str(att.get("Id")), details)

    def maybe_email(self, c: Change) -> dict[str, str]:
        task = c.task
        steps = self.options.email_steps
        if (task is None or task.channel != "email" or not task.invoice_id
                or is_credit_note_id(task.invoice_id) or not (steps & {"*", task.step})):
            return {}
        try:
            self.client.send_invoice(task.invoice_id, request_id())
            return {"emailed_invoice": task.invoice_id}
        except Refused:
            raise
        except QBOError as error:
            log.warning("invoice %s not emailed: %s", task.invoice_id, error)
            return {"email_error": str(error)}


# ---------------------------------------------------------------------- results
def ok(c: Change, external_id: str | None, details: dict[str, str] | None = None) -> ApplyResult:
    return ApplyResult(key=c.key, op=c.op, ok=True, external_id=external_id,
                       details=details or {})


def fail(c: Change, error: str) -> ApplyResult:
    return ApplyResult(key=c.key, op=c.op, ok=False, error=error)


def done(c: Change, plan: CustomerPlan, customer_id: str, error: str = "") -> ApplyResult:
    if error:
        return fail(c, error)
    return ok(c, customer_id, plan.details.get(c.key, {}))
