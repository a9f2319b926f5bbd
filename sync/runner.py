"""``run_sync``: pull, merge, score, plan, diff and write back one company, crash-safely.

    lock -> pull (from the stored cursor) -> merge -> load_ledger (issues reported) -> frame
    at ``today`` -> score -> read the target's written state -> recover the journal, reconcile
    the mirror -> plan -> diff -> guard on mass change -> save snapshot, then cursor -> for each
    batch: journal intents, apply, record outcomes + audit -> finish -> run record -> unlock

The lock is renewed by a heartbeat thread for the whole run and verified before each write
(snapshot, recovery, each batch, finish): a run whose lock was taken over stops there with the
status ``lock_lost`` and writes nothing more. A SQLite store kept busy by another process past
its busy timeout ("database is locked") ends the run as ``locked``, like a held lock.

A dry run pulls, scores, plans and diffs, and writes nothing anywhere. A source that writes its
own flags (``writes_back`` False) is pulled and scored only: no written state, diff or write.
A run whose pull would remove, or whose plan would undo, too much at once (``guard``) stops
before saving the snapshot or writing anything: status ``mass_change``.

A run that would see exactly what the company's last completed run saw (its pull brought
nothing, and nothing else changed: ``arwatch.sync.unchanged``) ends after the pull, writing
nothing (``RunSummary.unchanged_since``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from arwatch.adapters.file.target import StoreTarget
from arwatch.core.actions import ApplyResult, Change, DesiredState, Op, Override, WrittenState
from arwatch.core.contract import (
    ConfigError,
    FinishingAdapter,
    MassChange,
    PullResult,
    SourceAdapter,
    SourceUnreachable,
    writes_back,
)
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.gcpause import gc_paused
from arwatch.core.issues import Issue
from arwatch.core.load_frame import load_frame
from arwatch.core.planner import absent_customers, inactive_customers, keep_absent
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard, score

from .config import CompanyConfig
from .errors import Locked, LockLost
from .faults import fault_point
from .guard import Guard
from .merge import Merged, merge
from .model_in_use import scored
from .planners import default_planner, planner_with_templates
from .recovery import reconcile, recover
from .store import Store
from .store.engine import busy_message, store_busy
from .store.journal import DONE, FAILED
from .store.lock import HeldLock
from .store.rows import texts_kept
from .store.run_inputs import RecordedInputs
from .store.store import CompanyRecords
from .store.written import models_kept
from .summary import RunSummary, tally
from .unchanged import fingerprint, nothing_pulled, unchanged_since

log = logging.getLogger(__name__)

__all__ = ["Planner", "default_planner", "planner_with_templates", "run_sync", "score_stored", "stored_frame"]

DEFAULT_GUARD = Guard()  # frozen: the limits of a run given none
WRITE_BATCH = 50  # changes per batch for an adapter that declares no ``write_batch``

Planner = Callable[[ScoreBoard, WrittenState, Policy, dt.date], DesiredState]


class Bar(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def close(self) -> Any: ...


Progress = Callable[[str, "int | None"], Bar]


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(desc: str, total: int | None) -> Bar:
    return _NoBar()


def _name(company: CompanyConfig | str) -> str:
    return company if isinstance(company, str) else company.name


def _with_store(target: WrittenState, store: Store, company: str, today: dt.date) -> WrittenState:
    """The target's state plus what the store keeps beyond it: the hold overrides in force (the
    store's win), the ladder's closed steps (for a target that does not report done tasks) and
    the calls that told a credit hold (for a target that forgets them once closed)."""
    overrides: dict[str, Override] = {o.customer_id: o for o in target.overrides if o.release_until >= today}
    overrides.update({o.customer_id: o for o in store.written.overrides(company, today)})
    open_keys = {t.key for t in target.tasks}
    done = {t.key: t for t in store.written.done(company) if t.key not in open_keys}
    done.update({t.key: t for t in target.done_tasks})
    told = {t.key: t for t in store.written.told(company)}
    told.update({t.key: t for t in target.told if t.key not in told or t.due_date > told[t.key].due_date})
    return target.model_copy(update={"overrides": tuple(overrides[k] for k in sorted(overrides)),
                                     "done_tasks": tuple(done[k] for k in sorted(done)),
                                     "told": tuple(told[k] for k in sorted(told))})


def _pull_and_merge(store: Store, company: str, adapter: SourceAdapter, full: bool,
                    today: dt.date) -> tuple[Merged, PullResult]:
    since = None if full else store.snapshot.cursor(company)
    pull = adapter.pull(since, full)
    stored_company, stored = store.snapshot.load(company)
    return merge(stored_company, stored, pull, adapter.name, seen_on=today), pull


def _save_snapshot(store: Store, company: str, adapter: SourceAdapter, merged: Merged, pull: PullResult,
                   run_id: str, lock: HeldLock) -> None:
    """Snapshot first; the cursor moves in the same transaction, after it (never ahead of it).
    Its commit leaves SQLite's checkpoint to a thread (``Store.begin_bulk``), settled at the run's end."""
    with store.begin_bulk() as conn:
        lock.confirm(conn, "the snapshot was not saved")
        store.snapshot.save(conn, company, adapter.name, merged.company, merged.upserts, merged.removed, run_id)
        if pull.cursor is not None:
            store.snapshot.set_cursor(conn, company, pull.cursor, run_id)


def ledger_data(merged: Merged, store: Store, company: str) -> dict[str, Any]:
    """The merged snapshot as ``load_ledger``'s data, with the notes recorded in the store
    (``arwatch record``) beside the source's own."""
    data = merged.ledger_data()
    data["notes"] = list(data.get("notes") or ()) + store.notes.records(company)
    return data


