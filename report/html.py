"""The company report: one self-contained HTML page (inline CSS and SVG, no assets; the only
script is the few hundred bytes inline that sort the aging table, ``arwatch.report.sortable``)
that a bookkeeper reads in one screen and opens further on demand.

``render_report(board, desired, diff, policy, company_name, context)``:

1. the first screen (1366x768, no scrolling): the company and the as-of day of its data, the
   totals (open A/R, overdue and its share, exposure at high risk, credit holds, DSO with its
   change over 3 months), today's worklist counts, and the largest risks as a table;
2. A/R aging by customer per currency (``arwatch.report.aging``);
3. trends by month: DSO, overdue share, exposure at high risk (``Context.history``);
4. details on demand per customer (``arwatch.report.details``);
5. today's worklist by kind, the credit holds, and the changes a sync writes.

Every text from outside (customer names, evidence, titles) is HTML-escaped. Money, days and
shares are written in the company's ``Style`` (locale). Readable on a phone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np

from arwatch.core import wording
from arwatch.core.actions import DesiredState, Diff, Op, Task
from arwatch.core.call_list import CallList, call_list
from arwatch.core.frame import STALE_AFTER_DAYS
from arwatch.core.holds import hold_words
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard
from arwatch.core.switches import standing

from . import sortable
from .aging import BUCKET_NAMES, AgingTable, InvoiceCurrencies, aging_by_customer, company_total
from .charts import CSS as CHART_CSS
from .charts import PALETTE, Series, bar_chart, line_chart
from .details import details_section, plain, short
from .figures import (
    CompanyFigures,
    Dso,
    RiskRow,
    company_figures,
    largest_risks,
    risk_rows,
)
from .forecast import forecast_section, model_section
from .history import History, monthly, trend_arrow
from .style import Style

TOP_RISKS = 12

CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d2430;background:#f4f6f9}main{max-width:1340px;margin:0 auto;padding:0 12px 12px}
header{background:#1f3a5f;color:#fff;padding:8px 16px}header h1{margin:0;font-size:1.25em}
header p{margin:2px 0 0;opacity:.85;font-size:.92em}.banner{background:#fff3cd;border:1px solid #e0c36a;
padding:6px 12px;margin:8px 0 0;border-radius:6px}section{background:#fff;border-radius:8px;padding:10px 12px;
margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}h2{font-size:1.08em;margin:0 0 6px}h4{margin:6px 0 2px;
font-size:.95em}.kpis{display:grid;grid-template-columns:repeat(7,1fr);gap:8px;margin:0 0 8px}
.kpi{border:1px solid #dde3ea;border-radius:6px;padding:5px 8px}.kpi dt{font-size:.8em;color:#5b6675}
.kpi dd{margin:0;font-size:1.25em;font-weight:700;white-space:nowrap}.kpi dd small{display:block;font-size:.62em;
font-weight:400;color:#5b6675;white-space:normal}.counts{margin:0 0 6px}.counts b{font-size:1.05em}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:3px 6px;border-bottom:1px solid #e6eaef;
vertical-align:top}th{font-size:.85em;color:#4a5563;background:#f7f8fa}.n{text-align:right;white-space:nowrap}
#top-risks td{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:330px}
.muted,small{color:#5b6675;font-size:.88em}.pill{display:inline-block;border-radius:10px;padding:0 7px;font-size:.8em;
font-weight:600;color:#fff}.low{background:#4a7f4a}.medium{background:#8a6a00}.high{background:#c8561b}
.critical{background:#a3161c}.up{color:#a3161c}.down{color:#2f6b2f}details summary{cursor:pointer}
details.cust{border-top:1px solid #e6eaef;padding:3px 0}details.cust .body{display:grid;
grid-template-columns:2fr 1fr 300px;gap:12px;padding:4px 0 8px}table.aging td+td,table.aging th+th,
table.mini td+td+td,table.mini th+th+th{text-align:right}table.mini td{white-space:nowrap}
.sc{font-weight:700;display:inline-block;min-width:2.6em}
ul{margin:2px 0;padding-left:18px}li{margin:1px 0}table.mini td,table.mini th{padding:1px 4px}
.scroll{max-height:470px;overflow:auto;border:1px solid #e6eaef}.scroll thead th,.scroll tfoot td{position:sticky;
background:#f7f8fa}.scroll thead th{top:0}.scroll tfoot td{bottom:0;font-weight:700;border-top:2px solid #c9d1db}
.agegrid{display:grid;grid-template-columns:380px 1fr;gap:14px;align-items:start}.charts{display:grid;
grid-template-columns:1fr 1fr;gap:10px}.grid{display:grid;
grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:8px}footer{padding:8px 16px;color:#5b6675}
code{background:#eef1f5;padding:0 4px;border-radius:3px}
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}.agegrid,.charts,details.cust .body{
grid-template-columns:1fr}.hide-sm{display:none}main{padding:0 6px 6px}}
@media (max-width:600px){body{font-size:13px}section{padding:8px}.kpi dd{font-size:1.1em}
#top-risks td{white-space:normal}#top-risks :is(th,td):is(:nth-child(4),:nth-child(5),:nth-child(n+7)){display:none}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class Context:
    """What the page shows beyond the day's scores; every part is optional.

    Attributes:
      style: the company's formats (default ``Style(currency=<the frame's>)``, English).
      currencies: each invoice's own currency and rate (``aging.InvoiceCurrencies``); without it
        every invoice is in the company's currency.
      history: the stored points (runs and replayed months) for the trends and score charts.
      dso_before: the DSO 3 months before the as-of day (from the uncut ledger), for its change.
      calendar_today: today on the calendar: a banner says so when the newest record is more
        than ``STALE_AFTER_DAYS`` older.
      export_command: the command that exports these tables (named in the footer).
      sync_command: the command that brings newer data (named in the banner on old data).
      fixed_day: the data is fixed at its day by design (the demo): the banner says so rather
        than send the reader to a sync that brings nothing newer.
      newest_stored: the newest record the store holds: the banner on old data judges the
        store's data, not the day's cut (a look back, as of an earlier day, is not sent to a
        sync for records the store already holds).
    """

    style: Style | None = None
    currencies: InvoiceCurrencies | None = None
    history: History = field(default_factory=History)
    dso_before: Dso | None = None
    calendar_today: dt.date | None = None
    export_command: str = "arwatch export --format xlsx"
    sync_command: str = "arwatch sync --all"
    fixed_day: bool = False
    newest_stored: dt.date | None = None


def aging_totals(board: ScoreBoard) -> list[tuple[str, float]]:
    """Open amount (company currency) per aging bucket."""
    totals = company_total(board.frame)
    return [(name, float(totals[k])) for k, name in enumerate(BUCKET_NAMES)]


def _change(now: float, before: float | None, when: dt.date | None, style: Style) -> str:
    if before is None or when is None or math.isnan(before) or math.isnan(now):
        return "no figure 3 months before"
    delta = now - before
    arrow = "\u25b2" if delta > 0.05 else "\u25bc" if delta < -0.05 else "\u2192"
    return f"{arrow} {style.days(abs(delta))} d since {style.day(when)} ({style.days(before)} d)"


def _kpis(f: CompanyFigures, before: Dso | None, over_90: float, style: Style) -> str:
    hold = "not planned" if f.on_hold is None else f"{f.on_hold}"
    hold_note = f"{style.whole_money(f.on_hold_open)} open" if f.on_hold_open is not None else ""
    tiles = (
        ("Open A/R", style.whole_money(f.open), f"{f.customers} customers"),
        ("Overdue", style.whole_money(f.overdue), f"{style.whole_money(over_90)} over 90 days"),
        ("Share overdue", style.share(f.overdue_share), "of open A/R"),
        ("At high risk", style.whole_money(f.high_risk), f"{f.high_risk_customers} customers high or critical"),
        ("On credit hold", hold, hold_note),
        ("DSO, countback", f"{style.days(f.dso_countback)} d",
         _change(f.dso_countback, before.countback if before else None, before and before.as_of, style)),
        ("DSO, simple (90 days)", f"{style.days(f.dso_simple)} d",
         _change(f.dso_simple, before.simple if before else None, before and before.as_of, style)),
    )
    return '<dl class="kpis">' + "".join(
        f'<div class="kpi"><dt>{_e(title)}</dt><dd>{_e(value)}<small>{_e(note)}</small></dd></div>'
        for title, value, note in tiles) + "</dl>"


GROUPS = (("Call today", "calls"), ("Send", "letters and e-mails"), ("Approve", "approvals"),
          ("To do", "other tasks"))


def _groups(desired: DesiredState, calls: CallList) -> list[tuple[str, list[Task]]]:
    """Tasks due by the as-of day, by what the bookkeeper does with them; the calls are the call
    list's for today (by money at risk, within each collector's capacity)."""
    today = [t for t in desired.tasks if t.due_date <= desired.as_of]
    by_key = {t.key: t for t in today}
    return [
        ("Call today", [by_key[line.key] for line in calls.today if line.key in by_key]),
        ("Send", [t for t in today if t.channel in ("email", "letter")]),
        ("Approve", [t for t in today if t.needs_approval or t.channel == "approval"]),
        ("To do", [t for t in today if t.channel == "todo" and not t.needs_approval]),
    ]


def _counts(desired: DesiredState, diff: Diff, calls: CallList) -> str:
    placed = diff.count(Op.PLACE_HOLD)
    released = diff.count(Op.RELEASE_HOLD)
    words = dict(GROUPS)
    parts = [f"<b>{len(tasks)}</b> {_e(words[title])}" for title, tasks in _groups(desired, calls)]
    if calls.carried:
        parts[0] += f" ({len(calls.carried)} more tomorrow)"
    change = ", ".join(x for x in (f"{placed} new" if placed else "",
                                   f"{released} to release" if released else "") if x)
    parts.append(f"<b>{len(desired.holds)}</b> on credit hold" + (f" ({change})" if change else ""))
    return f'<p class="counts">Today\'s worklist: {" · ".join(parts)}</p>'


def _top_risks(rows: Sequence[RiskRow], arrows: dict[str, tuple[str, str]], style: Style) -> str:
    body = []
    for rank, r in enumerate(rows, 1):
        arrow, words = arrows.get(r.customer_id, ("", ""))
        cls = "up" if arrow == "\u25b2" else "down" if arrow == "\u25bc" else ""
        oldest = str(r.oldest_days_past_due) if r.oldest_days_past_due else "-"
        body.append(
            f"<tr><td class=\"n\">{rank}</td><td title=\"{_e(r.name)}\">{_e(r.name)}</td>"
            f"<td class=\"n\">{_e(style.whole_money(r.open))}</td>"
            f"<td class=\"n\">{_e(style.whole_money(r.overdue))}</td>"
            f"<td class=\"n\">{oldest}</td><td>{_e(wording.payer(r.level, r.segment))}: "
            f"<span class=\"pill {r.level}\">{_e(wording.level_words(r.level))}</span> {r.score:.0f}</td>"
            f"<td class=\"{cls}\" title=\"{_e(words)}\">{arrow}</td>"
            f"<td title=\"{_e(plain(r.next_step))}\">{_e(plain(r.next_step)) or 'none due'}</td></tr>")
    return ('<table id="top-risks"><thead><tr><th class="n">#</th><th>Customer</th><th class="n">Exposure</th>'
            '<th class="n">Overdue</th><th class="n">Oldest, days late</th>'
            '<th title="how it has paid over time: how likely to go bad now, and the score">Risk, score</th>'
            '<th title="score against a month ago">Trend</th><th>Next step</th></tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def _largest(rows: Sequence[RiskRow], arrows: dict[str, tuple[str, str]], style: Style) -> str:
    """The largest risks, saying how many of the customers at high or critical risk they are (the
    rest are in the customers' lines below and in the export's Risks sheet), or that there is none."""
    top = largest_risks(list(rows), TOP_RISKS)
    high = sum(1 for r in rows if r.level in ("high", "critical"))
    if not top:
        return ("<h2>Largest risks</h2><p class=\"muted\">No customer is at medium, high or critical risk: "
                "nothing to chase beyond today's worklist.</p>")
    if high == 0:
        head = (f"Largest risks: no customer is at high or critical risk; the {len(top)} largest at medium "
                "risk, largest exposure first")
    else:
        shown = sum(1 for r in top if r.level in ("high", "critical"))
        which = ("the one customer" if high == 1 else f"all {high} customers" if shown == high else
                 f"{shown} of the {high} customers")
        then = ", then medium ones" if any(r.level == "medium" for r in top) else ""
        head = f"Largest risks: {which} at high or critical risk{then}, largest exposure first"
    return f"<h2>{_e(head)}</h2>" + _top_risks(top, arrows, style)


def _banner(board: ScoreBoard, context: Context, style: Style) -> str:
    newest = context.newest_stored or board.frame.newest_record_day()
    today = context.calendar_today
    if newest is None or today is None or (today - newest).days <= STALE_AFTER_DAYS:
        return ""
    age = f"{(today - newest).days} days before today ({_e(style.day(today))})"
    as_of = _e(style.day(board.frame.as_of))
    if context.fixed_day:
        return (f'<p class="banner" role="status"><b>Demo data:</b> fixed at {_e(style.day(newest))} by design, '
                f"{age}: the scores, ages and worklist are as of {as_of}; a sync brings nothing newer.</p>")
    return (f'<p class="banner" role="status"><b>Old data:</b> the newest record is from {_e(style.day(newest))}, '
            f"{age}: scores are as of {as_of}. Run <code>{_e(context.sync_command)}</code> for newer data.</p>")


def _aging_table(table: AgingTable, style: Style) -> str:
    """Sortable by any column (``arwatch.report.sortable``); the rows come largest total first."""
    heads = "".join(sortable.header(name) for name in BUCKET_NAMES)
    rows = "".join(f"<tr><td>{_e(r.name)}" + "".join(sortable.number_cell(v, style.amount(v)) for v in r.buckets)
                   + sortable.number_cell(r.total, style.amount(r.total), bold=True) for r in table.rows)
    foot = ("<tr><td>Total" + "".join(sortable.number_cell(v, style.amount(v)) for v in table.totals)
            + sortable.number_cell(table.total, style.amount(table.total)))
    return (f'<div class="scroll"><table class="aging sortable" data-currency="{_e(table.currency)}"><thead><tr>'
            f"{sortable.header(f'Customer ({len(table.rows)})')}{heads}"
            f"{sortable.header(f'Total {table.currency}', 'descending')}</tr></thead>"
            f"<tbody>{rows}</tbody><tfoot>{foot}</tfoot></table></div>")


def _aging(board: ScoreBoard, context: Context, style: Style) -> str:
    tables = aging_by_customer(board.frame, context.currencies)
    parts = []
    for table in tables:
        chart = bar_chart(list(zip(BUCKET_NAMES, (float(v) for v in table.totals), strict=True)),
                          title=f"Open A/R in {table.currency} by days past due",
                          y_label=f"open amount ({style.symbol(table.currency)})", x_label="days past due",
                          y_format=lambda v, cur=table.currency: style.whole_money(v, cur),
                          colours=("#4a7f4a", "#b58a00", "#d9822b", "#c8561b", "#a3161c"))
        title = f"in {table.currency}" if len(tables) > 1 else f"amounts in {table.currency}"
        parts.append(f'<h3 class="muted">{_e(title)}: {_e(style.money(table.total, table.currency))} open</h3>'
                     f'<div class="agegrid"><div>{chart}</div>{_aging_table(table, style)}</div>')
    if len(tables) > 1:
        totals = company_total(board.frame)
        parts.append(f"<p>All currencies in {_e(board.frame.currency)} at each invoice's rate: "
                     + " · ".join(f"{_e(n)} {_e(style.money(v))}" for n, v in zip((*BUCKET_NAMES, "total"), totals,
                                                                                   strict=True)) + "</p>")
    if not tables:
        parts.append('<p class="muted">No open invoice.</p>')
    return (f'<section id="aging"><h2>A/R aging by customer, as of {_e(style.day(board.frame.as_of))}</h2>'
            + "".join(parts) + "</section>")


def _trends(board: ScoreBoard, history: History, style: Style) -> str:
    points = monthly(history.company)
    replayed = [p.as_of for p in points if history.sources.get(p.as_of) == "replay"]
    note = (f"Months up to {style.month(max(replayed))} are replayed from the ledger (cut at each month end, "
            f"nothing later seen); later points are arwatch's own runs." if replayed else
            "Each point is the last run of its month.")

    def series(name: str, attr: str, colour: str, dashed: bool = False) -> Series:
        return Series(name, tuple((p.as_of, float(getattr(p, attr))) for p in points), colour, dashed)

    def pct(p: CompanyFigures) -> float:
        return p.overdue_share

    x = "month end (the last run of each month)"
    money = lambda v: style.whole_money(v)  # noqa: E731
    charts = (
        line_chart([series("countback", "dso_countback", PALETTE[0]),
                    series("simple (90 days)", "dso_simple", PALETTE[1], dashed=True)],
                   title="Days sales outstanding (DSO) by month", y_label="DSO (days)", x_label=x,
                   y_format=lambda v: f"{v:.0f}", x_format=style.short_month),
        line_chart([Series("overdue share", tuple((p.as_of, pct(p)) for p in points), PALETTE[1])],
                   title="Share of open A/R overdue by month", y_label="overdue (% of open A/R)", x_label=x,
                   y_format=lambda v: style.share(v, 0), x_format=style.short_month, y_max=1.0),
        line_chart([series("high or critical", "high_risk", PALETTE[0])],
                   title="Open A/R at high risk by month", y_label=f"open at high risk ({style.symbol()})",
                   x_label=x, y_format=money, x_format=style.short_month),
        line_chart([series("open A/R", "open", PALETTE[2]), series("overdue", "overdue", PALETTE[1])],
                   title="Open and overdue A/R by month", y_label=f"amount ({style.symbol()})", x_label=x,
                   y_format=money, x_format=style.short_month),
    )
    return (f'<section id="trends"><h2>Trends by month</h2><p class="muted">{_e(note)} DSO countback: each '
            f"month's invoicing taken off the open A/R, newest first; simple: open A/R / invoiced in the last "
            f'90 days x 90.</p><div class="charts">' + "".join(f"<div>{c}</div>" for c in charts) + "</div></section>")


def _worklist(desired: DesiredState, diff: Diff, rows: dict[str, RiskRow], style: Style, calls: CallList,
              hold_now: Mapping[str, str] | None = None) -> str:
    """The calls in the call list's order (money at risk), each other kind of task by customer
    (largest exposure first), then the credit holds."""
    names = {cid: r.name for cid, r in rows.items()}

    def exposure(cid: str) -> float:
        return rows[cid].open if cid in rows else 0.0

    cards = []
    for title, tasks in _groups(desired, calls):
        steps: dict[str, list[str]] = {}
        for t in tasks:
            steps.setdefault(t.customer_id, []).append(wording.step_words(t.step))
        order = (list(steps) if title == "Call today" else
                 sorted(steps, key=lambda cid: (-exposure(cid), cid)))
        items = "; ".join(f"<b>{_e(names.get(cid, cid))}</b> <small>{_e(', '.join(sorted(set(steps[cid]))))}</small>"
                          for cid in order)
        more = (f" <small>({len(calls.carried)} more carried over to tomorrow: daily capacity reached)</small>"
                if title == "Call today" and calls.carried else "")
        cards.append(f"<details><summary><b>{_e(title)}</b>: {len(tasks)} tasks, {len(steps)} customers{more}"
                     f"</summary><p>{items or '<small>nothing</small>'}</p></details>")
    placed = {c.key for c in diff.changes if c.op is Op.PLACE_HOLD}
    holds = sorted(desired.holds, key=lambda h: (-exposure(h.customer_id), h.customer_id))
    hold_rows = "".join(
        f"<tr><td>{_e(names.get(h.customer_id, h.customer_id))}{' <em>new</em>' if h.key in placed else ''}"
        f"<td class=\"n\">{_e(style.whole_money(exposure(h.customer_id)))}<td>{_e(style.day(h.since))}"
        f"<td>{_e(short(plain((hold_now or {}).get(h.customer_id, h.reason))))}" for h in holds)
    released = "".join(f"<li>release <b>{_e(names.get(c.customer_id, c.customer_id))}</b>: {_e(plain(c.why))}</li>"
                       for c in diff.changes if c.op is Op.RELEASE_HOLD)
    due = sum(1 for t in desired.tasks if t.due_date <= desired.as_of)
    later = sum(1 for t in desired.tasks if t.due_date > desired.as_of)
    empty = ("" if due else
             f"<p>Nothing is due by {_e(style.day(desired.as_of))}: no overdue invoice, promise or warning sign "
             "calls for a step under the company's policy"
             + (f"; {later} tasks are planned for later days (the export's Worklist sheet)." if later else ".")
             + "</p>")
    return ('<section id="worklist"><h2>Today\'s worklist</h2>' + empty + '<p><small>The letters, e-mails and call '
            'scripts are in the tasks written to the accounting system and in the export.</small></p><div class="grid">'
            + "".join(cards) + "</div>"
            f"<h3>Credit holds ({len(desired.holds)}): new orders only with payment upfront</h3>"
            + (f"<details><summary>{len(holds)} customers, largest exposure first</summary><table><thead><tr>"
               f'<th>Customer<th class="n">Exposure<th>Since<th>Why</thead>'
               f"<tbody>{hold_rows}</tbody></table></details>" if holds else "<p><small>none</small></p>")
            + (f"<ul>{released}</ul>" if released else "") + "</section>")


def _switched(board: ScoreBoard, rows: dict[str, RiskRow]) -> str:
    """The customers a collector snoozed, excluded from reminders or placed with an agency."""
    frame, s = board.frame, standing(board.frame)
    found = sorted((rows[str(frame.c_id[c])].name if str(frame.c_id[c]) in rows else str(frame.c_name[c]),
                    "; ".join(s.words(int(c)))) for c in np.flatnonzero(s.snoozed | s.excluded | s.placed))
    if not found:
        return ""
    items = "".join(f"<li><b>{_e(name)}</b>: {_e(why)}</li>" for name, why in found)
    return (f'<section id="switched"><h3>Snoozed, excluded or with the agency ({len(found)})</h3>'
            f"<p><small>No automated steps for these customers (docs/collector-notes.md).</small></p>"
            f"<ul>{items}</ul></section>")


OP_WORDS = {Op.SET_FLAG: "set risk flag", Op.CLEAR_FLAG: "clear risk flag", Op.PLACE_HOLD: "place credit hold",
            Op.RELEASE_HOLD: "release credit hold", Op.OPEN_TASK: "open task", Op.CLOSE_TASK: "close task"}


def _changes(diff: Diff, names: dict[str, str]) -> str:
    counts = ", ".join(f"{diff.count(op)} {OP_WORDS[op]}" for op in Op if diff.count(op))
    rows = "".join(f"<tr><td>{_e(OP_WORDS[c.op])}</td><td>{_e(names.get(c.customer_id, c.customer_id))}</td>"
                   f"<td>{_e(plain(c.why))}</td></tr>" for c in diff.changes)
    table = (f"<details><summary>{len(diff.changes)} changes</summary><table><tr><th>change</th><th>customer</th>"
             f"<th>why</th></tr>{rows}</table></details>") if rows else ""
    return f'<section id="changes"><h2>Changes to write</h2><p>{_e(counts or "none")}</p>{table}</section>'


def render_report(board: ScoreBoard, desired: DesiredState, diff: Diff, policy: Policy, company_name: str,
                  context: Context | None = None) -> str:
    """The whole page as a string (UTF-8 when written)."""
    context = context or Context()
    frame = board.frame
    style = context.style or Style(currency=frame.currency)
    history = context.history.until(frame.as_of)
    figures = company_figures(board, desired)
    calls = call_list(desired, board, policy, style.locale)
    carried = frozenset(line.key for line in calls.carried)
    rows = risk_rows(board, desired, carried)
    by_id = {r.customer_id: r for r in rows}
    arrows = {r.customer_id: trend_arrow(history.customers.get(r.customer_id, ()), frame.as_of, r.score)
              for r in rows}
    day = style.day(frame.as_of)
    hold_now = hold_words(board, policy, desired.holds, style.locale)  # as `arwatch plan` shows them
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_e(company_name)}: receivables as of {_e(day)}</title>"
        f"<style>{CSS}{CHART_CSS}{sortable.CSS}</style></head>"
        f"<body><header><h1>{_e(company_name)}: receivables as of {_e(day)}</h1>"
        f"<p>Data as of {_e(day)} (the last sync) · {frame.n_customers} customers · amounts in "
        f"{_e(frame.currency)} · patience {policy.credit.patience_days} days</p></header><main>"
        + _banner(board, context, style)
        + '<section id="summary">' + _kpis(figures, context.dso_before, aging_totals(board)[-1][1], style)
        + _counts(desired, diff, calls)
        + _largest(rows, arrows, style) + "</section>"
        + _aging(board, context, style)
        + _trends(board, history, style)
        + model_section(board, style)
        + forecast_section(board, style)
        + details_section(board, rows, desired, history.customers, style,
                          {cid: a for cid, (a, _) in arrows.items()}, carried, hold_now)
        + _worklist(desired, diff, by_id, style, calls, hold_now) + _switched(board, by_id)
        + _changes(diff, {cid: r.name for cid, r in by_id.items()})
        + f"</main><footer>Export the aging, the ranked risks and the worklist: <code>{_e(context.export_command)}"
        f"</code> (or <code>--format csv</code>).</footer>{sortable.script_tag()}</body></html>"
    )
