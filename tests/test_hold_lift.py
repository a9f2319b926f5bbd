"""``arwatch hold lift|restore|list``: a manager lifts a credit hold, with a reason, for any source.

The book is tests/test_sync_mass_change.py's: a file export of three customers synced with the
real planner on 2013-06-01, each held (in arrears, the cause fires on every later day as nothing
is paid). A manager lifts one hold; the next sync releases it through the target (for the file
source, the store), places none on the customer while the override is in force, and places it
again once its day has passed.
"""

import datetime as dt
import json

import pytest
from sync_store_cases import check_hold_overrides_set_read_and_ended
from test_sync_mass_change import first_good_sync, sync

from arwatch.cli import main
from arwatch.core.actions import Override
from arwatch.core.contract import ConfigError
from arwatch.exit_codes import ExitCode
from arwatch.sync.config import load_config
from arwatch.sync.store import open_store
from arwatch.sync.store.audit import LIFT_OP, RESTORE_OP

LIFTED = "0465-DTULQ"
OTHERS = ("0688-XNJRO", "0706-NRGUP")
REASON = "pays Friday, agreed with their CFO"


def with_managers(config, top=None, company=None):
    """The book's config with ``managers`` at the top level and/or for the company."""
    text = config.read_text()
    if company is not None:
        text = text.replace("[companies.acme.settings]", f"managers = {json.dumps(company)}\n"
                                                         f"[companies.acme.settings]")
    if top is not None:
        text = f"managers = {json.dumps(top)}\n{text}"
    config.write_text(text)
    return config


@pytest.fixture
def book(tmp_path):
    export, config, store = first_good_sync(tmp_path)
    return with_managers(config, top=["ann", "Bob"]), store


def hold(config, action, *more, day="2013-06-02"):
    return main(["hold", action, *more, "--config", str(config), "--source", "acme", "--as-of", day])


def held(store):
    return sorted(h.customer_id for h in store.written.state("acme").holds)


def override_entries(store):
    return [e for e in store.audit.entries("acme") if e["op"] in (LIFT_OP, RESTORE_OP)]


def hold_entries(store, customer_id):
    return [(e["op"], e["why"]) for e in store.audit.entries("acme")
            if e["customer_id"] == customer_id and e["op"] in ("place_hold", "release_hold")]


def test_hold_lift__the_next_sync_releases_the_hold_and_places_none_until_the_day_has_passed(book, capsys,
                                                                                            monkeypatch):
    config, store = book
    monkeypatch.setattr("getpass.getuser", lambda: "ann")  # ann herself runs it
    assert held(store) == sorted((LIFTED, *OTHERS))
    capsys.readouterr()
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-15", "--by", "ann") == 0
    out = capsys.readouterr().out
    assert f"lifted: {LIFTED}, until 15 Jun 2013, by ann: {REASON}" in out
    assert "the next `arwatch sync --source acme` releases its hold (since 1 Jun 2013) and places none before " \
           "16 Jun 2013" in out
    assert store.written.overrides("acme") == (
        Override(customer_id=LIFTED, release_until=dt.date(2013, 6, 15), by="ann", reason=REASON),)
    [entry] = override_entries(store)
    assert (entry["actor"], entry["op"], entry["key"], entry["customer_id"], entry["before"]) == \
           ("ann", "lift", f"override:{LIFTED}", LIFTED, None)
    assert entry["why"] == f"hold lifted until 2013-06-15: {REASON}"
    assert json.loads(entry["after"]) == {"customer_id": LIFTED, "release_until": "2013-06-15", "by": "ann",
                                          "reason": REASON}
    assert entry["at"] is not None
    assert held(store) == sorted((LIFTED, *OTHERS))  # nothing released before the sync

    assert sync(config, day="2013-06-02") == 0
    assert "holds 0 created/0 updated/1 closed" in capsys.readouterr().out
    assert held(store) == list(OTHERS)
    assert [op for op, _ in hold_entries(store, LIFTED)] == ["place_hold", "release_hold"]
    for day in ("2013-06-03", "2013-06-10", "2013-06-15"):  # in arrears all along: the cause still fires
        assert sync(config, day=day) == 0
        assert held(store) == list(OTHERS), day
    assert sync(config, day="2013-06-16") == 0  # the override's day has passed
    assert held(store) == sorted((LIFTED, *OTHERS))
    [placed] = [h for h in store.written.state("acme").holds if h.customer_id == LIFTED]
    assert placed.since == dt.date(2013, 6, 16) and placed.rule == "segment:delinquent"
    assert [op for op, _ in hold_entries(store, LIFTED)] == ["place_hold", "release_hold", "place_hold"]


