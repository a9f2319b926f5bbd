"""The bulk path of the file source (columns read by pyarrow, checked column by column) gives
exactly what the row-at-a-time path gives: the same records (key order included), problems,
rejected ids, notes and scores, on the repository's files (tests/data, the messy exports), the
demo company written as an export, and files made of bad rows of every kind."""

import copy
import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netting_reference import reference_net
from sync_helpers import IBM_COLUMNS, IBM_EXCERPT

from arwatch.adapters.file import FileMapping, MappingError, source
from arwatch.adapters.file.bulk import bulk_invoices
from arwatch.adapters.file.columns import from_rows, read_columns
from arwatch.adapters.file.convert import Rejected
from arwatch.adapters.file.netting import Paid, net
from arwatch.adapters.file.reader import as_text, open_table
from arwatch.adapters.file.source import read_mapped
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.scoring import score
from arwatch.demo.company import build_demo_company

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA = Path(__file__).parent / "data"
MESSY = DATA / "messy"
EXPECTED = tomllib.loads((MESSY / "expected.toml").read_text(encoding="utf-8"))


def _both(mapping: FileMapping):
    """(bulk, row by row): each (records, issues, notes, rejected ids, unidentified) or the error."""
    out = []
    for bulk in (True, False):
        rejected = Rejected()
        try:
            records, issues, notes = read_mapped(mapping, "co", rejected, bulk=bulk)
        except MappingError as error:
            out.append(("error", str(error)))
            continue
        out.append((records, issues, notes, dict(rejected.ids), set(rejected.unidentified)))
    return out


def assert_same(mapping: FileMapping, as_of: dt.date | None = None) -> int:
    """Compare both paths field by field (and their scores on ``as_of``); how many problems."""
    bulk, rows = _both(mapping)
    if bulk[0] == "error" or rows[0] == "error":
        assert bulk == rows
        return 0
    records, issues, notes, ids, unidentified = bulk
    for collection in ("customers", "invoices", "payments"):
        assert len(records[collection]) == len(rows[0][collection]), collection
        for mine, theirs in zip(records[collection], rows[0][collection], strict=True):
            assert json.dumps(mine) == json.dumps(theirs)  # every field, and in the same order
    assert json.dumps(records, sort_keys=False) == json.dumps(rows[0], sort_keys=False)
    assert [(i.source, i.record_type, i.record_id, i.field, i.message) for i in issues] == \
        [(i.source, i.record_type, i.record_id, i.field, i.message) for i in rows[1]]
    assert (notes, ids, unidentified) == (rows[2], rows[3], rows[4])
    ledger, load_issues = load_ledger(records)
    ledger_rows, load_issues_rows = load_ledger(rows[0])
    assert [str(i) for i in load_issues] == [str(i) for i in load_issues_rows]
    if as_of is not None and ledger.customers:
        mine, theirs = (score(LedgerFrame.from_ledger(x, as_of)) for x in (ledger, ledger_rows))
        assert mine.score.tolist() == theirs.score.tolist()
        assert mine.level.tolist() == theirs.level.tolist()
        assert mine.segment.tolist() == theirs.segment.tolist()
    return len(issues)


def _messy_settings(case: dict) -> dict:
    defaults = EXPECTED["defaults"]["settings"]
    settings_ = {**defaults, **case.get("settings", {})}
    settings_["columns"] = {**defaults["columns"], **case.get("settings", {}).get("columns", {})}
    settings_["invoices"] = str(MESSY / case["file"])
    if "payments" in settings_:
        settings_["payments"] = str(MESSY / settings_["payments"])
    return settings_


@pytest.mark.parametrize("name", sorted(EXPECTED["cases"]))
def test_bulk__the_messy_exports_read_the_same(name):
    case = EXPECTED["cases"][name]
    assert_same(FileMapping.model_validate(_messy_settings(case)), EXPECTED["defaults"]["as_of"])


@pytest.mark.parametrize("excerpt", [IBM_EXCERPT, DATA / "ibm-ar-backtest-excerpt.csv"])
def test_bulk__the_ibm_excerpts_read_the_same(excerpt):
    mapping = FileMapping.model_validate({"invoices": str(excerpt), "date_format": "m/d/yyyy", "currency": "USD",
                                          "columns": dict(IBM_COLUMNS)})
    assert_same(mapping, dt.date(2013, 12, 31))


def _write_demo(folder: Path) -> tuple[Path, Path]:
    company = build_demo_company()
    names = {c["id"]: c["name"] for c in company.data["customers"]}
    invoices, payments = folder / "invoices.csv", folder / "payments.csv"
    with invoices.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Customer", "Customer Name", "Invoice", "Date", "Due", "Amount", "Currency", "Disputed"])
        for inv in company.data["invoices"]:
            sign = "-" if inv.get("kind") == "credit_note" else ""
            out.writerow([inv["customer_id"], names[inv["customer_id"]], inv["id"], inv["issue_date"],
                          inv["due_date"], sign + str(inv["total"]), inv.get("currency", ""),
                          "yes" if inv.get("disputed") else ""])
    with payments.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Receipt", "Paid On", "Invoice", "Amount", "Customer"])
        for pay in company.data["payments"]:
            for alloc in pay.get("allocations", []):
                out.writerow([pay["id"], pay["date"], alloc["invoice_id"], alloc["amount"], pay["customer_id"]])
    return invoices, payments


