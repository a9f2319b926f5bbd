"""``arwatch report``: write the self-contained HTML report for a company (``--all``: one page per
configured company and an overview page linking them)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from arwatch.report.html import render_report
from arwatch.report.style import check_locale

from ..company_view import CompanyView, open_company, report_context, stale_note, view
from ..exit_codes import ExitCode
from ..trends import load_history


def locale_arg(value: str) -> str:
    try:
        return check_locale(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML report (totals, largest risks, aging, trends, details, worklist)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--source", metavar="NAME", help="company (default: demo)")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="as of this day (default: the last sync day)")
    p.add_argument("--locale", type=locale_arg, help="how money and dates are written (default en_GB; e.g. de_DE)")
    p.add_argument("--out", type=Path, default=Path("arwatch-report.html"), help="output file")
    p.set_defaults(run=run)


def render(v: CompanyView, store, name: str, locale: str | None, timezone: str | None) -> str:
    context = report_context(v, load_history(store, v.name), locale, timezone)
    return render_report(v.board, v.desired, v.diff, v.policy, name, context)


def run(args: argparse.Namespace) -> int:
    config, store, adapter, policy, name, clock = open_company(args.config, args.state, args.source, args.as_of)
    try:
        v = view(store, adapter, policy, name, clock.today)
        page = render(v, store, name, args.locale, config.timezone_of(config.company(name)))
    finally:
        store.close()
    args.out.write_text(page, encoding="utf-8")
    if note := stale_note(v, config.timezone_of(config.company(name))):
        print(note, file=sys.stderr)
    print(f"wrote {args.out.resolve()} as of {clock.today.isoformat()} "
          f"({v.board.frame.n_customers} customers, {len(v.desired.tasks)} tasks)")
    return int(ExitCode.OK)
