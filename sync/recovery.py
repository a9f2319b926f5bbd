"""Finish what an interrupted run left, and bring the store's mirror in line with the target.

``recover``: each journal intent without an outcome is checked against the target's written
state; done there -> recorded (mirror, audit, journal ``recovered``); not done -> ``abandoned``
(this run's diff, computed from the target, writes it again if it is still wanted). So a run
killed at any point leaves no duplicate task, no lost hold and no double release.
"""

from __future__ import annotations

from arwatch.core.actions import Change, DesiredState, Flag, Hold, Op, Task, WrittenState
from arwatch.core.diffing import diff

from .store import Store
from .store.journal import ABANDONED, RECOVERED
from .store.written import REMOVING

RECOVERED_BY = "arwatch (recovered)"
TARGET = "target system"


def _items(state: WrittenState) -> dict[str, Flag | Hold | Task]:
    items: tuple[Flag | Hold | Task, ...] = (*state.flags, *state.holds, *state.tasks)
    return {item.key: item for item in items}


def applied_in(target: WrittenState, change: Change) -> bool:
    """Whether ``target`` shows ``change`` done."""
    present = _items(target).get(change.key)
    if change.op in REMOVING:
        return present is None
    if present is None:
        return False
    if change.op is Op.SET_FLAG and isinstance(present, Flag) and change.flag is not None:
        return not diff(WrittenState(flags=(present,)), DesiredState(as_of=change.flag.as_of, flags=(change.flag,)))
    return True


def recover(store: Store, company: str, target: WrittenState, run_id: str) -> int:
    """Settle the journal's open intents; returns how many were found done."""
    found = 0
    for entry_id, old_run, change in store.journal.pending(company):
        with store.begin() as conn:
            if applied_in(target, change):
                store.written.record(conn, company, change, None)
                store.audit.append(conn, company, change, RECOVERED_BY, old_run)
                store.journal.settle(conn, entry_id, RECOVERED)
                found += 1
            else:
                store.journal.settle(conn, entry_id, ABANDONED, error=f"not found done by run {run_id}")
    return found


def _removal(item: Flag | Hold | Task) -> Op:
    return {Flag: Op.CLEAR_FLAG, Hold: Op.RELEASE_HOLD, Task: Op.CLOSE_TASK}[type(item)]


def _placement(item: Flag | Hold | Task, before: Flag | Hold | Task | None, why: str) -> Change:
    if isinstance(item, Flag):
        return Change(op=Op.SET_FLAG, key=item.key, customer_id=item.customer_id, flag=item, before=before, why=why)
    if isinstance(item, Hold):
        return Change(op=Op.PLACE_HOLD, key=item.key, customer_id=item.customer_id, hold=item, why=why)
    return Change(op=Op.OPEN_TASK, key=item.key, customer_id=item.customer_id, task=item, why=why)


def _changed(mine: Flag | Hold | Task, theirs: Flag | Hold | Task) -> bool:
    """Only a flag's readable content counts; for holds and tasks presence is what matters
    (a target may not read back every field arwatch wrote, e.g. a task's body)."""
    if isinstance(mine, Flag) and isinstance(theirs, Flag):
        return bool(diff(WrittenState(flags=(mine,)), DesiredState(as_of=theirs.as_of, flags=(theirs,))))
    return False


def reconcile(store: Store, company: str, target: WrittenState, run_id: str) -> int:
    """Make the mirror equal the target (people change things there); audit each difference."""
    mirror = {key: row.item for key, row in store.written.rows(company).items()}
    actual = _items(target)
    changes = []
    for key, item in sorted(mirror.items()):
        if key not in actual:
            changes.append(Change(op=_removal(item), key=key, customer_id=item.customer_id, before=item,
                                  why="removed in the target system"))
        elif _changed(item, actual[key]):
            changes.append(_placement(actual[key], item, "changed in the target system"))
    for key, item in sorted(actual.items()):
        if key not in mirror:
            changes.append(_placement(item, None, "found in the target system"))
    if changes:
        with store.begin() as conn:
            for change in changes:
                store.written.record(conn, company, change, None)
                store.audit.append(conn, company, change, TARGET, run_id)
    return len(changes)
