"""Two arwatch companies of one Odoo database writing one shared customer's sales warning or
risk tag at the same time (``arwatch sync --all`` runs companies in threads of one process).

The defect this pins: a flag or hold write reads the customer (its warning, its tag, the other
companies' notes), then writes the tag or the whole warning back; Odoo has no compare-and-set
for a standard field. Company 4's write landing between company 1's read and write was undone
by company 1's: both placing a hold left one line (the other company's hold gone, its store
saying it is placed), a release restoring the customer's own warning over a hold just placed
dropped that hold, and two flags at once left two "Risk:" tags. Now each flag or hold write
holds the customer's lock (``SharedWrites``, shared by the adapters of one database
in the process) from its first read to its last write: the second company waits, then reads
what the first wrote.

Interleaved deterministically, with no sleep and no timing: the stand-in stops company 1's run
at a chosen call (after its read, before its write) until told to go; company 4's run starts
then, and company 1 is let go only once company 4 has either finished (the defect: its write
is the one undone) or is waiting for the customer's lock (the fix). The waits have a generous
limit only so that a hang fails instead of blocking the suite; no result depends on time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pytest
from test_odoo_branches import BranchOdoo, _adapter
from test_odoo_shared_partner import DAY, OWN_WARNING, SHARED

from arwatch.adapters.odoo.adapter import OdooAdapter
from arwatch.adapters.odoo.shared import SharedWrites
from arwatch.core.actions import DesiredState, Flag, Hold
from arwatch.core.diffing import diff

GUARD = 60  # seconds before a wait that never ends fails the test (a deadlock), not a timing


class PausingOdoo(BranchOdoo):
    """The stand-in with a customer shared by every company (``SHARED``, no company), which stops
    the thread named ``pause_in`` at its first call matching ``pause_at`` until ``go``."""

    def __init__(self, version: tuple[int, int] = (18, 0)):
        super().__init__(version)
        self.partner(SHARED, None)
        self.partners[SHARED].update(name="Shared customer", parent_id=False, customer_rank=1, active=True,
                                     commercial_partner_id=[SHARED, "Shared customer"])
        self.pause_in: str | None = None
        self.pause_at: Callable[[str, str, dict[str, Any]], bool] = lambda model, method, kw: False
        self.paused, self.go = threading.Event(), threading.Event()

    def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
        if threading.current_thread().name == self.pause_in and self.pause_at(model, method, kw):
            self.pause_in = None
            self.paused.set()
            assert self.go.wait(GUARD), "never let go"
        return super().call(model, method, ids, **kw)


def _hold(reason: str) -> Hold:
    return Hold(customer_id=str(SHARED), rule="segment:delinquent", reason=reason, since=DAY)


def _flag(level: str) -> Flag:
    return Flag(customer_id=str(SHARED), level=level, score=80, segment="delinquent",
                reasons=("aging: INV/2026/0041 95 days past due",), as_of=DAY)


def _sync(adapter: OdooAdapter, *items: Flag | Hold) -> None:
    """One run of a company: read back, diff, apply (every change must be applied)."""
    desired = DesiredState(as_of=DAY, flags=tuple(i for i in items if isinstance(i, Flag)),
                           holds=tuple(i for i in items if isinstance(i, Hold)))
    changes = diff(adapter.read_written_state(), desired).changes
    assert changes, "each run in these tests writes"
    assert all(r.ok for r in adapter.apply(changes))


def _warning_write(model: str, method: str, kw: dict[str, Any]) -> bool:
    return (model, method) == ("res.partner", "write") and "sale_warn_msg" in kw.get("vals", {})


def _flag_note(model: str, method: str, kw: dict[str, Any]) -> bool:
    return (model, method) == ("res.partner", "message_post") and "[arwatch:flag:" in kw.get("body", "")


@pytest.fixture
def progressed(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when the thread named "4" is about to wait for a customer's lock (or, by
    ``_interleave``, when its run has ended)."""
    event = threading.Event()
    original = SharedWrites.holding

    @contextmanager
    def holding(self: SharedWrites, partner_id: str) -> Any:
        if threading.current_thread().name == "4":
            event.set()
        with original(self, partner_id):
            yield

    monkeypatch.setattr(SharedWrites, "holding", holding)
    return event


