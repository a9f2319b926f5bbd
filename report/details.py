"""Details on demand: one collapsed ``<details>`` per customer with a warning sign (why, in plain
words; the next steps; the credit hold; open invoices; the last contacts; the score over the
months), and one collapsed line counting the customers with none.

Plain words (core/wording.py): the reader sees the warning sign's name ("Broke a promise to
pay"), never an indicator id or a policy path (``credit.ladders.all[3]``); ``plain`` turns any
id left inside a text (a hold reason written before the words were) into its name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

from arwatch.core import wording
from arwatch.core.actions import DesiredState, Hold, Task
from arwatch.core.contact_log import describe_attempt
from arwatch.core.frame import LedgerFrame, date_of
from arwatch.core.indicators import INDICATORS
from arwatch.core.indicators.base import rows_of
from arwatch.core.scoring import ScoreBoard
from arwatch.core.settlement import settlement

from .charts import score_chart
from .figures import CARRIED, RiskRow
from .history import CustomerPoint, monthly
from .style import Style

TITLES = {ind.id: wording.indicator_name(ind.id) for ind in INDICATORS}
CHANNEL_WORDS = {"call": "call", "email": "email", "letter": "letter", "todo": "to do", "approval": "approval"}
INVOICES_SHOWN = 3
CONTACTS_SHOWN = 2
LONG_ASIDE = 60  # a parenthesis longer than this in a hold reason repeats the evidence: left out


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def plain(text: str) -> str:
    """The core's text for a person: any id left in it as words (``core.wording.plain``)."""
    return wording.plain(text)


_ASIDE = re.compile(r" \((?:[^()]|\([^()]*\))*\)")


def short(text: str) -> str:
    """``text`` without its long parentheses (a hold reason quoting the evidence shown above it)."""
    return _ASIDE.sub(lambda m: "" if len(m.group(0)) > LONG_ASIDE else m.group(0), text)


def task_line(task: Task, style: Style, common: tuple = (), alike: int = 0,
              carried: frozenset[str] = frozenset()) -> str:
    """A task in words: its title, channel, and its due day and assignee unless ``common`` says
    every task listed with it shares them; ``alike``: how many more of the same step follow it;
    a call the call list carries over (``carried``) says so."""
    approval = " (needs approval)" if task.needs_approval else ""
    words = [CHANNEL_WORDS.get(task.channel, task.channel)]
    if (task.due_date, task.assignee) != common:
        words.append(f"due {style.day(task.due_date)}")
        words += [task.assignee] if task.assignee else []
    if task.key in carried:
        words.append(CARRIED)
    if alike:
        words.append(f"and {alike} more like it")
    return f"<li>{_e(plain(task.title))}{approval} <small>{_e(', '.join(words))}</small></li>"


def steps_list(tasks: Sequence[Task], style: Style, carried: frozenset[str] = frozenset()) -> str:
    if not tasks:
        return ""
    tasks = sorted(tasks, key=lambda t: (t.due_date, t.needs_approval is False, t.step))
    shared = {(t.due_date, t.assignee) for t in tasks}
    common = next(iter(shared)) if len(shared) == 1 else ()
    head = f"Next steps ({len(tasks)})"
    if common:
        head += f", due {style.day(common[0])}" + (f", {common[1]}" if common[1] else "")
    by_step: dict[str, list[Task]] = {}
    for t in tasks:
        by_step.setdefault(t.step, []).append(t)
    lines = "".join(task_line(same[0], style, common, len(same) - 1, carried) for same in by_step.values())
    return f"<h4>{_e(head)}</h4><ul>{lines}</ul>"


def whole_parts(parts: Sequence[float], total: int) -> list[int]:
    """``parts`` in whole numbers that add up to ``total`` (largest remainders round up): points
    rounded one by one read "37, 23 and 20 of 79"."""
    floors = [math.floor(p) for p in parts]
    short_by = total - sum(floors)
    order = sorted(range(len(parts)), key=lambda k: (floors[k] - parts[k], k))
    for k in order[:max(short_by, 0)]:
        floors[k] += 1
    return floors


def _reasons(board: ScoreBoard, c: int, locale: str) -> str:
    """The customer's top reasons, each with its points of the score; when more signs fired than
    are shown, one line naming them with theirs: the points add up to the score shown."""
    s = board.customer(c, locale)
    shown = {r.indicator for r in s.reasons}
    others = [wording.indicator_name(board.indicators[k].id)
              for k in np.argsort(-board.contributions[:, c], kind="stable")
              if board.contributions[k, c] > 0 and board.indicators[k].id not in shown]
    parts = [r.points for r in s.reasons] + ([max(s.score - sum(r.points for r in s.reasons), 0.0)] if others else [])
    points = whole_parts(parts, round(s.score))
    lines = "".join(f"<li><b>{_e(wording.indicator_name(r.indicator))}</b> "
                    f"<small>({p} of {s.score:.0f} points)</small>: {_e(plain(r.evidence))}</li>"
                    for r, p in zip(s.reasons, points, strict=False))
    if others:
        lines += f"<li><b>Also</b> <small>({points[-1]} of {s.score:.0f} points)</small>: {_e('; '.join(others))}</li>"
    return lines


