"""Sale orders through the sync runner and the store: a source with orders has its volume measured
on them, run after run; a source without (declared or not) on invoices."""

import datetime as dt
from functools import partial

import pytest
from sync_helpers import simple_planner

from arwatch.adapters.file.target import StoreTarget
from arwatch.core.contract import PullResult, SourceAdapter
from arwatch.core.policy import Policy
from arwatch.sync.runner import run_sync, score_stored
from arwatch.sync.store import open_store

T = dt.date(2024, 4, 15)  # recent months Jan-Mar 2024, baseline 2023


class TestSource(StoreTarget):
    """Hands out one prepared pull per run; writes back into the store."""

    __test__ = False
    name = "test"

    def __init__(self, store, pulls, unavailable=frozenset()):
        super().__init__(store.records_of("acme"))
        self.pulls, self.unavailable = list(pulls), frozenset(unavailable)

    def pull(self, since, full):
        return self.pulls.pop(0) if self.pulls else PullResult(cursor=since)


CUSTOMERS = [{"id": "c1", "name": "Acme"}, {"id": "c2", "name": "Beta"}]


def invoices(recent=(1000, 1000, 1000)):
    """c1 invoiced 1,000.00 a month in 2023, then ``recent`` in Jan-Mar 2024."""
    months = [(2023, m, 1000) for m in range(1, 13)] + [(2024, m + 1, a) for m, a in enumerate(recent) if a]
    return [{"id": f"INV/{y}/{m}", "number": f"INV/{y}/{m}", "customer_id": "c1", "issue_date": f"{y}-{m:02d}-10",
             "due_date": f"{y}-{m:02d}-28", "total": str(a)} for y, m, a in months]


def order(number, date, total, state="confirmed"):
    return {"id": f"so-{number}", "number": number, "customer_id": "c1", "order_date": date, "total": total,
            "currency": "EUR", "fx_rate": "1", "state": state}


ORDERS = [order(f"S{m:02d}", f"2023-{m:02d}-05", "1000.00") for m in range(1, 13)] + [
    order("S13", "2024-01-05", "500.00"), order("S14", "2024-03-05", "400.00")]


def full_pull(**records):
    return PullResult(records={"customers": CUSTOMERS, **records}, cursor="1", complete=True)


def volume(store, source):
    board, issues = score_stored(store, "acme", source, Policy(), T)
    assert not issues, [str(i) for i in issues]
    return board.frame, next(r for r in board.results if r.indicator == "volume_drop")


def sync(store, source, **kw):
    summary = run_sync("acme", store, source, Policy(), T, planner=partial(simple_planner, hold=set()), **kw)
    assert summary.status == "ok", (summary.error, [str(i) for i in summary.issues])
    return summary


def test_sync_orders__a_source_with_orders_is_measured_on_them_across_runs(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    later = PullResult(records={"orders": [order("S13", "2024-01-05", "500.00", state="cancelled"),
                                           order("S15", "2024-02-05", "2000.00")]},
                       deletions={"orders": ("so-S14",)}, cursor="2")
    source = TestSource(store, [full_pull(invoices=invoices(), orders=ORDERS), later])
    assert isinstance(source, SourceAdapter)

    first = sync(store, source)
    assert first.pulled == 2 + 15 + 14
    _, stored = store.snapshot.load("acme")
    assert stored["orders"]["so-S13"] == ORDERS[12]  # stored as pulled
    frame, result = volume(store, source)
    assert frame.orders_available and "orders" not in frame.unavailable
    assert result.fired[0] and result.evidence(0).startswith(
        "ordered €900.00 in Jan 2024 to Mar 2024 (€300.00 a month), 30% of the €1,000.00 a month ordered in "
        "Jan 2023 to Dec 2023 (sale orders in 12 of 12 months); recent: S13 (€500.00) on 5 Jan 2024")

    sync(store, source)  # S13 cancelled, S14 deleted, S15 new: 2,000.00 in Jan-Mar, 67% of the norm
    frame, result = volume(store, source)
    assert list(frame.o_number) == [f"S{m:02d}" for m in range(1, 13)] + ["S15"]
    assert not result.fired[0]

    assert sync(store, source).pulled == 0  # nothing new: the stored orders still count
    frame, _ = volume(store, source)
    assert frame.orders_available and len(frame.o_number) == 13


@pytest.mark.parametrize("declared", [frozenset(), frozenset({"orders"})])
def test_sync_orders__a_source_without_orders_is_measured_on_invoices(tmp_path, declared):
    store = open_store(tmp_path / "state.sqlite3")
    source = TestSource(store, [full_pull(invoices=invoices(recent=(300, 0, 0)))], unavailable=declared)
    sync(store, source)
    _, stored = store.snapshot.load("acme")
    assert "orders" not in stored
    frame, result = volume(store, source)
    assert not frame.orders_available and "orders" in frame.unavailable and result.available
    assert result.fired[0] and result.evidence(0).startswith("invoiced €300.00 in Jan 2024 to Mar 2024")


def test_sync_orders__declared_unavailable_wins_over_orders_sent_anyway(tmp_path):
    store = open_store(tmp_path / "state.sqlite3")
    source = TestSource(store, [full_pull(invoices=invoices(), orders=ORDERS)], unavailable={"orders"})
    sync(store, source)
    frame, result = volume(store, source)
    assert not frame.orders_available and not result.fired.any()  # invoices are level


def test_sync_orders__a_company_whose_stored_orders_are_all_gone_falls_back_to_invoices(tmp_path):
    """The snapshot cannot tell "has orders, none left" from "never had any": without a stored
    order the kind is unavailable and volume is measured on invoices."""
    store = open_store(tmp_path / "state.sqlite3")
    source = TestSource(store, [full_pull(invoices=invoices(recent=(300, 0, 0)), orders=ORDERS),
                                full_pull(invoices=invoices(recent=(300, 0, 0)), orders=[])])
    sync(store, source)
    assert volume(store, source)[0].orders_available
    sync(store, source, guard=None)  # every stored order gone is a mass change: allowed (--allow-mass-change)
    frame, result = volume(store, source)
    assert not frame.orders_available and result.evidence(0).startswith("invoiced €300.00")


def test_sync_orders__the_demo_source_declares_no_orders(tmp_path):
    from arwatch.sync.sources.demo import DemoSource

    assert "orders" in DemoSource.unavailable
    company = pytest.importorskip("arwatch.demo.company", reason="the demo generator is merged separately")
    demo = company.build_demo_company(seed=7, today=dt.date(2026, 11, 20))
    assert "orders" not in demo.data and "orders" in demo.ledger.unavailable
