"""``diff(written, desired)``: the changes that turn what is written into what should be.

Pure key comparison; all judgement (hysteresis, overrides, habit windows) is the planner's and
is already in ``desired``. Applying the result and diffing again yields an empty diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from .actions import Change, DesiredState, Diff, Flag, Hold, Op, Override, Task, WrittenState, remembered, told_hold

_Item = TypeVar("_Item", Flag, Hold, Task)


def reason_id(reason: str) -> str:
    """The indicator a reason line names ("aging: INV/1 95 days past due" -> "aging")."""
    return reason.partition(":")[0].strip()


def reason_ids(flag: Flag) -> frozenset[str]:
    """The indicators a flag's reasons name."""
    return frozenset(reason_id(reason) for reason in flag.reasons)


def _flag_changed(old: Flag, new: Flag) -> bool:
    """A flag is rewritten when what a person notices changes: its level, its segment or the set
    of its reasons; not because days past due, the score or the date moved (issue 17 point 10)."""
    return (old.level, old.segment, reason_ids(old)) != (new.level, new.segment, reason_ids(new))


def _changes(old: Mapping[str, _Item], new: Mapping[str, _Item], add: Op, remove: Op, field: str,
             why_add: Callable[[_Item], str], why_remove: str,
             changed: Callable[[_Item, _Item], bool] | None = None) -> tuple[list[Change], list[Change]]:
    """Keyed comparison of one kind: (additions and changes, removals), each in key order."""
    added = [Change(op=add, key=key, customer_id=item.customer_id, before=old.get(key),
                    why=why_add(item), **{field: item})
             for key, item in ((k, new[k]) for k in sorted(new))  # keys are unique: sorted by key
             if key not in old or (changed is not None and changed(old[key], item))]
    removed = [Change(op=remove, key=key, customer_id=item.customer_id, before=item, why=why_remove)
               for key, item in ((k, old[k]) for k in sorted(old)) if key not in new]
    return added, removed


def diff(written: WrittenState, desired: DesiredState) -> Diff:
    """Changes in a stable order: flags, holds placed, holds released, tasks opened, closed."""
    def keyed(items: Iterable[_Item]) -> dict[str, _Item]:
        return {i.key: i for i in items}

    flags = _changes(keyed(written.flags), keyed(desired.flags), Op.SET_FLAG, Op.CLEAR_FLAG, "flag",
                     lambda f: f"risk {f.level} ({f.score:.0f})", "no longer scored", _flag_changed)
    holds = _changes(keyed(written.holds), keyed(desired.holds), Op.PLACE_HOLD, Op.RELEASE_HOLD, "hold",
                     lambda h: h.reason, "cause cleared")
    lifted = {o.customer_id: o for o in written.overrides if o.release_until >= desired.as_of}
    why = dict(desired.release_why)
    holds = (holds[0], [c.model_copy(update={"why": _lifted_why(o)}) if (o := lifted.get(c.customer_id))
                        else c.model_copy(update={"why": why[c.customer_id]}) if c.customer_id in why else c
                        for c in holds[1]])
    open_tasks = keyed(written.tasks)
    done = {t.key for t in written.done_tasks} - set(open_tasks)  # done recently: not reopened
    tasks = _changes(open_tasks, {k: t for k, t in keyed(desired.tasks).items() if k not in done},
                     Op.OPEN_TASK, Op.CLOSE_TASK, "task", lambda t: t.rule, "cause gone")
    return Diff(changes=tuple(c for pair in (flags, holds, tasks) for part in pair for c in part))


def _lifted_why(override: Override) -> str:
    """Why a hold a manager lifted is released: "lifted by ann until 2013-06-15: paid by cheque"."""
    return f"lifted by {override.by} until {override.release_until.isoformat()}: {override.reason}"


def apply_to(written: WrittenState, applied: Diff) -> WrittenState:
    """``written`` after the changes of ``applied`` succeeded (what a perfect adapter leaves: a
    closed step of the ladder is kept as done, see ``actions.remembered``; a call that told a
    credit hold is kept as ``told`` when it opens and when it closes, see ``actions.told_hold``)."""
    flags = {f.key: f for f in written.flags}
    holds = {h.key: h for h in written.holds}
    tasks = {t.key: t for t in written.tasks}
    done = {t.key: t for t in written.done_tasks}
    told = {t.key: t for t in written.told}
    for c in applied.changes:
        if c.op is Op.SET_FLAG:
            flags[c.key] = c.flag  # type: ignore[assignment]
        elif c.op is Op.CLEAR_FLAG:
            flags.pop(c.key, None)
        elif c.op is Op.PLACE_HOLD:
            holds[c.key] = c.hold  # type: ignore[assignment]
        elif c.op is Op.RELEASE_HOLD:
            holds.pop(c.key, None)
        elif c.op is Op.OPEN_TASK:
            tasks[c.key] = c.task  # type: ignore[assignment]
            if c.task is not None and told_hold(c.task):
                told[c.key] = c.task
        elif c.op is Op.CLOSE_TASK:
            closed = tasks.pop(c.key, None)
            if closed is not None and remembered(closed):
                done[c.key] = closed
            if closed is not None and told_hold(closed):
                told[c.key] = closed
    return WrittenState(flags=tuple(flags.values()), holds=tuple(holds.values()),
                        tasks=tuple(tasks.values()), overrides=written.overrides, done_tasks=tuple(done.values()),
                        told=tuple(told.values()))