def _score(merged: Merged, adapter: SourceAdapter, policy: Policy, today: dt.date, store: Store, company: str,
           save: bool) -> tuple[ScoreBoard, tuple[Issue, ...]]:
    """The company scored as of ``today`` by its model in use (``model_in_use``; a sync ``save``s a new fit)."""
    frame, issues = load_frame(ledger_data(merged, store, company), source=adapter.name,
                               unavailable=adapter.unavailable, as_of=today)
    board, _ = scored(score(frame, policy), policy, store, company, save)
    return board, issues


def score_stored(store: Store, company: str, adapter: SourceAdapter, policy: Policy,
                 today: dt.date) -> tuple[ScoreBoard, tuple[Issue, ...]]:
    """Score the company's stored snapshot as of ``today`` (no pull): for reports and worklists."""
    frame, issues = stored_frame(store, company, adapter.name, adapter.unavailable, today)
    board, _ = scored(score(frame, policy), policy, store, company, False)
    return board, issues


def stored_frame(store: Store, company: str, source: str, unavailable: Iterable[str],
                 today: dt.date) -> tuple[LedgerFrame, tuple[Issue, ...]]:
    """The frame of the company's stored snapshot as of ``today`` and the load's issues.

    The collector is paused from the read to the frame, and the records (a dict per record,
    millions at a million invoices) are dropped before the pause ends: no collection walks them.
    Each step pausing on its own left them alive in between, and the first collection after the
    read walked them all (0.7 s CPU at a million invoices, ``benchmarks/load_from_store.py``)."""
    with gc_paused():
        stored_company, stored, parsed = store.snapshot.load_columns(company)
        merged = merge(stored_company, stored, PullResult(), source)
        del stored_company, stored
        data = ledger_data(merged, store, company)
        data.update(parsed)  # the invoices and payments, as their payloads parsed into columns
        del merged, parsed
        frame, issues = load_frame(data, source=source, unavailable=unavailable, as_of=today)
        del data  # freed while still paused (the records with it)
    return frame, tuple(issues)


