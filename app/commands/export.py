"""``arwatch export``: the A/R aging by customer, the ranked risks, today's worklist and the cash-in
forecast as one XLSX workbook (a sheet each) or four CSV files, typed: dates as dates, amounts as
numbers in their currency's format."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from arwatch.core.call_list import call_list
from arwatch.core.formats import day
from arwatch.report.forecast import forecast_sheet
from arwatch.report.tables import Sheet, csv_value, export_sheets

from ..company_view import open_company, stale_note, view
from ..exit_codes import ExitCode
from ..files import open_private

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '#,##0.00 "{currency}"'  # the ISO code: unambiguous in every locale's spreadsheet


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the aging, ranked risks, worklist and cash-in forecast (XLSX or CSV)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx (one workbook) or csv (4 files)")
    p.add_argument("--source", metavar="NAME", help="company (default: demo)")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="as of this day (default: the last sync day)")
    p.add_argument("--out", type=Path, help="the workbook, or the CSV files' prefix "
                                            "(default: arwatch-export.xlsx, arwatch-export-<sheet>.csv; "
                                            "--out ar.csv writes ar-<sheet>.csv)")
    p.set_defaults(run=run)


def write_xlsx(sheets: tuple[Sheet, ...], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        ws.append([c.name for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for record in sheet.records():
            ws.append(list(record.values()))
            currency = record.get(sheet.currency_column) if sheet.currency_column else None
            for column, cell in zip(sheet.columns, ws[ws.max_row], strict=True):
                if column.kind == "money" and cell.value is not None:
                    cell.number_format = MONEY_FORMAT.format(currency=currency or "")
                elif column.kind == "date":
                    cell.number_format = DATE_FORMAT
        for k, column in enumerate(sheet.columns, 1):
            width = {"money": 14, "date": 11, "integer": 8, "number": 8, "yes/no": 8}.get(column.kind, 28)
            ws.column_dimensions[ws.cell(1, k).column_letter].width = max(width, len(column.name) + 2)
    with open_private(path, "wb") as handle:
        book.save(handle)


def write_csv(sheets: tuple[Sheet, ...], prefix: Path) -> list[Path]:
    """One file per sheet, ``<prefix>-<sheet>.csv``; a prefix given as a CSV file's name
    (``--out ar.csv``) loses its ``.csv``: ar-aging.csv, not ar.csv-aging.csv."""
    if prefix.suffix.lower() == ".csv":
        prefix = prefix.with_suffix("")
    written = []
    for sheet in sheets:
        path = prefix.with_name(f"{prefix.name}-{sheet.name.lower()}.csv")
        with open_private(path, "w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
            writer = csv.writer(handle)
            writer.writerow([c.name for c in sheet.columns])
            writer.writerows([csv_value(v) for v in record.values()] for record in sheet.records())
        written.append(path)
    return written


def run(args: argparse.Namespace) -> int:
    config, store, adapter, policy, name, clock = open_company(args.config, args.state, args.source, args.as_of)
    company = config.company(name)
    locale = config.locale_of(company)  # the texts (reasons, tasks) as the company's letters write them
    try:
        v = view(store, adapter, policy, name, clock.today, locale=locale)
    finally:
        store.close()
    currencies = {i.id: (i.currency, i.fx_rate) for i in v.ledger.invoices}
    carried = frozenset(line.key for line in call_list(v.desired, v.board, v.policy, locale).carried)
    sheets = (*export_sheets(v.board, v.desired, currencies, locale, carried, v.policy), forecast_sheet(v.board))
    if args.format == "xlsx":
        out = args.out or Path("arwatch-export.xlsx")
        write_xlsx(sheets, out)
        paths = [out]
    else:
        paths = write_csv(sheets, args.out or Path("arwatch-export"))
    if note := stale_note(v, config.timezone_of(config.company(name)), locale=locale, config_path=args.config):
        print(note, file=sys.stderr)
    counts = ", ".join(f"{s.name.lower()} {len(s.rows)} rows" for s in sheets)
    print(f"wrote {', '.join(str(p.resolve()) for p in paths)} as of {day(clock.today, locale)} ({counts})")
    return int(ExitCode.OK)
