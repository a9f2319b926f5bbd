"""``arwatch sync --source NAME | --all``: pull, score, plan and write back, per company.

Exit codes (``ExitCode``): 0 ok, 2 configuration error, 3 source unreachable, 4 partial failure
(rejected records or failed writes), 5 locked by another run (or its lock was taken over, or the
SQLite state store stayed busy past its timeout), 6 mass change (the run would remove or undo
too much at once, or the export is empty: stopped before writing anything; see
``arwatch.sync.guard``, and ``--allow-mass-change``); with ``--all`` the common code of the
failing companies, or 4 when they differ.

``--all --jobs N`` syncs up to N companies at once, each in a worker process of its own that
opens its own connection to the store (the per-company lock keeps two runs of one company
apart); ``sync_company`` is that worker, and the Celery task (``arwatch.celery_tasks``) runs
the same function. Without ``--jobs``, companies share this process (``max_workers`` threads).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from arwatch.core import wording
from arwatch.core.actions import Change, DesiredState, WrittenState
from arwatch.core.clock import Now, RunClock
from arwatch.core.contract import ConfigError, SourceUnreachable, data_day
from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.policy import PolicyError, load_policy
from arwatch.core.scoring import ScoreBoard, score
from arwatch.core.templating import TemplateProblem
from arwatch.sync.clock import run_clock
from arwatch.sync.config import CompanyConfig, Secrets, SyncConfig, default_config_path, load_config, load_secrets
from arwatch.sync.model_in_use import scored
from arwatch.sync.runner import Planner, default_planner, planner_with_templates, run_sync
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import Store, open_store, resolve_url
from arwatch.sync.store.engine import busy_message, store_busy
from arwatch.sync.summary import RunSummary

from ..company_view import embedded, state_of, stored_frame
from ..exit_codes import ExitCode, UsageError
from ..trends import missing_months, record_replay, record_run
from .locale import locale_arg

log = logging.getLogger(__name__)
PLANNER = default_planner  # tests replace it with a small planner

Seen = list[tuple[ScoreBoard, DesiredState]]


class _Capturing:
    """A planner that keeps each board it planned on and the plan; its ``inputs`` are those of
    the planner it calls (``arwatch.sync.unchanged``)."""

    def __init__(self, planner: Planner | None, seen: Seen):
        self.planner, self.seen = planner, seen

    @property
    def inputs(self) -> str | None:
        return getattr(self.planner or PLANNER, "inputs", None)

    def __call__(self, board: ScoreBoard, written: WrittenState, policy, today: dt.date) -> DesiredState:
        desired = (self.planner or PLANNER)(board, written, policy, today)
        self.seen.append((board, desired))
        return desired


def capturing_planner(planner: Planner | None = None) -> tuple[Planner, Seen]:
    """``planner`` (default ``PLANNER``) that also keeps each board it planned on and the plan, for
    the run's trends (recorded once the run has finished well)."""
    seen: Seen = []
    return _Capturing(planner, seen), seen


def configured_planner(config: SyncConfig, company: CompanyConfig, templates: Path | None = None,
                       locale: str | None = None) -> Planner | None:
    """The planner of the company's own templates and locale (config ``templates`` and ``locale``,
    or ``--templates`` and ``--locale``), as ``arwatch plan`` uses them; None: the default one."""
    folder, chosen = config.templates_of(company, templates), config.locale_of(company, locale)
    if folder is None and chosen == DEFAULT_LOCALE:
        return None
    return planner_with_templates(folder, chosen)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync companies: pull, score, plan, write back",
                       description="Pull each company's records, score them, plan flags, holds and tasks, "
                                   "and write the difference back. See docs/scheduling.md to run it nightly.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--source", metavar="NAME", help="the company to sync (a [companies.NAME] table)")
    which.add_argument("--all", action="store_true", help="sync every configured company")
    p.add_argument("--full", action="store_true", help="pull everything, not only changes since the last run")
    p.add_argument("--dry-run", action="store_true", help="print the changes and write nothing")
    p.add_argument("--config", type=Path, help="config file (default: $ARWATCH_CONFIG or the user config dir)")
    p.add_argument("--state", metavar="URL", help="state store: SQLite path or database URL (overrides the config)")
    p.add_argument("--as-of", type=dt.date.fromisoformat,
                   help="plan as of this day (default: today in the company's time zone, config `timezone`)")
    p.add_argument("--policy", type=Path, help="policy TOML for every company synced (default: the config's "
                                               "policy, else the built-in one)")
    p.add_argument("--templates", type=Path, help="folder of your own <step>.j2 templates for every company "
                                                  "synced (default: the config's `templates`, else the built-in ones)")
    p.add_argument("--locale", type=locale_arg, help="how letters and tasks write days and money (default: the "
                                                     "config's `locale`, else en_GB; e.g. de_DE)")
    p.add_argument("--allow-mass-change", action="store_true",
                   help="let this run remove or undo more than the [guard] limits (a run that would is "
                        "otherwise stopped with exit code 6); an empty export is refused even so")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="with --all: sync up to N companies at once, each in a worker process of its own "
                        "(default: the config's max_workers threads in this process)")
    p.set_defaults(run=run)