INVOICE_COLUMNS = {"customer_id": "Customer", "customer_name": "Customer Name", "invoice_number": "Invoice",
                   "invoice_date": "Date", "due_date": "Due", "amount": "Amount", "currency": "Currency",
                   "disputed": "Disputed"}
PAYMENT_COLUMNS = {"payment_id": "Receipt", "payment_date": "Paid On", "invoice_number": "Invoice",
                   "amount": "Amount", "customer_id": "Customer"}


def test_bulk__the_demo_company_as_an_export_reads_the_same(tmp_path):
    invoices, payments = _write_demo(tmp_path)
    mapping = FileMapping.model_validate({"invoices": str(invoices), "payments": str(payments),
                                          "columns": INVOICE_COLUMNS, "payment_columns": PAYMENT_COLUMNS})
    assert_same(mapping, build_demo_company().today)


BAD_INVOICES = """\
Customer,Customer Name,Invoice,Date,Due,Amount,Currency,Disputed,Paid,Settled
C1,Acme,I1,2026-01-05,2026-02-04,100.00,eur,No,,
C1,Acme Other Name,I2,2026-01-06,2026-02-05,"1,250.50",,yes,50,2026-02-01
,,,,,,,,,
C2,Beta,I3,2026-01-07,2026-01-01,10,,,,
C2,Beta,I4,not a date,2026-02-01,10,,,,
C2,Beta,I5,2026-01-07,2026-02-06,ten,,,,
C2,Beta,,2026-01-07,2026-02-06,10,,,,
,Nobody,I6,2026-01-07,2026-02-06,10,,,,
C3,Gamma,I1,2026-01-08,2026-02-07,20,,,,
C3,Gamma,I7,2026-01-08,2026-02-07,-20,,,,
C3,Gamma,I8,2026-01-08,2026-02-07,-0.00,,,,
C3,Gamma,I9,2026-01-08,2026-02-07,30,,,40,
C3,Gamma,I10,2026-01-08,2026-02-07,30,,,,31/02/2026
C4,Delta,I11,2026-01-09,,30,,,,
C4,Delta,I12,  2026-01-09 ,2026-02-10 00:00:00, 7.5 ,usd,X,7.5,2026-01-20
C4,Delta,I13,2026-01-09,2026-02-10,1e3,,,,
C4,Delta,I14,2026-01-09,2026-02-10,-5,,,-6,
C4,Delta,I15,2026-01-09,2026-02-10,١٢,,,,
Total for everything,,,,,,,,,
C5,Epsilon,I16,2026-01-10,2026-02-09,(12.00),,,,
"""

BAD_PAYMENTS = """\
Receipt,Paid On,Invoice,Amount,Customer
P1,2026-02-01,I1,60.00,C1
P1,2026-02-01,I2,10,
P2,2026-02-02,I404,5,C1
P3,2026-02-02,I1,-5,C1
P4,yesterday,I1,5,C1
,2026-02-02,I1,5,C1
P5,2026-02-03,I1,0,C1
P6,2026-02-03,,5,C1
P7,2026-02-03,I12,abc,C4
P8,2026-02-03,I12,1.5,
"""


def _bad_mapping(tmp_path: Path, invoices: str, payments: str | None, **more) -> FileMapping:
    (tmp_path / "inv.csv").write_text(invoices, encoding="utf-8")
    settings_ = {"invoices": str(tmp_path / "inv.csv"), "columns": {**INVOICE_COLUMNS}, "currency": "EUR",
                 "date_format": "yyyy-mm-dd", **more}
    if payments is None:
        settings_["columns"].update(paid_amount="Paid", settled_date="Settled")
    else:
        (tmp_path / "pay.csv").write_text(payments, encoding="utf-8")
        settings_.update(payments=str(tmp_path / "pay.csv"), payment_columns=PAYMENT_COLUMNS)
    return FileMapping.model_validate(settings_)


def test_bulk__bad_rows_of_every_kind_give_the_same_problems_with_a_payments_file(tmp_path):
    assert assert_same(_bad_mapping(tmp_path, BAD_INVOICES, BAD_PAYMENTS), dt.date(2026, 3, 1)) >= 15


def test_bulk__bad_rows_of_every_kind_give_the_same_problems_with_paid_and_settled_columns(tmp_path):
    assert assert_same(_bad_mapping(tmp_path, BAD_INVOICES, None), dt.date(2026, 3, 1)) >= 10


@pytest.mark.parametrize("payments", [BAD_PAYMENTS, None])
def test_bulk_invoices__the_invoices_kept_by_id_are_the_records_by_id(tmp_path, payments):
    mapping = _bad_mapping(tmp_path, BAD_INVOICES, payments)
    columns = mapping.columns.mapped()
    table = open_table(mapping.invoices, mapping.encoding, mapping.delimiter, mapping.sheet)
    cols = read_columns(table, columns)
    by_id: dict = {}
    records, issues, paid = bulk_invoices(cols, mapping, table.name, payments is None, Rejected(), None, by_id)
    assert list(by_id.items()) == [(inv["id"], inv) for inv in records["invoices"]]
    assert all(by_id[inv["id"]] is inv for inv in records["invoices"])
    assert (records, issues, paid) == bulk_invoices(cols, mapping, table.name, payments is None, Rejected())
    assert len(records["invoices"]) >= 3 and issues


