"""Charts as inline SVG (no script, no fonts or files fetched): every chart has a title, both
axes drawn with ticks, an axis title saying what and in which unit, and a legend when it has
more than one series. Text is escaped; numbers are formatted by the caller's functions (the
company's ``Style``), so a chart reads like the tables around it.

Each axis title carries ``class="axis-label x"`` or ``"axis-label y"`` (tests look for them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Format = Callable[[float], str]
DateFormat = Callable[[dt.date], str]

PALETTE = ("#1f5fa8", "#c8561b", "#4a7f4a", "#7a4fa0", "#b58a00")
CSS = ("svg.chart{width:100%;height:auto}svg.chart text{font-size:11px;fill:#4a5563}"
       "svg.chart .v{fill:#1d2430}svg.chart .b{font-size:12px;font-weight:600;fill:#1d2430}"
       "svg.chart .g{stroke:#e3e7ec}svg.chart .a{stroke:#8a94a3;fill:none}svg.chart .m{text-anchor:middle}"
       "svg.chart .e{text-anchor:end}svg.chart .s{fill:none;stroke:#1f5fa8;stroke-width:2}")
"""The page style the charts' classes need (the page includes it once)."""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[dt.date, float], ...]  # NaN values leave a gap
    colour: str = PALETTE[0]
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering ``low``..``high`` (1, 2, 2.5 or 5 times a power of 10)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
        if len(ticks) > 2 * count + 2:
            break
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def readable_ticks(low: float, high: float, fmt: Format, count: int = 4) -> list[float]:
    """``nice_ticks`` whose labels, as ``fmt`` writes them, all differ: fewer ticks when rounding
    would write two alike (an axis of whole amounts up to 1 read "$0 $0 $0 $1 $1")."""
    for n in range(count, 0, -1):
        ticks = nice_ticks(low, high, n)
        labels = [fmt(v) for v in ticks]
        if len(set(labels)) == len(labels):
            return ticks
    return ticks


