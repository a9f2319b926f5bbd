"""The Odoo end-to-end scenario, run live or from a cassette.

Demo company pushed into its own Odoo company -> run 1 (flag, hold, tasks written) -> run 2
(nothing to write) -> two arwatch companies sharing a customer (``shared_customer``) -> a task
written by an earlier version (``legacy_task``) -> the held customer pays everything -> run 3
(hold released, flag cleared, tasks closed) -> run 4 (nothing to write) -> a collector logs a
call on another customer, marked done with feedback in the note syntax (``collector_call``) ->
run 5 reads it as a contact attempt and a snooze (issue 18.2) -> the collector writes chatter
notes on a third customer and on its invoice, one line of which does not read
(``collector_chatter``) -> run 6 reads them (a promise, a dispute on the invoice) and answers
the unreadable line once in the invoice's chatter -> run 7 reads them again (the overlap) and
answers nothing twice. Each run: pull (full, then incremental from the cursor) -> merge into a
snapshot -> load_ledger -> score -> small planner -> diff against ``read_written_state`` ->
apply -> finish (the answers to unreadable notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledgers import ledger_data
from odoo_demo_ledger import LEDGER, TODAY
from odoo_demo_loader import Loader, create_company
from odoo_planner import small_plan
from odoo_vcr import HOST

from arwatch.adapters.odoo import OdooAdapter, OdooSettings
from arwatch.adapters.odoo.markers import answer_mark, task_mark, task_mark_start, task_owner
from arwatch.core.actions import ApplyResult, Change, Op, Task
from arwatch.core.contract import NoteAnswer, PullResult
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.model import COLLECTIONS, OPTIONAL_COLLECTIONS
from arwatch.core.scoring import score


@dataclass
class Snapshot:
    """A stand-in for the runner's store: records by id, the cursor."""

    company: dict[str, Any] | None = None
    records: dict[str, dict[str, Any]] = field(default_factory=lambda: {n: {} for n, _ in COLLECTIONS})
    cursor: str | None = None

    def merge(self, pull: PullResult) -> None:
        for name, _ in COLLECTIONS:
            pulled = {r["id"]: r for r in pull.records.get(name, ())}
            if pull.complete:
                self.records[name] = {}
            for rid in pull.deletions.get(name, ()):
                self.records[name].pop(rid, None)
            self.records[name].update(pulled)
        self.company = pull.records.get("company") or self.company
        self.cursor = pull.cursor or self.cursor

    def data(self) -> dict[str, Any]:
        return {"company": self.company, **{n: list(v.values()) for n, v in self.records.items()
                                            if n not in OPTIONAL_COLLECTIONS or v}}  # as Merged.ledger_data


@dataclass
class Run:
    pulled: int
    changes: tuple[Change, ...]
    results: list[ApplyResult]
    calls: int
    pull_calls: int
    answers: list[NoteAnswer] = field(default_factory=list)


def sync_once(adapter: OdooAdapter, snap: Snapshot) -> Run:
    start = adapter.transport.calls
    pull = adapter.pull(snap.cursor, full=snap.cursor is None)
    pull_calls = adapter.transport.calls - start
    snap.merge(pull)
    ledger, _ = load_ledger(snap.data(), source="odoo", unavailable=adapter.unavailable)
    board = score(LedgerFrame.from_ledger(ledger, TODAY))
    written = adapter.read_written_state()
    changes = diff(written, small_plan(board, TODAY)).changes
    results = list(adapter.apply(changes))
    answers = adapter.finish(written)
    return Run(pull.count(), changes, results, adapter.transport.calls - start, pull_calls, answers)


def pay_everything(loader: Loader, data: dict[str, Any], customer: str) -> None:
    """The customer pays what is left of each invoice today. What is left comes from the ledger,
    not from Odoo: an 18.0 payment without a journal entry leaves ``amount_residual`` as it was."""
    left = {i["id"]: Decimal(i["total"]) for i in data["invoices"]
            if i["customer_id"] == customer and i["kind"] == "invoice"}
    for record in data["payments"] + data["invoices"]:
        for alloc in record.get("allocations", ()):
            if alloc["invoice_id"] in left:
                left[alloc["invoice_id"]] -= Decimal(alloc.get("amount") or record.get("amount"))
    for invoice_id, amount in left.items():
        if amount > 0:
            loader.pay(invoice_id, amount, TODAY)


