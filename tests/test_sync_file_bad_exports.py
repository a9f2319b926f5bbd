"""A file company synced once, then fed a bad export: cut short, rows with a field too many or
too few, a payment dated before its invoice. The real sync (the CLI, the real planner and
policy) must remove nothing it cannot read and undo no hold, flag or task on the strength of it.

The books: 10 customers invoiced monthly from January 2025 to April 2026 (152 invoices, amounts
like "1,395.00", dates d/m/yyyy); customers 1-7 pay (7 late), 8, 9 and 10 stopped paying in
autumn 2025. The first sync, on 30 April 2026, holds customers 8, 9 and 10 and opens a task each.
"""

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import select

from arwatch.cli import main
from arwatch.exit_codes import ExitCode
from arwatch.sync.store import open_store
from arwatch.sync.store.schema import metadata

FIRST, NEXT = "2026-04-30", "2026-05-01"
HEADER = ["Invoice No", "Customer", "Customer Name", "Invoice Date", "Due Date", "Amount", "Paid On"]
COLUMNS = {"invoice_number": "Invoice No", "customer_id": "Customer", "customer_name": "Customer Name",
           "invoice_date": "Invoice Date", "due_date": "Due Date", "amount": "Amount"}
PAYMENT_COLUMNS = {"payment_id": "Payment", "payment_date": "Date", "amount": "Amount",
                   "invoice_number": "Invoice", "customer_id": "Customer"}