def _progress(company: str):
    def bar(desc: str, total: int | None):
        from tqdm import tqdm

        return tqdm(desc=f"{company}: {desc}", total=total, disable=None, leave=False, file=sys.stderr)
    return bar


def _sync_one(name: str, config: SyncConfig, store: Store, secrets: Secrets, args: argparse.Namespace,
              clock: RunClock) -> tuple[RunSummary, tuple[str, ...]]:
    """The company's run, and how its source read the data (a file source's notes)."""
    company = config.company(name)
    try:
        adapter = make_adapter(company, config, store, secrets, clock)
        policy = load_policy(args.policy or config.path(company.policy or config.policy))
        own = configured_planner(config, company, args.templates, args.locale)
    except (ConfigError, PolicyError, TemplateProblem, FileNotFoundError) as error:
        return RunSummary(company=name, source=company.source, status="config_error", error=str(error)), ()
    except SourceUnreachable as error:  # a source that logs in when built (Odoo): down, refused, or an error
        return RunSummary(company=name, source=company.source, status="unreachable", error=str(error)), ()
    today = args.as_of or data_day(adapter) or clock.today
    planner, seen = capturing_planner(own)
    summary = run_sync(company, store, adapter, policy, today, full=args.full, dry_run=args.dry_run,
                       planner=planner, progress=_progress(name),
                       guard=None if args.allow_mass_change else config.guard_for(company))
    if summary.status in ("ok", "partial") and summary.unchanged_since is None:  # a skipped run: recorded
        _record_trends(store, name, adapter, policy, today, summary, seen)
    return summary, tuple(getattr(adapter, "notes", ()))


def sync_company(name: str, config_path: Path | None, state: str | None, args: argparse.Namespace,
                 clock: RunClock) -> tuple[RunSummary, tuple[str, ...]]:
    """One company's sync on its own: its configuration, secrets and store connection opened
    here, so that it runs in any process (a ``--jobs`` worker, a Celery worker) sharing nothing
    with the others but the store. ``args``: the options of ``arwatch sync`` (as_of, full,
    dry_run, allow_mass_change, policy); ``clock``: the run's clock, decided where it started."""
    try:
        config = load_config(config_path, require_file=config_path is not None)
        store, secrets = _open(config, state_of(config, config_path, state), clock.now)
    except (ConfigError, UsageError) as error:
        locked = isinstance(error, UsageError) and error.code == ExitCode.LOCKED
        return RunSummary(company=name, status="locked" if locked else "config_error", error=str(error)), ()
    try:
        return _sync_one(name, config, store, secrets, args, clock)
    finally:
        store.close()


def _in_processes(names: list[str], args: argparse.Namespace, state: str | None,
                  clocks: dict[str, RunClock]) -> list[tuple[RunSummary, tuple[str, ...]]]:
    """``sync_company`` for each of ``names``, ``args.jobs`` at a time, in worker processes
    (spawned: a worker inherits no open connection or thread of this process)."""
    options = argparse.Namespace(**{k: v for k, v in vars(args).items() if k != "run"})
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(args.jobs, len(names)), mp_context=context) as pool:
        futures = [pool.submit(sync_company, n, args.config, state, options, clocks[n]) for n in names]
        return [future.result() for future in futures]


def _record_trends(store: Store, name: str, adapter, policy, today: dt.date, summary: RunSummary,
                   seen: Seen) -> None:
    """Keep the run's day for the report's trends, and replay the year before a first run."""
    try:
        months = missing_months(store, name, today)
        if seen:
            record_run(store, name, seen[-1][0], seen[-1][1], summary.run_id)
        if months or not seen:  # a source written by its own system plans nothing here: score it
            full = stored_frame(store, name, adapter)[0]
            if not seen:
                record_run(store, name, scored(score(full.as_of_date(today), policy), policy, store, name)[0], None,
                           summary.run_id)
            record_replay(store, name, full, policy, months)
    except Exception as error:  # noqa: BLE001 - the run itself is done and written: trends must not fail it
        log.warning("%s: trends not recorded (%s: %s)", name, type(error).__name__, error)


