"""The guard on mass change (issue 15): a bad export stops the run before anything is written.

The book: a 12-invoice export of three customers (three of each one's four invoices unpaid),
synced with the real planner on 2013-06-01: 3 flags, 3 holds, 3 tasks (per held customer the ladder
step, a call that tells of the hold and carries its letter). Then the export goes
bad (cut down to its header, cut short, every amount in a new number format) or changes the
normal way (one customer pays, an invoice is voided).
"""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sync_helpers import IBM_EXCERPT, file_settings, write_config

from arwatch.cli import main
from arwatch.core.actions import Change, Flag, Hold, Op, Task, WrittenState
from arwatch.core.clock import fixed_clock
from arwatch.core.contract import MassChange
from arwatch.core.policy import Policy
from arwatch.exit_codes import ExitCode
from arwatch.sync.config import load_config, load_secrets
from arwatch.sync.guard import Guard
from arwatch.sync.runner import run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import open_store
from arwatch.sync.store.schema import metadata
from arwatch.sync.summary import EXIT, RunSummary

DAY = "2013-06-01"
CUSTOMERS = ("0465-DTULQ", "0688-XNJRO", "0706-NRGUP")


def book_rows():
    """12 rows of the IBM excerpt: each customer's first four invoices, the last three unpaid."""
    rows = list(csv.DictReader(IBM_EXCERPT.open()))
    picked = [r for c in CUSTOMERS for r in [r for r in rows if r["customerID"] == c][:4]]
    for i, row in enumerate(picked):
        if i % 4:
            row["SettledDate"] = ""
    return picked


def write_export(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, list(csv.DictReader(IBM_EXCERPT.open()).fieldnames))
        writer.writeheader()
        writer.writerows(rows)


def first_good_sync(folder):
    """The export, the config and the store in ``folder`` after the first, good sync: 3 flags,
    3 holds, 3 tasks written."""
    export = folder / "export.csv"
    write_export(export, book_rows())
    config = write_config(folder / "arwatch.toml", {"acme": {"source": "file", "settings": file_settings(
        export, folder / "outbox")}}, state_url=str(folder / "state.sqlite3"))
    assert sync(config) == 0
    store = open_store(folder / "state.sqlite3")
    assert counts(store) == (3, 3, 3)
    return export, config, store


@pytest.fixture
def book(tmp_path):
    """The export, the config and the store after the first, good sync."""
    return first_good_sync(tmp_path)


def sync(config, *more, day=DAY):
    return main(["sync", "--config", str(config), "--source", "acme", "--as-of", day, *more])


def counts(store):
    written = store.written.state("acme")
    return len(written.flags), len(written.holds), len(written.tasks)


def state(store, outbox):
    """Everything a run could write, but its own run record."""
    with store.engine.connect() as conn:
        tables = {t.name: sorted(map(repr, conn.execute(select(t)).all()))
                  for t in metadata.sorted_tables if t.name != "runs"}
    return tables, sorted((p.name, p.read_bytes()) for p in outbox.iterdir())


def test_mass_change__a_header_only_export_is_refused_naming_the_file(book, capsys):
    export, config, store = book
    before = state(store, export.parent / "outbox")
    export.write_text(export.read_text().splitlines()[0] + "\n")
    capsys.readouterr()
    assert sync(config) == ExitCode.MASS_CHANGE == 6
    out = capsys.readouterr().out
    assert f"acme: mass_change: pulled 0, 0 records removed; {export}: the export has no invoice rows" in out
    assert "refused" in out
    assert sync(config, "--allow-mass-change") == 6  # refused outright: no flag lets an empty export through
    assert state(store, export.parent / "outbox") == before and counts(store) == (3, 3, 3)
    assert [r["status"] for r in store.runs.entries("acme")] == ["ok", "mass_change", "mass_change"]


def test_mass_change__an_empty_file_is_refused_as_well(book, capsys):
    export, config, store = book
    export.write_text("")
    assert sync(config) == 6
    assert f"{export}: the export has no invoice rows (an empty file or only its header)" in capsys.readouterr().out
    assert counts(store) == (3, 3, 3)


