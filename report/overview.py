"""The overview for an accountant with many companies (``arwatch report --all``): one row per
configured company with its totals as of its own data day, linking to the company's page.
Each company's amounts are in its own currency and written in its ``Style``; a company whose
page could not be made says why instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .figures import CompanyFigures, Dso
from .style import Style


def _e(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class CompanyLine:
    """One company of the overview: its figures and page, or the reason it has none."""

    key: str  # the configuration's name for it
    name: str
    page: str | None = None  # the page's file name, beside the overview
    figures: CompanyFigures | None = None
    dso_before: Dso | None = None
    tasks_due: int = 0
    newest: dt.date | None = None  # the newest record's day
    style: Style | None = None
    problem: str = ""


CSS = """body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;
background:#f4f6f9}header{background:#1f3a5f;color:#fff;padding:10px 16px}header h1{margin:0;font-size:1.25em}
main{max-width:1340px;margin:0 auto;padding:12px}table{width:100%;border-collapse:collapse;background:#fff}
td,th{padding:5px 8px;border-bottom:1px solid #e6eaef;text-align:right;white-space:nowrap}th{background:#f7f8fa;
font-size:.85em;color:#4a5563}td:first-child,th:first-child,td.l{text-align:left}small{color:#5b6675}
.warn{color:#8a4b00}a{color:#1f5fa8}@media (max-width:800px){td,th{white-space:normal}}"""


def _change(f: CompanyFigures, before: Dso | None, style: Style) -> str:
    if before is None or before.countback != before.countback or f.dso_countback != f.dso_countback:
        return ""
    delta = f.dso_countback - before.countback
    arrow = "\u25b2" if delta > 0.05 else "\u25bc" if delta < -0.05 else "\u2192"
    return f" <small>{arrow} {_e(style.days(abs(delta)))}</small>"


def _row(line: CompanyLine, calendar_today: dt.date | None, stale_after: int) -> str:
    name = f'<a href="{_e(line.page)}">{_e(line.name)}</a>' if line.page else _e(line.name)
    if line.key != line.name:
        name += f" <small>({_e(line.key)})</small>"
    if line.figures is None or line.style is None:
        return f'<tr><td>{name}</td><td class="l warn" colspan="8">' \
               f"{_e(line.problem)}</td></tr>"
    f, style = line.figures, line.style
    old = ""
    if line.newest and calendar_today and (calendar_today - line.newest).days > stale_after:
        old = f' <small class="warn">newest record {_e(style.day(line.newest))}</small>'
    hold = "" if f.on_hold is None else str(f.on_hold)
    return (f"<tr><td>{name}</td><td>{_e(style.day(f.as_of))}{old}</td>"
            f"<td>{_e(style.whole_money(f.open))}</td><td>{_e(style.whole_money(f.overdue))}</td>"
            f"<td>{_e(style.share(f.overdue_share))}</td><td>{_e(style.whole_money(f.high_risk))} "
            f"<small>({f.high_risk_customers})</small></td><td>{hold}</td>"
            f"<td>{_e(style.days(f.dso_countback))}{_change(f, line.dso_before, style)}</td>"
            f"<td>{line.tasks_due}</td></tr>")


def render_overview(lines: Sequence[CompanyLine], calendar_today: dt.date | None = None,
                    stale_after: int = 7) -> str:
    """The whole overview page (self-contained HTML, no script)."""
    rows = "".join(_row(line, calendar_today, stale_after) for line in lines)
    done = sum(1 for line in lines if line.figures is not None)
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Receivables of {len(lines)} companies</title><style>{CSS}</style></head><body><header>"
            f"<h1>Receivables of {len(lines)} companies</h1></header><main>"
            f"<p>{done} of {len(lines)} companies reported, each as of its last sync, in its own currency. "
            "Open a company for its largest risks, aging by customer, trends and worklist.</p>"
            "<table><thead><tr><th>Company</th><th>As of</th><th>Open A/R</th><th>Overdue</th><th>Share overdue</th>"
            "<th>At high risk (customers)</th><th>On credit hold</th><th>DSO, countback (change over 3 months)</th>"
            "<th>Tasks due</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></main></body></html>")