def test_hold_lift__the_audit_says_who_ran_it_beside_the_manager_named(book, capsys, monkeypatch):
    """--by names a manager, but anyone can type a manager's name: the audit (and the answer)
    say who actually ran the lift, by the login it ran under, beside the name typed."""
    config, store = book
    monkeypatch.setattr("getpass.getuser", lambda: "mallory")
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-15", "--by", "ann") == 0
    assert f"lifted: {LIFTED}, until 15 Jun 2013, by ann (run by login mallory): {REASON}" in capsys.readouterr().out
    [entry] = override_entries(store)
    assert (entry["actor"], entry["op"]) == ("ann (run by login mallory)", "lift")
    assert hold(config, "restore", LIFTED, "--by", "Bob", "--reason", "wrong customer") == 0
    assert override_entries(store)[-1]["actor"] == "Bob (run by login mallory)"
    assert hold(config, "lift", LIFTED, "--by", "ann") == 2  # a lift still needs a reason
    assert [e["op"] for e in override_entries(store)] == ["lift", "restore"]


def test_hold_lift__the_release_says_a_manager_lifted_it(book):
    config, store = book
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-15", "--by", "ann") == 0
    assert sync(config, day="2013-06-02") == 0
    [(_, why)] = [e for e in hold_entries(store, LIFTED) if e[0] == "release_hold"]
    assert "ann" in why and REASON in why


def test_hold_lift__until_defaults_to_30_days_after_the_runs_day_and_by_to_the_login_name(book, capsys,
                                                                                          monkeypatch):
    config, store = book
    monkeypatch.setattr("getpass.getuser", lambda: "bob")  # the config writes "Bob": matched without case
    assert hold(config, "lift", LIFTED, "--reason", REASON, day="2013-06-02") == 0
    assert f"lifted: {LIFTED}, until 2 Jul 2013, by Bob: {REASON}" in capsys.readouterr().out
    assert store.written.overrides("acme") == (
        Override(customer_id=LIFTED, release_until=dt.date(2013, 7, 2), by="Bob", reason=REASON),)
    assert [e["actor"] for e in override_entries(store)] == ["Bob"]


def test_hold_lift__lifting_again_with_the_same_values_changes_nothing(book, capsys):
    config, store = book
    args = (LIFTED, "--reason", REASON, "--until", "2013-06-15", "--by", "ann")
    assert hold(config, "lift", *args) == 0
    stamp = store.inputs.stamp("acme")
    capsys.readouterr()
    assert hold(config, "lift", *args) == 0
    assert hold(config, "lift", *args[:-1], "ANN") == 0  # the same manager
    assert "already lifted (nothing changed)" in capsys.readouterr().out
    assert store.inputs.stamp("acme") == stamp and len(override_entries(store)) == 1
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-20", "--by", "ann") == 0
    [first, second] = override_entries(store)
    assert json.loads(second["before"])["release_until"] == "2013-06-15"
    assert json.loads(second["after"])["release_until"] == "2013-06-20"
    assert store.written.overrides("acme")[0].release_until == dt.date(2013, 6, 20)


def test_hold_lift__a_non_manager_is_refused_and_nothing_is_stored(book, capsys):
    config, store = book
    capsys.readouterr()
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--by", "zed") == ExitCode.CONFIG_ERROR == 2
    err = capsys.readouterr().err
    assert "arwatch: 'zed' is not a manager of acme (managers: ann, Bob): only a manager lifts or restores a " \
           "credit hold" in err
    assert store.written.overrides("acme") == () and override_entries(store) == []
    assert sync(config, day="2013-06-02") == 0
    assert held(store) == sorted((LIFTED, *OTHERS))


def test_hold_lift__without_a_reason_is_refused(book, capsys):
    config, store = book
    capsys.readouterr()
    assert hold(config, "lift", LIFTED, "--by", "ann") == 2
    assert '--reason "..."` is required to lift a credit hold' in capsys.readouterr().err
    assert hold(config, "lift", LIFTED, "--by", "ann", "--reason", "   ") == 2
    assert store.written.overrides("acme") == () and override_entries(store) == []


def test_hold_lift__an_until_before_the_runs_day_or_an_unknown_customer_is_refused(book, capsys):
    config, store = book
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--by", "ann", "--until", "2013-06-01") == 2
    assert "is before the run's day (2013-06-02)" in capsys.readouterr().err
    assert hold(config, "lift", "NOBODY", "--reason", REASON, "--by", "ann") == 2
    assert "customer 'NOBODY': no customer has this id or name" in capsys.readouterr().err
    assert store.written.overrides("acme") == () and override_entries(store) == []


def test_hold_lift__with_no_managers_configured_it_says_how_to_name_them(tmp_path, capsys):
    _, config, store = first_good_sync(tmp_path)
    capsys.readouterr()
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--by", "ann") == 2
    err = capsys.readouterr().err
    assert "no managers are configured for acme" in err
    assert 'managers = ["ann", "bob"]' in err and "[companies.acme]" in err
    assert store.written.overrides("acme") == () and override_entries(store) == []


def test_hold_lift__the_companys_managers_replace_the_top_level_ones(tmp_path, capsys):
    _, config, store = first_good_sync(tmp_path)
    with_managers(config, top=["ann"], company=["carl"])
    assert load_config(config).managers_of(load_config(config).company("acme")) == ("carl",)
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--by", "ann") == 2
    assert "'ann' is not a manager of acme (managers: carl)" in capsys.readouterr().err
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--by", "carl") == 0
    assert [o.by for o in store.written.overrides("acme")] == ["carl"]