@pytest.mark.parametrize("bulk", [True, False])
def test_read_mapped__the_payments_netted_are_grouped_by_id_as_net_is_told(tmp_path, monkeypatch, bulk):
    netted = []
    monkeypatch.setattr(source, "net", lambda invoices, payments, *a, **k: netted.append((payments, k)) or payments)
    read_mapped(_bad_mapping(tmp_path, BAD_INVOICES + BAD_INVOICES.split("\n", 1)[1], BAD_PAYMENTS), "co", bulk=bulk)
    (payments, told), = netted
    assert told["unique"] is True
    assert sorted(pay["id"] for pay in payments) == ["P1", "P8"]  # P1's two rows are one payment


_ODD_IDS = st.sampled_from(["I1", "I2", "I3", "I4", " I5 ", "", "Total"])
_ODD_DAYS = st.sampled_from(["2026-01-05", "2026-01-06", "2026-02-04", "2025-12-31", "", "not a date", "2026-02-30",
                             " 2026-01-07 ", "2026-01-05 00:00:00"])
_ODD_AMOUNTS = st.sampled_from(["100.00", "-20", "-0.00", "0", "1,250.50", "1e3", "abc", "", " 7.5 ", "(12.00)",
                                "99999999999999999999.999999", "123456789012345678901234567.5", "0.0000001", "+5",
                                "-0.000001", "007"])


@st.composite
def _odd_invoices(draw):
    """An invoices export (Invoice, Customer, Date, Due, Amount, Settled, Delivery) of odd rows:
    blank cells, signs, bad and impossible dates, repeated invoices, huge and tiny numbers."""
    rows = []
    for _ in range(draw(st.integers(1, 14))):
        rows.append([draw(_ODD_IDS), draw(st.sampled_from(["C1", "C2", "", " C3"])), draw(_ODD_DAYS),
                     draw(_ODD_DAYS), draw(_ODD_AMOUNTS),
                     draw(st.sampled_from(["", "", "2026-01-20", "2025-01-01", "x"])),
                     draw(st.sampled_from(["", "", "ship"])), draw(st.sampled_from(["", "usd", "EUR"]))])
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_odd_invoices(), payments=st.booleans())
def test_bulk__plain_invoice_rows_taken_at_once_read_as_row_by_row_on_odd_cells(tmp_path, rows, payments):
    lines = ["Invoice,Customer,Date,Due,Amount,Settled,Delivery,Currency"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in rows]
    (tmp_path / "odd.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = {"invoice_number": "Invoice", "customer_id": "Customer", "invoice_date": "Date", "due_date": "Due",
               "amount": "Amount", "delivery": "Delivery", "currency": "Currency"}
    settings_ = {"invoices": str(tmp_path / "odd.csv"), "currency": "EUR", "date_format": "yyyy-mm-dd",
                 "columns": columns}
    if payments:
        (tmp_path / "pay.csv").write_text(BAD_PAYMENTS, encoding="utf-8")
        settings_.update(payments=str(tmp_path / "pay.csv"), payment_columns=PAYMENT_COLUMNS)
    else:
        columns["settled_date"] = "Settled"
    assert_same(FileMapping.model_validate(settings_))


def test_bulk__open_amounts_and_guessed_formats_read_the_same(tmp_path):
    text = BAD_INVOICES.replace(",Paid,", ",Open,")
    mapping = _bad_mapping(tmp_path, text, None, date_format="auto", number_format="auto")
    columns = {**mapping.columns.model_dump(), "paid_amount": None, "open_amount": "Open"}
    assert_same(mapping.model_copy(update={"columns": type(mapping.columns).model_validate(columns)}))


def test_bulk__a_german_export_with_short_rows_and_a_title_reads_the_same(tmp_path):
    text = ("Offene Posten;;\n" + BAD_INVOICES.replace(",", ";").replace("1;250.50", "1.250,50")
            .replace("7.5", "7,5") + "C9;Short\n")
    assert_same(_bad_mapping(tmp_path, text, None, number_format="1.234,56", encoding="auto", delimiter="auto"))


