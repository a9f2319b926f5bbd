"""``arwatch record``: a collector's line kept in the state store (audited), refused with what was
expected when it does not read, shown by ``--list`` and in the next plan, joined to the ledger."""

import datetime as dt

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, write_config

from arwatch.cli import main
from arwatch.core.clock import fixed_clock
from arwatch.core.policy import Policy
from arwatch.sync.config import load_config
from arwatch.sync.runner import score_stored
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import open_store

CUSTOMER = "2026-XLBER"  # one open invoice, 3115534110, due 30 Jun 2013


@pytest.fixture
def config(tmp_path):
    path = write_config(tmp_path / "arwatch.toml", {
        "books": {"source": "file", "settings": file_settings(IBM_EXCERPT, tmp_path / "out")},
    }, state_url=str(tmp_path / "state.sqlite3"))
    assert main(["sync", "--config", str(path), "--source", "books", "--as-of", "2013-06-01"]) == 0
    return path


def record(config, *words, as_of="2013-06-03"):
    return main(["record", "--config", str(config), "--source", "books", "--as-of", as_of, "--by", "anna", *words])


def test_record__a_call_is_stored_audited_and_listed(config, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "anna")  # anna herself runs it
    assert record(config, "call", CUSTOMER, "no", "answer") == 0
    assert "recorded for" in capsys.readouterr().out
    store = open_store(tmp_path / "state.sqlite3")
    (note,) = store.notes.load("books")
    assert (note.customer_id, note.on.isoformat(), note.text, note.by) == (CUSTOMER, "2013-06-03", "call: no answer",
                                                                          "anna")
    (entry,) = [e for e in store.audit.entries("books") if e["op"] == "record"]
    assert (entry["key"], entry["customer_id"], entry["actor"]) == (f"note:{note.id}", CUSTOMER, "anna")
    assert main(["record", "--config", str(config), "--source", "books", "--as-of", "2013-06-04",
                 "--list", CUSTOMER]) == 0
    out = capsys.readouterr().out
    assert "  3 Jun 2013   arwatch record  call: no answer" in out  # the company locale's days (en_GB)
    assert main(["record", "--config", str(config), "--source", "books", "--as-of", "2013-06-04",
                 "--list", CUSTOMER, "--locale", "de_DE"]) == 0
    assert "  03.06.2013   arwatch record  call: no answer" in capsys.readouterr().out


def test_record__joins_the_ledger_the_scorer_sees(config, tmp_path):
    assert record(config, "call", CUSTOMER, "reached", "Jo,", "promised", "70.66", "by", "2013-06-20") == 0
    assert record(config, "dispute", CUSTOMER, "3115534110", "wrong", "goods") == 0
    store = open_store(tmp_path / "state.sqlite3")
    cfg = load_config(config)
    adapter = make_adapter(cfg.company("books"), cfg, store, {}, fixed_clock(dt.date(2013, 6, 5)))
    board, issues = score_stored(store, "books", adapter, Policy(), dt.date(2013, 6, 5))
    frame = board.frame
    assert not issues
    assert list(frame.t_promise_amount) == [70.66] and list(frame.t_answered) == [True]
    assert [str(frame.i_number[i]) for i in frame.d_inv] == ["3115534110"]
    before, _ = score_stored(store, "books", adapter, Policy(), dt.date(2013, 6, 2))
    assert len(before.frame.t_day) == 0 and len(before.frame.d_inv) == 0  # not known before its day


def test_record__a_dispute_of_an_invoice_paid_in_full_is_refused(config, tmp_path, capsys):
    """0514496777 of 0465-DTULQ was settled on 17 Oct 2012: nothing is owed on it on 3 Jun 2013."""
    assert record(config, "dispute", "0465-DTULQ", "0514496777", "wrong", "goods") == 2
    err = capsys.readouterr().err
    assert ("dispute: invoice 0514496777 has nothing open on 3 Jun 2013 (paid or credited in full): nothing to "
            "dispute") in err
    assert open_store(tmp_path / "state.sqlite3").notes.load("books") == []
    # the same invoice on a day it was still open may be disputed
    assert record(config, "dispute", "0465-DTULQ", "0514496777", "wrong", "goods", as_of="2012-10-01") == 0


@pytest.mark.parametrize(("words", "says"), [
    (("promise", CUSTOMER, "soon"), "arwatch could not read this: expected 'promise: <date> [<amount>]'"),
    (("snooze", CUSTOMER, "until", "2013-06-01"), "expected 'snooze: until <date>'"),
    (("signal", CUSTOMER, "rumour", "closing"), "with a kind of staff_exodus"),
    (("dispute", CUSTOMER, "INV-9", "wrong"), "no invoice numbered 'INV-9' in the ledger"),
    (("resolve", CUSTOMER, "3115534110"), "no open dispute to resolve"),
    (("call", CUSTOMER), "expected 'call: no answer'"),
    (("call", "Nobody Ltd", "no", "answer"), "customer 'Nobody Ltd': no customer has this id or name"),
])
def test_record__a_line_that_does_not_read_is_refused_and_nothing_stored(config, tmp_path, capsys, words, says):
    assert record(config, *words) == 2
    assert says in capsys.readouterr().err
    assert open_store(tmp_path / "state.sqlite3").notes.load("books") == []


