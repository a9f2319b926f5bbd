"""``arwatch score --ledger FILE``: score a ledger exported as JSON and print the ranking."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import PolicyError, load_policy
from arwatch.core.scoring import score

from ..exit_codes import ExitCode, UsageError
from ..table import level_counts, risk_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a ledger file and print the ranked risks",
                       description="Score a ledger (JSON: the keys company, customers, invoices, payments, "
                                   "disputes, contact_attempts, payment_plans, signals; see README).")
    p.add_argument("--ledger", required=True, type=Path, help="ledger file (.json)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: built-in defaults)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="score as of this day (default: today)")
    p.add_argument("--limit", type=int, default=25, help="rows to print (default 25)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON lines")
    p.set_defaults(run=run)


def read_ledger_file(path: Path) -> dict:
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() != ".json":
        raise UsageError(f"{path}: expected a .json ledger (CSV exports go through `arwatch sync --source file`)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: not valid JSON: {error}") from None


def run(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        raise UsageError(str(error)) from None
    ledger, issues = load_ledger(read_ledger_file(args.ledger), source=str(args.ledger.name))
    for issue in issues:
        print(f"rejected: {issue}")
    board = score(LedgerFrame.from_ledger(ledger, args.as_of or dt.date.today()), policy)
    ranked = [board.customer(int(i)) for i in board.ranking()]
    if args.json:
        for s in ranked:
            print(s.model_dump_json())
    else:
        print(risk_table(ranked, limit=args.limit))
        print(f"\n{len(ranked)} customers: {level_counts(ranked)}; {len(issues)} records rejected")
    return ExitCode.PARTIAL_FAILURE if issues else ExitCode.OK
