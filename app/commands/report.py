"""``arwatch report``: write the self-contained HTML report for a company; ``--all``: one page per
configured company and an overview page with every company's totals, linking to them."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from arwatch.core.contract import ConfigError
from arwatch.core.formats import day
from arwatch.core.frame import STALE_AFTER_DAYS
from arwatch.report.figures import company_figures
from arwatch.report.html import render_report
from arwatch.report.overview import CompanyLine, render_overview
from arwatch.sync.clock import today_in
from arwatch.sync.config import load_config

from ..company_view import (
    CompanyView,
    company_style,
    dso_before,
    open_company,
    report_context,
    stale_note,
    view,
    warn_unsigned,
)
from ..exit_codes import ExitCode, UsageError
from ..files import write_private
from ..trends import load_history
from .locale import locale_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML report (totals, largest risks, aging, trends, details, worklist)",
                       description=__doc__.splitlines()[0])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--source", metavar="NAME", help="company (default: demo)")
    which.add_argument("--all", action="store_true",
                       help="every configured company: its page, and --out an overview linking them")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="as of this day (default: the last sync day)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: the config's, else the built-in one)")
    p.add_argument("--locale", type=locale_arg, help="how money and dates are written (default: the config's "
                                                          "`locale`, else en_GB; e.g. de_DE)")
    p.add_argument("--out", type=Path, default=Path("arwatch-report.html"),
                   help="output file (with --all the overview; each company's page beside it, <name>-<company>.html)")
    p.set_defaults(run=run)


def render(v: CompanyView, store, name: str, locale: str | None, timezone: str | None,
           config_path: Path | None = None) -> str:
    context = report_context(v, load_history(store, v.name), locale, timezone, config_path)
    return render_report(v.board, v.desired, v.diff, v.policy, name, context)


def _company_page(args: argparse.Namespace, company: str | None, out: Path) -> tuple[CompanyView, str]:
    """Write one company's page; (its view, its display name)."""
    config, store, adapter, policy, name, clock = open_company(args.config, args.state, company, args.as_of,
                                                               args.policy)
    warn_unsigned(policy)  # these commands write or show letters
    timezone = config.timezone_of(config.company(name))
    locale = config.locale_of(config.company(name), args.locale)
    try:
        v = view(store, adapter, policy, name, clock.today, config.templates_of(config.company(name)), locale)
        title = v.ledger.company.name or name
        page = render(v, store, title, locale, timezone, args.config)
    finally:
        store.close()
    write_private(out, page)
    if note := stale_note(v, timezone, locale=locale, config_path=args.config):
        print(f"{name}: {note}", file=sys.stderr)
    print(f"wrote {out.resolve()} as of {day(clock.today, locale)} "
          f"({v.board.frame.n_customers} customers, {len(v.desired.tasks)} tasks)")
    return v, title


def _overview(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config, require_file=args.config is not None)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    names = sorted(config.companies)
    if not names:
        raise UsageError("no companies in the configuration")
    lines = []
    for company in names:
        page = args.out.with_name(f"{args.out.stem}-{company}.html")
        try:
            v, title = _company_page(args, company, page)
        except UsageError as error:  # not synced yet, or its configuration is wrong: said in its row
            print(f"{company}: {error}", file=sys.stderr)
            lines.append(CompanyLine(company, company, problem=str(error)))
            continue
        lines.append(CompanyLine(company, title, page.name, company_figures(v.board, v.desired), dso_before(v),
                                 sum(1 for t in v.desired.tasks if t.due_date <= v.desired.as_of),
                                 v.board.frame.newest_record_day(),
                                 company_style(v, config.locale_of(config.company(company), args.locale))))
    write_private(args.out, render_overview(lines, today_in(config.timezone), STALE_AFTER_DAYS))
    failed = sum(1 for line in lines if line.figures is None)
    print(f"wrote {args.out.resolve()}: {len(lines) - failed} of {len(lines)} companies")
    return int(ExitCode.PARTIAL_FAILURE if failed else ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    if args.all:
        return _overview(args)
    _company_page(args, args.source, args.out)
    return int(ExitCode.OK)
