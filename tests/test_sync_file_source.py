"""The file source: column mapping, bad rows as issues naming file/row/column, XLSX, cursor."""

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from sync_helpers import IBM_COLUMNS, IBM_EXCERPT, file_settings

from arwatch.adapters.file import FileMapping, FileSource, MappingError
from arwatch.adapters.file.mapping import strptime_format
from arwatch.core.contract import SourceAdapter
from arwatch.core.load import load_ledger
from arwatch.sync.store import open_store

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLE = Path(__file__).parent.parent / "examples" / "ibm-ar.toml"


def _source(tmp_path, invoices, **more):
    store = open_store(tmp_path / "state.sqlite3")
    return FileSource("ibm", FileMapping.model_validate(file_settings(invoices, **more)), store.records_of("ibm"))


def test_file_source__implements_the_adapter_contract(tmp_path):
    assert isinstance(_source(tmp_path, IBM_EXCERPT), SourceAdapter)


def test_file_source__ibm_excerpt_becomes_customers_invoices_and_one_payment_per_settled_invoice(tmp_path):
    pull = _source(tmp_path, IBM_EXCERPT).pull(None, full=False)
    assert not pull.issues and pull.complete
    records = pull.records
    assert len(records["invoices"]) == 40 and len(records["customers"]) == 6
    assert len(records["payments"]) == 40  # every invoice of the sample is settled
    first = records["invoices"][0]  # 0465-DTULQ's first row: 8/2/2012, due 9/1/2012, 67.99, No
    ledger, issues = load_ledger(records, source="file")
    assert not issues
    inv = next(i for i in ledger.invoices if i.id == first["id"])
    assert inv.due_date - inv.issue_date == dt.timedelta(days=30) and inv.currency == "USD"
    pay = next(p for p in ledger.payments if p.allocations[0].invoice_id == inv.id)
    assert pay.amount == inv.total
    assert {c.terms_days for c in ledger.customers} == {30}  # learnt from due - issue


def test_file_source__bad_rows_are_issues_naming_file_row_and_column_and_the_rest_load(tmp_path):
    lines = IBM_EXCERPT.read_text().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[4], "31/31/2013")  # row 4: InvoiceDate
    cells = lines[7].split(",")
    cells[6] = "12,x"  # row 8: InvoiceAmount (the CSV has no quoting, so this shifts nothing else)
    lines[7] = ",".join(cells[:6] + ["abc"] + cells[7:])
    bad = tmp_path / "export.csv"
    bad.write_text("\n".join(lines) + "\n")
    pull = _source(tmp_path, bad).pull(None, full=False)
    found = {(i.source, i.record_id, i.field) for i in pull.issues}
    assert found == {("export.csv", "row 4", "InvoiceDate"), ("export.csv", "row 8", "InvoiceAmount")}
    assert "not a date in the format m/d/yyyy" in next(i.message for i in pull.issues if i.record_id == "row 4")
    assert len(pull.records["invoices"]) == 38


def test_file_source__due_before_issue_and_repeated_numbers_are_row_issues(tmp_path):
    header = "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate"
    path = tmp_path / "x.csv"
    path.write_text(header + "\n391,C1,,I1,1/10/2013,1/5/2013,10,No,\n391,C1,,I2,1/10/2013,2/9/2013,10,Yes,\n"
                    "391,C1,,I2,1/11/2013,2/10/2013,10,No,\n")
    pull = _source(tmp_path, path).pull(None, full=False)
    assert [(i.record_id, i.field) for i in pull.issues] == [("row 2", "DueDate"), ("row 4", "invoiceNumber")]
    (inv,) = pull.records["invoices"]
    assert inv["id"] == "I2" and inv["disputed"] is True and pull.records["payments"] == []


def test_file_source__missing_mapped_column_names_file_and_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("invoiceNumber,customerID\nI1,C1\n")
    with pytest.raises(MappingError, match=r"x\.csv: the file has no column 'InvoiceDate' \(mapped as invoice_date\), "
                                           r"nor 'DueDate' \(due_date\), .*; it has: invoiceNumber, customerID$"):
        _source(tmp_path, path).pull(None, full=False)


def test_file_source__unchanged_file_pulls_nothing_and_full_pulls_again(tmp_path):
    source = _source(tmp_path, IBM_EXCERPT)
    first = source.pull(None, full=False)
    assert source.pull(first.cursor, full=False).count() == 0
    assert source.pull(first.cursor, full=True).count() == first.count()


def test_file_source__rerun_on_untouched_files_does_not_read_them(tmp_path, monkeypatch):
    import os
    import shutil

    from arwatch.adapters.file import source as file_source

    path = tmp_path / "invoices.csv"
    shutil.copy(IBM_EXCERPT, path)
    source = _source(tmp_path, path)
    first = source.pull(None, full=False)
    hashed = []
    real_digest = file_source.digest
    monkeypatch.setattr(file_source, "digest", lambda paths: hashed.append(paths) or real_digest(paths))
    again = source.pull(first.cursor, full=False)
    assert again.count() == 0 and again.cursor == first.cursor and hashed == []  # size and mtime unchanged
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, same contents
    touched = source.pull(first.cursor, full=False)
    assert touched.count() == 0 and len(hashed) == 1 and touched.cursor != first.cursor
    assert touched.cursor.split("|")[0] == first.cursor.split("|")[0]  # the same content hash
    path.write_text(path.read_text().replace("2013", "2012", 1))  # changed: read again
    assert source.pull(touched.cursor, full=False).count() > 0