def _activities(transport: Any, tasks: tuple[Task, ...], companies: list[int]) -> dict[int, tuple[str, int | None]]:
    """Open activities of ``tasks``' keys, whatever the company in their mark: id -> (key, company)."""
    found = {}
    for task in tasks:
        rows = transport.call("mail.activity", "search_read", domain=[["note", "ilike", task_mark_start(task.key)]],
                              fields=["note"], context={"allowed_company_ids": companies})
        found.update({r["id"]: task_owner(r["note"]) for r in rows if task_owner(r["note"])[0] == task.key})
    return found


def shared_customer(transport: Any, settings: OdooSettings, adapter: OdooAdapter, held: int,
                    tag: str) -> dict[str, Any]:
    """A second arwatch company (another Odoo company of the database) whose customer is the held
    one, made shared (no company): it sees none of the first company's tasks, closes none of
    them, and opens and closes its own beside them (issue 15, point 3). The customer is the first
    company's alone again afterwards (a later scenario in the database never sees it)."""
    tasks = adapter.read_written_state().tasks
    first = int(adapter.company["id"])
    transport.call("res.partner", "write", ids=[held], vals={"company_id": False},
                   context={"allowed_company_ids": [first]})
    other = transport.call("res.company", "create", vals_list=[{"name": f"arwatch e2e {tag} (second)"}])[0]
    transport.call("res.users", "write", ids=[transport.uid], vals={"company_ids": [[4, other]]})
    second = OdooAdapter(transport, settings.model_copy(update={"company_ids": (other,)}), today=TODAY)
    both = [first, other]
    mine = [t for t in tasks if t.customer_id == str(held)]
    outcome: dict[str, Any] = {"tasks": tasks, "seen_by_second": second.read_written_state().tasks,
                               "first": first, "second": other}
    outcome["second_closes"] = list(second.apply([Change(op=Op.CLOSE_TASK, key=t.key, customer_id=t.customer_id,
                                                         why="test") for t in mine]))
    outcome["after_close"] = _activities(transport, tasks, both)
    outcome["second_opens"] = list(second.apply([Change(op=Op.OPEN_TASK, key=mine[0].key,
                                                        customer_id=mine[0].customer_id, task=mine[0])]))
    outcome["after_open"] = _activities(transport, tasks, both)
    outcome["second_reads"] = second.read_written_state().tasks
    outcome["first_reads"] = adapter.read_written_state().tasks
    outcome["second_cleans"] = list(second.apply([Change(op=Op.CLOSE_TASK, key=mine[0].key,
                                                         customer_id=mine[0].customer_id, why="test")]))
    outcome["after_clean"] = _activities(transport, tasks, both)
    transport.call("res.partner", "write", ids=[held], vals={"company_id": first},  # back to the first only
                   context={"allowed_company_ids": both})
    return outcome


def legacy_task(transport: Any, adapter: OdooAdapter) -> tuple[str, int]:
    """One of the company's open tasks made as an earlier version wrote it (a mark without the
    company); its key and activity id."""
    task = adapter.read_written_state().tasks[0]
    company = int(adapter.company["id"])
    context = {"allowed_company_ids": [company]}
    [activity] = [a for a, owner in _activities(transport, (task,), [company]).items() if owner[1] == company]
    note = transport.call("mail.activity", "read", ids=[activity], fields=["note"], context=context)[0]["note"]
    legacy = note.replace(task_mark(task.key, company), task_mark(task.key))
    assert legacy != note
    named = "vals" if transport.version >= (19, 0) else "values"  # mail.activity.write's argument
    transport.call("mail.activity", "write", ids=[activity], **{named: {"note": legacy}}, context=context)
    return task.key, activity


COLLECTOR_FEEDBACK = "call: no answer\nsnooze: until 2027-12-31"