def _record_batch(store: Store, company: str, run_id: str, actor: str, ids: Sequence[int],
                  batch: Sequence[Change], results: Sequence[ApplyResult],
                  lock: HeldLock, mirrored: bool = False) -> tuple[list[Change], list[str]]:
    """Outcomes, mirror and audit of one applied batch, committed only while the lock is this
    run's: after a takeover, the run holding the lock records the batch (its journal recovery
    finds the open intents), so no change is recorded twice. ``mirrored``: the adapter's
    ``apply`` recorded the batch in the store's written table itself (``_records_itself``),
    which the mirror would only write again, row for row."""
    ok: list[tuple[int, Change, ApplyResult]] = []
    failures = []
    with store.begin() as conn:
        lock.confirm(conn, f"the outcomes of {len(batch)} changes it had just written were left to the run "
                           f"holding the lock (its journal recovery records them)")
        for index, (entry_id, change) in enumerate(zip(ids, batch, strict=False)):
            result = results[index] if index < len(results) else None
            if result is not None and result.ok:
                ok.append((entry_id, change, result))
            else:
                error = result.error if result is not None else "the adapter returned no result"
                store.journal.settle(conn, entry_id, FAILED, error=error)
                failures.append(f"{change.key}: {error}")
        if not mirrored:
            store.written.record_many(conn, company, [(c, r) for _, c, r in ok])
        store.audit.append_many(conn, company, [(c, r.external_id) for _, c, r in ok], actor, run_id)
        if ok:
            store.journal.settle_many(conn, [i for i, _, _ in ok], DONE, [r.external_id for _, _, r in ok],
                                      [c.key for _, c, _ in ok])
    return [c for _, c, _ in ok], failures


def write_batch_of(adapter: SourceAdapter) -> int:
    """How many changes the adapter takes per batch: its ``write_batch`` where it declares one
    (a target that is the store itself takes thousands: each batch is a commit and an fsync),
    else ``WRITE_BATCH`` (a remote API's batch: small, so an outage loses little progress)."""
    size = getattr(adapter, "write_batch", WRITE_BATCH)
    return size if isinstance(size, int) and size > 0 else WRITE_BATCH


def _apply(store: Store, company: str, adapter: SourceAdapter, changes: Sequence[Change], run_id: str,
           actor: str, batch_size: int, bar: Bar, lock: HeldLock) -> tuple[list[Change], list[str]]:
    """Journal, apply and record ``changes`` batch by batch; stops at an adapter exception
    (its intents stay open and the next run settles them), and before a batch when the lock
    was taken over (``LockLost``)."""
    applied: list[Change] = []
    failures: list[str] = []
    mirrored = _records_itself(adapter, store, company)
    for start in range(0, len(changes), batch_size):
        batch = list(changes[start:start + batch_size])
        lock.check(f"write changes {start + 1}-{start + len(batch)} of {len(changes)}")
        with texts_kept():  # an item's JSON made once for the mirror and the audit log
            ids = store.journal.intend(company, run_id, batch)
            fault_point("before_apply")
            try:
                results = list(adapter.apply(batch))
            except Exception as error:  # noqa: BLE001 - an adapter bug or outage must not lose the record
                log.exception("%s: applying changes failed", company)
                failures += [f"{c.key}: not confirmed ({type(error).__name__}: {error})" for c in changes[start:]]
                break
            fault_point("after_apply")
            done, failed = _record_batch(store, company, run_id, actor, ids, batch, results, lock, mirrored)
        applied += done
        failures += failed
        bar.update(len(batch))
    return applied, failures


def _records_itself(adapter: SourceAdapter, store: Store, company: str) -> bool:
    """The adapter's ``apply`` records each change it applies into this store's written table
    for this company, in the transaction that writes it (a file or demo source: ``StoreTarget``,
    whose target is that table): the mirror is the target itself."""
    records = adapter.records if isinstance(adapter, StoreTarget) else None
    return (type(adapter).apply is StoreTarget.apply and isinstance(records, CompanyRecords)
            and records.store is store and records.company == company)


def _mass_change(guard: Guard | None, merged: Merged, written: WrittenState | None,
                 changes: Sequence[Change]) -> list[str]:
    """The guard's findings (none without a guard, i.e. with --allow-mass-change)."""
    if guard is None:
        return []
    found = guard.pull_findings(merged.stored, merged.removed)
    return found + (guard.plan_findings(written, changes) if written is not None else [])