HELD = ["C-008", "C-009", "C-010"]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def books() -> list[list[str]]:
    """The rows of the export (``HEADER``)."""
    rows, n = [], 0
    for c in range(1, 11):
        for m in range(16):
            issued = dt.date(2025 + m // 12, m % 12 + 1, min(10 + c, 28))
            if issued > dt.date(2026, 4, 20):
                continue
            due = issued + dt.timedelta(days=30)
            n += 1
            paid = {7: due + dt.timedelta(days=20),
                    8: due + dt.timedelta(days=1) if issued < dt.date(2025, 10, 1) else None,
                    9: due if issued < dt.date(2025, 12, 1) else None,
                    10: due + dt.timedelta(days=3) if issued < dt.date(2025, 11, 1) else None,
                    }.get(c, due - dt.timedelta(days=2))
            if paid is not None and paid > dt.date(2026, 4, 30):
                paid = None
            rows.append([f"INV-{n:04d}", f"C-{c:03d}", f"Customer {c}", _day(issued), _day(due),
                         f"{1000 + c * 37 + m * 11:,.2f}", _day(paid) if paid else ""])
    return rows


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


def write_config(folder, payments: bool) -> object:
    settings = {"invoices": "invoices.csv", "date_format": "d/m/yyyy", "number_format": "1,234.56",
                "currency": "EUR", "complete": True, "outbox": "outbox"}
    columns = dict(COLUMNS)
    if payments:
        settings["payments"] = "payments.csv"
    else:
        columns["settled_date"] = "Paid On"
    lines = [f"state_url = {json.dumps('sqlite:///' + str(folder / 'state.sqlite3'))}",
             "[companies.books]", 'source = "file"', "[companies.books.settings]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    lines += ["[companies.books.settings.columns]"] + [f"{k} = {json.dumps(v)}" for k, v in columns.items()]
    if payments:
        lines += ["[companies.books.settings.payment_columns]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in PAYMENT_COLUMNS.items()]
    path = folder / "arwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sync(config, day):
    return main(["sync", "--config", str(config), "--source", "books", "--as-of", day])


def written(store):
    """The flags, holds and tasks written, and what the audit log says was done."""
    state = store.written.state("books")
    with store.engine.connect() as conn:
        audit = [t for t in metadata.sorted_tables if t.name == "audit_log"][0]
        ops = sorted((row.op, row.key) for row in conn.execute(select(audit)))
    return state, ops


def everything(store, folder):
    """Everything a run could write, but its own run record."""
    with store.engine.connect() as conn:
        tables = {t.name: sorted(map(repr, conn.execute(select(t)).all()))
                  for t in metadata.sorted_tables if t.name != "runs"}
    return tables, sorted((p.name, p.read_bytes()) for p in (folder / "outbox").iterdir())


def first_sync(folder, payments: bool = False):
    """The export(s), the config and the store after the first sync: customers 8, 9 and 10 held."""
    rows = books()
    if payments:
        write_csv(folder / "invoices.csv", HEADER[:6], [r[:6] for r in rows])
        write_csv(folder / "payments.csv", list(PAYMENT_COLUMNS.values()),
                  [[f"P-{i:04d}", r[6], r[5], r[0], r[1]] for i, r in enumerate(rows) if r[6]])
    else:
        write_csv(folder / "invoices.csv", HEADER, rows)
    config = write_config(folder, payments)
    assert sync(config, FIRST) == ExitCode.OK
    store = open_store(folder / "state.sqlite3")
    state, ops = written(store)
    assert sorted(h.customer_id for h in state.holds) == HELD
    assert len(state.flags) == 10 and len(state.tasks) == 3 and ops
    return config, store


@pytest.fixture
def company(tmp_path):
    config, store = first_sync(tmp_path)
    return tmp_path / "invoices.csv", config, store


# ----------------------------------------------------------------- an export cut short


def test_cut_short__a_last_row_without_its_line_ending_stops_the_run_and_changes_nothing(company, capsys):
    export, config, store = company
    before = everything(store, export.parent)
    data = export.read_bytes()
    export.write_bytes(data[:-700])  # the download stopped 700 bytes early, inside a row of customer 10
    last = export.read_text().splitlines()[-1]
    assert last.count(",") < len(HEADER) - 1 and not data[:-700].endswith(b"\n")
    row = len(export.read_text().splitlines())
    capsys.readouterr()
    assert sync(config, NEXT) == ExitCode.CONFIG_ERROR
    out = capsys.readouterr().out
    assert (f"books: config_error: invoices.csv: row {row} has {last.count(',') + 1} of 7 fields and the file "
            f"does not end with a line ending: the export looks cut short; nothing was changed") in out
    # the 14 invoices after the cut are not removed, customer 10's hold is not released, its task not closed
    assert everything(store, export.parent) == before
    assert [r["status"] for r in store.runs.entries("books")] == ["ok", "failed"]


def test_cut_short__inside_a_quoted_amount_stops_the_run_and_changes_nothing(company, capsys):
    export, config, store = company
    before = everything(store, export.parent)
    data = export.read_bytes()
    cut = data.rindex(b',"', 0, len(data) - 700) + 4  # just inside the quotes of an amount: "1,
    export.write_bytes(data[:cut])
    assert export.read_bytes().endswith(b',"1,')
    row = len(export.read_text().splitlines())
    capsys.readouterr()
    assert sync(config, NEXT) == ExitCode.CONFIG_ERROR
    out = capsys.readouterr().out
    assert (f"invoices.csv: row {row} has a quoted cell that is not closed before the end of the file: the export "
            f"looks cut short; nothing was changed") in out
    assert everything(store, export.parent) == before


def test_cut_short__a_short_last_row_with_its_line_ending_is_a_bad_row_and_keeps_every_record(company, capsys):
    """A whole file (it ends with a line ending) whose last row lacks fields: that row is rejected,
    it may be any invoice, so no stored invoice is removed."""
    export, config, store = company
    _, snapshot = store.snapshot.load("books")
    lines = export.read_text().splitlines()
    export.write_text("\n".join(lines[:-1] + [lines[-1][:30]]) + "\n")
    capsys.readouterr()
    assert sync(config, NEXT) == ExitCode.PARTIAL_FAILURE
    out = capsys.readouterr().out
    assert (f"books: rejected: invoices.csv: invoice 'row {len(lines)}': has 4 fields where the header has 7: "
            f"{lines[-1][:30]!r} (a field is missing)") in out
    assert "0 records removed, 1 records rejected" in out
    state, ops = written(store)
    assert sorted(h.customer_id for h in state.holds) == HELD and len(state.tasks) == 3
    assert "release_hold" not in {op for op, _ in ops} and "close_task" not in {op for op, _ in ops}
    assert store.snapshot.load("books")[1] == snapshot


# ------------------------------------------------- rows with a field too many or too few


def test_bad_rows__an_unquoted_amount_and_an_extra_field_are_rejected_and_the_stored_records_kept(tmp_path, capsys):
    config, store = first_sync(tmp_path, payments=True)
    _, snapshot = store.snapshot.load("books")
    before = written(store)
    invoices, payments = tmp_path / "invoices.csv", tmp_path / "payments.csv"
    text = invoices.read_text()
    unquoted = 'INV-0122,C-008,Customer 8,18/10/2025,17/11/2025,"1,395.00"'
    assert unquoted in text
    text = text.replace(unquoted, unquoted.replace('"', ""))  # 7 fields: Amount "1", then "395.00"
    extra = 'INV-0140,C-009,Customer 9,19/12/2025,18/01/2026,"1,454.00"'
    assert extra in text
    text = text.replace(extra, extra + ",paid")
    invoices.write_text(text)
    lines = payments.read_text().splitlines()
    lines[5] += ",extra"  # a payment row with a field too many
    payments.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert sync(config, NEXT) == ExitCode.PARTIAL_FAILURE
    out = capsys.readouterr().out
    assert ("books: rejected: invoices.csv: invoice 'row 123': has 7 fields where the header has 6: "
            "'INV-0122,C-008,Customer 8,18/10/2025,17/11/2025,1,395.00' (a cell holding the delimiter ',' must be "
            "in quotes, e.g. an amount like \"1,395.00\")") in out
    assert ("books: rejected: invoices.csv: invoice 'row 141': has 7 fields where the header has 6: "
            "'INV-0140,C-009,Customer 9,19/12/2025,18/01/2026,\"1,454.00\",paid'") in out
    assert f"books: rejected: payments.csv: payment 'row 6': has 6 fields where the header has 5: {lines[5]!r}" in out
    assert "0 records removed, 3 records rejected" in out
    # INV-0122 is stored as it was (1,395.00 open, not 1.00), so is every other record; nothing undone
    assert store.snapshot.load("books")[1] == snapshot
    assert snapshot["invoices"]["INV-0122"]["total"] == "1395.00"
    assert written(store) == before


# ------------------------------------------------------- paid before it was issued


def test_paid_before_issued__the_row_is_rejected_and_the_invoice_stays_open(company, capsys):
    export, config, store = company
    _, snapshot = store.snapshot.load("books")
    before = written(store)
    text = export.read_text()
    row = 'INV-0122,C-008,Customer 8,18/10/2025,17/11/2025,"1,395.00",'
    assert row + "\n" in text.replace("\r\n", "\n")
    export.write_text(text.replace(row, row + "01/01/2020"))  # paid six years before it was issued
    capsys.readouterr()
    assert sync(config, NEXT) == ExitCode.PARTIAL_FAILURE
    out = capsys.readouterr().out
    assert ("books: rejected: invoices.csv: invoice 'row 123', field Paid On: column 'Paid On' (INV-0122) "
            "'01/01/2020' (2020-01-01) is before the invoice date 2025-10-18: an invoice cannot be settled "
            "before it was issued") in out
    assert "0 records removed, 1 records rejected" in out
    assert store.snapshot.load("books")[1] == snapshot  # unpaid, as stored: no settled payment
    assert "settled:INV-0122" not in snapshot["payments"]
    assert written(store) == before  # customer 8 still held, its task still open
