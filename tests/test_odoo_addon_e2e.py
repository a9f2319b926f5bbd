"""``arwatch sync`` writing through the arwatch add-on in a real Odoo 18.0 (JSON-RPC) or 19.0
(JSON-2): live (``-m odoo`` with ARWATCH_ODOO_URL, _DB, _LOGIN, _KEY of a database where the
``arwatch_sale`` add-on is installed) or replayed from a cassette recorded from one.

Recording: ARWATCH_ODOO_RECORD=1 ARWATCH_ODOO_CASSETTE=odoo18addon (or odoo19addon) plus the live
settings.
"""

from __future__ import annotations

import secrets

import pytest
from odoo_addon_e2e import addon_scenario
from odoo_vcr import cassette_target, cassette_vcr, live_odoo

from arwatch.adapters.odoo.transport import connect


def _check(outcome: dict) -> None:
    first, second, third, fourth = outcome["runs"]
    for run in outcome["runs"]:
        print(run.describe())
    held = outcome["held"]
    assert outcome["adapter_mode"] == "addon"
    assert first.code == 0 and first.summary.status == "ok" and not first.summary.read_only, first.summary.line()
    ops = {c.op.value for c in first.summary.changes}
    assert {"set_flag", "place_hold", "open_task"} <= ops and first.summary.failures == ()
    assert "credit hold" in outcome["refusal"], outcome["refusal"]  # enforced by the add-on over RPC
    for quiet in (second, fourth):
        assert quiet.code == 0 and quiet.summary.changes == () and quiet.writes == 0, quiet.describe()
    assert third.code == 0 and third.summary.failures == (), third.summary.line()
    mine = [c.op.value for c in third.summary.changes if c.customer_id == held]
    assert "release_hold" in mine and "close_task" in mine and "open_task" not in mine
    risks = {str(r["partner_id"][0]): r for r in outcome["risks"]}
    assert risks[held]["hold"] is False
    assert any(r["hold"] for r in risks.values()), "the other held customers stay held"
    assert any(r["level"] in ("high", "critical") for r in risks.values())
    assert outcome["open_tasks"] == []
    assert all(not p["category_id"] for p in outcome["tags"]), "no standard-field tags beside the add-on"


@pytest.mark.odoo
def test_odoo_addon_e2e__live(tmp_path, monkeypatch):
    live = live_odoo()
    if live is None:
        pytest.skip("live Odoo tier: set ARWATCH_ODOO_URL, ARWATCH_ODOO_DB, ARWATCH_ODOO_LOGIN and "
                    "ARWATCH_ODOO_KEY (a database with the arwatch_sale add-on; a collections manager "
                    "who may create companies) to run it")
    url, db, login, key = live
    transport = connect(url, db, login, key)
    _check(addon_scenario(transport, url, db, login, key, secrets.token_hex(4), tmp_path, monkeypatch))


@pytest.mark.parametrize("name", ["odoo18addon", "odoo19addon"])
def test_odoo_addon_e2e__from_cassette(name, tmp_path, monkeypatch):
    url, db, login, key, meta = cassette_target(name, "runner")
    with cassette_vcr().use_cassette(f"{name}/runner.yaml"):
        transport = connect(url, db, login, key, retries=1, wait=0)
        _check(addon_scenario(transport, url, db, login, key, meta["tag"], tmp_path, monkeypatch))