@pytest.mark.parametrize("managers, message", [
    (["ann", " "], 'a manager\'s name is empty (managers = ["ann", "bob"]: their login names)'),
    (["ann", "Ann"], "manager 'Ann' is listed twice"),
    ("ann", 'expected a list of login names, e.g. managers = ["ann", "bob"]'),
    (["ann", 3], 'expected a list of login names, e.g. managers = ["ann", "bob"]'),
])
def test_hold_lift__the_config_checks_its_managers(tmp_path, managers, message):
    top = tmp_path / "top.toml"
    top.write_text(f"managers = {json.dumps(managers)}\n[companies.acme]\nsource = \"demo\"\n")
    with pytest.raises(ConfigError) as raised:
        load_config(top)
    assert str(raised.value) == f"{top}: managers: {message}"
    company = tmp_path / "company.toml"
    company.write_text(f"[companies.acme]\nsource = \"demo\"\nmanagers = {json.dumps(managers)}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(company)
    assert str(raised.value) == f"{company}: companies.acme.managers: {message}"


def test_hold_lift__managers_are_optional_and_an_empty_company_list_names_nobody(tmp_path):
    config = tmp_path / "arwatch.toml"
    config.write_text('managers = [" ann "]\n[companies.a]\nsource = "demo"\n'
                      '[companies.b]\nsource = "demo"\nmanagers = []\n')
    loaded = load_config(config)
    assert loaded.managers_of(loaded.company("a")) == ("ann",)
    assert loaded.managers_of(loaded.company("b")) == ()
    config.write_text('[companies.a]\nsource = "demo"\n')
    assert load_config(config).managers_of(load_config(config).company("a")) == ()


def test_hold_list__shows_the_holds_in_place_and_the_overrides_in_force(book, capsys):
    config, store = book
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-15", "--by", "ann") == 0
    capsys.readouterr()
    assert hold(config, "list") == 0
    out = capsys.readouterr().out
    assert "Credit holds of acme in place (3):" in out
    assert f"  {LIFTED}: since 1 Jun 2013: In arrears: oldest invoice 340 days past due" in out
    assert "Holds lifted by a manager, in force on 2 Jun 2013 (1):" in out
    assert f"  {LIFTED}: until 15 Jun 2013, by ann: {REASON}  (still held: released at the next sync)" in out
    assert sync(config, day="2013-06-02") == 0
    capsys.readouterr()
    assert hold(config, "list") == 0
    out = capsys.readouterr().out
    assert "Credit holds of acme in place (2):" in out and f"  {LIFTED}: since" not in out
    assert f"  {LIFTED}: until 15 Jun 2013, by ann: {REASON}\n" in out + "\n"
    assert hold(config, "list", day="2013-06-16") == 0  # past its day: no longer in force
    assert "in force on 16 Jun 2013 (0):\n  none" in capsys.readouterr().out


def test_hold_restore__ends_the_override_and_the_next_sync_places_the_hold_again(book, capsys, monkeypatch):
    config, store = book
    monkeypatch.setattr("getpass.getuser", lambda: "bob")  # Bob runs the commands (the lift in ann's name)
    assert hold(config, "lift", LIFTED, "--reason", REASON, "--until", "2013-06-30", "--by", "ann") == 0
    assert sync(config, day="2013-06-02") == 0
    assert held(store) == list(OTHERS)
    assert hold(config, "restore", LIFTED, "--by", "zed", "--reason", "no") == 2  # managers only
    assert hold(config, "restore", LIFTED, "--by", "Bob") == 2  # a reason is required
    assert store.written.overrides("acme") != ()
    capsys.readouterr()
    assert hold(config, "restore", LIFTED, "--by", "Bob", "--reason", "the cheque bounced", day="2013-06-05") == 0
    out = capsys.readouterr().out
    assert f"restored: {LIFTED}'s hold override (until 30 Jun 2013, by ann) ended by Bob: the cheque bounced" in out
    assert store.written.overrides("acme") == ()
    entry = override_entries(store)[-1]
    assert (entry["actor"], entry["op"], entry["after"]) == ("Bob", "restore", None)
    assert entry["why"] == "hold override (until 2013-06-30, by ann) ended: the cheque bounced"
    assert json.loads(entry["before"])["reason"] == REASON
    assert sync(config, day="2013-06-05") == 0
    assert held(store) == sorted((LIFTED, *OTHERS))
    assert hold(config, "restore", LIFTED, "--by", "Bob", "--reason", "again", day="2013-06-05") == 0
    assert "has no hold override in force on 5 Jun 2013: nothing changed" in capsys.readouterr().out
    assert [e["op"] for e in override_entries(store)] == ["lift", "restore"]


def test_hold_lift__the_store_keeps_overrides_and_their_audit_entries_in_one_transaction(tmp_path):
    check_hold_overrides_set_read_and_ended(open_store(tmp_path / "s.sqlite3"))