def _open_invoices(frame: LedgerFrame, c: int, style: Style) -> str:
    st = settlement(frame)
    rows = [r for r in rows_of(frame.i_cust, c) if st.is_open[r]]
    if not rows:
        return ""
    rows.sort(key=lambda r: frame.i_due[r])
    body = "".join(
        f"<tr><td>{_e(frame.i_number[r])}<td>{_e(style.day(date_of(frame.i_due[r])))}"
        f"<td>{max(int(frame.as_of_day - frame.i_due[r]), 0)}<td>{_e(style.amount(st.residual[r]))}"
        for r in rows[:INVOICES_SHOWN])
    more = (f'<tr><td colspan="4"><small>and {len(rows) - INVOICES_SHOWN} more, '
            f'{_e(style.money(float(st.residual[rows[INVOICES_SHOWN:]].sum())))}</small>'
            if len(rows) > INVOICES_SHOWN else "")
    return (f'<h4>Open invoices ({len(rows)})</h4><table class="mini"><tr><th>invoice<th>due'
            f'<th>days late<th>open {_e(frame.currency)}{body}{more}</table>')


def _contacts(frame: LedgerFrame, c: int, style: Style) -> str:
    rows = list(rows_of(frame.t_cust, c))[-CONTACTS_SHOWN:][::-1]
    if not rows:
        return ""
    items = []
    for r in rows:  # as the worklist tells a contact: "3 Nov 2026, call, not answered (voicemail left)"
        promise = ""
        if frame.t_promise_day[r] < 2**31 - 1:
            amount = frame.t_promise_amount[r]
            promise = (f"; promise: {style.money(amount) if np.isfinite(amount) else 'to pay'} "
                       f"by {style.day(date_of(frame.t_promise_day[r]))}")
        items.append(f"<li>{_e(describe_attempt(frame, r, style.locale))}{_e(promise)}</li>")
    total = len(rows_of(frame.t_cust, c))
    return f"<h4>Last contacts ({len(rows)} of {total})</h4><ul>{''.join(items)}</ul>"


def _history_chart(points: Sequence[CustomerPoint], style: Style) -> str:
    months = monthly(points)
    if len(months) < 2:
        return ""
    return "<div>" + score_chart([(p.as_of, p.score) for p in months], title="Score by month end",
                                 x_format=style.short_month) + "</div>"


def customer_details(board: ScoreBoard, row: RiskRow, tasks: Sequence[Task], hold: Hold | None,
                     history: Sequence[CustomerPoint], style: Style, arrow: str = "",
                     carried: frozenset[str] = frozenset(), hold_now: str | None = None) -> str:
    """``hold_now``: the hold's words as of the board's day (``holds.hold_words``), else its own."""
    c = row.index
    frame = board.frame
    words = hold_now if hold_now is not None else hold.reason if hold else ""
    hold_line = f"<p><b>On credit hold</b> since {_e(style.day(hold.since))}: {_e(short(plain(words)))}</p>" \
        if hold else ""
    oldest = f", oldest {row.oldest_days_past_due} days late" if row.oldest_days_past_due else ""
    return (
        f'<details class="cust"><summary><b class="pill {row.level}">{row.level}</b> '
        f'<b class="sc">{row.score:.0f}{_e(arrow)}</b> <b>{_e(row.name)}</b> '
        f'<small>{_e(wording.standing(row.level, row.segment))} risk · {_e(style.whole_money(row.open))} open, '
        f'{_e(style.whole_money(row.overdue))} overdue{oldest}</small></summary><div class="body">'
        f"<div><h4>Why</h4><ul>{_reasons(board, c, style.locale)}</ul>{hold_line}"
        + steps_list(tasks, style, carried)
        + "</div><div>" + _open_invoices(frame, c, style) + _contacts(frame, c, style) + "</div>"
        + _history_chart(history, style)
        + "</div></details>")


def quiet_line(rows: Sequence[RiskRow], style: Style) -> str:
    """The customers with no warning sign: one collapsed line with their count."""
    if not rows:
        return ""
    names = ", ".join(f"{_e(r.name)}" + (f" ({_e(style.whole_money(r.open))})" if r.open > 0 else "")
                      for r in sorted(rows, key=lambda r: r.name))
    exposure = sum(r.open for r in rows)
    count = f"{len(rows)} customers show" if len(rows) != 1 else "1 customer shows"
    return (f'<details class="quiet"><summary>{count} no warning sign '
            f'<small>({_e(style.whole_money(exposure))} open)</small></summary><p><small>{names}</small></p></details>')


def details_section(board: ScoreBoard, rows: Sequence[RiskRow], desired: DesiredState,
                    history: dict[str, tuple[CustomerPoint, ...]], style: Style,
                    arrows: dict[str, str], carried: frozenset[str] = frozenset(),
                    hold_now: Mapping[str, str] | None = None) -> str:
    tasks: dict[str, list[Task]] = {}
    for t in desired.tasks:
        tasks.setdefault(t.customer_id, []).append(t)
    holds = {h.customer_id: h for h in desired.holds}
    warned = [r for r in rows if board.contributions[:, r.index].sum() > 0]
    quiet = [r for r in rows if board.contributions[:, r.index].sum() <= 0]
    blocks = "".join(customer_details(board, r, tasks.get(r.customer_id, ()), holds.get(r.customer_id),
                                      history.get(r.customer_id, ()), style, arrows.get(r.customer_id, ""),
                                      carried, (hold_now or {}).get(r.customer_id))
                     for r in warned)
    return (f'<section id="customers"><h2>Customers with a warning sign ({len(warned)}), riskiest first</h2>'
            f'<p><small>Open a line for the reasons, next steps, open invoices, last contacts and '
            f'the score by month.</small></p>{blocks}{quiet_line(quiet, style)}</section>')
