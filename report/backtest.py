"""The backtest as one self-contained HTML page (inline CSS and SVG, no script, no network),
written for an accountant: what each number means is said next to it.

``render_backtest(result) -> str``.
"""

from __future__ import annotations

import math
from html import escape

from arwatch.core import wording
from arwatch.core.backtest.baselines import describe
from arwatch.core.backtest.metrics import CalibrationBin, distribution
from arwatch.core.backtest.run import PREDICTOR_TITLES, BacktestResult
from arwatch.report.style import cents

LEAD_EDGES = (0, 15, 30, 60, 90, 120, 180)
CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}
.note{color:#555;font-size:.92em}.best{font-weight:bold;background:#eef7ee}svg text{font-size:11px;fill:#333}"""


def _pct(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.0%}"


def _num(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _table(head: list[str], rows: list[list[str]], left: int = 1, best: dict[int, int] | None = None) -> str:
    """HTML table; the first ``left`` columns left-aligned; ``best`` maps row -> column to mark."""
    h = "".join(f'<th class="{"l" if i < left else ""}">{escape(c)}</th>' for i, c in enumerate(head))
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, c in enumerate(row):
            cls = ("l " if i < left else "") + ("best" if best and best.get(r) == i else "")
            cells.append(f'<td class="{cls.strip()}">{escape(c)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{h}</tr>{''.join(body)}</table>"


def _axes(parts: list[str], left: int, right: int, top: int, bottom: int, x_label: str, y_label: str,
          ticks: list[tuple[float, str]]) -> None:
    """Both axes, the y ticks (value 0..1 of the height, label) and the axis titles."""
    for value, label in ticks:
        y = bottom - (bottom - top) * value
        parts.append(f'<line x1="{left - 3}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e6e6e6"/>'
                     f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')
    parts.append(f'<path d="M{left} {top}V{bottom}H{right}" fill="none" stroke="#888"/>')
    parts.append(f'<text class="axis-label y" transform="translate(12 {(top + bottom) / 2:.0f}) rotate(-90)" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    parts.append(f'<text class="axis-label x" x="{(left + right) / 2:.0f}" y="{bottom + 32}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')


def bar_chart(bars: list[tuple[str, float]], title: str, width: int = 520, height: int = 200,
              fmt=lambda v: f"{v:g}", x_label: str = "", y_label: str = "") -> str:
    """Vertical bars with labels and titled axes, as inline SVG; wider than ``width`` when the bars'
    values or names need it (about 8 units a character), so that no two labels overlap."""
    top = max([v for _, v in bars] + [0.0]) or 1.0  # all zero: an axis 0 to 1, not "0" twice
    n = max(len(bars), 1)
    widest = max([len(fmt(v)) for _, v in bars] + [len(label) for label, _ in bars] + [1])
    width = max(width, 64 + 10 + n * (8 + 8 * widest))
    left, right = 64, width - 10
    slot = (right - left) / n
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 40}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    _axes(parts, left, right, 20, height, x_label, y_label, [(0.0, fmt(0)), (1.0, fmt(top))])
    for i, (label, v) in enumerate(bars):
        h = (height - 20) * v / top
        x = left + i * slot
        parts.append(f'<rect x="{x + 4:.1f}" y="{height - h:.1f}" width="{slot - 8:.1f}" height="{h:.1f}" '
                     f'fill="#4a78b5"/><text x="{x + slot / 2:.1f}" y="{height - h - 4:.1f}" '
                     f'text-anchor="middle">{escape(fmt(v))}</text><text x="{x + slot / 2:.1f}" y="{height + 15}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(groups: list[str], series: list[tuple[str, list[float], str]], title: str,
                 width: int = 620, height: int = 200, x_label: str = "", y_label: str = "") -> str:
    """Bars of several series per group (values 0..1, on a 0-100% axis), with a legend, as inline SVG."""
    left, right = 64, width - 10
    slot = (right - left) / max(len(groups), 1)
    bw = (slot - 12) / max(len(series), 1)
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 80}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    _axes(parts, left, right, 20, height, x_label, y_label, [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")])
    for gi, g in enumerate(groups):
        for si, (_, values, color) in enumerate(series):
            v = values[gi]
            v = 0.0 if v is None or math.isnan(v) else v
            h = (height - 20) * v
            x = left + gi * slot + 6 + si * bw
            parts.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                         f'fill="{color}"/>')
        parts.append(f'<text x="{left + gi * slot + slot / 2:.1f}" y="{height + 15}" '
                     f'text-anchor="middle">{escape(g)}</text>')
    for si, (name, _, color) in enumerate(series):
        parts.append(f'<rect x="{left + si * 140}" y="{height + 50}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + 14 + si * 140}" y="{height + 59}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def calibration_plot(curves: dict[str, tuple[CalibrationBin, ...]], title: str, size: int = 260) -> str:
    """Predicted (x) against observed (y) share, with the diagonal of perfect calibration."""
    colors = {"learned": "#c0504d", "scorecard": "#4a78b5"}
    left, top = 50, 10
    p = [f'<svg role="img" aria-label="{escape(title)}" width="{size + 210}" height="{size + 50}" '
         f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
         f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#888"/>',
         f'<line x1="{left}" y1="{size + top}" x2="{size + left}" y2="{top}" stroke="#bbb" stroke-dasharray="4"/>',
         f'<text x="{left}" y="{size + 24}" text-anchor="middle">0%</text>'
         f'<text x="{left + size}" y="{size + 24}" text-anchor="middle">100%</text>'
         f'<text x="{left - 4}" y="{size + top}" text-anchor="end">0%</text>'
         f'<text x="{left - 4}" y="{top + 9}" text-anchor="end">100%</text>',
         f'<text class="axis-label x" x="{left + size / 2:.0f}" y="{size + 40}" text-anchor="middle">'
         f'predicted share late</text>',
         f'<text class="axis-label y" transform="translate(14 {top + size / 2:.0f}) rotate(-90)" '
         f'text-anchor="middle">observed share late</text>']
    for i, (name, bins) in enumerate(curves.items()):
        color = colors.get(name, "#666")
        pts = [(left + b.mean_predicted * size, top + (1 - b.observed) * size) for b in bins]
        if pts:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            p.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
            p.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in pts)
        p.append(f'<rect x="{size + left + 15}" y="{20 + i * 18}" width="10" height="10" fill="{color}"/>'
                 f'<text x="{size + left + 30}" y="{29 + i * 18}">{escape(PREDICTOR_TITLES.get(name, name))}</text>')
    p.append("</svg>")
    return "".join(p)


def _customer_section(r: BacktestResult) -> str:
    s = r.settings
    sc = r.quality("scorecard")
    warn = sc.at(s.warn_level)
    went_bad = len(r.delinquents)
    out = ["<h2>Customers: warned before they went bad?</h2>",
           f"<p>A customer <b>goes bad</b> (is delinquent) on the first day one of its invoices is "
           f"{s.delinquent_days} days past due and still unpaid. A flag <b>warns</b> when it comes at most "
           f"{s.horizon_days} days before that day. {went_bad} customers went bad during the replay.</p>",
           f"<p><b>{warn.warned} of {went_bad}</b> ({_pct(warn.recall)}) were flagged <b>{s.warn_level}</b> "
           + (f"in advance; median lead time <b>{_num(warn.median_lead, 0)} days</b>. " if warn.warned else
              "in advance, so there is no lead time to show. ")
           + f"{warn.false_alarms} customers who never went bad were flagged {s.warn_level} at some point "
           f"(false alarm rate {_pct(warn.false_alarm_rate)}).</p>"]
    bars = [(label, n) for label, n in distribution(warn.lead_days, LEAD_EDGES)]
    out.append(bar_chart(bars, f"Lead time: days between the first {s.warn_level} flag and going bad",
                         fmt=lambda v: f"{v:.0f}", x_label="days of warning before going bad",
                         y_label="customers"))
    out.append(f'<p class="note">Lead-time histogram: number of customers by days of warning '
               f'(first {s.warn_level} flag to going bad).</p>')
    rows = []
    for name in ("scorecard", "dunning", "late_rate"):
        q = r.quality(name)
        for lq in q.levels:
            rows.append([PREDICTOR_TITLES[name], lq.level, str(lq.flagged), str(lq.warned), _pct(lq.precision),
                         _pct(lq.recall), f"{lq.false_alarms} ({_pct(lq.false_alarm_rate)})", _num(lq.median_lead, 0)])
    out.append("<h3>Precision and recall by risk level, next to the baselines</h3>")
    out.append(_table(["method", "level or above", "customers flagged", "warned in time", "precision", "recall",
                       "false alarms", "median lead (days)"], rows, left=2))
    out.append('<p class="note">Precision: of the customers flagged at that level, the share that went bad '
               'within the horizon. Recall: of the customers that went bad, the share flagged in time. '
               'False alarms: customers who never went bad but were flagged.</p>')
    levels = [lq.level for lq in sc.levels]
    out.append(grouped_bars(levels, [
        ("scorecard precision", [lq.precision for lq in sc.levels], "#4a78b5"),
        ("scorecard recall", [lq.recall for lq in sc.levels], "#9bbbe0"),
        ("dunning precision", [lq.precision for lq in r.quality("dunning").levels], "#c0504d"),
        ("dunning recall", [lq.recall for lq in r.quality("dunning").levels], "#e6a5a3"),
    ], "Precision and recall by level: scorecard against dunning levels",
        x_label="risk level (or above) flagged", y_label="precision, recall (%)"))
    rows = [[PREDICTOR_TITLES[q.predictor], _num(q.snapshot_ap), _num(q.snapshot_auc), _pct(q.snapshot_base_rate)]
            for q in r.customer_quality]
    top = max(range(len(rows)), key=lambda i: r.customer_quality[i].snapshot_ap if not math.isnan(
        r.customer_quality[i].snapshot_ap) else -1)
    out.append("<h3>Ranking quality on every customer and replay day</h3>")
    out.append(_table(["method", "average precision", "ROC AUC", "share that went bad"], rows,
                      best={top: 1}))
    out.append(f'<p class="note">Question asked on each replay day for each customer not yet bad: will it go bad '
               f'within {s.horizon_days} days? Average precision 1.0 = every customer that went bad ranked above '
               f'all others; a random order scores the share that went bad.</p>')
    if r.delinquents:
        drows = [[d.customer_id, d.name, str(d.delinquent_on), str(d.warned_on or "not warned"),
                  "" if d.lead_days is None else str(d.lead_days), wording.indicator_name(d.reason) if d.reason else ""]
                 for d in r.delinquents]
        out.append("<h3>Customers that went bad</h3>")
        out.append(_table(["customer", "name", "went bad on", f"first {s.warn_level} flag", "lead (days)",
                           "main reason then"], drows, left=2))
    return "".join(out)


def _invoice_section(r: BacktestResult) -> str:
    out = ["<h2>Invoices: will it be paid late?</h2>",
           f"<p>For each invoice, each method gave a score with what was known the day before the invoice date "
           f"(and again the day before the due date, for the invoices still open then). Judged from "
           f"{r.evaluated_from or 'n/a'}, after a year of history, so that the learned model never saw them.</p>"]
    names = [n for n in ("scorecard", "dunning", "late_rate", "learned") if any(n in c.scores for c in r.invoice_cells)]
    rows, best = [], {}
    for i, c in enumerate(r.invoice_cells):
        row = [c.point, "paid late" if c.late_days == 0 else f"more than {c.late_days} days late",
               c.population, f"{c.positives} of {c.invoices}"]
        for n in names:
            sc = c.scores.get(n)
            row.append("n/a" if sc is None else f"{_num(sc.auc)} / {_num(sc.ap)}")
        aps = [(c.scores[n].ap if n in c.scores and not math.isnan(c.scores[n].ap) else -1) for n in names]
        best[i] = 4 + aps.index(max(aps))
        rows.append(row)
    out.append(_table(["asked at", "question", "invoices asked", "late / invoices"]
                      + [f"{PREDICTOR_TITLES[n]} AUC / AP" for n in names], rows, left=3, best=best))
    out.append('<p class="note">ROC AUC: chance that a late invoice scores above an on-time one (0.5 = coin toss). '
               'AP (average precision): how well the late ones are ranked first. Best AP in bold.</p>')
    if r.calibration:
        out.append(f"<h3>Calibration (more than {r.settings.serious_late_days} days late, at the invoice date)</h3>")
        out.append(calibration_plot(r.calibration, "Calibration: predicted against observed share paid late"))
        out.append('<p class="note">A point on the dashed line means that of the invoices given, say, 30%, '
                   'about 30% were indeed paid late. The scorecard\'s 0-100 score is shown as 0-100%: it is a '
                   'ranking, not a probability.</p>')
    return "".join(out)


def _choices(choices) -> str:
    merged: list[tuple] = []
    for day, pick in choices:
        if not merged or merged[-1][1] != pick:
            merged.append((day, pick))
    return ", ".join(f"{PREDICTOR_TITLES.get(p, p)} from {d}" for d, p in merged)


def _model_section(r: BacktestResult) -> str:
    used = PREDICTOR_TITLES.get(r.model_in_use, r.model_in_use)
    out = ["<h2>Which model is in use, and why</h2>",
           f"<p><b>In use: the {escape(used)}</b>: {escape(r.model_reason)}.</p>",
           "<p>The choice cannot fool itself: each quarter, the method used is chosen on the earlier quarters "
           "only, and a model is used only when it did better than the best baseline there; the figures below "
           "are those of the methods so chosen, on the quarters that came after each choice.</p>"]
    rows = []
    for c in r.invoice_cells:
        u = c.in_use
        if u is None:
            continue
        rows.append([c.point, "paid late" if c.late_days == 0 else f"more than {c.late_days} days late",
                     _choices(u.choices), _num(u.auc), f"{PREDICTOR_TITLES.get(u.baseline, u.baseline)} "
                     f"{_num(u.baseline_auc)}", f"{u.margin:+.3f}", f"{u.interval[0]:+.3f} to {u.interval[1]:+.3f}",
                     PREDICTOR_TITLES.get(u.final, u.final)])
    if rows:
        out.append(_table(["asked at", "question", "chosen each quarter", "AUC", "best baseline AUC", "margin",
                           "95% interval", "from now on"], rows, left=3))
        out.append('<p class="note">AUC here counts pairs of invoices of the same quarter (the method may change '
                   'between quarters). 95% interval: the margin over the best baseline when customers are drawn '
                   'again at random (1,000 times); an interval that includes 0 means the data cannot tell the two '
                   'apart.</p>')
    out.append(f'<p class="note">Learned model: {escape(r.learned_status or "not tried")}. Time-ordered cut-offs: '
               f'{", ".join(str(d) for d in r.learned_cutoffs) or "none"} (trained only on invoices whose outcome was '
               f'known before each cut-off, its regularisation and calibration chosen on the months before it, '
               f'tested on the invoices of the following quarter).</p>')
    if r.forecast_weeks:
        total = sum(a for _, a in r.forecast_weeks)
        out.append(f"<h3>Expected cash-in by week from {r.last_day} ({r.currency})</h3>")
        out.append(bar_chart([(f"{d.day} {d:%b}", a) for d, a in r.forecast_weeks], "Expected cash-in by week",
                             fmt=lambda v: f"{v:,.0f}", x_label="week starting",
                             y_label=f"expected ({r.currency})"))
        out.append(f'<p class="note">{len(r.forecast)} open invoices; {cents(total):,.2f} {r.currency} expected in '
                   f'the next {len(r.forecast_weeks)} weeks; expected payment dates: {escape(r.forecast_reason)}.</p>')
        largest = sorted(r.forecast, key=lambda f: -f.open_amount)[:20]
        out.append(_table(["invoice", "customer", f"open ({r.currency})", "expected paid on",
                           "chance > 30 / 60 / 90 days late"],
                          [[f.invoice, f.customer_id, f"{cents(f.open_amount):,.2f}",
                            str(f.expected_on or "not expected"), " / ".join(_pct(p) for _, p in f.late_chance)]
                           for f in largest], left=2))
    if r.forecast_quality:
        out.append("<h3>How the payment-date forecast did in the past</h3>")
        out.append(_table(["method", "quarters", "invoices", "days off (mean)", "weekly cash-in off"],
                          [[q.method, str(q.cutoffs), str(q.invoices), _num(q.mae_days, 1), _pct(q.cash_error)]
                           for q in r.forecast_quality]))
        out.append(f'<p class="note">At the start of each quarter, the invoices open then were given an expected '
                   f'payment date; "days off" compares it with the day each was paid, "weekly cash-in off" the '
                   f'amounts expected in each of the next {r.settings.forecast_weeks} weeks with the payments '
                   f'received (sum of the differences over the sum received). naive: due date plus the '
                   f'customer&#x27;s mean delay; overdue: the same until that day has passed, then spread over the '
                   f'weeks as the company&#x27;s invoices as far past due were paid.</p>')
    return "".join(out)


def render_backtest(r: BacktestResult) -> str:
    """The whole report page."""
    b = describe()
    s = r.settings
    head = (f"<h1>Backtest: would arwatch have warned you in time?</h1>"
            f"<p>{escape(r.company or 'Company')} ({escape(r.source)}): {r.customers} customers, "
            f"{r.invoices} invoices. "
            f"arwatch was replayed at every {s.every} end from {r.days[0] if r.days else 'n/a'} to "
            f"{r.days[-1] if r.days else 'n/a'} ({len(r.days)} replay days), each time seeing only what was known "
            f"on that day, and compared with what happened afterwards (data up to {r.last_day}).</p>"
            f"<p class='note'>Baselines: <b>dunning levels</b>: {escape(b['dunning'])}. "
            f"<b>Past late rate</b>: {escape(b['late_rate'])}.</p>")
    body = head + _customer_section(r) + _invoice_section(r) + _model_section(r)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>arwatch backtest</title>"
            f"<style>{CSS}</style></head><body>{body}<p class='note'>Replay took {r.replay_seconds:.1f} s.</p>"
            f"</body></html>")