def test_record__a_snooze_is_shown_in_the_next_plan(config, capsys):
    assert record(config, "snooze", CUSTOMER, "until", "2013-07-15,", "owner", "away") == 0
    capsys.readouterr()
    assert main(["plan", "--config", str(config), "--source", "books", "--as-of", "2013-06-05"]) == 0
    out = capsys.readouterr().out
    assert "Snoozed, excluded or with the agency (1): no automated steps" in out
    assert f"{CUSTOMER}: snoozed until 15 Jul 2013 (set 3 Jun 2013): owner away" in out


def test_record__options_after_the_details_are_read_as_options_not_as_words(config, tmp_path):
    """`arwatch record call ACME no answer --source books --as-of ...`: the options written after the
    line's details set the company, the day and who records it; they are not part of the line (before,
    they were: the line was recorded for the default company, dated by the clock, with the options as
    its text, or refused against the demo company when --config came after the words)."""
    assert main(["record", "call", CUSTOMER, "no", "answer", "--config", str(config), "--source", "books",
                 "--as-of", "2013-06-04", "--by", "anna"]) == 0
    (note,) = open_store(tmp_path / "state.sqlite3").notes.load("books")
    assert (note.customer_id, note.on.isoformat(), note.text, note.by) == (CUSTOMER, "2013-06-04", "call: no answer",
                                                                          "anna")


def test_record__an_option_given_twice_with_two_values_is_refused(config, tmp_path, capsys):
    assert main(["record", "--config", str(config), "--source", "books", "--as-of", "2013-06-03", "call",
                 CUSTOMER, "no", "answer", "--as-of", "2013-06-04"]) == 2
    assert "--as-of is given twice" in capsys.readouterr().err
    assert open_store(tmp_path / "state.sqlite3").notes.load("books") == []


@pytest.mark.parametrize(("words", "says"), [
    (("promise", CUSTOMER, "2013-06-20", "7066"), "promise: amount 7066 is more than the customer's open balance"),
    (("call", CUSTOMER, "reached", "Jo,", "promised", "7,066.00", "by", "2013-06-20"),
     "promise: amount 7066.00 is more than the customer's open balance"),
    (("plan", CUSTOMER, "3", "x", "400.00", "monthly", "from", "2013-07-01"),
     "plan: amount 3 x 400.00 = 1200.00 is more than the customer's open balance"),
])
def test_record__a_promise_or_plan_above_the_open_balance_is_refused_naming_both(config, tmp_path, capsys, words,
                                                                                  says):
    """A promise of more than the customer owes (a slip of the keyboard: 7066 for 70.66) could never be
    kept: it would break and escalate the customer. It is refused, naming the amount and the balance."""
    assert record(config, *words) == 2
    err = capsys.readouterr().err
    assert says in err and "open balance (US$70.66 on 3 Jun 2013)" in err
    assert open_store(tmp_path / "state.sqlite3").notes.load("books") == []
    assert record(config, "promise", CUSTOMER, "2013-06-20", "70.66") == 0  # the balance itself is fine


@pytest.mark.parametrize(("words", "says"), [
    (("promise", CUSTOMER, "2013-05-20", "70.66"), "2013-05-20 is before the day it is recorded, 2013-06-03"),
    (("promise", CUSTOMER, "2013-06-31", "70.66"), "no such day: 2013-06-31"),
    (("promise", CUSTOMER, "2013-06-20", "0"), "not a positive amount: 0"),
    (("snooze", CUSTOMER, "until", "2013-06-01"), "2013-06-01 is not after the day it is recorded, 2013-06-03"),
])
def test_record__a_refused_line_says_which_value_is_wrong_and_why(config, tmp_path, capsys, words, says):
    assert record(config, *words) == 2
    err = capsys.readouterr().err
    assert says in err and "expected '" in err
    assert open_store(tmp_path / "state.sqlite3").notes.load("books") == []


def test_record__audits_the_login_that_ran_it_beside_the_name_typed(config, tmp_path, monkeypatch, capsys):
    """``--by`` is typed: anyone can record in a collector's name. As for a hold lift, the audit
    log names the login that ran the command beside it when that is someone else; the note
    itself keeps the collector's name."""
    monkeypatch.setattr("getpass.getuser", lambda: "joe")
    assert record(config, "call", CUSTOMER, "no", "answer") == 0
    monkeypatch.setattr("getpass.getuser", lambda: "Anna")  # anna herself (any case): her name alone
    assert record(config, "call", CUSTOMER, "left", "a", "message") == 0
    monkeypatch.setattr("getpass.getuser", lambda: "joe")
    assert main(["record", "--config", str(config), "--source", "books", "--as-of", "2013-06-03",
                 "call", CUSTOMER, "busy"]) == 0  # no --by: the login's own name
    store = open_store(tmp_path / "state.sqlite3")
    notes = store.notes.load("books")
    assert [n.by for n in notes] == ["anna", "anna", "joe"]
    actors = {e["key"]: e["actor"] for e in store.audit.entries("books") if e["op"] == "record"}
    assert [actors[f"note:{n.id}"] for n in notes] == ["anna (run by login joe)", "anna", "joe"]
