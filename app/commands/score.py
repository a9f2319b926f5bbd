"""``arwatch score --ledger FILE``: score a ledger exported as JSON and print the ranking."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import PolicyError, load_policy
from arwatch.core.scoring import score
from arwatch.sync.clock import run_clock

from ..exit_codes import ExitCode, UsageError
from ..table import level_counts, risk_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a ledger file and print the ranked risks",
                       description="Score a ledger: JSON with the keys company, customers, invoices, payments, "
                                   "disputes, contact_attempts, payment_plans, signals and optionally orders "
                                   "(sale orders; without them volume is measured on invoices; fields as in "
                                   "arwatch.core.model), or a CSV of invoices with the columns "
                                   + ", ".join(DEFAULT_COLUMNS) + " (dates yyyy-mm-dd; settled_date, "
                                   "disputed and currency optional), or any CSV/XLSX with --mapping.")
    p.add_argument("--ledger", required=True, type=Path, help="ledger file (.json, .csv or .xlsx)")
    p.add_argument("--mapping", type=Path,
                   help="TOML column mapping for a CSV/XLSX (the [settings] of a file source; see "
                        "examples/ibm-ar.toml)")
    p.add_argument("--policy", type=Path, help="policy TOML (default: built-in defaults)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="score as of this day (default: today)")
    p.add_argument("--limit", type=int, default=25, help="rows to print (default 25)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON lines")
    p.set_defaults(run=run)


DEFAULT_COLUMNS = ("invoice_number", "customer_id", "customer_name", "invoice_date", "due_date", "amount",
                   "settled_date", "disputed", "currency")


def read_ledger_file(path: Path, mapping_path: Path | None = None) -> tuple[dict, list, frozenset[str]]:
    """Raw records, the rows rejected while reading, and what the file cannot provide."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8")), [], frozenset()
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}: not valid JSON: {error}") from None
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: expected .json, .csv or .xlsx")
    return _read_table(path, mapping_path)


def _read_table(path: Path, mapping_path: Path | None) -> tuple[dict, list, frozenset[str]]:
    from arwatch.adapters.file import FileMapping, MappingError
    from arwatch.adapters.file.source import read_mapped, unavailable_for

    if mapping_path is None:
        settings: dict = {"columns": {c: c for c in DEFAULT_COLUMNS if c in _header(path)}}
    else:
        settings = dict(tomllib.loads(mapping_path.read_text(encoding="utf-8")).get("settings", {}))
    settings["invoices"] = path
    try:
        mapping = FileMapping.model_validate(settings)
        records, issues = read_mapped(mapping, path.stem)
    except ValidationError as error:
        err = error.errors(include_url=False)[0]
        raise UsageError(f"{mapping_path or path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    except MappingError as error:
        raise UsageError(str(error)) from None
    return records, issues, unavailable_for(mapping)


def _header(path: Path) -> list[str]:
    if path.suffix.lower() != ".csv":
        return list(DEFAULT_COLUMNS)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def run(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        raise UsageError(str(error)) from None
    data, read_issues, unavailable = read_ledger_file(args.ledger, args.mapping)
    ledger, issues = load_ledger(data, source=str(args.ledger.name), unavailable=unavailable)
    issues = tuple(read_issues) + issues
    for issue in issues:
        print(f"rejected: {issue}")
    today = run_clock(args.as_of).today
    board = score(LedgerFrame.from_ledger(ledger, today), policy)
    ranked = [board.customer(int(i)) for i in board.ranking()]
    if args.json:
        for s in ranked:
            print(s.model_dump_json())
    else:
        print(risk_table(ranked, limit=args.limit))
        print(f"\n{len(ranked)} customers as of {today.isoformat()}: {level_counts(ranked)}; "
              f"{len(issues)} records rejected")
        for result in board.results:
            if not result.available:
                print(f"{result.indicator}: {result.unavailable_reason}")
    return ExitCode.PARTIAL_FAILURE if issues else ExitCode.OK