def test_file_source__xlsx_with_real_dates_and_a_payments_table(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "AR"
    sheet.append(["No", "Account", "Name", "Date", "Due", "Total"])
    sheet.append(["I1", "C1", "Acme", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31), 100.5])
    sheet.append(["I2", "C1", "Acme", "15.01.2024", "14.02.2024", "1.200,00"])
    sheet.append(["I3", "C2", "Bolt", "not a date", "14.02.2024", 5])
    book.save(tmp_path / "ar.xlsx")
    (tmp_path / "pay.csv").write_text("Receipt;Paid;Amount;Invoice;IBAN\nP1;02.02.2024;100,50;I1;DE89X\n"
                                      "P2;03.02.2024;200,00;I2;\nP2;03.02.2024;50,00;I2;\nP3;03.02.2024;5,00;I9;\n")
    mapping = FileMapping.model_validate({
        "invoices": str(tmp_path / "ar.xlsx"), "sheet": "AR", "payments": str(tmp_path / "pay.csv"),
        "delimiter": ";", "date_format": "dd.mm.yyyy", "decimal_separator": ",", "thousands_separator": ".",
        "columns": {"invoice_number": "No", "customer_id": "Account", "customer_name": "Name",
                    "invoice_date": "Date", "due_date": "Due", "amount": "Total"},
        "payment_columns": {"payment_id": "Receipt", "payment_date": "Paid", "amount": "Amount",
                            "invoice_number": "Invoice", "payer_account": "IBAN"}})
    pull = FileSource("x", mapping, open_store(tmp_path / "s.sqlite3").records_of("x")).pull(None, full=False)
    assert [(i.source, i.record_id, i.field) for i in pull.issues] == [
        ("ar.xlsx", "row 4", "Date"), ("pay.csv", "row 5", "Invoice")]
    assert [i["total"] for i in pull.records["invoices"]] == ["100.5", "1200.00"]
    assert [c["name"] for c in pull.records["customers"]] == ["Acme"]
    p1, p2 = pull.records["payments"]
    assert p1["payer_account"] == "DE89X" and p2["amount"] == "250.00" and len(p2["allocations"]) == 2
    ledger, issues = load_ledger(pull.records)
    assert not issues and len(ledger.payments) == 2


def test_strptime_format__friendly_patterns():
    assert strptime_format("m/d/yyyy") == "%m/%d/%Y"
    assert strptime_format("dd.mm.yy") == "%d.%m.%y"
    assert strptime_format("%Y%m%d") == "%Y%m%d"


def test_example_config__maps_the_ibm_sample(tmp_path):
    settings = tomllib.loads(EXAMPLE.read_text())["companies"]["ibm"]["settings"]
    assert settings["columns"] == {**IBM_COLUMNS, "delivery": "PaperlessBill"}
    shutil.copy(IBM_EXCERPT, tmp_path / "sample.csv")
    mapping = FileMapping.model_validate({**settings, "invoices": str(tmp_path / "sample.csv")})
    pull = FileSource("ibm", mapping, open_store(tmp_path / "s.sqlite3").records_of("ibm")).pull(None, full=False)
    assert not pull.issues and len(pull.records["invoices"]) == 40
    assert {i["delivery"] for i in pull.records["invoices"]} == {"Paper", "Electronic"}


ORDER_COLUMNS = {"order_number": "Order", "customer_id": "customerID", "order_date": "Ordered", "amount": "Total",
                 "customer_name": "Name", "status": "Status"}


def test_file_source__without_an_orders_file_orders_are_unavailable(tmp_path):
    source = _source(tmp_path, IBM_EXCERPT)
    assert "orders" in source.unavailable
    pull = source.pull(None, full=False)
    assert "orders" not in pull.records
    assert "orders" in load_ledger(pull.records, unavailable=source.unavailable)[0].unavailable


