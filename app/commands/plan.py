"""``arwatch plan``: today's worklist for a company (who to call, what to send, who to hold);
with ``--dry-run``, the changes a sync would write."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

from arwatch.core.call_list import call_list
from arwatch.core.contract import writes_back
from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.frame import LedgerFrame
from arwatch.core.holds import hold_words
from arwatch.core.switches import standing

from ..company_view import open_balances, open_company, stale_note, view, warn_unsigned
from ..exit_codes import ExitCode
from ..worklist import worklist_text
from .locale import locale_arg
from .sync import format_change


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="print today's worklist (and with --dry-run the changes to write)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--source", metavar="NAME", help="company (default: demo)")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="plan as of this day (default: the last sync day)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: the config's, else the built-in one)")
    p.add_argument("--templates", type=Path,
                   help="folder of your own <step>.j2 templates (default: the config's `templates`)")
    p.add_argument("--locale", type=locale_arg,
                   help="how days and money are written (default: the config's `locale`, else en_GB)")
    p.add_argument("--dry-run", action="store_true", help="also print the changes a sync would write")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config, store, adapter, policy, name, clock = open_company(args.config, args.state, args.source, args.as_of,
                                                               args.policy)
    warn_unsigned(policy)  # these commands write or show letters
    today = clock.today
    company = config.company(name)
    locale = config.locale_of(company, args.locale)
    try:
        v = view(store, adapter, policy, name, today, config.templates_of(company, args.templates), locale)
    finally:
        store.close()
    names = {str(c): str(n) for c, n in zip(v.board.frame.c_id, v.board.frame.c_name, strict=False)}
    if note := stale_note(v, config.timezone_of(config.company(name)), locale=locale, config_path=args.config):
        print(note, file=sys.stderr)
    print(worklist_text(v.desired, names, today, calls=call_list(v.desired, v.board, v.policy, locale),
                        switched=switched(v.board.frame, locale), locale=locale,
                        hold_now=hold_words(v.board, v.policy, v.desired.holds, locale),
                        exposure=open_balances(v.board.frame)))
    if args.dry_run:
        count = len(v.diff.changes)
        print(f"\n{count} changes would be written:" if writes_back(adapter) else
              f"\nread-only: {name} is written by its own system (the arwatch add-on's job in Odoo); "
              f"arwatch's policy differs from what is written there by {count} changes:")
        for change in v.diff.changes:
            print(format_change(change))
    return int(ExitCode.OK)


def switched(frame: LedgerFrame, locale: str = DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """(customer name, its switches in force, days in ``locale``) for each customer a collector
    switched, by name."""
    s = standing(frame)
    rows = np.flatnonzero(s.snoozed | s.excluded | s.placed)
    return sorted((str(frame.c_name[c]), "; ".join(s.words(int(c), locale))) for c in rows)
