"""``arwatch sync --source odoo`` end to end against a real Odoo 18.0 / 19.0: live (``-m odoo``
with ARWATCH_ODOO_URL, _DB, _LOGIN, _KEY) or replayed from cassettes recorded from real servers.

Recording: ARWATCH_ODOO_RECORD=1 ARWATCH_ODOO_CASSETTE=odoo18 (or odoo19) plus the live settings.
"""

from __future__ import annotations

import secrets

import pytest
from odoo_runner_e2e import PREVIOUS_WARNING, runner_scenario
from odoo_vcr import cassette_target, cassette_vcr, live_odoo

from arwatch.adapters.odoo.transport import connect


def _ops(run) -> list[str]:
    return [c.op.value for c in run.summary.changes]


def _check(outcome: dict, version: tuple[int, int]) -> None:
    first, second, third, fourth = outcome["runs"]
    for run in outcome["runs"]:
        print(run.describe())
    held = outcome["held"]
    assert first.code == 0 and first.summary.status == "ok", first.summary.line()
    assert {"set_flag", "place_hold", "open_task"} <= set(_ops(first)) and first.summary.failures == ()
    assert first.writes >= len(first.summary.changes)
    for quiet in (second, fourth):  # nothing changed in Odoo: nothing written, no write RPC
        assert quiet.code == 0 and quiet.summary.changes == () and quiet.writes == 0, quiet.describe()
        assert all(n == 0 for verbs in quiet.summary.counts.values() for n in verbs.values())
    assert third.code == 0 and third.summary.failures == (), third.summary.line()
    mine = [c.op.value for c in third.summary.changes if c.customer_id == held]
    assert "release_hold" in mine and "close_task" in mine and "open_task" not in mine
    assert outcome["open_tasks"] == []  # every task of the customer who paid is closed
    assert outcome["orders"] == [[outcome["order"]], []]  # the confirmed order pulled, gone once cancelled
    assert outcome["partner"]["sale_warn_msg"] == PREVIOUS_WARNING  # its own warning is back
    if version < (19, 0):
        assert outcome["partner"]["sale_warn"] == "warning"


@pytest.mark.odoo
def test_odoo_runner_e2e__live(tmp_path, monkeypatch):
    live = live_odoo()
    if live is None:
        pytest.skip("live Odoo tier: set ARWATCH_ODOO_URL, ARWATCH_ODOO_DB, ARWATCH_ODOO_LOGIN and "
                    "ARWATCH_ODOO_KEY (a user who may create companies) to run it")
    url, db, login, key = live
    transport = connect(url, db, login, key)
    _check(runner_scenario(transport, url, db, login, key, secrets.token_hex(4), tmp_path, monkeypatch),
           transport.version)


@pytest.mark.parametrize("name", ["odoo18", "odoo19"])
def test_odoo_runner_e2e__from_cassette(name, tmp_path, monkeypatch):
    url, db, login, key, meta = cassette_target(name, "runner")
    with cassette_vcr().use_cassette(f"{name}/runner.yaml"):
        transport = connect(url, db, login, key, retries=1, wait=0)
        outcome = runner_scenario(transport, url, db, login, key, meta["tag"], tmp_path, monkeypatch)
    _check(outcome, transport.version)
