"""``arwatch init --file EXPORT``: write a commented config for a file export, its columns mapped.

Reads the export's header (and its cells, to tell its encoding, delimiter, date and number
formats), matches it against the presets of common exports (``arwatch.adapters.file.presets``:
QuickBooks "Invoice List" and "A/R Aging Detail", Xero "Aged Receivables Detail", Sage, Odoo
"Journal Items", generic), writes the config and prints what it mapped and what it could not.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from arwatch.adapters.file import FileMapping, MappingError
from arwatch.adapters.file.presets import PRESETS, REQUIRED, Guess, guess
from arwatch.adapters.file.reader import Table, open_table
from arwatch.adapters.file.source import formats_of

from ..exit_codes import ExitCode, UsageError

_CURRENCIES = (("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("CHF", "CHF"), ("USD", "USD"), ("EUR", "EUR"),
               ("GBP", "GBP"))
_WHAT = {"invoice_number": "the invoice number", "customer_id": "the customer (id or name)",
         "customer_name": "the customer's name, when customer_id is a code", "invoice_date": "the invoice date",
         "due_date": "the due date", "amount": "the invoice amount (negative: a credit note)",
         "settled_date": "the day it was paid in full", "paid_amount": "the amount paid so far",
         "open_amount": "the amount still open", "disputed": "Yes/No: disputed", "currency": "the row's currency",
         "country": "the customer's country"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write a config for a CSV/XLSX export, its columns mapped from its header",
                       description=__doc__.splitlines()[0])
    p.add_argument("--file", required=True, type=Path, help="the export (.csv or .xlsx)")
    p.add_argument("--out", type=Path, default=Path("config.toml"), help="config file to write (default config.toml)")
    p.add_argument("--company", default="", help="the company's name in the config (default: from the file name)")
    p.add_argument("--preset", choices=[pr.key for pr in PRESETS], help="the export's preset (default: guessed)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(run=run)


def _company(args: argparse.Namespace) -> str:
    name = args.company or re.sub(r"[^a-z0-9]+", "-", args.file.stem.lower()).strip("-") or "company"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise UsageError(f"--company {name!r}: letters, digits, - and _ only")
    return name


def _currency(table: Table, column: str | None) -> str | None:
    if column is None:
        return None
    for _, text in table.texts({"amount": column})["amount"][:200]:
        for mark, code in _CURRENCIES:
            if mark in text:
                return code
    return None


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _formats(table: Table, found: Guess) -> tuple[list[str], list[str]]:
    """Config lines for the date and number formats, and what could not be decided."""
    lines, undecided = [], []
    probe = FileMapping.model_construct(date_format="auto", number_format="auto")
    try:
        formats = formats_of(table, probe, found.columns)
        lines.append(f"date_format = {_q(formats.date_format)}          # guessed from the file")
    except MappingError as error:  # dates that read two ways: leave it to the person
        undecided.append(f"date_format: {error}")
        lines.append(f"# date_format = \"d/m/yyyy\"   # or \"m/d/yyyy\": {str(error).split(': ', 1)[1]}")
        probe = FileMapping.model_construct(date_format="yyyy-mm-dd", number_format="auto")
        try:
            formats = formats_of(table, probe, found.columns)
        except MappingError as second:
            undecided.append(f"number_format: {second}")
            return lines, undecided
    from arwatch.adapters.file.numbers import example

    lines.append(f"number_format = {_q(example(formats.locale))}       # how amounts are written (guessed)")
    return lines, undecided


def render(table: Table, found: Guess, company: str, invoices: str, out: str = "config.toml",
           ) -> tuple[str, list[str]]:
    """The config text, and what could not be decided."""
    preset = found.preset
    head = [f"# arwatch config for {table.name}, written by `arwatch init`: {preset.title}.",
            "# Relative paths are taken from this file's folder. Try it with:",
            f"#   arwatch sync --config {out} --source {company} --dry-run",
            "# Every key: adapters/file/mapping.py; the guard on mass change: docs/scheduling.md.", ""]
    if preset.note:
        head.insert(1, f"# Exporting: {preset.note}.")
    settings = [f"[companies.{company}]", 'source = "file"', "", f"[companies.{company}.settings]",
                f"invoices = {_q(invoices)}"]
    if table.encoding is not None:
        settings.append(f"encoding = {_q(table.encoding.codec)}          # {table.encoding.how}")
        shown = "\\t" if table.delimiter == "\t" else (table.delimiter or ",")
        settings.append(f"delimiter = {_q(shown)}")
    format_lines, undecided = _formats(table, found)
    settings += format_lines
    currency = _currency(table, found.columns.get("amount"))
    settings.append(f"currency = {_q(currency or 'EUR')}" + ("" if currency else "             # check: the "
                                                                                  "company's currency"))
    settings.append(f"complete = {'true' if preset.complete else 'false'}"
                    + ("                  # the export lists every invoice, paid or not" if preset.complete else
                       "                 # open items only: a paid invoice leaves the export"))
    settings += [f"outbox = {_q('outbox/' + company)}", "", f"[companies.{company}.settings.columns]"]
    for field in REQUIRED + tuple(f for f in found.columns if f not in REQUIRED):
        if field in found.columns:
            settings.append(f"{field} = {_q(found.columns[field])}".ljust(40) + f"# {_WHAT[field]}")
    missing = [f for f in found.unmapped if f in REQUIRED]
    for field in missing:
        settings.append(f"# {field} = \"...\"".ljust(40) + f"# NOT FOUND: the column of {_WHAT[field]}")
    optional = [f for f in found.unmapped if f not in REQUIRED and f not in ("paid_amount", "open_amount")
                or (f in ("paid_amount", "open_amount") and not {"paid_amount", "open_amount"} & found.columns.keys())]
    if optional:
        settings.append("# optional, not found: " + ", ".join(optional))
    return "\n".join(head + settings) + "\n", undecided


def run(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.force:
        raise UsageError(f"{args.out}: exists; choose another --out or add --force to overwrite it")
    try:
        table = open_table(args.file)
    except MappingError as error:
        raise UsageError(str(error)) from None
    if not table.header:
        raise UsageError(f"{args.file.name}: the file is empty: expected a header row and a row per invoice")
    found = guess(list(table.header), args.preset)
    company = _company(args)
    invoices = Path(os.path.relpath(args.file.resolve(), args.out.resolve().parent)).as_posix()
    text, undecided = render(table, found, company, invoices, str(args.out))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{table.name}: {found.preset.title} ({table.how()})")
    for field, column in found.columns.items():
        print(f"  mapped     {field:<15} <- {column!r}")
    paid = {"paid_amount", "open_amount"}
    for field in found.unmapped:
        if field in paid and paid & found.columns.keys():
            continue
        mark = "NOT MAPPED" if field in REQUIRED else "not mapped"
        print(f"  {mark} {field:<15} (no column for {_WHAT[field]})")
    if found.unused:
        print(f"  not used: {', '.join(found.unused)}")
    for line in undecided:
        print(f"  to decide: {line}")
    print(f"wrote {args.out}")
    missing = [f for f in found.unmapped if f in REQUIRED]
    if missing:
        print(f"edit {args.out}: name the columns of {', '.join(missing)} before syncing")
        return int(ExitCode.CONFIG_ERROR)
    print(f"next: arwatch sync --config {args.out} --source {company} --dry-run")
    return int(ExitCode.OK)