def test_file_source__an_orders_file_gives_sale_orders_and_names_bad_rows(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Order,customerID,Name,Ordered,Total,Status\n"
                      "S1,0465-DTULQ,,9/1/2012,120.50,Confirmed\n"
                      "S2,0465-DTULQ,,9/5/2012,80,Cancelled\n"
                      "S3,NEW-1,Newco,1/2/2013,1000,\n"
                      "S4,0465-DTULQ,,13/1/2012,5,\n"
                      "S5,0465-DTULQ,,9/1/2012,-5,\n"
                      "S1,0465-DTULQ,,9/2/2012,7,\n")
    source = _source(tmp_path, IBM_EXCERPT, orders=str(orders), order_columns=ORDER_COLUMNS)
    assert "orders" not in source.unavailable
    pull = source.pull(None, full=False)
    assert [(i.source, i.record_type, i.record_id, i.field) for i in pull.issues] == [
        ("orders.csv", "order", "row 5", "Ordered"), ("orders.csv", "order", "row 6", "Total"),
        ("orders.csv", "order", "row 7", "Order")]
    assert [(o["number"], o["order_date"], o["total"], o["state"], o["currency"]) for o in pull.records["orders"]] == [
        ("S1", "2012-09-01", "120.50", "confirmed", "USD"), ("S2", "2012-09-05", "80", "cancelled", "USD"),
        ("S3", "2013-01-02", "1000", "confirmed", "USD")]
    assert pull.records["customers"][-1] == {"id": "NEW-1", "name": "Newco", "currency": "USD", "terms_days": 30}
    ledger, issues = load_ledger(pull.records, unavailable=source.unavailable)
    assert not issues and len(ledger.orders) == 3 and "orders" not in ledger.unavailable
    changed = source.pull(pull.cursor, full=False)
    assert changed.count() == 0  # the cursor covers the orders file too
    orders.write_text(orders.read_text() + "S6,NEW-1,Newco,2/2/2013,10,\n")
    assert len(source.pull(pull.cursor, full=False).records["orders"]) == 4


def test_file_source__an_orders_row_with_a_field_too_many_is_an_issue_and_keeps_the_stored_orders(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Order,customerID,Name,Ordered,Total,Status\n"
                      "S1,0465-DTULQ,,9/1/2012,120.50,Confirmed\n"
                      "S2,0465-DTULQ,,9/5/2012,1,080.00,\n")
    pull = _source(tmp_path, IBM_EXCERPT, orders=str(orders), order_columns=ORDER_COLUMNS).pull(None, full=False)
    assert [(i.source, i.record_type, i.record_id, i.field, i.message) for i in pull.issues] == [
        ("orders.csv", "order", "row 3", "", "has 7 fields where the header has 6: '"
         "S2,0465-DTULQ,,9/5/2012,1,080.00,' (a cell holding the delimiter ',' must be in quotes, e.g. an amount "
         "like \"1,395.00\")")]
    assert [o["number"] for o in pull.records["orders"]] == ["S1"]
    assert {"orders", "customers"} <= pull.unidentified  # it could be any order: none stored is removed


def test_file_source__an_orders_file_needs_its_columns(tmp_path):
    with pytest.raises(ValueError, match="order_columns: an orders file needs its column mapping"):
        FileMapping.model_validate(file_settings(IBM_EXCERPT, orders="orders.csv"))


def _rewrite(path, row, column, value):
    """``path`` with one cell of spreadsheet row ``row`` (the header is row 1) replaced."""
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")


def test_file_source__rejected_rows_name_their_records_so_a_complete_export_keeps_them(tmp_path):
    export = tmp_path / "export.csv"
    shutil.copy(IBM_EXCERPT, export)
    _rewrite(export, 8, "InvoiceAmount", '"12,x"')  # quoted: one cell (unquoted, the row has a field too many)
    _rewrite(export, 9, "invoiceNumber", "")
    pull = _source(tmp_path, export).pull(None, full=False)
    row8, row9 = (line.split(",") for line in IBM_EXCERPT.read_text().splitlines()[7:9])
    number = row8[3]
    assert pull.rejected == {"invoices": {number}, "customers": {row8[1], row9[1]},
                             "payments": {f"settled:{number}"}}
    assert pull.unidentified == {"invoices", "payments"}  # row 9 has no invoice number


def test_file_source__a_row_rejected_for_its_amount_keeps_the_stored_invoice(tmp_path):
    from sync_helpers import TODAY, simple_planner

    from arwatch.core.policy import Policy
    from arwatch.sync.runner import run_sync

    export = tmp_path / "export.csv"
    shutil.copy(IBM_EXCERPT, export)
    source = _source(tmp_path, export)
    store = source.records.store
    assert run_sync("ibm", store, source, Policy(), TODAY, planner=simple_planner).status == "ok"
    _, before = store.snapshot.load("ibm")
    _rewrite(export, 8, "InvoiceAmount", "1'234.56")  # a changed number format (Swiss thousands)
    summary = run_sync("ibm", store, source, Policy(), TODAY, planner=simple_planner)
    assert summary.status == "partial" and summary.deleted == 0 and not summary.changes
    assert [(i.source, i.record_id, i.field) for i in summary.issues] == [("export.csv", "row 8", "InvoiceAmount")]
    assert "\"1'234.56\" is not an amount" in summary.issues[0].message
    _, after = store.snapshot.load("ibm")
    assert after == before  # the invoice, its settled payment and its customer as stored


def test_file_source__a_cursor_without_file_stats_still_skips_unchanged_files(tmp_path):
    source = _source(tmp_path, IBM_EXCERPT)
    first = source.pull(None, full=False)
    hash_only = first.cursor.split("|")[0]  # as cursors were stored before the stats
    assert hash_only.startswith("sha256:")
    again = source.pull(hash_only, full=False)
    assert again.count() == 0 and again.cursor == first.cursor