def test_bulk__a_spreadsheet_reads_the_same(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in csv.reader(BAD_INVOICES.splitlines()):
        sheet.append(line)
    sheet.append(["C6", "Zeta", "I20", dt.datetime(2026, 1, 3), dt.date(2026, 2, 2), 120.5, "", True, 20, None])
    sheet.append(["C6", "Zeta", "I21", dt.datetime(2026, 1, 3), dt.date(2026, 2, 2), True, "", "", "", None])
    sheet.append(["C6", "Zeta", 22, dt.datetime(2026, 1, 3), dt.date(2026, 2, 2), 3, "", "", float("nan"), None])
    book.save(tmp_path / "inv.xlsx")
    mapping = _bad_mapping(tmp_path, BAD_INVOICES, None)
    assert assert_same(mapping.model_copy(update={"invoices": tmp_path / "inv.xlsx"}), dt.date(2026, 3, 1)) >= 10


# rows with a field too many (an amount with a thousands separator and no quotes, a trailing
# cell) or too few, a heading and a footer of other widths, a blank row with more fields, a quoted
# cell over two lines, and settled dates before (I34) and on (I35) the invoice date
MISFIT_INVOICES = BAD_INVOICES + """\
C6,Zeta,I30,2026-01-10,2026-02-09,1,395.00,,,,
C6,Zeta,I31,2026-01-10,2026-02-09,10,,,,,extra
C6,Zeta,I32,2026-01-10,2026-02-09
,,,,,,,,,,,,
,Section heading
C6,"Zeta
Two",I33,2026-01-10,2026-02-09,10,,,,,
C6,Zeta,I34,2026-01-10,2026-02-09,10,,,,2026-01-09
C6,Zeta,I35,2026-01-10,2026-02-09,10,,,,2026-01-10
Printed 2026-03-01
"""
MISFIT_PAYMENTS = BAD_PAYMENTS + "P9,2026-02-03,I1,5,C1,extra\nP10,2026-02-03\n"


def _misfits(issues):
    return [(i.source, i.record_type, i.record_id, i.message) for i in issues if not i.field]


@pytest.mark.parametrize("payments", [MISFIT_PAYMENTS, None])
def test_bulk__rows_with_a_field_too_many_or_too_few_give_the_same_problems(tmp_path, payments):
    mapping = _bad_mapping(tmp_path, MISFIT_INVOICES, payments)
    assert assert_same(mapping, dt.date(2026, 3, 1)) >= 15
    rejected = Rejected()
    records, issues, _ = read_mapped(mapping, "co", rejected)
    fix = "(a cell holding the delimiter ',' must be in quotes, e.g. an amount like \"1,395.00\")"
    expected = [
        ("inv.csv", "invoice", "row 22", f"has 11 fields where the header has 10: "
                                         f"'C6,Zeta,I30,2026-01-10,2026-02-09,1,395.00,,,,' {fix}"),
        ("inv.csv", "invoice", "row 23", f"has 11 fields where the header has 10: "
                                         f"'C6,Zeta,I31,2026-01-10,2026-02-09,10,,,,,extra' {fix}"),
        ("inv.csv", "invoice", "row 24", "has 5 fields where the header has 10: "
                                         "'C6,Zeta,I32,2026-01-10,2026-02-09' (a field is missing)"),
        ("inv.csv", "invoice", "row 27", f"has 11 fields where the header has 10: "
                                         f"'C6,\"Zeta\\nTwo\",I33,2026-01-10,2026-02-09,10,,,,,' {fix}"),
        ("inv.csv", "invoice", "row 30", "has 1 fields where the header has 10: 'Printed 2026-03-01' "
                                         "(a field is missing)"),
    ]
    if payments is not None:
        expected += [("pay.csv", "payment", "row 12", f"has 6 fields where the header has 5: "
                                                      f"'P9,2026-02-03,I1,5,C1,extra' {fix}"),
                     ("pay.csv", "payment", "row 13", "has 2 fields where the header has 5: 'P10,2026-02-03' "
                                                      "(a field is missing)")]
    assert _misfits(issues) == expected  # the blank row and the heading (no invoice, no customer) are skipped
    kept = {inv["id"] for inv in records["invoices"]}
    assert not kept & {"I30", "I31", "I32", "I33"} and "I35" in kept
    assert {"invoices", "customers"} <= rejected.unidentified  # a misfit row may be any invoice and customer
    if payments is None:  # the settled dates are read
        assert "I34" not in kept
        (early,) = [i for i in issues if i.record_id == "row 28"]  # row 27 is on two lines: one row
        assert (early.field, early.message) == ("Settled", "column 'Settled' (I34) '2026-01-09' (2026-01-09) is "
                                                "before the invoice date 2026-01-10: an invoice cannot be settled "
                                                "before it was issued")
        assert "payments" in rejected.unidentified
    else:
        assert {"payments"} <= rejected.unidentified and "P9" not in {p["id"] for p in records["payments"]}


def test_bulk__misfit_rows_are_left_out_of_the_guessed_formats(tmp_path):
    text = MISFIT_INVOICES.replace("2026-01-10,2026-02-09,1,395.00", "2026-01-10,1,395.00,2026-02-09")
    mapping = _bad_mapping(tmp_path, text, None, date_format="auto", number_format="auto")
    assert assert_same(mapping) >= 10
    _, issues, notes = read_mapped(mapping, "co")
    assert "row 22" in {i.record_id for i in issues}
    (tmp_path / "whole").mkdir()
    whole = _bad_mapping(tmp_path / "whole", BAD_INVOICES, None, date_format="auto", number_format="auto")
    assert notes == read_mapped(whole, "co")[2]  # the same formats guessed, from the same cells


@pytest.mark.parametrize("cut, problem", [
    ("C6,Zeta,I40,2026-01-1", "row 22 has 4 of 10 fields and the file does not end with a line ending"),
    ('C6,Zeta,I40,2026-01-10,2026-02-09,"1,2', "row 22 has a quoted cell that is not closed before the end of "
                                               "the file"),
    ('C6,Zeta,I40,2026-01-10,2026-02-09,"1,2\n', "row 22 has a quoted cell that is not closed before the end of "
                                                 "the file"),
    # every field there, the last one open: pyarrow reads it without a word
    ('C6,Zeta,I40,2026-01-10,2026-02-09,1,,,,"2026-0', "row 22 has a quoted cell that is not closed before the end "
                                                      "of the file"),
    ('C6,Zeta,I40,2026-01-10,2026-02-09,1,,,,"20""26\r\n', "row 22 has a quoted cell that is not closed before "
                                                           "the end of the file"),
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_bulk__an_export_cut_short_fails_the_same_naming_file_and_row(tmp_path, cut, problem, encoding):
    mapping = _bad_mapping(tmp_path, BAD_INVOICES, None, encoding="auto")
    mapping.invoices.write_bytes((BAD_INVOICES.replace("\u0661\u0662", "12") + cut).encode(encoding))
    error = ("error", f"inv.csv: {problem}: the export looks cut short; nothing was changed")
    assert _both(mapping) == [error, error]
    payments = _bad_mapping(tmp_path, BAD_INVOICES, BAD_PAYMENTS + cut.replace("C6,Zeta,I40", "P9"))
    expected = ("error", f"pay.csv: {problem.replace('row 22', 'row 12').replace('4 of 10', '2 of 5')}: the export "
                         f"looks cut short; nothing was changed")
    if cut.count(",") < 9:  # the payments file has 5 fields: the longer cuts are rows with more
        assert _both(payments) == [expected, expected]


def test_bulk__a_whole_file_without_a_last_line_ending_is_read_by_pyarrow(tmp_path):
    mapping = _bad_mapping(tmp_path, BAD_INVOICES.rstrip("\n") + '"2026-""02-01"', None)  # its last cell quoted
    table = open_table(mapping.invoices, "utf-8", ",")
    columns = mapping.columns.mapped()
    found, expected = read_columns(table, columns), from_rows(table.rows(columns), columns)
    assert found.arrays and (found.numbers, found.cells) == (expected.numbers, expected.cells)
    assert_same(mapping, dt.date(2026, 3, 1))


def test_bulk__a_file_not_in_its_encoding_fails_the_same(tmp_path):
    mapping = _bad_mapping(tmp_path, BAD_INVOICES, None, encoding="utf-8")
    good = "".join(f"C7,Eta,J{i},2026-01-05,2026-02-04,1.00,,,,\n" for i in range(3000))
    mapping.invoices.write_bytes((BAD_INVOICES.replace("\u0661\u0662", "12") + good + "C7,Acm\u00e9,J,,,,,,,\n")
                                 .encode("cp1252"))
    bulk, rows = _both(mapping)
    assert bulk == rows
    assert bulk[0] == "error" and "is not utf-8" in bulk[1]


# -------------------------------------------------------------- the reader, cell by cell

_CELLS = st.text(alphabet='ab1 ,;"\n\r\t\x00é', max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_CELLS, delimiter=st.sampled_from([",", ";"]))
def test_read_columns__pyarrow_reads_the_cells_and_row_numbers_the_row_reader_reads(tmp_path, body, delimiter):
    path = tmp_path / "x.csv"
    path.write_text(f"A{delimiter}B{delimiter}C\n" + body, encoding="utf-8", newline="")
    table = open_table(path, "utf-8", delimiter)
    columns = {"a": "A", "c": "C"}
    try:
        expected = from_rows(table.rows(columns), columns)
    except MappingError as error:
        with pytest.raises(MappingError) as raised:
            read_columns(table, columns)
        assert str(raised.value) == str(error)
        return
    found = read_columns(table, columns)
    assert (found.numbers, found.cells, found.misfits) == (expected.numbers, expected.cells, expected.misfits)


def _big_export(tmp_path: Path, n: int = 3000) -> FileMapping:
    """Invoices and payments files of ``n`` rows (past the size from which a column that repeats
    its cells is read as its distinct cells), with cells that have spaces around them (Python's
    and Unicode's: tab, no-break, em space, information separator) and the bad rows above."""
    spaces = ["", " ", "\t", "\u00a0", "\u2003", "\x1c", "\u3000"]
    invoice_lines, payment_lines = [BAD_INVOICES.splitlines()[0]], [BAD_PAYMENTS.splitlines()[0]]
    for i in range(n):
        pad = spaces[i % len(spaces)] if i % 11 == 0 else ""
        day = f"2026-01-{1 + i % 28:02d}"
        invoice_lines.append(f"C{i % 50},{pad}Name {i % 50}{pad},J{i},{pad}{day},2026-03-{1 + i % 28:02d},"
                             f"{pad}{(i % 700) - 20}.{i % 100:02d}{pad},{'eur' if i % 3 else pad + 'EUR'},"
                             f"{'yes' if i % 13 == 0 else ''},,")
        if i % 3:
            payment_lines.append(f"Q{i // 2},{day}{pad},J{i},{pad}{1 + i % 90}.5,C{i % 50}")
    invoices = "\n".join(invoice_lines + BAD_INVOICES.splitlines()[1:]) + "\n"
    payments = "\n".join(payment_lines + BAD_PAYMENTS.splitlines()[1:]) + "\n"
    return _bad_mapping(tmp_path, invoices, payments)


def test_bulk__a_big_export_with_repeated_and_padded_cells_reads_the_same(tmp_path):
    assert assert_same(_big_export(tmp_path), dt.date(2026, 3, 1)) >= 15


def test_read_columns__a_big_file_reads_the_cells_of_the_row_reader_sharing_repeated_ones(tmp_path):
    mapping = _big_export(tmp_path)
    for path, columns in ((mapping.invoices, mapping.columns.mapped()),
                          (mapping.payments, mapping.payment_columns.mapped())):
        table = open_table(path, "utf-8", ",")
        found, expected = read_columns(table, columns), from_rows(table.rows(columns), columns)
        assert found.arrays  # read by pyarrow, not by the row reader
        assert (found.numbers, found.cells) == (expected.numbers, expected.cells)
        for field in columns:
            assert found.texts(field) == expected.texts(field) == [as_text(v) for v in expected.cells[field]]
        days = found.cells["invoice_date" if "invoice_date" in columns else "payment_date"]
        assert len({id(cell) for cell in days}) == len(set(days)) < len(days) / 10  # one str per distinct day


_PYTHON_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in "\r\n"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_read_columns__a_cell_with_any_of_pythons_spaces_around_it_is_stripped_as_the_row_reader_strips_it(
        tmp_path, where):
    for space in [*_PYTHON_SPACES, "\u200b", "\ufeff"]:  # and two that str.strip leaves
        cell = space + "x" if where == "before" else "x" + space
        path = tmp_path / "x.csv"
        path.write_text(f"A,B\nplain,1\n{cell},2\n", encoding="utf-8", newline="")
        table = open_table(path, "utf-8", ",")
        found, expected = read_columns(table, {"a": "A"}), from_rows(table.rows({"a": "A"}), {"a": "A"})
        assert found.arrays, repr(space)
        assert found.texts("a") == expected.texts("a") == ["plain", cell.strip()], repr(space)


# -------------------------------------------------------------- netting: replaying only the books that need it

_DAYS = [f"2026-01-{d:02d}" for d in range(1, 8)]


def _draw_paid(draw, invoices, days, max_size):
    """What up to ``max_size`` invoice rows say was paid (an amount or all that is open), on one of ``days``."""
    paid = {}
    for invoice_id in draw(st.lists(st.sampled_from([inv["id"] for inv in invoices]), max_size=max_size, unique=True)):
        amount = draw(st.one_of(st.none(), st.integers(1, 40).map(Decimal)))
        paid[invoice_id] = Paid(amount, dt.date.fromisoformat(draw(st.sampled_from(days))))
    return paid


@st.composite
def _ledgers(draw):
    """Invoices and credit notes of 3 customers in 2 currencies, payments naming them with
    amounts that may ask more than is open (or nothing), and settled invoices."""
    invoices = []
    for i in range(draw(st.integers(1, 12))):
        issue = draw(st.sampled_from(_DAYS))
        invoices.append({"id": f"I{i}", "number": f"N{draw(st.integers(0, 3))}",
                         "customer_id": draw(st.sampled_from("ABC")),
                         "kind": draw(st.sampled_from(["invoice"] * 4 + ["credit_note"])), "issue_date": issue,
                         "due_date": draw(st.sampled_from([d for d in _DAYS if d >= issue])),
                         "total": str(draw(st.integers(0, 50))) + draw(st.sampled_from(["", ".5", ".00"])),
                         "currency": draw(st.sampled_from(["EUR", "EUR", "USD"]))})
    names = [inv["id"] for inv in invoices if inv["kind"] == "invoice"]
    payments = []
    for p in range(draw(st.integers(0, 8)) if names else 0):
        rows = [{"invoice_id": draw(st.sampled_from(names)), "amount": str(draw(st.integers(-1, 30)))}
                for _ in range(draw(st.integers(1, 3)))]
        payments.append({"id": f"P{draw(st.integers(0, 9)) if draw(st.booleans()) else p}", "customer_id": "A",
                         "date": draw(st.sampled_from(_DAYS)), "amount": "0", "currency": "EUR", "allocations": rows})
    return invoices, payments, _draw_paid(draw, invoices, _DAYS, max_size=3)


@settings(max_examples=400, deadline=None)
@given(ledger=_ledgers())
def test_net__replaying_only_the_books_that_need_it_allocates_as_replaying_all(ledger):
    results = []
    for replay_all in (False, True):
        invoices, payments, paid = copy.deepcopy(ledger)
        results.append(json.dumps([net(invoices, payments, paid, replay_all=replay_all), invoices]))
    assert results[0] == results[1]


@settings(max_examples=400, deadline=None)
@given(ledger=_ledgers())
def test_net__allocates_as_the_netting_before_issue_23_did(ledger):
    results = []
    for netting in (net, reference_net):
        invoices, payments, paid = copy.deepcopy(ledger)
        results.append(json.dumps([netting(invoices, payments, paid), invoices]))
    assert results[0] == results[1]


@settings(max_examples=300, deadline=None)
@given(ledger=_ledgers())
def test_net__told_that_no_two_payments_share_an_id_allocates_as_finding_it_out(ledger):
    invoices, payments, paid = ledger
    payments = list({pay["id"]: pay for pay in reversed(payments)}.values())[::-1]  # the first of each id
    results = []
    for unique in (None, True):
        mine = copy.deepcopy((invoices, payments, paid))
        results.append(json.dumps([net(*mine, unique=unique), mine[0]]))
    assert results[0] == results[1]


def test_net__the_demo_company_allocates_as_the_netting_before_issue_23_did():
    data = build_demo_company().data
    invoices = [{**inv, "kind": inv.get("kind", "invoice"), "currency": inv.get("currency", "EUR"),
                 "number": inv.get("number", inv["id"]), "total": str(inv["total"])} for inv in data["invoices"]]
    payments = [{**pay, "allocations": [{"invoice_id": a["invoice_id"], "amount": str(a["amount"])}
                                        for a in pay.get("allocations", [])]} for pay in data["payments"]]
    mine, theirs = copy.deepcopy(invoices), copy.deepcopy(invoices)
    assert json.dumps(net(mine, copy.deepcopy(payments), {})) == \
        json.dumps(reference_net(theirs, copy.deepcopy(payments), {}))
    assert json.dumps(mine) == json.dumps(theirs)


def test_net__the_demo_company_allocates_as_replaying_all():
    data = build_demo_company().data
    invoices = [{**inv, "kind": inv.get("kind", "invoice"), "currency": inv.get("currency", "EUR"),
                 "number": inv.get("number", inv["id"]), "total": str(inv["total"])} for inv in data["invoices"]]
    payments = [{**pay, "allocations": [{"invoice_id": a["invoice_id"], "amount": str(a["amount"])}
                                        for a in pay.get("allocations", [])]} for pay in data["payments"]]
    fast = net(copy.deepcopy(invoices), copy.deepcopy(payments), {})
    assert json.dumps(fast) == json.dumps(net(copy.deepcopy(invoices), copy.deepcopy(payments), {}, replay_all=True))
    assert sum(len(p["allocations"]) for p in fast) > 1000


# -------------------------------------------------------------- netting: books replayed one at a time

@st.composite
def _many_books(draw):
    """Invoices of up to 5 customers in 3 currencies on 3 days (many events share a day), ids not
    in file order, customers with only credit notes, payments whose rows name invoices of several
    books and ask more than is open (spilling to the customer's other invoices), one payment id
    now and then on several rows of the file, and settled invoices of several books on one day."""
    days = _DAYS[:3]
    invoices = []
    for i in draw(st.permutations(range(draw(st.integers(1, 16))))):
        issue = draw(st.sampled_from(days))
        customer = draw(st.sampled_from("ABCDE"))
        only_notes = customer == "E"
        invoices.append({"id": f"I{i}", "number": f"N{draw(st.integers(0, 2))}", "customer_id": customer,
                         "kind": "credit_note" if only_notes or draw(st.integers(0, 5)) == 0 else "invoice",
                         "issue_date": issue, "due_date": draw(st.sampled_from([d for d in days if d >= issue])),
                         "total": str(draw(st.integers(1, 40))) + draw(st.sampled_from(["", ".5", ".10"])),
                         "currency": draw(st.sampled_from(["EUR", "USD", "CHF"]))})
    names = [inv["id"] for inv in invoices if inv["kind"] == "invoice"]
    payments = []
    for p in range(draw(st.integers(0, 10)) if names else 0):
        rows = [{"invoice_id": draw(st.sampled_from(names)),
                 "amount": str(draw(st.integers(1, 45))) + draw(st.sampled_from(["", ".0", ".25"]))}
                for _ in range(draw(st.integers(1, 3)))]
        pid = f"P{p}" if draw(st.integers(0, 5)) else "P0"
        payments.append({"id": pid, "customer_id": "A", "date": draw(st.sampled_from(days)), "amount": "0",
                         "currency": "EUR", "allocations": rows})
    return invoices, payments, _draw_paid(draw, invoices, days, max_size=5)


@settings(max_examples=400, deadline=None)
@given(ledger=_many_books())
def test_net__many_books_sharing_days_allocate_as_the_netting_before_issue_23_did_and_as_replaying_all(ledger):
    results = []
    for netting in (net, reference_net, lambda *args: net(*args, replay_all=True)):
        invoices, payments, paid = copy.deepcopy(ledger)
        results.append(json.dumps([netting(invoices, payments, paid), invoices]))
    assert results[0] == results[1] == results[2]


def _invoice(invoice_id: str, customer: str, total: str, issue: str = "2026-01-01", due: str = "2026-01-31",
             kind: str = "invoice", currency: str = "EUR") -> dict:
    return {"id": invoice_id, "number": invoice_id, "customer_id": customer, "kind": kind, "issue_date": issue,
            "due_date": due, "total": total, "currency": currency}


def _pay(pid: str, day: str, *rows: tuple[str, str]) -> dict:
    return {"id": pid, "customer_id": "A", "date": day, "amount": "0", "currency": "EUR",
            "allocations": [{"invoice_id": invoice_id, "amount": amount} for invoice_id, amount in rows]}


def _both_nettings(invoices, payments, paid):
    """net's (payments, invoices), after checking them against the netting before issue 23."""
    mine, theirs = copy.deepcopy((invoices, payments, paid)), copy.deepcopy((invoices, payments, paid))
    out = net(*mine)
    assert json.dumps([out, mine[0]]) == json.dumps([reference_net(*theirs), theirs[0]])
    return out, mine[0]


def test_net__a_customer_with_only_credit_notes_keeps_them_unapplied_and_other_customers_pay_as_given():
    invoices = [_invoice("C1", "X", "30.00", kind="credit_note"), _invoice("C2", "X", "5", kind="credit_note"),
                _invoice("I1", "Y", "100.00")]
    payments, notes = _both_nettings(invoices, [_pay("P1", "2026-01-05", ("I1", "100.00"))], {})
    assert [note.get("allocations") for note in notes] == [[], [], None]
    assert payments == [_pay("P1", "2026-01-05", ("I1", "100.00"))]


def test_net__payment_rows_asking_more_than_an_invoice_spill_to_the_customers_oldest_due_open_invoices():
    invoices = [_invoice("I1", "X", "100.00", due="2026-01-20"), _invoice("I2", "X", "50.00", due="2026-01-10"),
                _invoice("I3", "X", "70.00", due="2026-01-15"), _invoice("J1", "Y", "10.00")]
    payments = [_pay("P1", "2026-01-05", ("I1", "60.00")), _pay("P2", "2026-01-06", ("I1", "60.00")),
                _pay("P3", "2026-01-07", ("J1", "10.00"))]
    out, _ = _both_nettings(invoices, payments, {})
    # P2 finds 40.00 open on I1; its 20.00 more goes to I2, due first
    assert [p["allocations"] for p in out] == [[{"invoice_id": "I1", "amount": "60.00"}],
                                               [{"invoice_id": "I1", "amount": "40.00"},
                                                {"invoice_id": "I2", "amount": "20.00"}],
                                               [{"invoice_id": "J1", "amount": "10.00"}]]


def test_net__a_credit_note_settles_a_same_day_invoice_before_that_days_payment_in_each_currency():
    invoices = [_invoice("I1", "X", "100.00"), _invoice("C1", "X", "30.00", kind="credit_note"),
                _invoice("U1", "X", "100.00", currency="USD")]
    payments = [_pay("P1", "2026-01-01", ("I1", "100.00"), ("U1", "100.00"))]
    out, notes = _both_nettings(invoices, payments, {})
    assert notes[1]["allocations"] == [{"invoice_id": "I1", "amount": "30.00", "date": "2026-01-01"}]
    # the EUR row is capped at what the credit note left open; the USD book has no credit note
    assert out[0]["allocations"] == [{"invoice_id": "I1", "amount": "70.00"}, {"invoice_id": "U1", "amount": "100.00"}]


def test_net__settled_invoices_of_several_books_on_one_day_are_paid_in_the_order_of_their_ids():
    invoices = [_invoice("B1", "X", "10.00"), _invoice("A1", "Y", "20.00", currency="USD"),
                _invoice("C1", "Z", "30.00"), _invoice("A2", "X", "5.00", issue="2026-01-03")]
    paid = {"B1": Paid(None, dt.date(2026, 1, 2)), "C1": Paid(Decimal("30.00"), dt.date(2026, 1, 1)),
            "A1": Paid(None, dt.date(2026, 1, 2)), "A2": Paid(None, dt.date(2026, 1, 2))}
    out, _ = _both_nettings(invoices, [], paid)
    # by day (A2 is paid the day it is issued, after the settled date), then invoice id
    assert [(p["id"], p["date"], p["allocations"]) for p in out] == [
        ("settled:C1", "2026-01-01", [{"invoice_id": "C1", "amount": "30.00"}]),
        ("settled:A1", "2026-01-02", [{"invoice_id": "A1", "amount": "20.00"}]),
        ("settled:B1", "2026-01-02", [{"invoice_id": "B1", "amount": "10.00"}]),
        ("settled:A2", "2026-01-02", [{"invoice_id": "A2", "amount": "5.00", "date": "2026-01-03"}])]


def test_net__a_payments_rows_in_a_book_with_a_credit_note_and_in_one_its_second_row_spills_are_both_replayed():
    invoices = [_invoice("I1", "X", "100.00", due="2026-01-20"), _invoice("I2", "X", "50.00", due="2026-01-25"),
                _invoice("J1", "Y", "40.00"), _invoice("CN1", "Y", "10.00", kind="credit_note")]
    payments = [_pay("P1", "2026-01-05", ("J1", "40.00"), ("I1", "80.00"), ("I1", "50.00"))]
    out, notes = _both_nettings(invoices, payments, {})
    assert notes[3]["allocations"] == [{"invoice_id": "J1", "amount": "10.00", "date": "2026-01-01"}]
    # J1 has 30.00 left after the credit note; I1's second row finds 20.00 open and 30.00 goes to I2
    assert out[0]["allocations"] == [{"invoice_id": "J1", "amount": "30.00"}, {"invoice_id": "I1", "amount": "80.00"},
                                     {"invoice_id": "I1", "amount": "20.00"}, {"invoice_id": "I2", "amount": "30.00"}]