def _warn_unsigned_once(config: SyncConfig, names: list[str], policy_path: Path | None) -> None:
    """Say once, at the start of the run, which companies' letters have no sender: they are
    signed with the company's name (a policy that does not load is reported by its company's run)."""
    unsigned = []
    for name in names:
        company = config.company(name)
        try:
            policy = load_policy(policy_path or config.path(company.policy or config.policy))
        except PolicyError:
            continue
        if not policy.credit.letters.sender_name:
            unsigned.append(name)
    if unsigned:
        print(f"arwatch: no sender for letters ([credit.letters] sender_name in the policy) of "
              f"{', '.join(unsigned)}: they are signed with the company's name", file=sys.stderr)


def format_change(change: Change) -> str:
    sign = "-" if change.op.value.split("_")[0] in ("clear", "release", "close") else "+"
    return f"  {sign} {change.op.value:<12} {change.key}  ({wording.plain(change.why)})"


def _print(summary: RunSummary, dry_run: bool) -> None:
    if dry_run and summary.status == "dry_run":
        print(f"{summary.company}: {len(summary.changes)} changes would be written")
        for change in summary.changes:
            print(format_change(change))
        if summary.mass_change:
            print(f"{summary.company}: {summary.error}")
    if summary.status == "mass_change" and summary.changes:
        print(f"{summary.company}: stopped (mass change); {len(summary.changes)} changes would have been written")
        for change in summary.changes:
            print(format_change(change))
    for issue in summary.issues:
        print(f"{summary.company}: rejected: {issue}")
    for failure in summary.failures:
        print(f"{summary.company}: failed: {failure}")


def exit_code(summaries: list[RunSummary]) -> int:
    codes = {s.exit_code for s in summaries} - {0}
    if not codes:
        return int(ExitCode.OK)
    return codes.pop() if len(codes) == 1 else int(ExitCode.PARTIAL_FAILURE)


def _open(config: SyncConfig, state: str | None, now: Now) -> tuple[Store, Secrets]:
    try:
        secrets = load_secrets(config.path(config.secrets_file))
    except ConfigError as error:
        raise UsageError(str(error)) from None
    try:
        return open_store(state, now=now), secrets
    except Exception as error:  # noqa: BLE001 - a bad URL or a database that is down
        if store_busy(error):  # (a SQLite file: no password in its URL)
            raise UsageError(busy_message(resolve_url(state)), ExitCode.LOCKED) from None
        raise UsageError(f"cannot open the state store: {type(error).__name__}: {error}") from None


def run(args: argparse.Namespace) -> int:
    if args.all and embedded(args.config):
        raise UsageError(f"nothing to sync: no configuration file ({default_config_path()}); write one listing "
                         f"your companies (docs/scheduling.md), or run `arwatch demo` to try the built-in demo")
    try:
        config = load_config(args.config, require_file=args.config is not None)
        names = sorted(config.companies) if args.all else [config.company(args.source).name]
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if not names:
        raise UsageError("no companies in the configuration")
    try:  # each company's day is decided here, once, in its own time zone
        clocks = {n: run_clock(args.as_of, config.timezone_of(config.company(n))) for n in names}
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs: give a number of workers of 1 or more")
    _warn_unsigned_once(config, names, args.policy)
    state = state_of(config, args.config, args.state)
    store, secrets = _open(config, state, clocks[names[0]].now)  # one machine time for all; migrated once
    try:
        if args.jobs and len(names) > 1:
            store.close()
            results = _in_processes(names, args, state, clocks)
        else:
            with ThreadPoolExecutor(max_workers=min(config.max_workers, 4)) as pool:
                results = list(pool.map(lambda n: _sync_one(n, config, store, secrets, args, clocks[n]), names))
    finally:
        store.close()
    summaries = [summary for summary, _ in results]
    for summary, notes in results:
        for note in notes:
            print(f"{summary.company}: read {note}")
        _print(summary, args.dry_run)
    print()
    for summary in summaries:
        print(summary.line(config.locale_of(config.company(summary.company), args.locale)))
    return exit_code(summaries)
