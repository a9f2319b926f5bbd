"""With the arwatch add-on installed the Odoo adapter follows the company's "Scored by": read-only
beside the add-on's own job, or writing through the add-on's API (``arwatch.sync.api``)."""

import datetime as dt
import os
import secrets

import pytest

from arwatch.adapters.odoo.adapter import OdooAdapter
from arwatch.adapters.odoo.errors import RecordRefused
from arwatch.adapters.odoo.settings import OdooSettings
from arwatch.core.actions import Change, Flag, Hold, Op, WrittenState
from arwatch.core.contract import ConfigError, writes_back

DAY = dt.date(2026, 11, 20)
LIVE = ("ARWATCH_ODOO_ADDON_URL", "ARWATCH_ODOO_ADDON_DB", "ARWATCH_ODOO_ADDON_LOGIN", "ARWATCH_ODOO_ADDON_KEY")
HELD = WrittenState(holds=(Hold(customer_id="7", rule="segment:delinquent", reason="120 days", since=DAY),))


class FakeOdoo:
    """Answers the connect-time calls and the add-on's API; every call is logged."""

    def __init__(self, addon: bool, scored_by=("odoo",), refuse: str = "", sale: bool = True):
        self.version, self.uid, self.addon, self.log, self.sale = (18, 0), 2, addon, [], sale
        self.scored_by, self.refuse, self.sent = scored_by, refuse, []

    def call(self, model, method, ids=None, **kw):
        self.log.append((model, method))
        if model == "ir.module.module" and method == "search_read":
            assert ["name", "in", ["arwatch", "sale", "account_followup"]] in kw["domain"]
            assert ["state", "=", "installed"] in kw["domain"]
            return (([{"id": 5, "name": "sale"}] if self.sale else [])
                    + ([{"id": 9, "name": "arwatch"}] if self.addon else []))
        if model == "res.users" and method == "read":
            return [{"id": self.uid, "company_id": [1, "Acme"]}]
        if model == "res.company" and method == "search_read":  # companies without branches
            named = kw["domain"][0]
            assert named[:2] == ["id", "child_of"] and kw["domain"][1] == ["user_ids", "in", [self.uid]]
            rows = [{"id": i, "name": f"Acme {i}", "currency_id": [2, "EUR"], "arwatch_scored_by": mode}
                    for i, mode in zip(named[2], self.scored_by, strict=False)]
            return [{k: v for k, v in row.items() if k == "id" or k in kw["fields"]} for row in rows]
        if model == "arwatch.sync.api":
            assert kw["company_id"] == 1 and kw.get("today", DAY.isoformat()) == DAY.isoformat()
            if self.refuse:
                raise RecordRefused("AccessError", self.refuse)
            if method == "arwatch_written_state":
                return HELD.model_dump(mode="json")
            if method == "arwatch_collections_records":
                return {"disputes": [{"id": "3", "customer_id": "7", "opened_on": "2026-11-01", "amount": "50.0"}],
                        "contact_attempts": [], "payment_plans": [], "signals": []}
            if method == "arwatch_apply":
                self.sent.append(kw["changes"])
                return [{"key": c["key"], "op": c["op"], "ok": c["customer_id"] != "9",
                         "error": "res.partner 9 not found" if c["customer_id"] == "9" else "",
                         "external_id": "41", "details": {"note": "already set"}} for c in kw["changes"]]
        raise AssertionError(f"unexpected call {model}.{method}")


def _adapter(addon: bool, use_addon: str = "auto", **fake) -> tuple[OdooAdapter, FakeOdoo]:
    odoo = FakeOdoo(addon, **fake)
    settings = OdooSettings(url="https://odoo", database="db", login="bot", use_addon=use_addon)
    return OdooAdapter(odoo, settings, today=DAY), odoo


def _flag_change(cid: str) -> Change:
    flag = Flag(customer_id=cid, level="high", score=70.0, segment="delinquent", reasons=("90 days late",), as_of=DAY)
    return Change(op=Op.SET_FLAG, key=flag.key, customer_id=cid, flag=flag)


def test_adapter__beside_the_addons_job_is_read_only_but_reads_its_records():
    adapter, odoo = _adapter(addon=True)
    assert adapter.mode == "read-only" and adapter.writes_back is False and writes_back(adapter) is False
    assert adapter.read_written_state() == HELD  # what the add-on's job wrote, for `arwatch plan`
    calls = len(odoo.log)
    results = adapter.apply([_flag_change("7"), _flag_change("8")])
    assert [(r.key, r.ok) for r in results] == [("flag:7", False), ("flag:8", False)]
    assert "Scored by" in results[0].error and "daily job is the only writer" in results[0].error
    assert len(odoo.log) == calls  # no write reached Odoo