def _interleave(db: PausingOdoo, progressed: threading.Event, first: Callable[[], None],
                second: Callable[[], None], pause_at: Callable[[str, str, dict[str, Any]], bool]) -> None:
    """``first`` (thread "1") stopped at ``pause_at``; ``second`` (thread "4") run meanwhile; then
    ``first`` let go once ``second`` ended or waits for the lock; both to their end."""
    errors: list[BaseException] = []

    def run(work: Callable[[], None], done: threading.Event | None = None) -> Callable[[], None]:
        def body() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)
            finally:
                if done is not None:
                    done.set()
        return body

    db.pause_in, db.pause_at = "1", pause_at
    one = threading.Thread(target=run(first), name="1")
    one.start()
    assert db.paused.wait(GUARD), "company 1 never reached the call it stops at"
    four = threading.Thread(target=run(second, progressed), name="4")
    four.start()
    assert progressed.wait(GUARD), "company 4 neither ended nor waited for the lock"
    db.go.set()
    one.join(GUARD)
    four.join(GUARD)
    assert not one.is_alive() and not four.is_alive(), "a run never ended"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("version", [(18, 0), (19, 0)])
def test_repro__two_companies_holding_a_shared_customer_at_once_both_keep_their_line(version, progressed):
    db = PausingOdoo(version)
    one, four = _adapter(db, 1), _adapter(db, 4)
    _interleave(db, progressed, lambda: _sync(one, _hold("95 days past due")),
                lambda: _sync(four, _hold("fraud suspected")), _warning_write)
    assert db.warning(SHARED)[1].splitlines() == ["95 days past due [arwatch:hold@1]",
                                                  "fraud suspected [arwatch:hold@4]"]
    if version < (19, 0):
        assert db.warning(SHARED)[0] == "block"
    assert [h.key for h in one.read_written_state().holds] == ["hold:88"]
    assert [h.key for h in four.read_written_state().holds] == ["hold:88"]
    # the last release restores the customer's own warning
    for adapter in (one, four):
        assert all(r.ok for r in adapter.apply(diff(adapter.read_written_state(), DesiredState(as_of=DAY)).changes))
    assert db.warning(SHARED) == ((OWN_WARNING[0] if version < (19, 0) else None), OWN_WARNING[1])


@pytest.mark.parametrize("version", [(18, 0), (19, 0)])
def test_repro__a_release_restoring_the_warning_never_drops_a_hold_placed_meanwhile(version, progressed):
    db = PausingOdoo(version)
    one, four = _adapter(db, 1), _adapter(db, 4)
    _sync(one, _hold("95 days past due"))
    # company 1 releases (the last holder: it restores the customer's own warning) while 4 holds
    _interleave(db, progressed, lambda: _sync(one), lambda: _sync(four, _hold("fraud suspected")), _warning_write)
    assert db.warning(SHARED)[1] == "fraud suspected [arwatch:hold@4]"
    if version < (19, 0):
        assert db.warning(SHARED)[0] == "block", "company 4's hold blocks"
    assert [h.key for h in four.read_written_state().holds] == ["hold:88"]
    assert one.read_written_state().holds == ()
    _sync(four)  # company 4's release then restores the customer's own warning
    assert db.warning(SHARED) == ((OWN_WARNING[0] if version < (19, 0) else None), OWN_WARNING[1])


def test_repro__two_companies_flagging_a_shared_customer_at_once_leave_one_tag_the_highest(progressed):
    db = PausingOdoo()
    one, four = _adapter(db, 1), _adapter(db, 4)
    _interleave(db, progressed, lambda: _sync(one, _flag("high")), lambda: _sync(four, _flag("low")), _flag_note)
    assert db.tag_names(SHARED) == ["Risk: high"]
    assert [f.level for f in one.read_written_state().flags] == ["high"]
    assert [f.level for f in four.read_written_state().flags] == ["low"]


def test_the_adapters_of_one_database_share_its_locks_and_another_database_has_its_own():
    assert SharedWrites.of("https://odoo.example.com/", "db") is \
        SharedWrites.of("https://ODOO.example.com", "db")
    assert SharedWrites.of("https://odoo.example.com", "db") is not \
        SharedWrites.of("https://odoo.example.com", "other")
    one, four = _adapter(PausingOdoo(), 1), _adapter(PausingOdoo(), 4)
    assert one.writeback.shared is four.writeback.shared is four.lookups.shared
