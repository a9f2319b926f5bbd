"""``arwatch sync --source odoo`` writing through the arwatch add-on (company "Scored by" arwatch sync).

The demo slice is pushed into a new Odoo company whose ``arwatch_scored_by`` is "sync" (so the
add-on's job leaves it alone), then the same four runs as ``odoo_runner_e2e``:

  run 1 (as of TODAY): full pull; flags, holds and tasks written into the add-on's records;
  a held customer's sale order is confirmed over RPC: the add-on refuses it;
  run 2 (TODAY): nothing to write;
  the first held customer pays every open invoice in Odoo;
  run 3 (TODAY + 7): its hold released, its activities closed;
  run 4 (TODAY + 7): nothing to write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from odoo_demo_loader import Loader, create_company
from odoo_demo_subset import TODAY, demo_subset
from odoo_e2e import pay_everything
from odoo_runner_e2e import RELEASE_DAY, Spy, cli_run, sale_order, write_config

from arwatch.adapters.odoo.errors import RecordRefused


def push_scored_by_sync(transport: Any, tag: str) -> tuple[Loader, dict[str, Any]]:
    company = create_company(transport, f"arwatch add-on e2e {tag}")
    # the add-on's own res.company.write(vals) is the first override called, on 18.0 as on 19.0
    transport.call("res.company", "write", ids=[company], vals={"arwatch_scored_by": "sync"})
    loader = Loader(transport, company)
    data = demo_subset()
    loader.load(data)
    return loader, data


def confirm_order(loader: Loader, partner: int) -> str:
    """Create and confirm a sale order for ``partner`` over RPC; the refusal's text, or "confirmed"."""
    order = sale_order(loader, partner)
    try:
        loader.call("sale.order", "action_confirm", ids=[order])
    except RecordRefused as error:
        return str(error)
    return "confirmed"


def addon_scenario(transport: Any, url: str, database: str, login: str, key: str, tag: str,
                   folder: Path, monkeypatch: Any) -> dict[str, Any]:
    loader, data = push_scored_by_sync(transport, tag)
    spy = Spy()
    spy.install(monkeypatch)
    config = write_config(folder, url, database, login, key, loader.company)
    state = folder / "state.sqlite3"
    runs = [cli_run(spy, config, state, TODAY)]
    held = next(c.customer_id for c in runs[0].summary.changes if c.op.value == "place_hold")
    refusal = confirm_order(loader, int(held))
    runs.append(cli_run(spy, config, state, TODAY))
    ledger_id = next(k for k, v in loader.partners.items() if str(v) == held)
    pay_everything(loader, data, ledger_id)
    runs += [cli_run(spy, config, state, RELEASE_DAY), cli_run(spy, config, state, RELEASE_DAY)]
    risks = loader.call("arwatch.partner.risk", "search_read",
                        domain=[["company_id", "=", loader.company]], fields=["partner_id", "level", "hold"])
    open_tasks = loader.call("mail.activity", "search_read",
                             domain=[["arwatch_company_id", "=", loader.company],
                                     ["arwatch_partner_id", "=", int(held)]],
                             fields=["arwatch_key"])
    tags = loader.call("res.partner", "read", ids=sorted(loader.partners.values()), fields=["category_id"])
    return {"runs": runs, "held": held, "refusal": refusal, "risks": risks, "open_tasks": open_tasks,
            "tags": tags, "adapter_mode": spy.adapters[-1].mode}