def _dry_run(company: str, store: Store, adapter: SourceAdapter, policy: Policy, today: dt.date,
             full: bool, planner: Planner, guard: Guard | None) -> RunSummary:
    merged, pull = _pull_and_merge(store, company, adapter, full, today)
    board, issues = _score(merged, adapter, policy, today, store, company, save=False)
    changes: tuple[Change, ...] = ()
    kept: tuple[str, ...] = ()
    written = None
    if writes_back(adapter):
        written = _with_store(adapter.read_written_state(), store, company, today)
        changes, kept = _planned(planner, board, written, policy, today, guard)
    found = _mass_change(guard, merged, written, changes)
    return RunSummary(company=company, source=adapter.name, status="dry_run", as_of=today, pulled=pull.count(),
                      kept_absent=kept if writes_back(adapter) else (), newest_record=board.frame.newest_record_day(),
                      read_only=not writes_back(adapter),
                      deleted=sum(len(v) for v in merged.removed.values()), scored=board.frame.n_customers,
                      issues=tuple(pull.issues) + merged.issues + tuple(issues), changes=changes,
                      counts=tally(changes), mass_change=tuple(found),
                      error=(guard or Guard()).message(found, "a real run would stop before writing anything")
                      if found else "")


def run_sync(company_config: CompanyConfig | str, store: Store, adapter: SourceAdapter, policy: Policy, today: dt.date,
             full: bool = False, dry_run: bool = False, planner: Planner = default_planner,
             progress: Progress = no_progress, batch_size: int | None = None, actor: str = "arwatch",
             guard: Guard | None = DEFAULT_GUARD) -> RunSummary:
    """Sync one company; returns its summary (errors become a status, never stop the caller).

    ``guard``: the limits on mass change (None lets any change through: --allow-mass-change).
    ``batch_size``: changes journalled and applied together; None: the adapter's ``write_batch``
    (``write_batch_of``).
    """
    company = _name(company_config)
    batch_size = batch_size or write_batch_of(adapter)
    try:
        if dry_run:
            with store.adapter_state.dry(company):
                return _dry_run(company, store, adapter, policy, today, full, planner, guard)
        return _run(company, store, adapter, policy, today, full, planner, progress, batch_size, actor, guard)
    except LockLost as error:
        return RunSummary(company=company, source=adapter.name, status="lock_lost", error=str(error))
    except Locked as error:
        return RunSummary(company=company, source=adapter.name, status="locked", error=str(error))
    except MassChange as error:
        return RunSummary(company=company, source=adapter.name, status="mass_change", error=str(error))
    except SourceUnreachable as error:
        return RunSummary(company=company, source=adapter.name, status="unreachable", error=str(error))
    except ConfigError as error:
        return RunSummary(company=company, source=adapter.name, status="config_error", error=str(error))
    except Exception as error:  # noqa: BLE001 - one company's bug must not stop the others (--all)
        if store_busy(error):
            return RunSummary(company=company, source=adapter.name, status="locked", error=busy_message(store.url))
        log.exception("%s: sync failed", company)
        return RunSummary(company=company, source=adapter.name, status="failed",
                          error=f"{type(error).__name__}: {error}")


def _run(company: str, store: Store, adapter: SourceAdapter, policy: Policy, today: dt.date, full: bool,
         planner: Planner, progress: Progress, batch_size: int, actor: str, guard: Guard | None) -> RunSummary:
    run_id = uuid.uuid4().hex
    lock = store.locks.hold(company, run_id)
    if lock.taken_over:
        log.warning("%s: took over the lock of run %s (its process is gone or silent)", company, lock.taken_over)
    steps = progress("sync", 5)
    try:
        _not_before_last(store, company, today, guard)
        store.runs.start(run_id, company, full)
        try:
            summary = _steps(company, store, adapter, policy, today, full, planner, progress, batch_size,
                             actor, run_id, steps, lock, guard)
        except LockLost as error:  # this run's own record only; nothing else is written
            store.runs.finish(run_id, "lock_lost", error=str(error))
            raise
        except (SourceUnreachable, ConfigError, MassChange) as error:
            store.runs.finish(run_id, "mass_change" if isinstance(error, MassChange) else "failed", error=str(error))
            raise
        except Exception as error:
            if not store_busy(error):
                store.runs.finish(run_id, "failed", error=f"{type(error).__name__}: {error}")
            raise
        store.runs.finish(run_id, summary.status, summary.model_dump(mode="json", exclude={"changes"}))
        return summary
    finally:
        steps.close()
        store.settle()  # the snapshot's checkpoint, run beside the write stage
        _release(lock)


