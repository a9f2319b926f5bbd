"""The report's model and cash-in sections, and the export's forecast sheet.

* Which model scored (``ScoreBoard.model``: the one the company's backtest chose, or the
  scorecard) and how it did in the backtest that chose it.
* The cash-in expected in each of the next 13 weeks from the open invoices, with each invoice's
  expected payment day and chances of more than 30/60/90 days late
  (``arwatch.core.backtest.forecast.open_invoice_forecast``), and how that forecast did before.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import Any

from arwatch.core import wording
from arwatch.core.backtest.forecast import LATE_BANDS, Forecast, ForecastRow, open_invoice_forecast
from arwatch.core.backtest.live import BacktestFigures, predictor_name
from arwatch.core.scoring import ScoreBoard

from .charts import PALETTE, bar_chart
from .style import Style
from .style import cents as _cents
from .tables import Column, Sheet

WEEKS = 13
#: the expected-day cell of an invoice the forecast does not expect within its weeks
NO_DATE = "not expected"
#: open invoices listed in the report (the largest); the export lists them all
SHOWN = 25


def _e(value: object) -> str:
    return escape(str(value), quote=True)


#: what AUC and the margin mean, in one plain line for a reader who is no statistician
AUC_WORDS = ("How to read this: AUC is the chance that, of two invoices, the one that was paid late had the "
             "higher score (0.5 is a coin toss, 1.0 always right); the margin is how far the AUC is above the best "
             "simple rule (dunning levels or the customer's past late rate), and a 95% interval that includes 0 "
             "means the two cannot be told apart.")
_DAY = re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b")
_ID = re.compile(r"\b(late_rate|learned|dunning)\b(?! model| levels)")


def _words(text: str, style: Style) -> str:
    """A core sentence with its days as the page writes them and predictor ids as names."""
    text = _DAY.sub(lambda m: style.day(dt.date.fromisoformat(m[0])), text)
    return _ID.sub(lambda m: f"the {predictor_name(m[1])}", text)


def _backtest_words(b: BacktestFigures, style: Style) -> str:
    """The backtest's figures (``BacktestFigures.sentence``) with its days and numbers as the rest
    of the page writes them."""
    return b.sentence(day=style.day, count=style.whole)


def model_section(board: ScoreBoard, style: Style | None = None) -> str:
    """Which model set the scores and levels, and how it did in its last backtest, with what AUC
    means in one plain line, and the warning signs the source cannot provide (not scored)."""
    style = style or Style(currency=board.frame.currency)
    model = board.model
    if model is None:
        text = "Scores and levels come from the arwatch scorecard: the weighted warning signs below."
        figures = ""
    else:
        fitted = style.day(model.fitted_on)
        reason = _words(model.reason, style)
        text = (f"Scores and levels come from the {model.title}, fitted on {fitted} (version "
                f"{model.version}): {reason}. A score is 100 × the chance that the customer's next invoice is "
                f"paid more than {model.late_days} days late." if model.predictor in ("learned", "late_rate") else
                f"Scores and levels come from the {model.title}, fitted on {fitted}: {reason}.")
        figures = (f"<p>In its last backtest, {_e(_backtest_words(model.backtest, style))}.</p>"
                   if model.backtest else "")
        if "AUC" in text + figures:
            figures += f'<p class="muted">{_e(AUC_WORDS)}</p>'
    unavailable = [wording.indicator_name(r.indicator) for r in board.results if not r.available]
    missing = (f'<p class="muted">Not available from this source, so not scored: {_e("; ".join(unavailable))}.</p>'
               if unavailable else "")
    return (f'<section id="model"><h2>How risk is scored</h2><p>{_e(text)} The reasons shown are the warning '
            f"signs' own evidence.</p>{figures}{missing}</section>")


def forecast_section(board: ScoreBoard, style: Style, fc: Forecast | None = None) -> str:
    fc = fc or open_invoice_forecast(board.frame, WEEKS)
    currency = board.frame.currency
    if not fc.weeks:
        return (f'<section id="forecast"><h2>Cash-in forecast, next {WEEKS} weeks</h2>'
                '<p class="muted">No open invoice.</p></section>')
    chart = bar_chart([(style.day_month(day), amount) for day, amount in fc.weeks],
                      title=f"Cash expected per week from the open invoices ({currency})",
                      y_label=f"expected ({style.symbol(currency)})", x_label="week starting",
                      y_format=lambda v: style.whole_money(v, currency), colours=(PALETTE[0],))
    total = sum(a for _, a in fc.weeks)
    beyond = sum(r.open_amount for r in fc.rows) - total
    quality = "; ".join(f"{q.mae_days:.1f} days off on {style.whole(q.invoices)} invoices and weekly cash-in "
                        f"{q.cash_error:.0%} off, at {q.cutoffs} quarter starts"
                        for q in fc.quality if q.method == fc.method)
    largest = sorted(fc.rows, key=lambda r: (-r.open_amount, r.invoice))[:SHOWN]
    names = _names(board)
    rows = "".join(f"<tr><td>{_e(r.invoice)}<td>{_e(names.get(r.customer_id, r.customer_id))}"
                   f"<td class=\"n\">{style.amount(r.open_amount)}"
                   f"<td>{_e(style.day(r.expected_on)) if r.expected_on else NO_DATE}"
                   + "".join(f"<td>{p:.0%}" for _, p in r.late_chance)
                   for r in sorted(largest, key=_by_expected_day))
    shown = (f"the {len(largest)} largest open invoices (all {len(fc.rows)} in the export's Forecast sheet)"
             if len(fc.rows) > len(largest) else "each open invoice")
    heads = "".join(f"<th>&gt; {b} days late" for b in LATE_BANDS)
    return (f'<section id="forecast"><h2>Cash-in forecast, next {WEEKS} weeks</h2>'
            f"<p>{_e(style.money(total, currency))} expected in the next {WEEKS} weeks from {len(fc.rows)} open "
            f"invoices ({_e(style.money(beyond, currency))} later or not at all): {_e(_method_words(fc))}."
            + (f" In the past this was {_e(quality)}." if quality else "") + f"</p><div>{chart}</div>"
            f"<details><summary>Expected payment date of {_e(shown)}</summary><div class=\"scroll\"><table>"
            f"<thead><tr><th>Invoice<th>Customer<th class=\"n\">Open {_e(currency)}<th>Expected{heads}</thead>"
            f"<tbody>{rows}</tbody></table>"
            "</div></details></section>")


def forecast_sheet(board: ScoreBoard, fc: Forecast | None = None) -> Sheet:
    """One row per open invoice: expected payment day and late chances; then the weekly totals."""
    fc = fc or open_invoice_forecast(board.frame, WEEKS)
    currency = board.frame.currency
    names = _names(board)
    columns = (Column("week_starting", "date"), Column("invoice"), Column("customer_id"), Column("customer"),
               Column("currency"),
               Column("open", "money"), Column("expected_on", "date"),
               *(Column(f"chance_over_{b}_days_late", "number") for b in LATE_BANDS))
    rows: list[tuple[Any, ...]] = []
    for start, amount in fc.weeks:
        rows.append((start, "week total", "", "", currency, _cents(amount), None, *(None for _ in LATE_BANDS)))
    for r in sorted(fc.rows, key=_by_expected_day):
        on = r.expected_on
        week = next((s for s, _ in reversed(fc.weeks) if on and s <= on < s + dt.timedelta(days=7)), None)
        rows.append((week, r.invoice, r.customer_id, names.get(r.customer_id, r.customer_id), currency,
                     _cents(r.open_amount), r.expected_on,
                     *(round(p, 3) for _, p in r.late_chance)))
    return Sheet("Forecast", columns, tuple(rows))


def _names(board: ScoreBoard) -> dict[str, str]:
    """Each customer's name by id: the forecast names customers as the aging and risks do."""
    frame = board.frame
    return {str(c): str(n) for c, n in zip(frame.c_id, frame.c_name, strict=True)}


def _by_expected_day(row: ForecastRow) -> tuple[dt.date, str]:
    """Expected first; those without a day (not expected within the weeks) last."""
    return (row.expected_on or dt.date.max, row.invoice)


def _method_words(fc: Forecast) -> str:
    if fc.method == "overdue":
        return ("each invoice on its due date plus the customer's mean delay; one already past that is spread over "
                "the weeks ahead as the company's invoices as far past due were paid (the longer past due, the less "
                "comes in), and what they never saw paid is not expected")
    if fc.method == "learned":
        return "each invoice on the day the learned model expects it"
    return "each invoice on its due date plus the customer's mean delay"