def _frame(width: int, height: int, title: str, desc: str) -> list[str]:
    return [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}: {_e(desc)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>']


def _left(ticks: list[float], fmt: Format) -> int:
    """The left margin that fits the y axis title and its widest tick label."""
    return 26 + 7 * max(len(fmt(v)) for v in ticks)


def _y_axis(parts: list[str], ticks: list[float], left: int, right: int, top: int, bottom: int,
            y: Callable[[float], float], fmt: Format, label: str) -> None:
    for value in ticks:
        py = y(value)
        parts.append(f'<line class="g" x1="{left}" y1="{py:.0f}" x2="{right}" y2="{py:.0f}"/>'
                     f'<text x="{left - 5}" y="{py + 4:.0f}" text-anchor="end">{_e(fmt(value))}</text>')
    parts.append(f'<path class="a" d="M{left} {top}V{bottom}H{right}"/>')
    mid = (top + bottom) / 2
    parts.append(f'<text class="axis-label y" transform="translate(12 {mid:.0f}) rotate(-90)" text-anchor="middle">'
                 f'{_e(label)}</text>')


def line_chart(series: Sequence[Series], *, title: str, y_label: str, x_label: str, y_format: Format,
               x_format: DateFormat, width: int = 600, height: int = 250, y_min: float | None = 0.0,
               y_max: float | None = None) -> str:
    """Lines over days (one point per month, say), with the last value named at the line's end."""
    right, top, bottom = width - 14, 30, height - 40
    values = [v for s in series for _, v in s.points if math.isfinite(v)]
    days = sorted({d for s in series for d, _ in s.points})
    desc = f"{y_label} by {x_label}"
    parts = _frame(width, height, title, desc)
    if not values or not days:
        left = _left([0.0, 1.0], y_format)
        parts.append(f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle">no data yet</text>')
        _y_axis(parts, [0.0, 1.0], left, right, top, bottom, lambda v: bottom - (bottom - top) * v, y_format, y_label)
        parts.append(_x_title(x_label, left, right, height))
        return "".join(parts) + "</svg>"
    low = min(values) if y_min is None else min(y_min, min(values))
    high = max(values) if y_max is None else max(y_max, max(values))
    ticks = readable_ticks(low, high, y_format)
    lo, hi = ticks[0], ticks[-1]
    left = _left(ticks, y_format)

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value - lo) / ((hi - lo) or 1.0)

    first, last = days[0].toordinal(), days[-1].toordinal()

    def x(day: dt.date) -> float:
        return left + 8 + (right - left - 16) * ((day.toordinal() - first) / ((last - first) or 1))

    _y_axis(parts, ticks, left, right, top, bottom, y, y_format, y_label)
    every = max(1, math.ceil(len(days) / 7))
    for k, day in enumerate(days):
        if (len(days) - 1 - k) % every == 0:
            parts.append(f'<path class="a" d="M{x(day):.0f} {bottom}v4"/>'
                         + _tick_label(x(day), bottom + 16, x_format(day), width))
    parts.append(_x_title(x_label, left, right, height))
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for day, value in s.points:
            if math.isfinite(value):
                runs[-1].append((x(day), y(value)))
            elif runs[-1]:
                runs.append([])
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{px:.0f},{py:.0f}" for px, py in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>')
        for day, value in s.points:
            if math.isfinite(value):
                parts.append(f'<circle cx="{x(day):.0f}" cy="{y(value):.0f}" r="2.5" fill="{s.colour}">'
                             f'<title>{_e(s.name)}, {_e(x_format(day))}: {_e(y_format(value))}</title></circle>')
    parts.append(_legend(series, left, top - 12))
    return "".join(parts) + "</svg>"


CHAR_WIDTH = 6.5  # about the width of a character of the charts' 11px text, in the drawing's units


def _tick_label(x: float, y: float, label: str, width: int) -> str:
    """A tick's label centred under it, unless that would cut it at the drawing's edge ("Nov 202"):
    then it ends at the edge (or starts at it)."""
    half = CHAR_WIDTH * len(label) / 2
    if x + half > width - 2:
        x, anchor = width - 2, "end"
    elif x - half < 2:
        x, anchor = 2, "start"
    else:
        anchor = "middle"
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{_e(label)}</text>'


def _x_title(label: str, left: int, right: int, height: int) -> str:
    return (f'<text class="axis-label x" x="{(left + right) / 2:.0f}" y="{height - 6}" text-anchor="middle">'
            f'{_e(label)}</text>')


def _legend(series: Sequence[Series], x: int, y: int) -> str:
    parts = []
    for s in series:
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        parts.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" stroke="{s.colour}" '
                     f'stroke-width="2"{dash}/><text x="{x + 20}" y="{y}" class="v">'
                     f'{_e(s.name)}</text>')
        x += 28 + 7 * len(s.name)
    return "".join(parts)


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, y_label: str, x_label: str, y_format: Format,
              colours: Sequence[str] = PALETTE, width: int = 420, height: int = 230) -> str:
    """Vertical bars, each with its value above it. The chart widens with the bars (a slot wide
    enough for the longest value or name) rather than shrink its text: it is drawn at the page's
    width, so a narrow drawing of many bars would be scaled up, text and all."""
    top = 20
    high = max([v for _, v in bars] + [0.0])
    ticks = readable_ticks(0.0, high or 1.0, y_format)
    left = _left(ticks, y_format)
    widest = max([len(y_format(v)) for _, v in bars] + [len(name) for name, _ in bars] + [1])
    width = max(width, left + 10 + len(bars) * (8 + 7 * widest))
    right, bottom = width - 10, height - 40

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / (ticks[-1] or 1.0)

    parts = _frame(width, height, title, f"{y_label} by {x_label}")
    _y_axis(parts, ticks, left, right, top, bottom, y, y_format, y_label)
    slot = (right - left) / max(len(bars), 1)
    for k, (name, value) in enumerate(bars):
        x = left + k * slot + slot * 0.15
        w = slot * 0.7
        parts.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{w:.1f}" height="{bottom - y(value):.1f}" '
                     f'fill="{colours[k % len(colours)]}"><title>{_e(name)}: {_e(y_format(value))}</title></rect>'
                     f'<text class="v" x="{x + w / 2:.1f}" y="{y(value) - 4:.1f}" text-anchor="middle">'
                     f'{_e(y_format(value))}</text>'
                     f'<text class="b" x="{x + w / 2:.1f}" y="{bottom + 16}" text-anchor="middle">{_e(name)}</text>')
    parts.append(_x_title(x_label, left, right, height))
    return "".join(parts) + "</svg>"


def score_chart(points: Sequence[tuple[dt.date, float]], *, title: str, x_format: DateFormat,
                width: int = 300, height: int = 90) -> str:
    """A customer's score over time, small: y from 0 to 100, the first and last months named."""
    left, right, top, bottom = 34, width - 24, 6, height - 30
    days = [d for d, _ in points]
    first, last = days[0].toordinal(), days[-1].toordinal()

    def x(day: dt.date) -> float:
        return left + 4 + (right - left - 8) * ((day.toordinal() - first) / ((last - first) or 1))

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / 100

    path = " ".join(f"{x(d):.0f},{y(v):.0f}" for d, v in points)
    ends = "".join(_tick_label(x(d), bottom + 12, x_format(d), width)
                   for d in ((days[0], days[-1]) if len(days) > 1 else days[:1]))
    mid = (top + bottom) // 2
    # small and many (one per customer): the namespace comes from the HTML parser, styles from CSS
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">'
            f'<path class="a" d="M{left} {top}V{bottom}H{right}"/><text class="e" x="{left - 4}" y="{top + 8}">100'
            f'</text><text class="e" x="{left - 4}" y="{bottom}">0</text>'
            f'<text class="axis-label y m" transform="translate(10 {mid}) rotate(-90)">score</text>'
            f'<polyline class="s" points="{path}"/>{ends}'
            f'<text class="axis-label x m" x="{(left + right) // 2}" y="{height - 3}">month end</text></svg>')
