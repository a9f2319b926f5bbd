"""``load_frame`` of invoices and payments given as their stored payloads parsed into columns
(``core.load_payloads``, what ``runner.stored_frame`` reads): the same frame, issues and scores
as the record path (``load_ledger`` + ``LedgerFrame.from_ledger``) on the records decoded from
the same payloads, whichever records the columns take and whichever go the record's way."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import numpy as np
import pytest
from frames_equal import assert_frames_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_load_frame import raw_ledgers

from arwatch.core import load_payloads
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.load_frame import load_frame
from arwatch.core.load_payloads import PayloadRecords, payload_records
from arwatch.core.scoring import score
from arwatch.demo.company import build_demo_company
from arwatch.demo.synthetic import build_synthetic
from arwatch.sync.store.rows import dumps

COLUMNAR = ("invoices", "payments")


def as_payloads(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the records as the store's ``load`` gives them back, the same with the invoices and
    payments as their payloads parsed into columns, as its ``load_columns`` gives them)."""
    texts = {key: [dumps(r) for r in value] for key, value in data.items() if key != "company"}
    records = {key: [json.loads(t) for t in value] for key, value in texts.items()}
    if "company" in data:
        records["company"] = json.loads(dumps(data["company"]))
    parsed = {**records, **{key: payload_records(texts[key], key) for key in COLUMNAR if texts.get(key)}}
    return records, parsed


def assert_payloads_load_as_records(data: dict[str, Any], as_of: dt.date | None = None, source: str = "file",
                                    ledger_too: bool = True) -> tuple[LedgerFrame, dict[str, Any]]:
    """The payloads in columns load as their records do by ``load_frame`` from dicts and (but
    where ``ledger_too`` is False) by ``load_ledger`` + ``LedgerFrame.from_ledger``."""
    records, parsed = as_payloads(data)
    mine, my_issues = load_frame(parsed, source=source, as_of=as_of)
    dicts, dict_issues = load_frame(copy.deepcopy(records), source=source, as_of=as_of)
    assert [i.model_dump() for i in my_issues] == [i.model_dump() for i in dict_issues]
    assert_frames_equal(mine, dicts)
    if not ledger_too:
        return mine, parsed
    ledger, issues = load_ledger(records, source=source)
    theirs = LedgerFrame.from_ledger(ledger, as_of)
    assert [i.model_dump() for i in my_issues] == [i.model_dump() for i in issues]
    assert_frames_equal(mine, theirs)
    if as_of is not None and len(theirs.c_id):
        assert score(mine).score.tolist() == score(theirs).score.tolist()
    return mine, parsed


def columns_took(parsed: dict[str, Any], key: str) -> list[int]:
    value = parsed[key]
    assert isinstance(value, PayloadRecords)
    return value.rows.tolist()


def test_payloads__the_demo_company_and_the_synthetic_ledger():
    company = build_demo_company()
    _, parsed = assert_payloads_load_as_records(company.data, company.today, source="demo")
    assert len(columns_took(parsed, "payments")) == len(company.data["payments"])  # every one from the columns
    assert columns_took(parsed, "invoices") == []  # a "residual" each: the model's way, as in load_columns
    data = build_synthetic(300, 3000, 3000, seed=3)
    assert_payloads_load_as_records(data, dt.date(2026, 6, 30))  # model dumps (every field): the model's way


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=raw_ledgers(), as_of=st.sampled_from([None, dt.date(2026, 4, 1)]), small=st.booleans())
def test_payloads__generated_ledgers_load_as_with_records(data, as_of, small):
    """Good and bad records of every kind (test_load_frame's generator); ``small``: parts of 3
    payloads halved down to one, so that records the reader refuses are found one by one."""
    with pytest.MonkeyPatch.context() as patch:
        if small:
            patch.setattr(load_payloads, "PART", 3)
            patch.setattr(load_payloads, "SMALLEST", 1)
        assert_payloads_load_as_records(copy.deepcopy(data), as_of)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=raw_ledgers())
def test_payloads__generated_ledgers_of_known_customers(data):
    for c in "ABC":
        data["customers"].append({"id": c, "name": c})
    for record in data["invoices"] + [p for p in data["payments"] if isinstance(p, dict)]:
        if not isinstance(record.get("customer_id"), str) or record["customer_id"].strip() not in "ABC":
            record["customer_id"] = "A"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_payloads, "SMALLEST", 1)
        assert_payloads_load_as_records(data, dt.date(2026, 4, 1))


