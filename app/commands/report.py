"""``arwatch report``: write the self-contained HTML worklist report for a company."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from arwatch.report.html import render_report

from ..company_view import open_company, view, warn_unsigned
from ..exit_codes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML report (ranked risks, aging, reasons, worklist)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--source", metavar="NAME", help="company (default: demo)")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="as of this day (default: the last sync day)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: the config's, else the built-in one)")
    p.add_argument("--out", type=Path, default=Path("arwatch-report.html"), help="output file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    _, store, adapter, policy, name, clock = open_company(args.config, args.state, args.source, args.as_of, args.policy)
    warn_unsigned(policy)  # these commands write or show letters
    try:
        v = view(store, adapter, policy, name, clock.today)
    finally:
        store.close()
    args.out.write_text(render_report(v.board, v.desired, v.diff, policy, name), encoding="utf-8")
    print(f"wrote {args.out.resolve()} as of {clock.today.isoformat()} "
          f"({v.board.frame.n_customers} customers, {len(v.desired.tasks)} tasks)")
    return int(ExitCode.OK)
