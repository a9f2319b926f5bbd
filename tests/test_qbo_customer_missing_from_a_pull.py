"""A customer QuickBooks leaves out of one full pull (a query answered short) keeps its flag and
hold: it is read again by its Id, so the run records nothing as removed in QuickBooks and writes
nothing again, and the runs after it write nothing. Before, the full pull dropped the customer
from the adapter's mirror, the run recorded its flag and hold as "removed in the target system"
and created them again in the store, and since the write found them already in QuickBooks
(nothing sent, nothing observed), every later run did the same: "flags 1 created, holds 1
created" and two audit entries a night. A customer really gone (deleted or merged) is said so
in the run's issues. Tested on the stand-in only.
"""

from __future__ import annotations

from qbo_adapter_fixtures import kit, qbo_standin, set_flag  # noqa: F401  (fixtures)
from qbo_cli_kit import COMPANY, cli  # noqa: F401  (fixture)


def customers_but(cli, left_out: str) -> dict:  # noqa: F811
    rows = [c for c in cli.standin.company().objects["Customer"].values() if c["Id"] != left_out]
    return {"QueryResponse": {"Customer": rows, "startPosition": 1, "maxResults": len(rows)},
            "time": cli.standin.clock.now().isoformat(timespec="milliseconds")}


def test_customer_missing_from_a_full_pull_keeps_its_flag_and_hold(cli):  # noqa: F811
    code, _ = cli.sync()
    assert code == 0 and {"flag:1", "hold:1"} <= cli.written()
    audited = len(cli.store().audit.entries(COMPANY))

    cli.standin.inject("Customer", status=200, body=customers_but(cli, "1"))
    code, out = cli.sync("--full")
    assert code == 0, out
    assert "flags 0 created/0 updated/0 closed, holds 0 created/0 updated/0 closed" in cli.summary_line(out)
    assert {"flag:1", "hold:1"} <= cli.written()

    code, out = cli.sync()
    assert code == 0, out
    assert "flags 0 created/0 updated/0 closed, holds 0 created/0 updated/0 closed" in cli.summary_line(out)
    entries = cli.store().audit.entries(COMPANY)[audited:]
    assert [e for e in entries if e.get("key") in ("flag:1", "hold:1")] == []
    assert cli.standin.company().get("Customer", "1")["SalesTermRef"]["value"] != "1"  # still held


def test_a_flag_found_already_written_is_mirrored_without_a_write(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}])
    kit.later()
    source = kit.source()
    source.pull(None, full=True)
    [written] = source.apply([set_flag("1")])
    assert written.ok
    source.state.customers.clear()  # the mirror lost it (a short read before the fix above)
    kit.standin.clear_log()
    [again] = source.apply([set_flag("1")])
    assert again.ok and kit.standin.count(operation="batch") == 0  # already so: nothing sent
    assert [f.key for f in source.read_written_state().flags] == ["flag:1"]


def test_a_customer_gone_from_quickbooks_is_named_in_the_run(cli):  # noqa: F811
    code, _ = cli.sync()
    assert code == 0 and "hold:1" in cli.written()
    cli.standin.company().remove("Customer", "1")  # merged into another in the QuickBooks UI
    code, out = cli.sync("--full")
    assert code == 4, out  # partial: the run says what it lost
    assert "Customer '1', field Id: customer 1 is no longer in QuickBooks (deleted or merged)" in out