def _ledger(invoice: dict[str, Any], payment: dict[str, Any]) -> dict[str, Any]:
    good_invoice = {"id": "I0", "number": "N0", "customer_id": "A", "issue_date": "2026-01-02",
                    "due_date": "2026-02-01", "total": "100.00"}
    good_payment = {"id": "P0", "customer_id": "A", "date": "2026-01-20", "amount": "10.00",
                    "allocations": [{"invoice_id": "I0", "amount": "10.00"}]}
    return {"customers": [{"id": "A", "name": "Acme"}, {"id": "Ä", "name": "Umlaut"}],
            "invoices": [good_invoice, {**good_invoice, "id": "I1", "number": "N1"}, invoice,
                         {**good_invoice, "id": "I9", "number": "N9"}],
            "payments": [good_payment, payment, {**good_payment, "id": "P9"}]}


_INVOICE = {"id": "I2", "number": "N2", "customer_id": "A", "issue_date": "2026-01-05", "due_date": "2026-02-05",
            "total": "50.00"}
_PAYMENT = {"id": "P1", "customer_id": "A", "date": "2026-01-25", "amount": "5.00"}


@pytest.mark.parametrize("change", [
    {},  # a good one: from the columns
    # null, not left out:
    {"currency": None}, {"kind": None}, {"state": None}, {"disputed": None}, {"allocations": None},
    {"delivery": None}, {"disputed_on": None},  # null and left out are the same here
    {"id": "I\ud800"}, {"id": "\u00c4-1"}, {"number": "N\x1c"}, {"number": "\xa0N"}, {"id": "I2 "},  # texts
    {"id": None}, {"id": ""}, {"id": 7}, {"number": 12}, {"total": 50}, {"total": 50.5}, {"disputed": 1},
    {"disputed": "true"}, {"customer_id": "\u00c4"}, {"customer_id": "nobody"},
    {"issue_date": "0000-01-01"}, {"issue_date": "2026-02-30"}, {"issue_date": "2026-1-05"},
    {"due_date": "2026-01-01"}, {"total": "7.1234567"}, {"total": "1000000000"}, {"total": "\u0664"},
    {"currency": "usd"}, {"currency": "USD"}, {"kind": "credit_note"}, {"kind": "bill"}, {"state": "draft"},
    {"disputed": True}, {"disputed": True, "disputed_on": "2026-01-01"}, {"disputed_on": "2026-01-09"},
    {"memo": None}, {"memo": "an extra field"}, {"kind": "credit_note", "allocations": [{"invoice_id": "I0",
                                                                                          "amount": "1", "x": None}]},
    {"kind": "credit_note", "allocations": [None]}, {"kind": "credit_note", "allocations": "I0"},
    {"kind": "credit_note", "allocations": [{"invoice_id": "I0", "amount": "60.00", "date": "2026-01-06"}]},
    {"kind": "credit_note", "allocations": [{"invoice_id": "I0", "amount": "500.00"}]},
    {"allocations": [{"invoice_id": "I0", "amount": "1.00"}]},
])
def test_payloads__an_invoice_of_each_kind(change, monkeypatch):
    """Among good records, an invoice with one field of each kind the columns take, or must
    leave to the record's way (a null that is not a field left out, a text str.strip would
    change, a surrogate the reader refuses, a value of another type, an extra field), and
    the issues and frame are the record path's."""
    # an id with a lone surrogate passes load_columns' check but not the model's (as on main):
    # the payload path is the dict path's there
    surrogate = "\ud800" in str(change.get("id", ""))
    monkeypatch.setattr(load_payloads, "SMALLEST", 1)  # a refused record found alone
    _, parsed = assert_payloads_load_as_records(_ledger({**_INVOICE, **change}, _PAYMENT), dt.date(2026, 3, 1),
                                                ledger_too=not surrogate)
    took = columns_took(parsed, "invoices")
    assert {0, 1, 3} <= set(took)  # the good ones around it stay in the columns
    if not change:
        assert took == [0, 1, 2, 3]


