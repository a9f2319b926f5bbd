"""The worklist report: one self-contained HTML page (inline CSS and SVG, no script, no assets).

``render_report(board, desired, diff, policy, company_name)`` shows today's worklist (who to
call, what to send, what to approve, who to hold), the aging of open receivables per bucket,
and the ranked risk list with each customer's reasons, evidence and planned steps. Every text
from outside (customer names, evidence, task bodies) is HTML-escaped. Readable on a phone.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

import numpy as np

from arwatch.core.actions import DesiredState, Diff, Op, Task
from arwatch.core.call_list import CallList, call_list
from arwatch.core.indicators.aging import BUCKETS
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard
from arwatch.core.settlement import settlement

CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d2430;background:#f4f6f9}main{max-width:1100px;margin:0 auto;padding:12px}
header{background:#1f3a5f;color:#fff;padding:14px 12px}header h1{margin:0;font-size:1.3em}
header p{margin:4px 0 0;opacity:.85}section{background:#fff;border-radius:8px;padding:12px;margin:12px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}h2{font-size:1.1em;margin:0 0 8px}h3{font-size:1em;margin:10px 0 4px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:10px}
.card{border:1px solid #dde3ea;border-radius:6px;padding:8px}ul{margin:4px 0;padding-left:18px}
li{margin:2px 0}.muted{color:#5b6675;font-size:.9em}.pill{display:inline-block;border-radius:10px;
padding:0 8px;font-size:.8em;font-weight:600;color:#fff}.low{background:#4a7f4a}.medium{background:#b58a00}
.high{background:#c8561b}.critical{background:#a3161c}table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #e6eaef;vertical-align:top}
details summary{cursor:pointer}pre{white-space:pre-wrap;font-size:.85em;background:#f7f8fa;padding:6px;
border-radius:4px}.customer{border-top:1px solid #e6eaef;padding:8px 0}.customer:first-child{border-top:0}
.score{font-weight:700;font-size:1.1em}svg{width:100%;height:auto;max-width:640px}
@media (max-width:600px){body{font-size:14px}main{padding:6px}section{padding:8px}
.hide-sm{display:none}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def aging_totals(board: ScoreBoard) -> list[tuple[str, float]]:
    """Open amount (company currency) per aging bucket."""
    frame = board.frame
    st = settlement(frame)
    dpd = frame.as_of_day - frame.i_due
    out = []
    for name, low, high in BUCKETS:
        mask = st.is_open & (dpd >= low) & (dpd <= high)
        out.append((name, float(st.residual[mask].sum())))
    return out


def aging_svg(totals: list[tuple[str, float]], currency: str) -> str:
    """A bar chart of the buckets, inline SVG that scales with the page."""
    width, height, pad, label_h = 600, 240, 10, 44
    top = max((v for _, v in totals), default=0.0) or 1.0
    bar_w = (width - 2 * pad) / len(totals)
    colours = ("#4a7f4a", "#b58a00", "#d9822b", "#c8561b", "#a3161c")
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="aging of open receivables '
             f'per bucket" xmlns="http://www.w3.org/2000/svg">']
    for k, ((name, value), colour) in enumerate(zip(totals, colours, strict=False)):
        h = (height - label_h - 2 * pad - 16) * value / top
        x = pad + k * bar_w + 6
        y = height - label_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 12:.1f}" height="{h:.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x + (bar_w - 12) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                     f'font-size="13">{_e(f"{value:,.0f}")}</text>')
        parts.append(f'<text x="{x + (bar_w - 12) / 2:.1f}" y="{height - label_h + 18:.1f}" '
                     f'text-anchor="middle" font-size="14" font-weight="600">{_e(name)}</text>')
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle" font-size="12" '
                 f'fill="#5b6675">days past due, open amounts in {_e(currency)}</text></svg>')
    return "".join(parts)


def _task_line(task: Task, names: dict[str, str]) -> str:
    flags = " <strong>(needs approval)</strong>" if task.needs_approval else ""
    who = f" · {_e(task.assignee)}" if task.assignee else ""
    body = (f"<details><summary>{'script' if task.channel == 'call' else 'text'}</summary>"
            f"<pre>{_e(task.body)}</pre></details>") if task.body else ""
    return (f"<li><strong>{_e(task.title)}</strong>{flags}<br><span class=\"muted\">due {_e(task.due_date)}"
            f"{who} · {_e(task.rule)}</span>{body}</li>")


def _worklist(desired: DesiredState, diff: Diff, names: dict[str, str], calls: CallList) -> str:
    today = [t for t in desired.tasks if t.due_date <= desired.as_of]
    by_key = {t.key: t for t in today}
    groups = (
        ("Call today", [by_key[line.key] for line in calls.today]),  # by money at risk, within capacity
        ("Send", [t for t in today if t.channel in ("email", "letter")]),
        ("Approve", [t for t in today if t.needs_approval or t.channel == "approval"]),
        ("To do", [t for t in today if t.channel == "todo" and not t.needs_approval]),
    )
    cards = []
    for title, tasks in groups:
        items = "".join(_task_line(t, names) for t in tasks) or '<li class="muted">nothing</li>'
        more = (f'<p class="muted">{len(calls.carried)} more carried over to tomorrow (daily capacity reached)</p>'
                if title == "Call today" and calls.carried else "")
        cards.append(f'<div class="card"><h3>{_e(title)} ({len(tasks)})</h3><ul>{items}</ul>{more}</div>')
    placed = {c.key for c in diff.changes if c.op is Op.PLACE_HOLD}
    holds = "".join(f"<li><strong>{_e(names.get(h.customer_id, h.customer_id))}</strong>"
                    f"{' <em>new</em>' if h.key in placed else ''}: {_e(h.reason)} "
                    f"<span class=\"muted\">since {_e(h.since)} · {_e(h.rule)}</span></li>" for h in desired.holds)
    released = "".join(f"<li>release <strong>{_e(names.get(c.customer_id, c.customer_id))}</strong>: "
                       f"{_e(c.why)}</li>" for c in diff.changes if c.op is Op.RELEASE_HOLD)
    cards.append(f'<div class="card"><h3>Credit holds ({len(desired.holds)})</h3><ul>'
                 f'{holds + released or "<li class=muted>nothing</li>"}</ul></div>')
    return '<section id="worklist"><h2>Today\'s worklist</h2><div class="grid">' + "".join(cards) + "</div></section>"


def _changes(diff: Diff, names: dict[str, str]) -> str:
    counts = ", ".join(f"{diff.count(op)} {op.value.replace('_', ' ')}" for op in Op if diff.count(op))
    rows = "".join(f"<tr><td>{_e(c.op.value)}</td><td>{_e(names.get(c.customer_id, c.customer_id))}</td>"
                   f"<td class=\"hide-sm\">{_e(c.key)}</td><td>{_e(c.why)}</td></tr>" for c in diff.changes)
    table = (f"<details><summary>{len(diff.changes)} changes</summary><table><tr><th>change</th><th>customer</th>"
             f"<th class=\"hide-sm\">key</th><th>why</th></tr>{rows}</table></details>") if rows else ""
    return f'<section id="changes"><h2>Changes to write</h2><p>{_e(counts or "none")}</p>{table}</section>'


def _customers(board: ScoreBoard, desired: DesiredState, limit: int) -> str:
    tasks: dict[str, list[Task]] = defaultdict(list)
    for t in desired.tasks:
        tasks[t.customer_id].append(t)
    held = {h.customer_id: h for h in desired.holds}
    blocks = []
    for c in board.ranking()[:limit]:
        s = board.customer(int(c))
        reasons = "".join(f"<li><strong>{_e(r.indicator)}</strong> ({_e(r.title)}, {r.points:.0f} pts): "
                          f"{_e(r.evidence)}</li>" for r in s.reasons) or '<li class="muted">no warning sign</li>'
        steps = "".join(f"<li>{_e(t.title)} <span class=\"muted\">due {_e(t.due_date)} · {_e(t.rule)}</span>"
                        f"<ul>{''.join(f'<li>{_e(line)}</li>' for line in t.evidence)}</ul></li>"
                        for t in tasks.get(s.customer_id, [])) or '<li class="muted">no step planned</li>'
        hold = (f"<p><strong>Credit hold:</strong> {_e(held[s.customer_id].reason)}</p>"
                if s.customer_id in held else "")
        blocks.append(
            f'<div class="customer"><div><span class="pill {_e(s.level)}">{_e(s.level)}</span> '
            f'<span class="score">{s.score:.0f}</span> <strong class="name">{_e(s.name)}</strong> '
            f'<span class="muted">{_e(s.customer_id)} · {_e(s.segment)}</span></div>{hold}'
            f"<h3>Reasons</h3><ul>{reasons}</ul><h3>Planned steps</h3><ul>{steps}</ul></div>")
    more = (f'<p class="muted">and {board.frame.n_customers - limit} more customers</p>'
            if board.frame.n_customers > limit else "")
    return '<section id="risks"><h2>Customers by risk</h2>' + "".join(blocks) + more + "</section>"


def render_report(board: ScoreBoard, desired: DesiredState, diff: Diff, policy: Policy, company_name: str,
                  limit: int = 200) -> str:
    """The whole page as a string (UTF-8 when written)."""
    frame = board.frame
    names = {str(i): str(n) for i, n in zip(frame.c_id, frame.c_name, strict=False)}
    levels = np.bincount(board.level, minlength=4) if frame.n_customers else np.zeros(4, int)
    summary = " · ".join(f"{int(levels[k])} {name}" for k, name in reversed(list(enumerate(
        ("low", "medium", "high", "critical")))))
    totals = aging_totals(board)
    open_total = sum(v for _, v in totals)
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_e(company_name)}: receivables worklist {_e(desired.as_of)}</title><style>{CSS}</style></head>"
        f"<body><header><h1>{_e(company_name)}: receivables worklist</h1>"
        f"<p>as of {_e(desired.as_of)} · {frame.n_customers} customers · {summary} · "
        f"open {open_total:,.2f} {_e(frame.currency)} · patience {policy.credit.patience_days} days</p></header><main>"
        + _worklist(desired, diff, names, call_list(desired, board, policy))
        + f'<section id="aging"><h2>Aging of open receivables</h2>{aging_svg(totals, frame.currency)}</section>'
        + _customers(board, desired, limit)
        + _changes(diff, names)
        + "</main></body></html>"
    )
