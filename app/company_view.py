"""What the read-only commands (demo, plan, report) share: a company's stored snapshot scored
as of a day, with the plan and the diff against what is written."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from arwatch.core.actions import DesiredState, Diff
from arwatch.core.clock import RunClock
from arwatch.core.contract import ConfigError, PullResult, SourceAdapter, data_day
from arwatch.core.diffing import diff
from arwatch.core.frame import STALE_AFTER_DAYS, LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.load_frame import load_frame
from arwatch.core.model import Ledger
from arwatch.core.planner import keep_absent, plan
from arwatch.core.policy import Policy, PolicyError, load_policy
from arwatch.core.scoring import ScoreBoard, score
from arwatch.report.figures import Dso, balances, dso, months_back
from arwatch.report.history import History
from arwatch.report.html import Context
from arwatch.report.style import DEFAULT_LOCALE, Style
from arwatch.sync.clock import run_clock, today_in
from arwatch.sync.config import SyncConfig, default_config_path, load_config, load_secrets
from arwatch.sync.merge import merge
from arwatch.sync.model_in_use import scored
from arwatch.sync.runner import _with_store, ledger_data
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import Store, default_path, open_store
from arwatch.sync.templates import load_templates

from .exit_codes import UsageError


@dataclass(frozen=True)
class CompanyView:
    """A company scored as of a day: ``full`` is its whole ledger as a frame (uncut, for the
    replayed months and the DSO of 3 months before), ``board.frame`` the frame cut at the day."""

    name: str
    board: ScoreBoard
    desired: DesiredState
    diff: Diff
    policy: Policy
    issues: tuple
    ledger: Ledger
    full: LedgerFrame
    fixed_day: bool = False  # the source's data is fixed at one day by design (the demo): a sync brings nothing newer


def demo_state() -> str:
    """The demo's own state store, beside (never) the user's default one."""
    return str(default_path().with_name("demo.sqlite3"))


def embedded(config_path: Path | None) -> bool:
    """No configuration file: the commands run the built-in demo company."""
    return config_path is None and not default_config_path().exists()


def state_of(config: SyncConfig, config_path: Path | None, state: str | None) -> str | None:
    """The state store to open: ``--state``, else the demo's own with no configuration file, else
    the configuration's (``state_url``, default the user's data dir)."""
    if state:
        return state
    return demo_state() if embedded(config_path) else config.state_url


class OpenCompany(NamedTuple):
    """A configured company ready to read: ``clock.today`` is the day its output is as of."""

    config: SyncConfig
    store: Store
    adapter: SourceAdapter
    policy: Policy
    name: str
    clock: RunClock


def open_company(config_path: Path | None, state: str | None, name: str | None,
                 as_of: dt.date | None = None, policy_path: Path | None = None) -> OpenCompany:
    """Config (the embedded demo when there is none), store, adapter, policy and clock of a company.

    The policy is ``policy_path`` (``--policy``) when given, else the company's or the config's.

    The day is ``as_of`` when given, else the as-of day of the company's last sync (so that what
    is shown is the data's day, not the calendar's), else the fixed day of its data (the demo),
    else today in the company's time zone.
    """
    try:
        config = load_config(config_path, require_file=config_path is not None)
        name = name or ("demo" if "demo" in config.companies else next(iter(sorted(config.companies)), None))
        if name is None:
            raise UsageError("no companies in the configuration")
        company = config.company(name)
        secrets = load_secrets(config.path(config.secrets_file))
        clock = run_clock(as_of, config.timezone_of(company))
        store = open_store(state_of(config, config_path, state), now=clock.now)
        last_day = None if as_of else store.runs.last_as_of(name)
        if last_day:
            clock = clock.at(last_day)
        adapter = make_adapter(company, config, store, secrets, clock)
        if not as_of and not last_day and data_day(adapter):
            clock = clock.at(data_day(adapter))
        policy = load_policy(policy_path or config.path(company.policy or config.policy))
    except (ConfigError, PolicyError) as error:
        raise UsageError(str(error)) from None
    return OpenCompany(config, store, adapter, policy, name, clock)


def _stored_data(store: Store, name: str, adapter: SourceAdapter) -> dict:
    stored_company, stored = store.snapshot.load(name)
    if store.snapshot.cursor(name) is None and not stored:
        raise UsageError(f"nothing stored for {name!r} yet: run `arwatch sync --source {name}` first")
    return ledger_data(merge(stored_company, stored, PullResult(), adapter.name), store, name)


def stored_ledger(store: Store, name: str, adapter: SourceAdapter) -> tuple[Ledger, tuple]:
    """The company's stored snapshot as a ledger, with its data issues (as the runner loads it)."""
    ledger, issues = load_ledger(_stored_data(store, name, adapter), source=adapter.name,
                                 unavailable=adapter.unavailable)
    return ledger, tuple(issues)


