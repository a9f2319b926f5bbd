"""``arwatch backtest``: replay a ledger's history without look-ahead and write the HTML report.

Sources: ``--ledger FILE`` (JSON, CSV or XLSX, as ``arwatch score``), ``--demo`` (the built-in
demo company), or ``--source NAME`` (a configured company of any kind: demo, file, QuickBooks,
Odoo; its whole history is pulled, nothing is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from arwatch.core import wording
from arwatch.core.backtest import BacktestSettings, run_backtest
from arwatch.core.contract import MassChange, SourceUnreachable, SyncError
from arwatch.core.formats import half_away
from arwatch.core.load import load_ledger
from arwatch.core.policy import PolicyError, load_policy
from arwatch.report.backtest import render_backtest

from ..exit_codes import ExitCode, UsageError
from ..files import write_private
from .score import read_ledger_file


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backtest", help="replay the history and show how early arwatch would have warned",
                       description="Replay the ledger at each week or month end as known then, compare with "
                                   "what happened, and write an HTML report.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--ledger", type=Path, help="ledger file (.json, .csv or .xlsx)")
    src.add_argument("--demo", action="store_true", help="use the built-in demo company")
    src.add_argument("--source", metavar="NAME", help="a company of the config file (pulled in full, read only)")
    p.add_argument("--mapping", type=Path, help="column mapping for a CSV/XLSX --ledger (see arwatch score)")
    p.add_argument("--config", type=Path, help="config file for --source (default: the user config)")
    p.add_argument("--state", metavar="URL", help="state store for --source (default: the config's)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: built-in defaults)")
    p.add_argument("--every", choices=("day", "week", "month"), default="week", help="replay frequency (default week)")
    p.add_argument("--start", type=dt.date.fromisoformat, help="first replay day")
    p.add_argument("--end", type=dt.date.fromisoformat, help="last replay day")
    p.add_argument("--delinquent-days", type=int, default=90, help="days past due that make delinquent (default 90)")
    p.add_argument("--late-days", default="0,10,30",
                   help="invoice questions: paid more than X days late (default 0,10,30)")
    p.add_argument("--no-learned", action="store_true", help="do not try the learned model")
    p.add_argument("--out", type=Path, default=Path("backtest.html"), help="report file (default backtest.html)")
    p.set_defaults(run=run)


_CODES = {SourceUnreachable: ExitCode.SOURCE_UNREACHABLE, MassChange: ExitCode.MASS_CHANGE}


def _late_days(text: str) -> tuple[int, ...]:
    try:
        days = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise UsageError(f"--late-days: expected numbers separated by commas, not {text!r}") from None
    if not days or min(days) < 0:
        raise UsageError("--late-days: give at least one number of days, none negative")
    return days


def run(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        raise UsageError(str(error)) from None
    issues: tuple = ()
    if args.demo:
        from arwatch.demo.company import build_demo_company  # noqa: PLC0415

        ledger = build_demo_company().ledger
    elif args.source:
        ledger, issues = _pull_company(args)
    else:
        read = read_ledger_file(args.ledger, args.mapping)
        for note in read.notes:
            print(f"read {note}", file=sys.stderr)
        ledger, issues = load_ledger(read.data, source=read.source, unavailable=read.unavailable)
        issues = tuple(read.issues) + issues
    for issue in issues:
        print(f"rejected: {issue}")
    late = _late_days(args.late_days)
    settings = BacktestSettings(every=args.every, start=args.start, end=args.end, delinquent_days=args.delinquent_days,
                                late_days=late, serious_late_days=max(late),
                                learned="off" if args.no_learned else "auto")
    with _progress_bar() as progress:
        result = run_backtest(ledger, settings, policy, progress)
    write_private(args.out, render_backtest(result))
    print(summary(result))
    print(f"report: {args.out}")
    return ExitCode.PARTIAL_FAILURE if issues else ExitCode.OK


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar with ETA on stderr over the replayed days, drawn only when stderr is a
    terminal (``disable=None``), so pipes and test output stay clean."""
    from tqdm import tqdm  # noqa: PLC0415 (only when the command runs)

    with tqdm(desc="backtest: replaying", unit=" periods", disable=None, leave=False, file=sys.stderr) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        yield advance