def collector_call(transport: Any, adapter: OdooAdapter, partner: int) -> int:
    """A call the collector logs on ``partner`` and marks done with feedback in the note syntax
    (docs/collector-notes.md); the activity's id."""
    context = {"allowed_company_ids": [int(adapter.company["id"])]}
    vals = {"res_model_id": adapter.lookups.partner_model(), "res_id": partner,
            "activity_type_id": adapter.lookups.activity_type("call"), "summary": "Call about the overdue invoices"}
    created = transport.call("mail.activity", "create", vals_list=[vals], context=context)
    activity = int(created[0] if isinstance(created, list) else created)
    transport.call("mail.activity", "action_feedback", ids=[activity], feedback=COLLECTOR_FEEDBACK, context=context)
    return activity


CHATTER_ON_CUSTOMER = "<p>Spoke to the owner.</p><p>promise: 2027-12-15 1200</p>"
CHATTER_ON_INVOICE = "<p>dispute: wrong goods</p><p>promise: soon</p>"


def collector_chatter(transport: Any, adapter: OdooAdapter, partner: int, invoice: int) -> tuple[int, int]:
    """Two internal notes a collector writes in the chatter (docs/collector-notes.md): one on the
    customer, one on its invoice with a line that does not read; their message ids."""
    context = {"allowed_company_ids": [int(adapter.company["id"])]}
    posted = []
    for model, res_id, body in (("res.partner", partner, CHATTER_ON_CUSTOMER),
                                ("account.move", invoice, CHATTER_ON_INVOICE)):
        made = transport.call(model, "message_post", ids=[res_id], body=body, body_is_html=True,
                              message_type="comment", subtype_xmlid="mail.mt_note", context=context)
        posted.append(int(made[0] if isinstance(made, list) else made))
    return posted[0], posted[1]


def replies(transport: Any, adapter: OdooAdapter, message: int) -> list[dict[str, Any]]:
    """arwatch's answers to ``message`` (their mark names it)."""
    return transport.call("mail.message", "search_read", domain=[["body", "ilike", answer_mark(message)]],
                          fields=["body", "model", "res_id", "message_type"],
                          context={"allowed_company_ids": [int(adapter.company["id"])]})


def scenario(transport: Any, url: str, database: str, tag: str) -> dict[str, Any]:
    company = create_company(transport, f"arwatch e2e {tag}")
    loader = Loader(transport, company)
    data = ledger_data(LEDGER)
    loader.load(data)
    settings = OdooSettings(url=url, database=database, login="-", company_ids=(company,), page_size=5,
                            allow_insecure_http=url == HOST)  # the cassettes' stand-in host is plain HTTP
    adapter = OdooAdapter(transport, settings, today=TODAY)
    snap = Snapshot()
    runs = [sync_once(adapter, snap), sync_once(adapter, snap)]
    held = loader.partners["c2"]
    shared = shared_customer(transport, settings, adapter, held, tag)
    shared["first_runs"] = sync_once(adapter, snap)  # the other company's task is not this one's
    legacy = legacy_task(transport, adapter)
    upgraded = sync_once(adapter, snap)  # the legacy task is recognised: no duplicate, nothing closed
    pay_everything(loader, data, "c2")
    runs += [sync_once(adapter, snap), sync_once(adapter, snap)]
    fields = sorted(adapter.lookups.warning_fields())
    partner = loader.call("res.partner", "read", ids=[held], fields=fields + ["category_id"])[0]
    called = loader.partners["c1"]
    collector_call(transport, adapter, called)
    noted = sync_once(adapter, snap)
    ledger, _ = load_ledger(snap.data(), source="odoo", unavailable=adapter.unavailable)
    chatted, invoice = loader.partners["c3"], loader.moves["C-1"]
    on_customer, on_invoice = collector_chatter(transport, adapter, chatted, invoice)
    read, again = sync_once(adapter, snap), sync_once(adapter, snap)
    chatter_ledger, chatter_issues = load_ledger(snap.data(), source="odoo", unavailable=adapter.unavailable)
    return {"runs": runs, "written": adapter.read_written_state(), "partner": partner, "held": held,
            "shared": shared, "legacy": legacy, "upgraded": upgraded,
            "collector": {"partner": called, "run": noted, "ledger": ledger},
            "chatter": {"partner": chatted, "invoice": invoice, "notes": (on_customer, on_invoice),
                        "runs": (read, again), "ledger": chatter_ledger, "issues": chatter_issues,
                        "replies": {m: replies(transport, adapter, m) for m in (on_customer, on_invoice)}}}
