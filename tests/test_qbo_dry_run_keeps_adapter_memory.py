"""``arwatch sync --dry-run`` writes nothing anywhere, the adapter's memory in the state store
included. Before, a dry run of a QuickBooks company saved the adapter's memory (its mirror of
flags, holds and open task notes, the collectors' note days, the queued answers): a dry run takes
no lock, so one beside a real run could save, after it, the memory it had read before it, and the
real run's new task notes were then missing from the mirror (the next run would take them as
removed in QuickBooks). Tested on the stand-in only.
"""

from __future__ import annotations

from qbo_adapter_fixtures import qbo_standin  # noqa: F401  (fixture)
from qbo_cli_kit import COMPANY, cli  # noqa: F401  (fixture)
from sqlalchemy import select

from arwatch.sync.store.schema import adapter_state


def memory_rows(cli) -> list:  # noqa: F811
    with cli.store().engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(adapter_state))]


def test_dry_run_leaves_the_adapters_memory_as_it_was(cli):  # noqa: F811
    code, _ = cli.sync()
    assert code == 0
    before = memory_rows(cli)
    assert before
    co = cli.standin.company()
    co.update("Customer", {"Id": "3", "SyncToken": co.get("Customer", "3")["SyncToken"], "sparse": True,
                           "Notes": "Only call on Tuesdays."})  # a user replaces arwatch's block
    co.create("Attachable", {"Note": "call: no answer",
                             "AttachableRef": [{"EntityRef": {"type": "Customer", "value": "4"}}]})
    code, out = cli.sync("--dry-run")
    assert code == 0 and "set_flag     flag:3" in out, out  # it saw the change
    assert memory_rows(cli) == before
    assert cli.store().memory_of(COMPANY, "quickbooks").load() is not None
