"""``arwatch score --ledger FILE``: score a ledger exported as JSON and print the ranking."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from arwatch.core import wording
from arwatch.core.formats import DEFAULT_LOCALE, day
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import PolicyError, load_policy
from arwatch.core.scoring import score
from arwatch.sync.clock import run_clock
from arwatch.sync.model_in_use import scored

from ..exit_codes import ExitCode, UsageError
from ..table import level_counts, risk_table
from .locale import locale_arg

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a ledger file and print the ranked risks",
                       description="Score a ledger: JSON with the keys company, customers, invoices, payments, "
                                   "disputes, contact_attempts, payment_plans, signals and optionally orders "
                                   "(sale orders; without them volume is measured on invoices; fields as in "
                                   "arwatch.core.model), or a CSV/XLSX export of invoices: its columns are "
                                   "mapped by name (" + ", ".join(DEFAULT_COLUMNS) + ", or those of a known "
                                   "export: see arwatch init), or by --mapping.")
    p.add_argument("--ledger", type=Path, help="ledger file (.json, .csv or .xlsx); default: the invoices file "
                                               "of --mapping")
    p.add_argument("--mapping", "--config", dest="mapping", type=Path,
                   help="a file source's settings: a config file (such as examples/ibm-ar.toml, or what "
                        "arwatch init writes) or a TOML with a [settings] table")
    p.add_argument("--source", metavar="NAME", help="the company of --mapping to use, when it has several")
    p.add_argument("--policy", type=Path, help="policy TOML (default: built-in defaults)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="score as of this day (default: today)")
    p.add_argument("--limit", type=int, default=25, help="rows to print (default 25)")
    p.add_argument("--locale", type=locale_arg, default=DEFAULT_LOCALE,
                   help="how the evidence writes days and money (default en_GB; e.g. de_DE)")
    p.add_argument("--json", action="store_true",
                   help="print the scores as JSON lines, with each customer's open and overdue balance and currency")
    p.set_defaults(run=run)


DEFAULT_COLUMNS = ("invoice_number", "customer_id", "customer_name", "invoice_date", "due_date", "amount",
                   "settled_date", "disputed", "currency")


class LedgerFile(NamedTuple):
    """Raw records read from a file, with what reading it found."""

    data: dict
    issues: list
    unavailable: frozenset[str]
    notes: list[str]
    source: str


def read_ledger_file(path: Path | None, mapping_path: Path | None = None, company: str | None = None,
                     ) -> LedgerFile:
    """Raw records, the rows rejected while reading, what the file cannot provide, and how it
    was read."""
    settings = _mapping_settings(mapping_path, company) if mapping_path is not None else None
    if path is None:
        if settings is None or "invoices" not in settings:
            raise UsageError("give --ledger FILE (or a --mapping whose settings name the invoices file)")
        path = Path(settings["invoices"])
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        try:
            return LedgerFile(json.loads(path.read_text(encoding="utf-8")), [], frozenset(), [], path.name)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}: not valid JSON: {error}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not a JSON ledger (not UTF-8 text)") from None
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".txt", ".tsv"):
        raise UsageError(f"{path}: expected .json, .csv or .xlsx")
    return _read_table(path, settings, mapping_path)


def _mapping_settings(mapping_path: Path, company: str | None) -> dict:
    """The file source settings in ``mapping_path``: a ``[settings]`` table, the settings of a
    config's file company, or the table itself; relative paths from the file's folder."""
    if not mapping_path.exists():
        raise UsageError(f"{mapping_path}: no such file")
    try:
        data = tomllib.loads(mapping_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{mapping_path}: not valid TOML: {error}") from None
    if "companies" in data:
        files = {name: c for name, c in data["companies"].items() if isinstance(c, dict) and c.get("source") == "file"}
        if company is not None:
            if company not in files:
                raise UsageError(f"{mapping_path}: no file company {company!r} (file companies: "
                                 f"{', '.join(sorted(files)) or 'none'})")
            settings = dict(files[company].get("settings", {}))
        elif len(files) == 1:
            settings = dict(next(iter(files.values())).get("settings", {}))
        else:
            raise UsageError(f"{mapping_path}: {len(files)} file companies ({', '.join(sorted(files)) or 'none'}): "
                             f"choose one with --source NAME")
    else:
        settings = dict(data.get("settings", data))
    base = mapping_path.parent
    for key in ("invoices", "payments", "orders", "outbox"):
        if key in settings:
            value = Path(str(settings[key])).expanduser()
            settings[key] = str(value if value.is_absolute() else base / value)
    return settings


def _read_table(path: Path, settings: dict | None, mapping_path: Path | None) -> LedgerFile:
    from arwatch.adapters.file import FileMapping, MappingError
    from arwatch.adapters.file.source import read_mapped, unavailable_for

    notes: list[str] = []
    try:
        if settings is None:
            settings = {"number_format": "auto", "complete": False}
            settings["columns"], note = _guess_columns(path)
            notes.append(note)
        settings["invoices"] = str(path)
        settings.pop("outbox", None)
        mapping = FileMapping.model_validate(settings)
        records, issues, how = read_mapped(mapping, path.stem)
    except ValidationError as error:
        raise UsageError(_validation_message(mapping_path or path, error)) from None
    except MappingError as error:
        raise UsageError(str(error)) from None
    if not records["invoices"] and not issues:
        raise UsageError(f"{path.name}: the file has only its header row, no invoice rows: nothing to score")
    return LedgerFile(records, issues, unavailable_for(mapping), notes + how, path.name)


def _validation_message(where: Path, error: ValidationError) -> str:
    lines = []
    for err in error.errors(include_url=False):
        key = ".".join(map(str, err["loc"]))
        if err["type"] == "missing" and key.startswith("columns."):
            what = key.split(".")[-1].replace("_", " ")
            lines.append(f"{where}: {key}: missing: name the column that holds the {what}")
        else:
            lines.append(f"{where}: {key}: {err['msg']}")
    return "\n".join(lines)


def _guess_columns(path: Path) -> tuple[dict[str, str], str]:
    """Columns of a CSV/XLSX without a mapping: arwatch's own names, or a preset's."""
    from arwatch.adapters.file.presets import REQUIRED, guess
    from arwatch.adapters.file.reader import missing_columns, open_table

    header = list(open_table(path).header)
    if not header:
        raise UsageError(f"{path.name}: the file is empty: expected a header row and a row per invoice")
    found = guess(header)
    if not found.complete_mapping:
        missing = [(f, f) for f in REQUIRED if f not in found.columns]
        raise UsageError(missing_columns(path.name, missing, header)
                         + f"\n(map its columns with --mapping: `arwatch init --file {path}` writes one)")
    shown = ", ".join(f"{f} = {c!r}" for f, c in found.columns.items())
    return found.columns, f"{path.name}: columns mapped by name ({found.preset.title}): {shown}"


def _balances(ledger, today: dt.date) -> dict:
    from arwatch.core.balances import balances

    return balances(ledger, today)


def _stale(ledger, today: dt.date) -> str:
    """A warning when the newest record is far older than the day scored."""
    days = [inv.issue_date for inv in ledger.invoices] + [p.date for p in ledger.payments]
    newest = max((d for d in days if d <= today), default=None)
    if newest is None or (today - newest).days <= 365:
        return ""
    return (f"note: the newest record is of {newest.isoformat()}, {(today - newest).days // 365} year(s) before "
            f"{today.isoformat()}, the day scored: every open invoice looks years overdue. To score the data as "
            f"it was then, pass --as-of {newest.isoformat()}")


def run(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except PolicyError as error:
        raise UsageError(str(error)) from None
    read = read_ledger_file(args.ledger, args.mapping, args.source)
    for note in read.notes:
        print(f"read {note}", file=sys.stderr)
    ledger, issues = load_ledger(read.data, source=read.source, unavailable=read.unavailable)
    issues = tuple(read.issues) + issues
    for issue in issues:
        print(f"rejected: {issue}")
    today = run_clock(args.as_of).today
    stale = _stale(ledger, today)
    if stale:
        print(stale, file=sys.stderr)
    board, model = scored(score(LedgerFrame.from_ledger(ledger, today), policy), policy)
    ranked = [board.customer(int(i), args.locale) for i in board.ranking()]
    if args.json:
        owed = _balances(ledger, today)
        which = model.summary()
        for s in ranked:
            line = s.model_dump(mode="json")
            balance = owed[s.customer_id]
            line.update(open=str(balance.open), overdue=str(balance.overdue), currency=balance.currency, model=which)
            print(json.dumps(line))
    else:
        print(risk_table(ranked, limit=args.limit))
        print(f"\n{len(ranked)} customers as of {day(today, args.locale)}: {level_counts(ranked)}; "
              f"{len(issues)} records rejected")
        print(model.sentence())
        for result in board.results:
            if not result.available:
                print(wording.reason(result.indicator, result.unavailable_reason))
    return ExitCode.PARTIAL_FAILURE if issues else ExitCode.OK
