"""Constructing an adapter reads and sends nothing (issue 16 point 4): Odoo's installed modules
and companies, QuickBooks' token file and memory are read at the first use, once. The factories
(``make_adapter``) connect and check; the constructors only keep what they are given."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from arwatch.adapters.file import FileMapping, FileSource, InvoiceColumns
from arwatch.adapters.odoo import OdooAdapter, OdooSettings
from arwatch.adapters.quickbooks.source import QuickBooksSource
from arwatch.core.contract import ConfigError

DAY = dt.date(2026, 11, 20)


class NoIO:
    """Any use fails the test: a transport, a memory, a written-records store."""

    version, uid, calls = (18, 0), 2, 0

    def __getattr__(self, name):
        raise AssertionError(f"I/O while constructing: {name} was used")

    def call(self, *args, **kw):
        raise AssertionError(f"I/O while constructing: call{args}")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kw):
        raise AssertionError("a request was sent while constructing")

    monkeypatch.setattr(requests.Session, "send", refuse)


class Odoo:
    """Answers the first use's reads; logs every call."""

    version, uid, calls = (18, 0), 2, 0

    def __init__(self):
        self.log = []

    def call(self, model, method, ids=None, **kw):
        self.log.append((model, method))
        if model == "ir.module.module":
            return [{"id": 5, "name": "sale"}]
        if model == "res.users":
            return [{"id": 2, "company_id": [1, "Acme"]}]
        if model == "res.company":
            return [{"id": 1, "name": "Acme", "currency_id": [2, "EUR"]}]
        raise AssertionError(f"unexpected {model}.{method}")


def test_odoo__built_without_a_call_the_modules_then_the_companies_read_once_at_first_use():
    settings = OdooSettings(url="https://odoo.example", database="db", login="bot")
    OdooAdapter(NoIO(), settings, today=DAY)  # nothing read, nothing sent
    odoo = Odoo()
    adapter = OdooAdapter(odoo, settings, today=DAY)
    assert odoo.log == []
    assert (adapter.mode, adapter.company["name"], adapter.unavailable) == ("standard", "Acme",
                                                                          frozenset({"disputes"}))
    assert adapter.writes_back and adapter.lookups is adapter.lookups
    assert odoo.log == [("ir.module.module", "search_read"), ("res.users", "read"), ("res.company", "search_read")]


def test_quickbooks__built_without_reading_the_token_file_or_the_memory(tmp_path, no_network):
    config = {"client_id": "abc", "client_secret": "s3cr3t", "api_base": "https://qbo.example/v3"}
    source = QuickBooksSource(config, tmp_path / "missing-tokens.json", memory=NoIO(), today=DAY)
    assert not (tmp_path / "missing-tokens.json").exists() and "not read yet" in repr(source)
    with pytest.raises(ConfigError, match="arwatch connect quickbooks") as caught:
        source.ready()  # the first use reads the token file
    assert "s3cr3t" not in str(caught.value)
    with pytest.raises(ConfigError, match="arwatch connect quickbooks"):
        source.pull(None, True)


def test_file__built_without_opening_its_files(tmp_path):
    mapping = FileMapping(invoices=tmp_path / "not-yet-exported.csv",
                          columns=InvoiceColumns(invoice_number="Invoice", customer_id="Customer",
                                                 invoice_date="Date", due_date="Due", amount="Total"))
    source = FileSource("acme", mapping, NoIO())
    assert "orders" in source.unavailable