def _pull_company(args: argparse.Namespace):
    """A configured company's whole history, pulled from its source without writing anything."""
    from ..company_view import open_company  # noqa: PLC0415 (the sync stack only when needed)

    store, adapter = open_company(args.config, args.state, args.source)[1:3]
    try:
        pull = adapter.pull(None, True)
    except SyncError as error:  # a mapping that does not fit the export, an unreachable source, ...
        raise UsageError(str(error), _CODES.get(type(error), ExitCode.CONFIG_ERROR)) from None
    finally:
        store.close()
    for note in getattr(adapter, "notes", ()):
        print(f"read {note}", file=sys.stderr)
    ledger, issues = load_ledger(pull.records, source=adapter.name, unavailable=adapter.unavailable)
    return ledger, tuple(pull.issues) + issues


def _choices(choices) -> str:
    """'late_rate from 2013-01-01, learned from 2013-04-01' (consecutive equal choices merged)."""
    out = []
    for day, pick in choices:
        if not out or out[-1][1] != pick:
            out.append((day, pick))
    return ", ".join(f"{pick} from {day}" for day, pick in out)


def summary(result) -> str:
    """A few lines for the terminal."""
    s = result.settings
    q = result.quality("scorecard").at(s.warn_level)
    lead = f"lead time shortest {min(q.lead_days)}, median {q.median_lead:.0f} days" if q.lead_days else "no lead time"
    lines = [f"{len(result.delinquents)} customers went {s.delinquent_days}+ days past due; "
             f"{q.warned} flagged {s.warn_level} in advance ({lead}); "
             f"{q.false_alarms} false alarms: {q.false_alarms} of {q.never_bad} customers that never went bad "
             f"were flagged {s.warn_level}" + (f" ({q.false_alarm_rate:.0%})" if q.never_bad else "")
             + ("; by segment when first flagged: " + ", ".join(
                 f"{wording.segment_words(seg)} {n}" for seg, n in result.false_alarm_segments)
                if result.false_alarm_segments else ""),
             "ranking AP (customer goes bad within the horizon): " + ", ".join(
                 f"{c.predictor} {c.snapshot_ap:.3f}" for c in result.customer_quality)]
    for c in result.invoice_cells:
        lines.append(f"{c.point}, paid > {c.late_days} days late: {c.population}: {c.invoices} invoices, "
                     f"{c.positives} late: "
                     + ", ".join(f"{k} AUC {v.auc:.3f} AP {v.ap:.3f}" for k, v in c.scores.items()))
        if c.in_use is not None:
            u = c.in_use
            lines.append(f"  in use, chosen each quarter on the earlier ones: {_choices(u.choices)}; AUC {u.auc:.3f}, "
                         f"best baseline {u.baseline} {u.baseline_auc:.3f}: margin {u.margin:+.3f} "
                         f"(95% interval {u.interval[0]:+.3f} to {u.interval[1]:+.3f}); from now on: {u.final}")
            if u.every_quarter:
                lines.append("  each used in every quarter, judged the same way (pairs within a quarter): " + ", ".join(
                    f"{k} AUC {auc:.3f}, margin {m:+.3f} ({lo:+.3f} to {hi:+.3f})"
                    for k, auc, m, lo, hi in u.every_quarter))
    lines.append(f"in use: {result.model_in_use} ({result.model_reason})")
    if result.forecast_quality:
        lines.append("payment-date forecast of the invoices open at each quarter start, against what happened: "
                     + "; ".join(f"{q.method} {q.mae_days:.1f} days off on {q.invoices} invoices, weekly cash-in of "
                                 f"the next {result.settings.forecast_weeks} weeks {q.cash_error:.0%} off"
                                 for q in result.forecast_quality))
    if result.forecast_weeks:
        expected = half_away(sum(a for _, a in result.forecast_weeks), 2)
        lines.append(f"cash-in expected from {len(result.forecast)} open invoices in the next "
                     f"{len(result.forecast_weeks)} weeks: {expected:,.2f} "
                     f"{result.currency} ({result.forecast_method}: {result.forecast_reason})")
    return "\n".join(lines)