def test_adapter__scored_by_sync_writes_a_batch_through_the_addon_in_one_call():
    adapter, odoo = _adapter(addon=True, scored_by=("sync",))
    assert adapter.mode == "addon" and writes_back(adapter)
    assert adapter.read_written_state() == HELD
    calls = len(odoo.log)
    results = list(adapter.apply([_flag_change("7"), _flag_change("9")]))
    assert len(odoo.log) == calls + 1 and odoo.log[-1] == ("arwatch.sync.api", "arwatch_apply")
    assert odoo.sent[0][0]["flag"] == {"customer_id": "7", "level": "high", "score": 70.0, "segment": "delinquent",
                                       "reasons": ["90 days late"], "as_of": "2026-11-20"}
    assert [(r.key, r.ok, r.error) for r in results] == [("flag:7", True, ""),
                                                         ("flag:9", False, "res.partner 9 not found")]
    assert results[0].external_id == "41" and results[0].details == {"note": "already set"}
    assert adapter.apply([]) == []
    assert len(odoo.log) == calls + 1  # an empty batch makes no call


def test_adapter__pulls_the_addons_own_collections_records_whole_instead_of_done_activities(monkeypatch):
    import arwatch.adapters.odoo.adapter as module
    from arwatch.core.contract import PullResult

    seen = {}

    def standard_pull(reader, version, company, since, full, overlap, done_activities=True, orders=False,
                      unreadable=None, followup=None):
        seen["done_activities"], seen["orders"], seen["followup"] = done_activities, orders, followup
        return PullResult(records={"company": company, "invoices": [{"id": "5"}]}, cursor="c")

    monkeypatch.setattr(module, "pull", standard_pull)
    for scored in ("odoo", "sync"):
        adapter, _ = _adapter(addon=True, scored_by=(scored,))
        result = adapter.pull("c0", full=False)
        assert seen["done_activities"] is False and seen["orders"] is True  # the fake has the Sales app
        assert seen["followup"] is None  # the add-on's own records, not Enterprise's follow-up date
        assert adapter.unavailable == frozenset()
        assert result.records["invoices"] == [{"id": "5"}] and result.records["disputes"][0]["id"] == "3"
        assert result.complete_collections == {"disputes", "contact_attempts", "payment_plans", "signals"}
        assert result.cursor == "c" and not result.complete
    adapter, _ = _adapter(addon=False)
    result = adapter.pull("c0", full=False)
    assert seen["done_activities"] is True and "disputes" not in result.records and adapter.unavailable == {"disputes"}


def test_adapter__answers_that_do_not_match_the_batch_are_not_taken_as_applied():
    adapter, odoo = _adapter(addon=True, scored_by=("sync",))
    assert adapter.mode == "addon"  # its first use has read the modules and companies
    odoo.call = lambda model, method, ids=None, **kw: [{"key": "flag:8", "ok": True}]
    with pytest.raises(RuntimeError, match="do not match"):
        adapter.apply([_flag_change("7")])


def test_adapter__a_refused_batch_fails_each_change_and_a_refused_read_is_a_config_error():
    adapter, odoo = _adapter(addon=True, scored_by=("sync",))
    odoo.refuse = "arwatch sync: the user bot is not in the group 'Collections: manager'"
    results = list(adapter.apply([_flag_change("7"), _flag_change("8")]))
    assert [r.ok for r in results] == [False, False] and "Collections: manager" in results[1].error
    with pytest.raises(ConfigError, match="Collections: user"):
        adapter.read_written_state()


def test_adapter__companies_with_different_writers_or_several_with_the_addon_are_refused():
    odoo = FakeOdoo(addon=True, scored_by=("sync", "odoo"))
    settings = OdooSettings(url="https://odoo", database="db", login="bot", company_ids=(1, 3))
    with pytest.raises(ConfigError, match="different writers"):
        OdooAdapter(odoo, settings, today=DAY).pull(None, True)  # at its first use: the constructor reads nothing
    odoo = FakeOdoo(addon=True, scored_by=("sync", "sync"))
    with pytest.raises(ConfigError, match="one arwatch company per Odoo company"):
        OdooAdapter(odoo, settings, today=DAY).read_written_state()


def test_adapter__without_the_addon_writes_back_standard_fields():
    adapter, odoo = _adapter(addon=False)
    assert adapter.mode == "standard" and adapter.writes_back is True and adapter.addon is None
    assert odoo.log[0] == ("ir.module.module", "search_read")
    assert adapter.lookups.warning_fields() == {"sale_warn", "sale_warn_msg"}  # from the modules, no fields_get
    assert ("res.partner", "fields_get") not in odoo.log


def test_adapter__without_the_sales_app_no_orders_no_sales_warning():
    adapter, odoo = _adapter(addon=False, sale=False)
    assert adapter.unavailable == {"disputes", "orders"}
    assert adapter.lookups.warning_fields() == frozenset() and not adapter.lookups.has_sale_warning()


def test_adapter__use_addon_never_ignores_the_addon():
    adapter, odoo = _adapter(addon=True, scored_by=("sync",), use_addon="never")
    assert adapter.mode == "standard" and adapter.writes_back is True and adapter.addon is None
    assert not any(model == "arwatch.sync.api" for model, _ in odoo.log)


def test_settings__use_addon_rejects_unknown_modes():
    with pytest.raises(ValueError):
        OdooSettings(url="https://odoo", database="db", login="bot", use_addon="always")


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
