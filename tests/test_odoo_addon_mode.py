"""With the arwatch add-on installed the Odoo adapter is read-only: the add-on is the only writer."""

import datetime as dt
import os
import secrets

import pytest

from arwatch.adapters.odoo.adapter import OdooAdapter
from arwatch.adapters.odoo.settings import OdooSettings
from arwatch.core.actions import Change, Flag, Op
from arwatch.sync.contract import writes_back

DAY = dt.date(2026, 11, 20)
LIVE = ("ARWATCH_ODOO_ADDON_URL", "ARWATCH_ODOO_ADDON_DB", "ARWATCH_ODOO_ADDON_LOGIN", "ARWATCH_ODOO_ADDON_KEY")


class FakeOdoo:
    """Answers the connect-time calls; any write or written-state read is logged."""

    def __init__(self, addon: bool):
        self.version, self.uid, self.addon, self.log = (18, 0), 2, addon, []

    def call(self, model, method, ids=None, **kw):
        self.log.append((model, method))
        if model == "ir.module.module" and method == "search_count":
            assert ["name", "=", "arwatch"] in kw["domain"] and ["state", "=", "installed"] in kw["domain"]
            return 1 if self.addon else 0
        if model == "res.users" and method == "read":
            return [{"id": self.uid, "company_id": [1, "Acme"]}]
        if model == "res.company" and method == "read":
            return [{"id": 1, "name": "Acme", "currency_id": [2, "EUR"]}]
        raise AssertionError(f"unexpected call {model}.{method}")


def _adapter(addon: bool, use_addon: str = "auto") -> tuple[OdooAdapter, FakeOdoo]:
    odoo = FakeOdoo(addon)
    settings = OdooSettings(url="http://odoo", database="db", login="bot", use_addon=use_addon)
    return OdooAdapter(odoo, settings, today=DAY), odoo


def _flag_change(cid: str) -> Change:
    flag = Flag(customer_id=cid, level="high", score=70.0, segment="delinquent", reasons=("90 days late",), as_of=DAY)
    return Change(op=Op.SET_FLAG, key=flag.key, customer_id=cid, flag=flag)


def test_adapter__with_the_addon_is_read_only_and_writes_nothing():
    adapter, odoo = _adapter(addon=True)
    assert adapter.writes_back is False and writes_back(adapter) is False
    calls = len(odoo.log)
    assert adapter.read_written_state().flags == ()
    results = adapter.apply([_flag_change("7"), _flag_change("8")])
    assert [(r.key, r.ok) for r in results] == [("flag:7", False), ("flag:8", False)]
    assert "add-on is installed" in results[0].error
    assert len(odoo.log) == calls  # neither the written state nor a write reached Odoo


def test_adapter__without_the_addon_writes_back():
    adapter, odoo = _adapter(addon=False)
    assert adapter.writes_back is True and ("ir.module.module", "search_count") in odoo.log


def test_adapter__use_addon_never_writes_back_without_asking():
    adapter, odoo = _adapter(addon=True, use_addon="never")
    assert adapter.writes_back is True and ("ir.module.module", "search_count") not in odoo.log


def test_settings__use_addon_rejects_unknown_modes():
    with pytest.raises(ValueError):
        OdooSettings(url="http://odoo", database="db", login="bot", use_addon="always")


@pytest.mark.odoo
def test_odoo_addon_mode__live_sync_pulls_scores_and_writes_nothing(tmp_path, monkeypatch):
    """Against a real Odoo with the add-on installed: two ``arwatch sync`` runs, no write RPC."""
    live = tuple(os.environ.get(k, "") for k in LIVE)
    if not all(live):
        pytest.skip("live tier: set " + ", ".join(LIVE) + " (a database with the arwatch add-on installed)")
    from odoo_demo_subset import TODAY
    from odoo_runner_e2e import Spy, cli_run, push, write_config

    from arwatch.adapters.odoo.transport import connect

    url, db, login, key = live
    transport = connect(url, db, login, key)
    loader, data = push(transport, secrets.token_hex(4))
    spy = Spy()
    spy.install(monkeypatch)
    config, state = write_config(tmp_path, url, db, login, key, loader.company), tmp_path / "state.sqlite3"
    runs = [cli_run(spy, config, state, TODAY), cli_run(spy, config, state, TODAY)]
    for run in runs:
        print(run.describe())
    first, second = runs
    assert first.code == 0 and first.summary.read_only and first.summary.status == "ok", first.summary.line()
    assert first.summary.scored >= len(data["customers"]) and first.summary.pulled > first.summary.scored
    assert first.writes == 0 and second.writes == 0 and first.summary.changes == ()
    assert second.summary.read_only and second.summary.pulled == 0
    partners = sorted(loader.partners.values())
    tags = loader.call("res.partner", "read", ids=partners, fields=["category_id"])
    assert all(not p["category_id"] for p in tags)  # no "Risk: ..." tag written beside the add-on
