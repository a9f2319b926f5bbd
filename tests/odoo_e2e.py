"""The Odoo end-to-end scenario, run live or from a cassette.

Demo company pushed into its own Odoo company -> run 1 (flag, hold, tasks written) -> run 2
(nothing to write) -> the held customer pays everything -> run 3 (hold released, flag cleared,
tasks closed) -> run 4 (nothing to write). Each run: pull (full, then incremental from the
cursor) -> merge into a snapshot -> load_ledger -> score -> small planner -> diff against
``read_written_state`` -> apply.
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
from arwatch.core.actions import ApplyResult, Change
from arwatch.core.contract import PullResult
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


def sync_once(adapter: OdooAdapter, snap: Snapshot) -> Run:
    start = adapter.transport.calls
    pull = adapter.pull(snap.cursor, full=snap.cursor is None)
    pull_calls = adapter.transport.calls - start
    snap.merge(pull)
    ledger, _ = load_ledger(snap.data(), source="odoo", unavailable=adapter.unavailable)
    board = score(LedgerFrame.from_ledger(ledger, TODAY))
    changes = diff(adapter.read_written_state(), small_plan(board, TODAY)).changes
    results = list(adapter.apply(changes))
    return Run(pull.count(), changes, results, adapter.transport.calls - start, pull_calls)


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
    pay_everything(loader, data, "c2")
    runs += [sync_once(adapter, snap), sync_once(adapter, snap)]
    held = loader.partners["c2"]
    fields = sorted(adapter.lookups.warning_fields())
    partner = loader.call("res.partner", "read", ids=[held], fields=fields + ["category_id"])[0]
    return {"runs": runs, "written": adapter.read_written_state(), "partner": partner, "held": held}
