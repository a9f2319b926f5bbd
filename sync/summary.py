"""``RunSummary``: what one company's sync did, and the exit code it maps to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from arwatch.core.actions import Change, Op
from arwatch.core.formats import DEFAULT_LOCALE, day
from arwatch.core.frame import STALE_AFTER_DAYS
from arwatch.core.issues import Issue
from arwatch.core.wording import plural

# Exit codes are arwatch.exit_codes.ExitCode values; kept as ints so the sync engine does not
# import the CLI package.
EXIT = {"ok": 0, "dry_run": 0, "failed": 1, "config_error": 2, "unreachable": 3, "partial": 4, "locked": 5,
        "lock_lost": 5, "mass_change": 6}

_KIND_OF = {Op.SET_FLAG: "flags", Op.CLEAR_FLAG: "flags", Op.PLACE_HOLD: "holds", Op.RELEASE_HOLD: "holds",
            Op.OPEN_TASK: "tasks", Op.CLOSE_TASK: "tasks"}


def verb(change: Change) -> str:
    if change.op in (Op.CLEAR_FLAG, Op.RELEASE_HOLD, Op.CLOSE_TASK):
        return "closed"
    if change.op is Op.SET_FLAG and change.before is not None:
        return "updated"
    return "created"


def tally(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """{"flags"|"holds"|"tasks": {"created"|"updated"|"closed": n}}."""
    counts = {kind: {"created": 0, "updated": 0, "closed": 0} for kind in ("flags", "holds", "tasks")}
    for change in changes:
        counts[_KIND_OF[change.op]][verb(change)] += 1
    return counts


class RunSummary(BaseModel):
    """One company's run.

    Attributes:
      status: ok | partial (data issues or failed writes) | failed | config_error | unreachable
        | locked (another run holds the lock, or the SQLite store stayed busy) | lock_lost (this
        run's lock was taken over; it stopped before its next write)
        | mass_change (stopped before writing: see ``arwatch.sync.guard``) | dry_run.
      deleted: records the pull removed from the snapshot (would remove, for a dry run).
      changes: the diff (planned, for a dry run; attempted otherwise).
      counts: applied changes by kind and verb (see ``tally``).
      failures: "key: error" for each write that failed.
      recovered: writes of an interrupted run found done in the target and recorded.
      read_only: the source writes its own flags, holds and tasks; this run only pulled and
        scored (see ``arwatch.core.contract.writes_back``).
      as_of: the day the run scored and planned for (its clock's ``today``).
      mass_change: what the guard found too much ("release 3 of 3 open holds (100%)"): the run
        stopped (status mass_change), or a real run would stop (dry run).
      newest_record: the day of the newest invoice, payment or contact attempt the run scored
        (``LedgerFrame.newest_record_day``): more than ``STALE_AFTER_DAYS`` before ``as_of``,
        the line says the data looks stale (an export not refreshed).
      kept_absent: customers with a flag, hold or open task written who are missing from the data:
        kept as written (``arwatch.core.planner.keep_absent``), not undone (but with
        --allow-mass-change).
      unchanged_since: the as-of day of the completed run that saw exactly what this one saw:
        this run ended early, loading, scoring and planning nothing, writing nothing
        (``arwatch.sync.unchanged``); its ``issues`` and ``scored`` are that run's.
    """

    model_config = ConfigDict(frozen=True)

    company: str
    source: str = ""
    run_id: str = ""
    status: str = "ok"
    pulled: int = 0
    deleted: int = 0
    scored: int = 0
    issues: tuple[Issue, ...] = ()
    changes: tuple[Change, ...] = ()
    counts: dict[str, dict[str, int]] = Field(default_factory=lambda: tally(()))
    failures: tuple[str, ...] = ()
    recovered: int = 0
    error: str = ""
    read_only: bool = False
    as_of: dt.date | None = None
    mass_change: tuple[str, ...] = ()
    unchanged_since: dt.date | None = None
    kept_absent: tuple[str, ...] = ()
    newest_record: dt.date | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    def line(self, locale: str = DEFAULT_LOCALE) -> str:
        """One line for the end-of-run table, its day written in the company's ``locale``."""
        if self.status == "mass_change":
            return "; ".join([f"{self.company}: {self.status}: pulled {self.pulled}, {self._removed()}", self.error,
                              *self._kept()])
        if self.error and self.status not in ("ok", "partial", "dry_run"):
            return f"{self.company}: {self.status}: {self.error}"
        if self.unchanged_since is not None:
            said = f"nothing changed since the run of {day(self.unchanged_since, locale)}: nothing to write"
            return f"{self.company}: {self._head(locale)}: " + ", ".join([said, *self._rejected(),
                                                                         *self._stale(locale)])
        parts = [f"pulled {self.pulled}", f"scored {self.scored}"]
        if self.read_only:
            parts.append("read-only (the source writes its own flags, holds and tasks)")
            return f"{self.company}: {self._head(locale)}: " + ", ".join(parts + [self._removed()] + self._rejected() +
                                                                         self._stale(locale))
        for kind, verbs in self.counts.items():
            parts.append(f"{kind} " + "/".join(f"{n} {v}" for v, n in verbs.items()))
        parts.append(f"failed {self.failed}")
        if self.recovered:
            parts.append(f"recovered {self.recovered}")
        parts.append(self._removed())
        if self.mass_change:
            parts.append("a real run would stop: mass change")
        return f"{self.company}: {self._head(locale)}: " + ", ".join(parts + self._rejected() + self._kept() +
                                                                     self._stale(locale))

    def _head(self, locale: str) -> str:
        head = "dry run" if self.status == "dry_run" else self.status
        return f"{head} as of {day(self.as_of, locale)}" if self.as_of else head

    def _stale(self, locale: str) -> list[str]:
        """"note: the newest record is from 20 Apr 2026, 231 days before 7 Dec 2026: ..."."""
        if self.newest_record is None or self.as_of is None or \
                (self.as_of - self.newest_record).days <= STALE_AFTER_DAYS:
            return []
        return [f"note: the newest record is from {day(self.newest_record, locale)}, "
                f"{(self.as_of - self.newest_record).days} days before {day(self.as_of, locale)}: "
                f"is the export current?"]

    def _kept(self) -> list[str]:
        """"kept as written: 1 customer no longer in the data (C-010)"."""
        n = len(self.kept_absent)
        if not n:
            return []
        named = ", ".join(self.kept_absent[:5]) + (f" and {n - 5} more" if n > 5 else "")
        it, it_is = ("it", "it is") if n == 1 else ("them", "they are")
        return [f"kept as written: {plural(n, 'customer')} no longer in the data ({named}): what is "
                f"written about {it} (flags, holds, tasks) stays until {it_is} back; run with "
                f"--allow-mass-change if {'it' if n == 1 else 'they'} left"]

    def _removed(self) -> str:
        return f"{plural(self.deleted, 'record')} removed"

    def _rejected(self) -> list[str]:
        return [f"{len(self.issues)} records rejected"] if self.issues else []
