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
from arwatch.core.contract import ConfigError, SourceAdapter, data_day
from arwatch.core.diffing import diff
from arwatch.core.planner import plan
from arwatch.core.policy import Policy, PolicyError, load_policy
from arwatch.core.scoring import ScoreBoard
from arwatch.sync.clock import run_clock
from arwatch.sync.config import SyncConfig, load_config, load_secrets
from arwatch.sync.runner import _with_store, score_stored
from arwatch.sync.sources import make_adapter
from arwatch.sync.store import Store, open_store
from arwatch.sync.templates import load_templates

from .exit_codes import UsageError


@dataclass(frozen=True)
class CompanyView:
    name: str
    board: ScoreBoard
    desired: DesiredState
    diff: Diff
    policy: Policy
    issues: tuple


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
        store = open_store(state or config.state_url, now=clock.now)
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


def warn_unsigned(policy: Policy) -> None:
    """Say once, on stderr, that letters will be signed with the company's name only."""
    if not policy.credit.letters.sender_name:
        print("arwatch: no sender for letters ([credit.letters] sender_name in the policy): they are signed "
              "with the company's name", file=sys.stderr)


def view(store: Store, adapter: SourceAdapter, policy: Policy, name: str, today: dt.date,
         templates_dir: Path | None = None) -> CompanyView:
    """Score the stored snapshot as of ``today`` and plan against what is written."""
    if store.snapshot.cursor(name) is None and not store.snapshot.load(name)[1]:
        raise UsageError(f"nothing stored for {name!r} yet: run `arwatch sync --source {name}` first")
    board, issues = score_stored(store, name, adapter, policy, today)
    written = _with_store(adapter.read_written_state(), store, name, today)
    desired = plan(board, written, policy, today, load_templates(templates_dir))
    return CompanyView(name, board, desired, diff(written, desired), policy, issues)
