"""The file source's optional activities export (issue 18.3): a row per call, promise, dispute,
snooze, signal or plan, read with the invoices' conventions (mapped columns, the file's date and
number formats) into the records the notes' syntax says; a bad row is an issue naming the file,
row, column and value, and the other rows still load."""

import datetime as dt
from decimal import Decimal

from sync_helpers import IBM_EXCERPT, file_settings

from arwatch.adapters.file import FileMapping, FileSource
from arwatch.core.load import load_ledger
from arwatch.sync.store import open_store

CUSTOMER = "2026-XLBER"  # invoice 3115534110 of the IBM excerpt
COLUMNS = {"date": "When", "customer_id": "Account", "kind": "Type", "text": "Notes", "amount": "Amount",
           "invoice_number": "Invoice"}
ROWS = f"""When,Account,Type,Notes,Amount,Invoice
5/2/2013,{CUSTOMER},call,no answer,,
5/9/2013,{CUSTOMER},Call,"reached Jo, promised 70.66 by 20 May",,
5/10/2013,{CUSTOMER},promise,2013-06-30,70.66,
5/11/2013,{CUSTOMER},dispute,wrong goods,"30.00",3115534110
5/12/2013,{CUSTOMER},snooze,until 2013-06-15,,
5/13/2013,{CUSTOMER},signal,staff_exodus CFO left,,
5/14/2013,{CUSTOMER},plan,2 x 35.33 monthly from 2013-07-01,,
5/15/2013,{CUSTOMER},resolve,,,3115534110
5/16/2013,{CUSTOMER},exclude,lawyer,,
5/17/2013,{CUSTOMER},placed,Acme Collections,,
"""


def source(tmp_path, rows: str) -> FileSource:
    path = tmp_path / "activities.csv"
    path.write_text(rows, encoding="utf-8")
    settings = file_settings(IBM_EXCERPT, activities=str(path), activity_columns=COLUMNS)
    store = open_store(tmp_path / "state.sqlite3")
    return FileSource("ibm", FileMapping.model_validate(settings), store.records_of("ibm"))


def test_file_activities__every_kind_of_row_becomes_its_record(tmp_path):
    src = source(tmp_path, ROWS)
    pull = src.pull(None, full=False)
    assert pull.issues == ()
    assert "contact_attempts" not in src.unavailable
    ledger, issues = load_ledger(pull.records, "file", unavailable=src.unavailable)
    assert issues == ()
    assert [(a.on, a.answered, a.promise_date, a.promise_amount) for a in ledger.contact_attempts] == [
        (dt.date(2013, 5, 2), False, None, None),
        (dt.date(2013, 5, 9), True, dt.date(2013, 5, 20), Decimal("70.66")),
        (dt.date(2013, 5, 10), True, dt.date(2013, 6, 30), Decimal("70.66"))]
    (dispute,) = ledger.disputes
    assert (dispute.invoice_id, dispute.amount, dispute.reason, dispute.resolved_on) == (
        "3115534110", Decimal("30.00"), "wrong goods", dt.date(2013, 5, 15))
    assert [s.kind.value for s in ledger.signals] == ["staff_left"]
    assert [len(p.instalments) for p in ledger.payment_plans] == [2]
    assert [(w.kind.value, w.until) for w in ledger.switches] == [
        ("snooze", dt.date(2013, 6, 15)), ("exclude", None), ("placed", None)]


def test_file_activities__a_bad_row_is_an_issue_naming_file_row_column_and_value(tmp_path):
    rows = f"""When,Account,Type,Notes,Amount,Invoice
5/2/2013,{CUSTOMER},call,no answer,,
5/3/2013,{CUSTOMER},visit,went there,,
5/4/2013,{CUSTOMER},promise,5/20/2013,70,
13/13/2013,{CUSTOMER},call,no answer,,
5/5/2013,{CUSTOMER},snooze,,,
"""
    pull = source(tmp_path, rows).pull(None, full=False)
    assert [(i.source, i.record_id, i.field) for i in pull.issues] == [
        ("activities.csv", "row 3", "Type"), ("activities.csv", "row 4", "Notes"),
        ("activities.csv", "row 5", "When"), ("activities.csv", "row 6", "Notes")]
    assert "'visit' is not a kind of activity; expected one of call, promise" in pull.issues[0].message
    assert "makes 'promise: 5/20/2013 70': expected 'promise: <date> [<amount>]'" in pull.issues[1].message
    assert "'13/13/2013' is not a date" in pull.issues[2].message
    assert "expected 'snooze: until <date>'" in pull.issues[3].message
    ledger, issues = load_ledger(pull.records, "file")
    assert issues == () and [a.on for a in ledger.contact_attempts] == [dt.date(2013, 5, 2)]  # the rest loads


def test_file_activities__a_row_with_a_field_too_many_or_too_few_is_an_issue_and_the_rest_load(tmp_path):
    rows = f"""When,Account,Type,Notes,Amount,Invoice
5/2/2013,{CUSTOMER},call,no answer,,
5/3/2013,{CUSTOMER},call,reached Jo, promised 70.66,,
5/4/2013,{CUSTOMER},call
"""
    pull = source(tmp_path, rows).pull(None, full=False)
    assert [(i.source, i.record_type, i.record_id, i.field, i.message) for i in pull.issues] == [
        ("activities.csv", "activity", "row 3", "", f"has 7 fields where the header has 6: "
         f"'5/3/2013,{CUSTOMER},call,reached Jo, promised 70.66,,' (a cell holding the delimiter ',' must be in "
         f"quotes, e.g. an amount like \"1,395.00\")"),
        ("activities.csv", "activity", "row 4", "", f"has 3 fields where the header has 6: '5/4/2013,{CUSTOMER},call' "
         f"(a field is missing)")]
    assert pull.unidentified >= {"notes"}  # the stored notes are kept
    ledger, issues = load_ledger(pull.records, "file")
    assert issues == () and [a.on for a in ledger.contact_attempts] == [dt.date(2013, 5, 2)]


def test_file_activities__the_cursor_follows_the_activities_file(tmp_path):
    src = source(tmp_path, ROWS)
    first = src.pull(None, full=False)
    assert src.pull(first.cursor, full=False).records == {}  # nothing changed
    (tmp_path / "activities.csv").write_text(ROWS + f"5/20/2013,{CUSTOMER},call,no answer,,\n", encoding="utf-8")
    assert len(src.pull(first.cursor, full=False).records["notes"]) == 11


def test_file_activities__a_row_that_does_not_read_says_which_value_and_why(tmp_path):
    rows = f"""When,Account,Type,Notes,Amount,Invoice
5/4/2013,{CUSTOMER},promise,2013-04-01,70,
5/4/2013,{CUSTOMER},promise,2013-02-30,70,
"""
    pull = source(tmp_path, rows).pull(None, full=False)
    assert [(i.record_id, i.field) for i in pull.issues] == [("row 2", "Notes"), ("row 3", "Notes")]
    assert pull.issues[0].message.endswith(": 2013-04-01 is before the day it is recorded, 2013-05-04")
    assert pull.issues[1].message.endswith(": no such day: 2013-02-30")
