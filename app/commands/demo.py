"""``arwatch demo``: the whole job on the built-in demo company, with no configuration.

Syncs the demo company into the local SQLite state store (pull, score, plan, write back),
then prints the ranked risks with their evidence, today's worklist and where the HTML report is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from arwatch.core.call_list import call_list
from arwatch.core.contract import data_day
from arwatch.core.formats import day
from arwatch.core.holds import hold_words
from arwatch.sync.runner import run_sync

from ..company_view import demo_state, open_balances, open_company, view, warn_unsigned
from ..exit_codes import ExitCode
from ..files import write_private
from ..table import level_counts, risk_table
from ..trends import missing_months, record_replay, record_run
from ..worklist import worklist_text
from .locale import locale_arg
from .report import render
from .sync import capturing_planner, configured_planner


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole job on the built-in demo company",
                       description=__doc__.splitlines()[0])
    p.add_argument("--state", metavar="URL",
                   help="state store (default: the demo's own SQLite file in the user data dir, demo.sqlite3)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: the config's, else the built-in one)")
    p.add_argument("--limit", type=int, default=15, help="customers to show (default 15)")
    p.add_argument("--report", type=Path, default=Path("arwatch-demo-report.html"),
                   help="where to write the HTML report (default: ./arwatch-demo-report.html)")
    p.add_argument("--locale", type=locale_arg, help="how money and dates are written (default: the config's "
                                                          "`locale`, else en_GB)")
    p.set_defaults(run=run)


def _bar(desc: str, total: int | None):
    from tqdm import tqdm

    return tqdm(desc=f"demo: {desc}", total=total, disable=None, leave=False, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    config, store, adapter, policy, name, clock = open_company(None, args.state or demo_state(), "demo",
                                                               policy_path=args.policy)
    locale = config.locale_of(config.company(name), args.locale)
    warn_unsigned(policy)  # these commands write or show letters
    try:
        today = data_day(adapter) or clock.today
        print(f"arwatch demo: Northwind Supplies Ltd, as of {day(today, locale)} (state: {store.url})")
        planner, seen = capturing_planner(configured_planner(config, config.company(name), locale=locale))
        summary = run_sync(name, store, adapter, policy, today, planner=planner, progress=_bar)
        print(summary.line(locale))
        v = view(store, adapter, policy, name, today, config.templates_of(config.company(name)), locale)
        if summary.status in ("ok", "partial") and seen:
            record_run(store, name, seen[-1][0], seen[-1][1], summary.run_id)
        if months := missing_months(store, name, today):
            record_replay(store, name, v.full, policy, months)
        page = render(v, store, "Northwind Supplies Ltd", locale, None)
    finally:
        store.close()
    ranked = [v.board.customer(int(i), locale) for i in v.board.ranking()]
    print()
    print(risk_table(ranked, limit=args.limit))
    print(f"\n{len(ranked)} customers: {level_counts(ranked)}")
    print()
    calls = call_list(v.desired, v.board, policy, locale)
    print(worklist_text(v.desired, {s.customer_id: s.name for s in ranked}, today, calls=calls, locale=locale,
                        hold_now=hold_words(v.board, policy, v.desired.holds, locale),
                        exposure=open_balances(v.board.frame)))
    write_private(args.report, page)
    print(f"\nHTML report: {args.report.resolve()}")
    print("Run it again: nothing new is written (every write is keyed and idempotent).")
    return int(ExitCode.OK if summary.exit_code == 0 else summary.exit_code)
