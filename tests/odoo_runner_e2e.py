"""The Odoo end-to-end scenario through the product's own entry point, ``arwatch sync``.

A slice of the demo company (``odoo_demo_subset``) is pushed into its own Odoo company, each
customer with a sales warning of its own ("warning", "Ask for a PO number"). Then
``arwatch.cli.main(["sync", "--source", "odoo", ...])`` runs with a config file (source odoo,
url, database, login, company_ids), a 0600 secrets file holding the API key, a SQLite state
store and ``--as-of``, with the real planner and the built-in policy:

  a sale order of the first customer is confirmed;
  run 1 (as of TODAY): full pull (the order with it); flags, holds and tasks written;
  run 2 (TODAY): incremental; nothing to write;
  the first held customer pays every open invoice in Odoo (payment registered and reconciled);
  the sale order is cancelled;
  run 3 (TODAY + 7, the policy's ``clear_days``): its hold released (its own warning restored)
    and its tasks closed; the cancelled order dropped from the snapshot;
  run 4 (TODAY + 7): nothing to write.

Each run's summary, RPC calls (reads and writes apart) and seconds are kept.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odoo_demo_loader import Loader, create_company
from odoo_demo_subset import TODAY, demo_subset
from odoo_e2e import pay_everything
from odoo_vcr import HOST

import arwatch.adapters.odoo as odoo_source
from arwatch.cli import main
from arwatch.commands import sync as sync_command
from arwatch.sync.store import open_store
from arwatch.sync.summary import RunSummary

READS = frozenset({"search_read", "read", "search_count", "search", "fields_get", "context_get",
                   "arwatch_written_state", "arwatch_collections_records"})
PREVIOUS_WARNING = "Ask for a PO number"
RELEASE_DAY = TODAY + dt.timedelta(days=7)


@dataclass
class CliRun:
    day: dt.date
    code: int
    summary: RunSummary
    calls: int = 0
    writes: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        return (f"as of {self.day}: exit {self.code}, {self.calls} RPC calls ({self.writes} writes), "
                f"{self.seconds:.2f} s -- {self.summary.line()}")


@dataclass
class Spy:
    """Catches the adapter the CLI builds (to count its calls) and the summary it returns."""

    adapters: list[Any] = field(default_factory=list)
    summaries: list[RunSummary] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

    def install(self, monkeypatch: Any) -> None:
        build, run = odoo_source.make_adapter, sync_command.run_sync

        def make_adapter(*args: Any, **kw: Any) -> Any:
            adapter = build(*args, **kw)
            inner = adapter.transport.call

            def call(model: str, method: str, ids: Any = None, **kw: Any) -> Any:
                if method not in READS:
                    self.writes.append(f"{model}.{method}")
                return inner(model, method, ids=ids, **kw)

            adapter.transport.call = call
            self.adapters.append(adapter)
            return adapter

        def run_sync(*args: Any, **kw: Any) -> RunSummary:
            summary = run(*args, **kw)
            self.summaries.append(summary)
            return summary

        monkeypatch.setattr(odoo_source, "make_adapter", make_adapter)
        monkeypatch.setattr(sync_command, "run_sync", run_sync)


def write_config(folder: Path, url: str, database: str, login: str, key: str, company: int) -> Path:
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[odoo-e2e]\napi_key = "{key}"\n')
    secrets.chmod(0o600)
    config = folder / "arwatch.toml"
    config.write_text(f'secrets_file = "{secrets.name}"\n\n[companies.odoo]\nsource = "odoo"\n'
                      f'credentials = "odoo-e2e"\n[companies.odoo.settings]\nurl = "{url}"\n'
                      f'database = "{database}"\nlogin = "{login}"\ncompany_ids = [{company}]\npage_size = 50\n'
                      # the cassettes' stand-in host is plain HTTP (a live Odoo on localhost needs no flag)
                      + ("allow_insecure_http = true\n" if url == HOST else ""))
    return config


def cli_run(spy: Spy, config: Path, state: Path, day: dt.date) -> CliRun:
    calls_before = len(spy.writes)
    start = time.perf_counter()
    code = main(["sync", "--config", str(config), "--source", "odoo", "--state", str(state),
                 "--as-of", day.isoformat()])
    seconds = time.perf_counter() - start
    adapter = spy.adapters[-1]
    return CliRun(day, code, spy.summaries[-1], adapter.transport.calls, len(spy.writes) - calls_before, seconds)


def push(transport: Any, tag: str, scale: int = 1) -> tuple[Loader, dict[str, Any]]:
    """The demo slice in a new company; every customer with a sales warning of its own."""
    company = create_company(transport, f"arwatch runner e2e {tag}")
    loader = Loader(transport, company)
    data = demo_subset(scale=scale)
    loader.load(data)
    vals: dict[str, Any] = {"sale_warn_msg": PREVIOUS_WARNING}
    if transport.version < (19, 0):
        vals["sale_warn"] = "warning"
    loader.call("res.partner", "write", ids=sorted(loader.partners.values()), vals=vals)
    return loader, data


def sale_order(loader: Loader, partner: int, day: dt.date | None = None) -> int:
    """A sale order of one product for ``partner`` (dated ``day``), not confirmed yet."""
    product = loader.call("product.product", "create", vals_list=[{"name": "Widget", "list_price": 100.0}])[0]
    vals: dict[str, Any] = {"partner_id": partner, "company_id": loader.company,
                            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 3}]]}
    if day:
        vals["date_order"] = f"{day.isoformat()} 10:00:00"
    return loader.call("sale.order", "create", vals_list=[vals])[0]


def stored(state: Path, collection: str) -> list[str]:
    """Ids of ``collection`` in the state store's snapshot of company "odoo"."""
    store = open_store(state)
    try:
        return sorted(store.snapshot.load("odoo")[1].get(collection, {}))
    finally:
        store.close()


def runner_scenario(transport: Any, url: str, database: str, login: str, key: str, tag: str,
                    folder: Path, monkeypatch: Any, scale: int = 1) -> dict[str, Any]:
    loader, data = push(transport, tag, scale)
    order = sale_order(loader, min(loader.partners.values()), TODAY - dt.timedelta(days=40))
    loader.call("sale.order", "action_confirm", ids=[order])
    spy = Spy()
    spy.install(monkeypatch)
    config = write_config(folder, url, database, login, key, loader.company)
    state = folder / "state.sqlite3"
    runs = [cli_run(spy, config, state, TODAY)]
    orders = [stored(state, "orders")]
    runs.append(cli_run(spy, config, state, TODAY))
    held = next(c.customer_id for c in runs[0].summary.changes if c.op.value == "place_hold")
    ledger_id = next(k for k, v in loader.partners.items() if str(v) == held)
    pay_everything(loader, data, ledger_id)
    loader.call("sale.order", "action_cancel", ids=[order], context={**loader.ctx, "disable_cancel_warning": True})
    runs += [cli_run(spy, config, state, RELEASE_DAY), cli_run(spy, config, state, RELEASE_DAY)]
    orders.append(stored(state, "orders"))
    fields = ["sale_warn_msg"] + (["sale_warn"] if transport.version < (19, 0) else [])
    partner = loader.call("res.partner", "read", ids=[int(held)], fields=fields)[0]
    open_tasks = loader.call("mail.activity", "search_read", domain=[["res_model", "=", "res.partner"],
                                                                    ["res_id", "=", int(held)]], fields=["note"])
    return {"runs": runs, "held": held, "partner": partner, "open_tasks": open_tasks, "order": str(order),
            "orders": orders, "pushed": {k: len(v) for k, v in data.items() if isinstance(v, list)}}