def _not_before_last(store: Store, company: str, today: dt.date, guard: Guard | None) -> None:
    """Refuse a run for a day before the company's last sync (checked under its lock): its plan
    would undo what was written since (a hold released on payment placed again, closed tasks
    reopened). ``guard`` None (``--allow-mass-change``) writes it on purpose; ``--dry-run`` shows it.
    "The last sync" is the latest business day synced (``RunLog.latest_as_of``), never the run
    that started last by the machine's clock, which a clock set ahead (faketime) moves."""
    last = store.runs.latest_as_of(company)
    if guard is not None and last is not None and today < last:
        raise ConfigError(f"{company}: the run's day {today.isoformat()} is before the day of {company}'s last sync, "
                          f"{last.isoformat()}: a sync for an earlier day would undo what was written since; "
                          f"see that day with --dry-run, or write it on purpose with --allow-mass-change")


def _release(lock: HeldLock) -> None:
    """Release the lock; a failure (a busy store) leaves the row, which names this process and
    is taken over once it has ended (or by a later run of this process)."""
    try:
        lock.release()
    except Exception as error:  # noqa: BLE001 - must not hide the run's own outcome
        log.warning("%s: could not release the lock (%s: %s)", lock.company, type(error).__name__, error)


class _Heap:
    """What the garbage collector looks at during a run: the pull, the merged snapshot, the frame,
    the board and then the plan live until the run ends, yet each full collection would walk them
    all again (millions of objects at a million invoices: seconds of planning and writing).
    ``keep()`` moves every object alive now out of its sight (``gc.freeze``) until the run ends
    (``gc.unfreeze``); an object is still freed when its last reference goes (only a cycle among
    them waits for the end of the run). A process that froze objects of its own before the run
    is left as it is."""

    def __init__(self) -> None:
        self.frozen = False
        self.mine = gc.get_freeze_count() == 0

    def keep(self) -> None:
        if self.mine:
            gc.freeze()
            self.frozen = True

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No collection while the plan is built and diffed: everything it makes lives until the
        write is done (then ``keep``), yet each full collection walked all of it made so far, a
        fifth of planning at 300k invoices. Nor while a target that is the store itself (a file
        export's) is written: each batch's rows live until its commit, and the collections they
        set off (26 full ones at a million invoices) walked them again and again, as did the
        written state read back for the outbox. Objects are still freed when their last
        reference goes; a cycle waits until the pause ends."""
        if not (self.mine and gc.isenabled()):
            yield
            return
        gc.disable()
        try:
            yield
        finally:
            gc.enable()

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """No collection while the pull is made, and what it made kept (``keep``) before the
        collector runs again: the pull's records (a dict per record, millions at a million
        invoices) live until the run ends, yet the first collection after the source's own
        pause walked them all (about a second at a million invoices)."""
        active = self.mine and gc.isenabled()
        with self.paused():
            try:
                yield
            finally:
                if active:
                    self.keep()  # still paused: frozen before the collector runs again

    def __enter__(self) -> _Heap:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.frozen:
            gc.unfreeze()


def _steps(company: str, store: Store, adapter: SourceAdapter, policy: Policy, today: dt.date, full: bool,
           planner: Planner, progress: Progress, batch_size: int, actor: str, run_id: str,
           steps: Bar, lock: HeldLock, guard: Guard | None) -> RunSummary:
    with _Heap() as heap:
        return _heap_steps(company, store, adapter, policy, today, full, planner, progress, batch_size, actor,
                           run_id, steps, lock, guard, heap)


def _heap_steps(company: str, store: Store, adapter: SourceAdapter, policy: Policy, today: dt.date, full: bool,
                planner: Planner, progress: Progress, batch_size: int, actor: str, run_id: str,
                steps: Bar, lock: HeldLock, guard: Guard | None, heap: _Heap) -> RunSummary:
    with heap.kept():
        pull = adapter.pull(None if full else store.snapshot.cursor(company), full)
    seen = fingerprint(store, company, adapter, policy, today, planner) if nothing_pulled(pull) else None
    if (last := unchanged_since(store, company, pull, seen)) is not None and not _undo_asked(store, last, guard):
        return _unchanged(store, company, adapter, policy, today, planner, run_id, pull, last, lock)
    with heap.kept():  # the stored records too: no collection between the read and the merge
        stored_company, stored = store.snapshot.load(company)
        merged = merge(stored_company, stored, pull, adapter.name, seen_on=today)
        del stored_company, stored
    steps.update()
    board, load_issues = _score(merged, adapter, policy, today, store, company, save=True)
    heap.keep()
    steps.update()
    if not writes_back(adapter):
        if found := _mass_change(guard, merged, None, ()):
            return _stopped(company, adapter, run_id, pull, guard, found)
        lock.check("save the snapshot")
        _save_snapshot(store, company, adapter, merged, pull, run_id, lock)
        _remember(store, company, adapter, policy, today, planner, run_id)
        return _read_only_summary(company, adapter, run_id, pull, merged, board, load_issues, today)
    lock.check("read the target's written state")  # renewed at each stage, not only by the thread
    target = adapter.read_written_state()
    lock.check("recover the journal and reconcile the mirror")
    recovered = recover(store, company, target, run_id)
    reconcile(store, company, target, run_id)
    written = _with_store(target, store, company, today)
    with heap.paused():
        changes, kept = _planned(planner, board, written, policy, today, guard)
    heap.keep()  # the plan's flags, holds, tasks and changes too: they live until the write is done
    steps.update()
    if found := _mass_change(guard, merged, written, changes):
        return _stopped(company, adapter, run_id, pull, guard, found, changes, kept)
    lock.check("save the snapshot")
    _save_snapshot(store, company, adapter, merged, pull, run_id, lock)
    issues = tuple(pull.issues) + merged.issues + tuple(load_issues)
    pulled, deleted = pull.count(), sum(len(v) for v in merged.removed.values())
    del pull, merged  # the pulled and merged records (a dict each): saved, and not what is written back
    fault_point("after_snapshot")
    steps.update()
    bar = progress("write back", len(changes))
    local = _records_itself(adapter, store, company)  # all CPU here; a remote target's write waits on its API
    with heap.paused() if local else contextlib.nullcontext(), models_kept():  # freed as they go: batches' rows,
        try:                                          # state read back; what was written not parsed again
            applied, failures = _apply(store, company, adapter, changes, run_id, actor, batch_size, bar, lock)
        finally:
            bar.close()
        if isinstance(adapter, FinishingAdapter):
            lock.check("finish the write-back")
            answers = adapter.finish(store.written.state(company, today))
            if answers:
                store.audit.append_answers(company, answers, actor, run_id)
    steps.update()
    if not failures:
        _remember(store, company, adapter, policy, today, planner, run_id)
    return RunSummary(company=company, source=adapter.name, run_id=run_id, as_of=today,
                      status="partial" if failures or issues else "ok", pulled=pulled,
                      deleted=deleted, scored=board.frame.n_customers,
                      issues=issues, changes=changes, counts=tally(applied), failures=tuple(failures),
                      recovered=recovered, kept_absent=kept, newest_record=board.frame.newest_record_day())


def _remember(store: Store, company: str, adapter: SourceAdapter, policy: Policy, today: dt.date,
              planner: Planner, run_id: str) -> None:
    """Record what this run saw, now that all it planned is written (``arwatch.sync.unchanged``)."""
    seen = fingerprint(store, company, adapter, policy, today, planner)
    if seen is not None:
        store.inputs.record(company, run_id, today, seen)


def _undo_asked(store: Store, last: RecordedInputs, guard: Guard | None) -> bool:
    """``--allow-mass-change`` after a run that kept what is written about customers missing from
    the data: this run undoes it (``_planned``), so it plans though nothing else changed."""
    return guard is None and bool((store.inputs.summary(last.run_id) or {}).get("kept_absent"))


def _unchanged(store: Store, company: str, adapter: SourceAdapter, policy: Policy, today: dt.date,
               planner: Planner, run_id: str, pull: PullResult, last: RecordedInputs, lock: HeldLock) -> RunSummary:
    """The summary of a run that sees what the run ``last`` saw: nothing to write. A cursor the
    pull moved without bringing anything (a file touched, not changed) is kept, and what this
    run saw recorded with it."""
    if pull.cursor is not None and pull.cursor != store.snapshot.cursor(company):
        with store.begin() as conn:
            lock.confirm(conn, "the cursor was not saved")
            store.snapshot.set_cursor(conn, company, pull.cursor, run_id)
        _remember(store, company, adapter, policy, today, planner, last.run_id)
    log.info("%s: nothing changed since the run of %s: nothing to write", company, last.as_of)
    before = store.inputs.summary(last.run_id) or {"company": company, "source": adapter.name}
    return RunSummary.model_validate(before).model_copy(update={
        "run_id": run_id, "pulled": 0, "deleted": 0, "changes": (), "counts": tally(()), "failures": (),
        "recovered": 0, "error": "", "mass_change": (), "as_of": today, "unchanged_since": last.as_of})


def _stopped(company: str, adapter: SourceAdapter, run_id: str, pull: PullResult, guard: Guard | None, found: list[str],
             changes: Sequence[Change] = (), kept: tuple[str, ...] = ()) -> RunSummary:
    """A run the guard stopped: nothing saved or written; ``changes`` are what it would have written."""
    log.warning("%s: mass change, nothing written: %s", company, "; ".join(found))
    return RunSummary(company=company, source=adapter.name, run_id=run_id, status="mass_change",
                      pulled=pull.count(), read_only=not writes_back(adapter), changes=tuple(changes),
                      mass_change=tuple(found), error=(guard or Guard()).message(found), kept_absent=kept)


#: why a flag is cleared, a hold released or a task closed for a customer the data no longer has
#: (only with --allow-mass-change: otherwise they are kept, ``keep_absent``)
GONE = "no longer in the data"
_UNDOING = frozenset({Op.CLEAR_FLAG, Op.RELEASE_HOLD, Op.CLOSE_TASK})


def _planned(planner: Planner, board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
             guard: Guard | None) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    """The plan's changes, and the customers missing from the data whose flags, holds and open
    tasks it keeps as written (``keep_absent``). With ``--allow-mass-change`` (no guard) the
    change is taken as real: they are undone, each change saying why."""
    desired = planner(board, written, policy, today)
    absent = absent_customers(board.frame, written)
    inactive = inactive_customers(board.frame)
    if guard is not None:
        return _inactive_why(diff(written, keep_absent(desired, written, board.frame)).changes, inactive), absent
    gone = set(absent)
    return _inactive_why(tuple(c.model_copy(update={"why": GONE}) if c.customer_id in gone and c.op in _UNDOING
                               else c for c in diff(written, desired).changes), inactive), ()


#: why a flag is cleared, a hold released or a task closed for a customer the source made inactive
INACTIVE = "made inactive in the source: it cannot be invoiced"


def _inactive_why(changes: tuple[Change, ...], inactive: frozenset[str]) -> tuple[Change, ...]:
    """Each undoing change of a customer made inactive says so (not "cause cleared")."""
    if not inactive:
        return changes
    return tuple(c.model_copy(update={"why": INACTIVE}) if c.customer_id in inactive and c.op in _UNDOING else c
                 for c in changes)


def _read_only_summary(company: str, adapter: SourceAdapter, run_id: str, pull: PullResult, merged: Merged,
                       board: ScoreBoard, load_issues: Sequence[Issue], today: dt.date) -> RunSummary:
    issues = tuple(pull.issues) + merged.issues + tuple(load_issues)
    return RunSummary(company=company, source=adapter.name, run_id=run_id, as_of=today,
                      status="partial" if issues else "ok",
                      pulled=pull.count(), deleted=sum(len(v) for v in merged.removed.values()),
                      scored=board.frame.n_customers, issues=issues, read_only=True,
                      newest_record=board.frame.newest_record_day())
