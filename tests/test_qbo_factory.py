"""``arwatch.adapters.quickbooks.make_adapter``: settings and secrets of a QuickBooks company."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr
from qbo_adapter_fixtures import TODAY, kit, qbo_standin  # noqa: F401

from arwatch.adapters.quickbooks import QuickBooksSource, factory, make_adapter
from arwatch.core.actions import ApplyResult, Change, Hold, Op
from arwatch.core.clock import RunClock, fixed_clock
from arwatch.core.contract import ConfigError
from arwatch.sync.config import CompanyConfig, Secrets, SyncConfig
from arwatch.sync.sources import make_adapter as make_any_adapter
from arwatch.sync.store import open_store

SECRET = "s3cr3t-value-never-shown"


CLOCK = fixed_clock(TODAY)


def company(tmp_path, **settings) -> CompanyConfig:
    base = {"client_id": "abc", "token_path": str(tmp_path / "t.json")}
    return CompanyConfig(name="acme", source="quickbooks", credentials="acme-qbo",
                         settings={**base, **settings})


def credentials(secret: str | None = SECRET) -> dict:
    return {"client_secret": SecretStr(secret)} if secret else {}


@pytest.mark.parametrize("settings, key", [
    ({"colour": "red"}, "settings.colour"),
    ({"home_currency": "euro"}, "settings.home_currency"),
    ({"default_terms_days": -1}, "settings.default_terms_days"),
    ({"environment": "staging"}, "settings.environment"),
    ({"api_base": "ftp://x"}, "settings.api_base"),
    ({"token_path": "tokens.json"}, "settings.token_path"),
    ({"state_path": "state.json"}, "settings.state_path"),
    ({"client_id": None}, "settings.client_id"),
])
def test_make_adapter__bad_setting_is_a_config_error_naming_the_key(tmp_path, settings, key):
    with pytest.raises(ConfigError, match=rf"companies\.acme\.{key}"):
        make_adapter(company(tmp_path, **settings), open_store(tmp_path / "s.db"), credentials(), CLOCK)


def test_make_adapter__missing_secret_names_the_credentials(tmp_path):
    with pytest.raises(ConfigError, match=r"companies\.acme\.credentials.*client_secret.*acme-qbo"):
        make_adapter(company(tmp_path), open_store(tmp_path / "s.db"), credentials(None), CLOCK)


def test_make_adapter__missing_token_file_says_to_connect_and_hides_the_secret(tmp_path):
    with pytest.raises(ConfigError, match="arwatch connect quickbooks") as caught:
        make_adapter(company(tmp_path), open_store(tmp_path / "s.db"), credentials(), CLOCK)
    assert SECRET not in str(caught.value)


def test_make_adapter__builds_the_source_with_the_stores_details(kit, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(factory, "OPTIONS", kit.options())
    store = open_store(tmp_path / "s.db")
    hold = Hold(customer_id="7", rule="delinquent", reason="late", since="2024-01-05")
    change = store_hold(store, hold)
    cfg = company(tmp_path, token_path=str(kit.token_path), environment=kit.standin.discovery_url,
                  api_base=kit.standin.api_base, home_currency="EUR", send_invoice_email=["reminder"],
                  state_path=str(tmp_path / "qbo-state.json"))
    source = make_any_adapter(cfg, SyncConfig(), store, Secrets({"acme-qbo": credentials()}),
                              RunClock(TODAY, kit.standin.clock.now))
    assert isinstance(source, QuickBooksSource) and source.client.realm_id == kit.standin.realm
    assert source.writer.details[change] == {"previous_term": "3"}  # read from the store
    assert "hold:8" not in source.writer.details
    assert source.writer.options.email_steps == {"reminder"}
    assert source.puller.settings.home_currency == "EUR"
    assert source.state.memory.load() is None  # kept in the store, for this company: nothing yet
    assert (source.state.memory.company, source.state.memory.adapter) == ("acme", "quickbooks")
    assert SECRET not in repr(source) + repr(source.client.app)


def build(kit, tmp_path, store, **settings):  # noqa: F811
    cfg = company(tmp_path, token_path=str(kit.token_path), environment=kit.standin.discovery_url,
                  api_base=kit.standin.api_base, **settings)
    return make_any_adapter(cfg, SyncConfig(), store, Secrets({"acme-qbo": credentials()}),
                            RunClock(TODAY, kit.standin.clock.now))


def test_make_adapter__the_adapters_memory_lives_in_the_state_store(kit, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(factory, "OPTIONS", kit.options())
    store = open_store(tmp_path / "s.db")
    first = build(kit, tmp_path, store)
    first.pull(None, full=True)
    assert not list(tmp_path.glob("*.state.json")) and not list(kit.tmp.glob("*.state.json"))
    kept = store.adapter_state.load("acme", "quickbooks")
    assert kept["synced_at"] == first.state.synced_at and kept["synced_at"] is not None
    again = build(kit, tmp_path, store)  # a later run: the same memory, so no complete re-read
    assert again.state.synced_at == first.state.synced_at and again.state.terms == first.state.terms
    kit.standin.clear_log()
    again.read_written_state()
    assert kit.standin.requests == []


def test_make_adapter__an_earlier_state_file_moves_into_the_store_once(kit, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(factory, "OPTIONS", kit.options())
    legacy = tmp_path / "qbo-state.json"
    standalone = QuickBooksSource(kit.config(state_path=str(legacy)), kit.token_path, options=kit.options())
    standalone.pull(None, full=True)  # an earlier version kept its memory in this file
    before = json.loads(legacy.read_text())
    store = open_store(tmp_path / "s.db")
    source = build(kit, tmp_path, store, state_path=str(legacy))
    assert store.adapter_state.load("acme", "quickbooks") == before  # nothing lost
    assert not legacy.exists() and json.loads((tmp_path / "qbo-state.json.migrated").read_text()) == before
    assert source.state.synced_at == before["synced_at"] and source.state.customers == before["customers"]
    legacy.write_text(json.dumps({**before, "synced_at": None}))  # a stray file later: the store wins
    assert build(kit, tmp_path, store, state_path=str(legacy)).state.synced_at == before["synced_at"]
    assert legacy.exists()


def store_hold(store, hold: Hold) -> str:
    change = Change(op=Op.PLACE_HOLD, key=hold.key, customer_id=hold.customer_id, hold=hold)
    with store.begin() as conn:
        store.written.record(conn, "acme", change, ApplyResult(key=hold.key, op=Op.PLACE_HOLD, ok=True,
                                                               details={"previous_term": "3"}))
    return hold.key


def test_make_adapter__relative_token_and_state_paths_are_taken_from_the_config_files_folder(tmp_path):
    """Through the sync's registry, as a config file names them; the adapter alone wants them absolute."""
    config = SyncConfig(base_dir=tmp_path / "conf")
    acme = company(tmp_path, token_path="tokens/acme.json", state_path="acme.state.json")
    with pytest.raises(ConfigError, match="arwatch connect quickbooks") as caught:
        make_any_adapter(acme, config, open_store(tmp_path / "s.db"), Secrets({"acme-qbo": credentials()}),
                         RunClock(TODAY, lambda: None))
    assert str(tmp_path / "conf" / "tokens" / "acme.json") in str(caught.value)