def test_mass_change__a_truncated_export_stops_before_writing_and_says_what_it_would_do(book, capsys):
    export, config, store = book
    before = state(store, export.parent / "outbox")
    write_export(export, book_rows()[:4])  # the download stopped after the first customer
    capsys.readouterr()
    assert sync(config) == ExitCode.MASS_CHANGE
    out = capsys.readouterr().out
    assert ("acme: mass_change: pulled 6, 0 records removed; stopped before writing anything: this run would "
            "remove 8 of 12 stored invoices (67%). Limits: 20% of a collection's "
            "stored records, 25% of the open holds, flags or tasks (when more than 5), never all the records, holds "
            "or flags (of 2 or more).") in out
    assert "run again with --allow-mass-change (or raise the [guard] limits in the config)" in out
    # the two customers the cut export lost keep their flags, holds and tasks: nothing would be undone
    assert ("kept as written: 2 customers no longer in the data (0688-XNJRO, 0706-NRGUP): what is written about "
            "them (flags, holds, tasks) stays until they are back; run with --allow-mass-change if they left") in out
    assert "release_hold" not in out and "changes would have been written" not in out
    assert state(store, export.parent / "outbox") == before  # no snapshot, cursor, flag, hold, task or audit row
    assert sync(config) == 6  # the next run finds the same export and stops again


def test_mass_change__allow_mass_change_lets_the_truncated_export_through(book, capsys):
    export, config, store = book
    write_export(export, book_rows()[:4])
    capsys.readouterr()
    assert sync(config, "--allow-mass-change") == 0
    out = capsys.readouterr().out
    # removed: 8 invoices, 2 customers and the 2 payments of their settled invoices
    assert ("acme: ok as of 1 Jun 2013: pulled 6, scored 1, flags 0 created/0 updated/2 closed, "
            "holds 0 created/0 updated/2 closed, tasks 0 created/0 updated/2 closed, failed 0, "
            "12 records removed") in out
    assert counts(store) == (1, 1, 1)
    _, snapshot = store.snapshot.load("acme")
    assert len(snapshot["invoices"]) == 4 and list(snapshot["customers"]) == ["0465-DTULQ"]


def test_mass_change__an_export_whose_every_amount_is_rejected_releases_nothing(book, capsys):
    export, config, store = book
    _, snapshot_before = store.snapshot.load("acme")
    rows = book_rows()
    for row in rows:  # a changed number format: 32.86 -> "32,86" (quoted, the CSV stays whole)
        row["InvoiceAmount"] = f"{Decimal(row['InvoiceAmount']):.2f}".replace(".", ",")
    write_export(export, rows)
    capsys.readouterr()
    assert sync(config) == ExitCode.PARTIAL_FAILURE
    out = capsys.readouterr().out
    assert ("acme: rejected: export.csv: invoice 'row 2', field InvoiceAmount: column 'InvoiceAmount' (0514496777) "
            "'32,86' is not an amount") in out
    assert ("flags 0 created/0 updated/0 closed, holds 0 created/0 updated/0 closed, "
            "tasks 0 created/0 updated/0 closed, failed 0, 0 records removed, 12 records rejected") in out
    assert counts(store) == (3, 3, 3)
    assert store.snapshot.load("acme")[1] == snapshot_before  # every record as it was stored


def test_mass_change__an_export_cut_mid_row_keeps_what_it_cannot_read(book, capsys):
    export, config, store = book
    lines = export.read_text().splitlines()
    export.write_text("\n".join(lines[:6] + [lines[6][:12]]) + "\n")  # a last row cut inside its customer id
    capsys.readouterr()
    assert sync(config) == ExitCode.PARTIAL_FAILURE
    out = capsys.readouterr().out
    # with its line ending the file is whole: the short row is a bad row, which could be any invoice
    assert (f"acme: rejected: export.csv: invoice 'row 7': has 2 fields where the header has 12: "
            f"{lines[6][:12]!r} (a field is missing)") in out
    assert "0 records removed, 1 records rejected" in out  # the unreadable row could be any invoice
    assert counts(store) == (3, 3, 3)


def test_mass_change__one_customer_paying_goes_through(book, capsys):
    """Their call (which told of the hold) closes and the hold is released at once: they paid
    everything overdue (release_on_payment); the next runs write nothing more for them."""
    export, config, store = book
    rows = book_rows()
    for row in rows:
        if row["customerID"] == "0465-DTULQ" and not row["SettledDate"]:
            row["SettledDate"] = "5/30/2013"
    write_export(export, rows)
    capsys.readouterr()
    assert sync(config) == 0
    assert ("holds 0 created/0 updated/1 closed, tasks 0 created/0 updated/1 closed, failed 0, 0 records removed"
            in capsys.readouterr().out)
    assert sync(config, day="2013-06-07") == 0
    assert "holds 0 created/0 updated/0 closed, tasks 0 created/0 updated/0 closed" in capsys.readouterr().out
    assert counts(store) == (3, 2, 2)


def test_mass_change__a_voided_invoice_goes_through_and_is_counted(book, capsys):
    export, config, store = book
    rows = book_rows()
    write_export(export, rows[:3] + rows[4:])  # 0465-DTULQ's fourth (unpaid) invoice voided
    capsys.readouterr()
    assert sync(config) == 0
    assert "failed 0, 1 record removed" in capsys.readouterr().out
    assert len(store.snapshot.load("acme")[1]["invoices"]) == 11


