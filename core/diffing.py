"""``diff(written, desired)``: the changes that turn what is written into what should be.

Pure key comparison; all judgement (hysteresis, overrides, habit windows) is the planner's and
is already in ``desired``. Applying the result and diffing again yields an empty diff.
"""

from __future__ import annotations

from .actions import Change, DesiredState, Diff, Flag, Op, WrittenState


def _flag_changed(old: Flag, new: Flag) -> bool:
    """A flag is rewritten when what a person reads changes, not for the date alone."""
    return (old.level, old.segment, round(old.score), old.reasons) != (
        new.level, new.segment, round(new.score), new.reasons)


def diff(written: WrittenState, desired: DesiredState) -> Diff:
    """Changes in a stable order: flags, holds placed, holds released, tasks opened, closed."""
    changes: list[Change] = []
    old_flags = {f.key: f for f in written.flags}
    new_flags = {f.key: f for f in desired.flags}
    for key, flag in sorted(new_flags.items()):
        old = old_flags.get(key)
        if old is None or _flag_changed(old, flag):
            changes.append(Change(op=Op.SET_FLAG, key=key, customer_id=flag.customer_id, flag=flag,
                                  before=old, why=f"risk {flag.level} ({flag.score:.0f})"))
    for key, old in sorted(old_flags.items()):
        if key not in new_flags:
            changes.append(Change(op=Op.CLEAR_FLAG, key=key, customer_id=old.customer_id, before=old,
                                  why="no longer scored"))

    old_holds = {h.key: h for h in written.holds}
    new_holds = {h.key: h for h in desired.holds}
    for key, hold in sorted(new_holds.items()):
        if key not in old_holds:
            changes.append(Change(op=Op.PLACE_HOLD, key=key, customer_id=hold.customer_id, hold=hold,
                                  why=hold.reason))
    for key, old in sorted(old_holds.items()):
        if key not in new_holds:
            changes.append(Change(op=Op.RELEASE_HOLD, key=key, customer_id=old.customer_id, before=old,
                                  why="cause cleared"))

    old_tasks = {t.key: t for t in written.tasks}
    new_tasks = {t.key: t for t in desired.tasks}
    for key, task in sorted(new_tasks.items()):
        if key not in old_tasks:
            changes.append(Change(op=Op.OPEN_TASK, key=key, customer_id=task.customer_id, task=task,
                                  why=task.rule))
    for key, old in sorted(old_tasks.items()):
        if key not in new_tasks:
            changes.append(Change(op=Op.CLOSE_TASK, key=key, customer_id=old.customer_id, before=old,
                                  why="cause gone"))
    return Diff(changes=tuple(changes))


def apply_to(written: WrittenState, applied: Diff) -> WrittenState:
    """``written`` after the changes of ``applied`` succeeded (what a perfect adapter leaves)."""
    flags = {f.key: f for f in written.flags}
    holds = {h.key: h for h in written.holds}
    tasks = {t.key: t for t in written.tasks}
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
        elif c.op is Op.CLOSE_TASK:
            tasks.pop(c.key, None)
    return WrittenState(flags=tuple(flags.values()), holds=tuple(holds.values()),
                        tasks=tuple(tasks.values()), overrides=written.overrides)
