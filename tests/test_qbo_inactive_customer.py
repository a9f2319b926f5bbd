"""A customer made inactive in QuickBooks (its "delete": it cannot be invoiced or sold to any more).

Before, arwatch went on treating it as any other: its flag, its credit hold (the "Credit hold -
payment in advance" term) and its collection tasks stayed for ever on an account nobody can
invoice. Now a pull that says Active=false closes it for arwatch: the flag is cleared, the hold
released (the previous term back) and the tasks closed, each saying why; made active again, it is
planned as any other. Only the record saying so does this: a pull that leaves the customer out keeps
what is written (tests/test_qbo_customer_missing_from_a_pull.py). Tested on the stand-in only.
"""

from qbo_cli_kit import COMPANY, cli  # noqa: F401
from qbo_standin.fixtures import qbo_standin  # noqa: F401

from arwatch.sync.runner import INACTIVE


def written_of(kit, customer_id):  # noqa: F811
    written = kit.store().written.state(COMPANY)
    return ({f.customer_id for f in written.flags} >= {customer_id},
            {h.customer_id for h in written.holds} >= {customer_id},
            sorted(t.step for t in written.tasks if t.customer_id == customer_id))


def set_active(kit, customer_id, active):  # noqa: F811
    company = kit.standin.company()
    current = company.read("Customer", customer_id)
    company.update("Customer", {"Id": customer_id, "SyncToken": current["SyncToken"], "sparse": True,
                                "Active": active})


def test_inactive_customer__its_flag_hold_and_tasks_are_undone_and_come_back_when_made_active(cli):  # noqa: F811
    assert cli.sync()[0] == 0
    flagged, held, steps = written_of(cli, "1")
    assert flagged and held and steps
    hold_term = cli.standin.get("Customer", "1")["SalesTermRef"]["value"]
    assert hold_term != "1"  # on the credit-hold term

    assert cli.sync()[0] == 0  # nothing changed: all kept
    assert written_of(cli, "1") == (flagged, held, steps)

    set_active(cli, "1", False)
    code, out = cli.sync()
    assert code == 0, out
    assert written_of(cli, "1") == (False, False, [])
    assert cli.standin.get("Customer", "1")["SalesTermRef"]["value"] == "1"  # Net 30 back
    undone = [e for e in cli.store().audit.entries(COMPANY)
              if e["customer_id"] == "1" and e["op"] in ("clear_flag", "release_hold", "close_task")]
    assert {e["op"] for e in undone} == {"clear_flag", "release_hold", "close_task"}
    assert {e["why"] for e in undone} == {INACTIVE}
    assert written_of(cli, "2")[:2] == (True, True)  # the other customer in arrears is untouched

    set_active(cli, "1", True)
    assert cli.sync()[0] == 0
    assert written_of(cli, "1")[:2] == (True, True)