def test_mass_change__the_config_sets_the_limits(book, capsys):
    """The truncated export with the limits raised: top-level keys, then the company's own over them."""
    export, config, store = book
    write_export(export, book_rows()[:4])
    config.write_text(config.read_text() + "[guard]\nmax_removed_share = 0.5\n")
    capsys.readouterr()
    assert sync(config) == 6
    out = capsys.readouterr().out
    assert "this run would remove 8 of 12 stored invoices (67%). Limits: 50% of a collection's stored records" in out
    config.write_text(config.read_text() + "[companies.acme.guard]\nmax_removed_share = 0.7\n")
    assert sync(config) == 0  # removing 67% is within this company's own limit
    assert counts(store) == (3, 3, 3)  # the customers the export lost keep what is written (keep_absent)
    assert sync(config, "--allow-mass-change") == 0  # they left: what was written about them is undone
    assert counts(store) == (1, 1, 1)


def test_mass_change__a_dry_run_shows_that_a_real_run_would_stop(book, capsys):
    export, config, store = book
    before = state(store, export.parent / "outbox")
    write_export(export, book_rows()[:4])
    capsys.readouterr()
    assert sync(config, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "acme: a real run would stop before writing anything: this run would remove 8 of 12 stored invoices" in out
    assert "12 records removed, a real run would stop: mass change" in out
    assert state(store, export.parent / "outbox") == before


def test_mass_change__a_read_only_source_is_guarded_on_its_pull(tmp_path):
    from test_sync_read_only import ReadOnlySource

    export = tmp_path / "export.csv"
    write_export(export, book_rows())
    config = load_config(write_config(tmp_path / "c.toml", {"acme": {"source": "file", "settings": file_settings(
        export)}}))
    store = open_store(tmp_path / "s.sqlite3")
    source = ReadOnlySource(make_adapter(config.company("acme"), config, store, load_secrets(None, {}),
                                         fixed_clock(dt.date.fromisoformat(DAY))))
    day = dt.date.fromisoformat(DAY)
    assert run_sync("acme", store, source, Policy(), day).status == "ok"
    cursor = store.snapshot.cursor("acme")
    write_export(export, book_rows()[:4])
    stopped = run_sync("acme", store, source, Policy(), day)
    assert stopped.status == "mass_change" and stopped.exit_code == 6 and stopped.read_only
    assert stopped.mass_change == ("remove 8 of 12 stored invoices (67%)",)
    assert store.snapshot.cursor("acme") == cursor and len(store.snapshot.load("acme")[1]["invoices"]) == 12
    allowed = run_sync("acme", store, source, Policy(), day, guard=None)
    assert allowed.status == "ok" and allowed.deleted == 12


def _written(holds=0, flags=0, tasks=0):
    return WrittenState(
        holds=tuple(Hold(customer_id=f"c{i}", rule="r", reason="x", since=dt.date(2024, 1, 1)) for i in range(holds)),
        flags=tuple(Flag(customer_id=f"c{i}", level="high", score=60, segment="good", reasons=(),
                         as_of=dt.date(2024, 1, 1)) for i in range(flags)),
        tasks=tuple(Task(customer_id="c0", step="reminder", cause=f"invoice:{i}", title="t",
                         due_date=dt.date(2024, 1, 1), rule="r") for i in range(tasks)))


def _undo(written, holds=0, flags=0, tasks=0):
    return ([Change(op=Op.RELEASE_HOLD, key=h.key, customer_id=h.customer_id, why="w") for h in written.holds[:holds]]
            + [Change(op=Op.CLEAR_FLAG, key=f.key, customer_id=f.customer_id, why="w") for f in written.flags[:flags]]
            + [Change(op=Op.CLOSE_TASK, key=t.key, customer_id=t.customer_id, why="w") for t in written.tasks[:tasks]])


@pytest.mark.parametrize("n, total, trips", [
    (1, 1, False),  # the only hold released: that customer paid
    (1, 3, False), (2, 3, False),  # a small book: up to min_count is never a share
    (3, 3, True), (2, 2, True),  # all of them, when there are at least 2
    (5, 15, False), (6, 15, True),  # one customer's five tasks of fifteen; six is more than min_count
    (25, 100, False), (26, 100, True),  # the 25% share
])
def test_guard__small_books_large_books_and_all_of_them(n, total, trips):
    written = _written(holds=total)
    found = Guard().plan_findings(written, _undo(written, holds=n))
    assert bool(found) is trips
    if trips:
        assert found == [f"release {n} of {total} open holds ({n / total:.0%})"]


def test_guard__tasks_count_only_for_customers_left_with_none_and_all_of_a_few_is_normal():
    def task(customer, cause):
        return Task(customer_id=customer, step="reminder", cause=cause, title="t", due_date=dt.date(2024, 1, 1),
                    rule="r")

    def close(t):
        return Change(op=Op.CLOSE_TASK, key=t.key, customer_id=t.customer_id, why="w")

    tasks = [task(f"c{i}", f"invoice:{j}") for i in range(5) for j in range(3)]  # 5 customers, 3 tasks each
    written = WrittenState(tasks=tuple(tasks))
    next_step = [Change(op=Op.OPEN_TASK, key=f"task:c{i}:phone_call", customer_id=f"c{i}", why="w") for i in range(5)]
    assert Guard().plan_findings(written, [close(t) for t in tasks] + next_step) == []  # the ladder moves on
    assert Guard().plan_findings(written, [close(t) for t in tasks[:6]]) == [
        "close 6 of 15 open tasks (40%)"]  # two customers left with none
    assert Guard().plan_findings(written, [close(t) for t in tasks[:5]]) == []  # c1 keeps a task: 3 count
    two = WrittenState(tasks=(task("a", "invoice:1"), task("b", "invoice:2")))
    assert Guard().plan_findings(two, [close(t) for t in two.tasks]) == []  # a small book's last two tasks


def test_guard__each_kind_and_collection_on_its_own_and_placements_never_count():
    written = _written(holds=10, flags=40, tasks=40)
    changes = _undo(written, holds=2, flags=11, tasks=10)
    assert Guard().plan_findings(written, changes) == ["clear 11 of 40 open flags (28%)"]
    placing = [Change(op=Op.PLACE_HOLD, key=f"hold:n{i}", customer_id=f"n{i}", why="w") for i in range(50)]
    assert Guard().plan_findings(written, placing) == []
    assert Guard().pull_findings({"invoices": 100, "payments": 30}, {"invoices": ["x"] * 20, "payments": ["y"] * 7}) \
        == ["remove 7 of 30 stored payments (23%)"]
    assert Guard(min_count=0, max_removed_share=0).pull_findings({"invoices": 100}, {"invoices": ["x"]}) \
        == ["remove 1 of 100 stored invoices (1%)"]


def test_guard__exit_code_and_status_agree():
    assert EXIT["mass_change"] == ExitCode.MASS_CHANGE == RunSummary(company="a", status="mass_change").exit_code
    assert issubclass(MassChange, Exception)


def test_guard__config_errors_name_the_key(tmp_path):
    from arwatch.core.contract import ConfigError

    path = tmp_path / "c.toml"
    path.write_text('[companies.a]\nsource = "demo"\n[companies.a.guard]\nmax_closed_share = 1.5\n')
    with pytest.raises(ConfigError, match=r"c\.toml: companies\.a\.guard\.max_closed_share: Input should be less"):
        load_config(path)


def test_a_customer_missing_from_the_export_keeps_its_flag_hold_and_task(book, capsys):
    """One customer left out of the export, within the guard's limits (a filtered or partial
    export): its data is missing, not cleared; nothing written about it is undone, the run says
    so, and ``arwatch plan`` shows the hold still in place. The others are planned as usual."""
    export, config, store = book
    config.write_text(config.read_text() + "[guard]\nmax_removed_share = 0.5\n")
    held = store.written.state("acme")
    write_export(export, [r for r in book_rows() if r["customerID"] != "0688-XNJRO"])
    capsys.readouterr()
    assert sync(config) == 0
    out = capsys.readouterr().out
    assert "6 records removed" in out and "kept as written: 1 customer no longer in the data (0688-XNJRO): " in out
    assert store.written.state("acme") == held
    assert not [e for e in store.audit.entries("acme") if e["op"] in ("release_hold", "clear_flag", "close_task")]
    assert main(["plan", "--config", str(config), "--source", "acme", "--as-of", DAY]) == 0
    assert "0688-XNJRO" in capsys.readouterr().out.split("On credit hold", 1)[-1]


def test_allow_mass_change_undoes_what_is_written_about_a_customer_that_left_saying_why(book, capsys):
    export, config, store = book
    config.write_text(config.read_text() + "[guard]\nmax_removed_share = 0.5\n")
    write_export(export, [r for r in book_rows() if r["customerID"] != "0688-XNJRO"])
    assert sync(config) == 0
    assert counts(store) == (3, 3, 3)
    assert sync(config, "--allow-mass-change") == 0  # the export is as before: the run plans all the same
    assert counts(store) == (2, 2, 2)
    undone = [e for e in store.audit.entries("acme") if e["op"] in ("release_hold", "clear_flag", "close_task")]
    assert {e["op"] for e in undone} == {"release_hold", "clear_flag", "close_task"}
    assert all("0688-XNJRO" in e["key"] and e["why"] == "no longer in the data" for e in undone)
