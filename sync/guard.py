"""The guard on mass change: a run that would remove or undo too much at once stops unwritten.

A bad export (cut short, down to its header, every amount in a new number format) looks to a
sync like a company whose invoices vanished and whose customers all paid. Like ``rsync
--max-delete``, the runner then stops before writing anything and says what it would have done:

- the pull would remove more than ``max_removed_share`` of a collection's stored records
  (invoices, payments, customers, ...), or
- the plan would release, clear or close more than ``max_closed_share`` of the open holds,
  flags or tasks (each kind on its own),

but only when more than ``min_count`` records of that collection or kind would go: in a small
book one customer paying (a hold released, their few tasks closed, a voided invoice) is not a
mass change, whatever its share. Removing all the stored records of a collection, releasing all
the holds or clearing all the flags always trips when there are at least 2, whatever the limits.
Tasks move with time (a courtesy reminder's window ends, a reminder gives way to a call), so
only the tasks of customers left with no open task count, and "all of them" does not apply:
a small book's last two tasks closing on one day is normal, and a bad export that closes every
task also removes records or releases holds.
``--allow-mass-change`` lets one run through.

Configured per sync config, top level or per company (a company's keys win)::

    [guard]
    max_removed_share = 0.2
    max_closed_share = 0.25
    min_count = 5
    [companies.acme.guard]
    max_closed_share = 0.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from arwatch.core.actions import Change, Op, WrittenState

_UNDOING = {Op.RELEASE_HOLD: ("holds", "release"), Op.CLEAR_FLAG: ("flags", "clear"),
            Op.CLOSE_TASK: ("tasks", "close")}


class Guard(BaseModel):
    """Limits of one run (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_removed_share: float = Field(default=0.20, ge=0, le=1,
                                     description="share of a collection's stored records a pull may remove")
    max_closed_share: float = Field(default=0.25, ge=0, le=1,
                                    description="share of the open holds, flags or tasks a plan may undo")
    min_count: int = Field(default=5, ge=0, description="this many or fewer of a kind never trip the shares")

    def over(self, n: int, total: int, share: float, all_of_them: bool = True) -> bool:
        """Whether undoing ``n`` of ``total`` is a mass change (``all_of_them``: all of 2 or more is)."""
        if n <= 0:
            return False
        if all_of_them and total >= 2 and n >= total:
            return True
        return n > self.min_count and n > share * total

    def pull_findings(self, stored: Mapping[str, int], removed: Mapping[str, Sequence[str]]) -> list[str]:
        """"remove 12 of 12 stored invoices (100%)" for each collection over the limit."""
        return [f"remove {len(ids)} of {stored.get(name, 0)} stored {name} ({_pct(len(ids), stored.get(name, 0))})"
                for name, ids in sorted(removed.items())
                if self.over(len(ids), stored.get(name, 0), self.max_removed_share)]

    def plan_findings(self, written: WrittenState, changes: Sequence[Change]) -> list[str]:
        """"release 3 of 3 open holds (100%)" for each kind over the limit. A task closed for a
        customer who keeps or gets another open task (the next step of the ladder) is not counted."""
        open_now = {"holds": len(written.holds), "flags": len(written.flags), "tasks": len(written.tasks)}
        closing = {c.key for c in changes if c.op is Op.CLOSE_TASK}
        still_worked = ({t.customer_id for t in written.tasks if t.key not in closing}
                        | {c.customer_id for c in changes if c.op is Op.OPEN_TASK})
        undone: dict[str, int] = {}
        for change in changes:
            if change.op in _UNDOING and not (change.op is Op.CLOSE_TASK and change.customer_id in still_worked):
                undone[_UNDOING[change.op][0]] = undone.get(_UNDOING[change.op][0], 0) + 1
        findings = []
        for kind, word in _UNDOING.values():
            n, total = undone.get(kind, 0), open_now[kind]
            if self.over(n, total, self.max_closed_share, all_of_them=kind != "tasks"):
                findings.append(f"{word} {n} of {total} open {kind} ({_pct(n, total)})")
        return findings

    def message(self, findings: Sequence[str], lead: str = "stopped before writing anything") -> str:
        """What the run would have done, and how to let it through."""
        return (f"{lead}: this run would {'; '.join(findings)}. Limits: {self.max_removed_share:.0%} of a "
                f"collection's stored records, {self.max_closed_share:.0%} of the open holds, flags or tasks "
                f"(when more than {self.min_count}), never all the records, holds or flags (of 2 or more). "
                f"Check the export; if the change is real, run again with --allow-mass-change (or raise the "
                f"[guard] limits in the config)")


def _pct(n: int, total: int) -> str:
    return f"{n / total:.0%}" if total else "all"