def stored_frame(store: Store, name: str, adapter: SourceAdapter) -> tuple[LedgerFrame, tuple]:
    """The company's stored snapshot as a frame (uncut), with its data issues: what
    ``stored_ledger`` gives, without a model per record (``arwatch.core.load_frame``)."""
    frame, issues = load_frame(_stored_data(store, name, adapter), source=adapter.name,
                               unavailable=adapter.unavailable)
    return frame, tuple(issues)


def warn_unsigned(policy: Policy) -> None:
    """Say once, on stderr, that letters will be signed with the company's name only."""
    if not policy.credit.letters.sender_name:
        print("arwatch: no sender for letters ([credit.letters] sender_name in the policy): they are signed "
              "with the company's name", file=sys.stderr)


def view(store: Store, adapter: SourceAdapter, policy: Policy, name: str, today: dt.date,
         templates_dir: Path | None = None, locale: str = DEFAULT_LOCALE) -> CompanyView:
    """Score the stored snapshot as of ``today`` and plan against what is written, with the
    company's templates and locale (as ``arwatch sync`` writes)."""
    ledger, issues = stored_ledger(store, name, adapter)
    full = LedgerFrame.from_ledger(ledger)
    board, _ = scored(score(full.as_of_date(today), policy), policy, store, name)
    written = _with_store(adapter.read_written_state(), store, name, today)
    # as a sync plans without --allow-mass-change: customers missing from the data keep what is written
    desired = keep_absent(plan(board, written, policy, today, load_templates(templates_dir), locale=locale),
                          written, board.frame)
    return CompanyView(name, board, desired, diff(written, desired), policy, issues, ledger, full,
                       fixed_day=data_day(adapter) is not None)


def sync_command(v: CompanyView, config_path: Path | None = None) -> str:
    """The command that brings the company's newer data (one that runs as written: ``arwatch
    sync`` needs ``--source`` or ``--all``)."""
    return f"arwatch sync --source {v.name}" + (f" --config {config_path}" if config_path else "")


def stale_note(v: CompanyView, timezone: str | None, days: int = STALE_AFTER_DAYS,
               locale: str = DEFAULT_LOCALE, config_path: Path | None = None) -> str | None:
    """A note when the newest record is more than ``days`` older than today on the calendar
    (days written as ``locale`` writes them), with the command that syncs the company; for a
    source whose data is fixed at one day by design (the demo) it says so instead: a sync there
    brings nothing newer. The newest record is the store's, not the view's: a view as of an
    earlier day (``--as-of``, a look back) is not sent to a sync for data the store holds."""
    newest = v.full.newest_record_day()
    today = today_in(timezone)
    if newest is None or (today - newest).days <= days:
        return None
    style = Style(locale)
    as_of = style.day(v.board.frame.as_of)
    if v.fixed_day:
        return (f"note: the demo's data is fixed at {style.day(newest)} by design, {(today - newest).days} days "
                f"before today: this is as of {as_of}; a sync brings nothing newer")
    return (f"note: the newest record is from {style.day(newest)}, {(today - newest).days} days before today: "
            f"this is as of {as_of}; run `{sync_command(v, config_path)}` for newer data")


def open_balances(frame: LedgerFrame) -> dict[str, float]:
    """Each customer's open balance by id (company currency), as the report's exposure."""
    return {str(c): float(v) for c, v in zip(frame.c_id, balances(frame).open, strict=True)}


def company_style(v: CompanyView, locale: str | None) -> Style:
    """How the company's pages write money and days: ``locale`` (default en_GB), its currency."""
    return Style(locale or DEFAULT_LOCALE, v.board.frame.currency)


def dso_before(v: CompanyView) -> Dso:
    """The DSO 3 months before the view's day, from the whole ledger (what was known then)."""
    return dso(v.full.as_of_date(months_back(v.board.frame.as_of, 3)))


def report_context(v: CompanyView, history: History, locale: str | None, timezone: str | None,
                   config_path: Path | None = None) -> Context:
    """What the report shows besides the day's scores: the company's style, each invoice's
    currency (when any differs), the trends, the DSO of 3 months before, and today on the
    calendar (for the banner on old data)."""
    frame = v.board.frame
    currencies = {i.id: (i.currency, i.fx_rate) for i in v.ledger.invoices}
    if all(cur == frame.currency for cur, _ in currencies.values()):
        currencies = {}
    return Context(style=company_style(v, locale), currencies=currencies or None, history=history,
                   dso_before=dso_before(v), calendar_today=today_in(timezone), fixed_day=v.fixed_day,
                   sync_command=sync_command(v, config_path), newest_stored=v.full.newest_record_day())