@pytest.mark.parametrize("change", [
    {}, {"currency": None}, {"state": None}, {"allocations": None}, {"payer_account": None}, {"reference": None},
    {"state": "returned"}, {"state": "returned", "returned_on": "2026-02-01"}, {"returned_on": "2026-01-01"},
    {"state": "voided", "returned_on": "2026-02-01"}, {"state": "lost"}, {"payer_account": " DE01"},
    {"payer_account": "DE01"}, {"reference": "r\u2003"}, {"amount": "5"}, {"amount": 5}, {"date": None},
    {"allocations": [{"invoice_id": "I1", "amount": "5.00", "date": "2026-01-26"}]},
    {"allocations": [{"invoice_id": "I1", "amount": "6.00"}]},  # more than the payment
    {"allocations": [{"invoice_id": "I1", "amount": "0"}]}, {"allocations": [{"invoice_id": "nope", "amount": "1"}]},
    {"allocations": [{"invoice_id": "I0", "amount": "95.00"}]},  # settles more than the invoice's total
    {"allocations": [{"invoice_id": "I1", "amount": "1", "date": None}]},
    {"allocations": [{"invoice_id": "I1", "amount": "1", "date": "2026-13-01"}]},
    {"allocations": [{"invoice_id": "I1", "amount": "1"}] * 2}, {"currency": "USD"}, {"id": "P0"},
    {"note": "an extra field"}, {"id": None},
])
def test_payloads__a_payment_of_each_kind(change, monkeypatch):
    monkeypatch.setattr(load_payloads, "SMALLEST", 1)
    _, parsed = assert_payloads_load_as_records(_ledger(_INVOICE, {**_PAYMENT, **change}), dt.date(2026, 3, 1))
    assert {0, 2} <= set(columns_took(parsed, "payments"))


def test_payloads__a_record_without_id_is_named_by_its_place_in_the_whole_collection():
    invoices = [{**_INVOICE, "id": f"I{k}", "number": f"N{k}"} for k in range(6)]
    invoices[4] = {key: value for key, value in invoices[4].items() if key != "id"}
    invoices[2]["total"] = 3  # not a text: the reader refuses its part, halved down to it
    data = {"customers": [{"id": "A", "name": "Acme"}], "invoices": invoices, "payments": []}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_payloads, "SMALLEST", 1)
        _, parsed = assert_payloads_load_as_records(data, dt.date(2026, 3, 1))
    assert columns_took(parsed, "invoices") == [0, 1, 3, 4, 5]
    _, issues = load_frame(parsed, as_of=dt.date(2026, 3, 1))
    assert "#5" in [i.record_id for i in issues]


def test_payloads__a_refused_part_goes_the_records_way_whole():
    """A piece of at most SMALLEST payloads that the reader still refuses is not halved further."""
    invoices = [{**_INVOICE, "id": f"I{k}", "number": f"N{k}"} for k in range(8)]
    invoices[5]["number"] = 5
    data = {"customers": [{"id": "A", "name": "Acme"}], "invoices": invoices, "payments": []}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_payloads, "SMALLEST", 2)
        _, parsed = assert_payloads_load_as_records(data, dt.date(2026, 3, 1))
    assert columns_took(parsed, "invoices") == [0, 1, 2, 3, 6, 7]


def test_payloads__amounts_from_the_columns_are_the_record_paths():
    """Every amount the columns take: its float and exact millionths as load_columns reads them."""
    from arwatch.core.load_columns import _amounts as record_amounts  # noqa: PLC0415

    rng = np.random.default_rng(7)
    texts = [f"{int(a)}.{int(b):0{d}d}" for a, b, d in zip(rng.integers(0, 10**9, 2000), rng.integers(0, 10**6, 2000),
                                                         rng.integers(1, 7, 2000), strict=True)]
    texts += [str(int(a)) for a in rng.integers(0, 10**9, 500)] + ["0.000001", "999999999.999999", "007.25"]
    texts = [t for t in texts if len(t.partition(".")[2]) <= 6]
    import pyarrow as pa  # noqa: PLC0415

    ok, floats, exact = load_payloads._amounts(pa.array(texts))
    ok2, floats2, exact2 = record_amounts(texts)
    assert ok.tolist() == ok2.tolist()
    assert floats.tolist() == floats2.tolist()
    assert exact.tolist() == exact2.tolist()


def test_payloads__only_one_object_a_line_is_read_in_columns():
    """The reader skips a blank line and reads two objects on one line as two rows: payloads
    that are not one object a line never reach the columns, so no row is taken for another's."""
    good = [dumps({**_INVOICE, "id": f"I{k}", "number": f"N{k}"}) for k in range(4)]
    for odd in ("", "  ", good[0] + " " + good[1], good[0] + "\n" + good[1], " " + good[2]):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(load_payloads, "SMALLEST", 1)
            records = payload_records([good[2], odd, good[3]], "invoices")
        assert records.rows.tolist() == [0, 2]
        assert records.table.column("id").to_pylist() == ["I2", "I3"]
    records = payload_records([good[0], "", good[0] + " " + good[1], good[3]], "invoices")  # one part refused whole
    assert records.rows.tolist() == []
    with pytest.raises(ValueError):  # as the store's load: a damaged payload does not read
        load_payloads.payload_table(records, "file")
