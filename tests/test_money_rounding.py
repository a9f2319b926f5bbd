"""Every money text rounds a half cent away from zero, as the books do (Odoo's float_round,
QuickBooks): the texts written to the targets (evidence, hold reasons, tasks, letters) and the
report's alike, through one function (``formats.half_away``), whether the amount is a float or a
Decimal."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run

from arwatch.core import formats, wording
from arwatch.core.templating import render
from arwatch.report.style import Style as ReportStyle
from arwatch.report.style import cents

HALVES = [  # (value, its cents as the books show them)
    (0.125, "0.13"), (Decimal("0.125"), "0.13"), (2.675, "2.68"), (Decimal("2.675"), "2.68"),
    (1.005, "1.01"), (Decimal("1.005"), "1.01"), (-0.125, "-0.13"), (Decimal("-2.675"), "-2.68"),
    (np.float64(1234.565), "1,234.57"), (0.135, "0.14"), (Decimal("0.0050"), "0.01"),
]


@pytest.mark.parametrize(("value", "shown"), HALVES, ids=[repr(v) for v, _ in HALVES])
def test_money_text__a_half_cent_rounds_away_from_zero_in_the_targets_texts_and_the_report(value, shown):
    sign, digits = ("-", shown[1:]) if shown.startswith("-") else ("", shown)
    euros = f"{sign}€{digits}"
    assert formats.money(value, "EUR", "en_GB") == euros  # evidence, hold reasons, task lines
    assert formats.Style("en_GB", "EUR").money(value) == euros  # the indicators' evidence
    assert formats.amount(value, "en_GB") == shown  # the letters' statement tables
    assert wording.plain_money(value, "EUR") == f"{shown} EUR"  # a hold reason in the plain style
    assert render("t", {"t": "{{ v|money }}"}, {"v": value, "currency": "EUR", "locale": "en_GB"}) == euros + "\n"
    report = ReportStyle("en_GB", "EUR")
    assert (report.money(value), report.amount(value), cents(value)) == (euros, shown, Decimal(shown.replace(",", "")))


def test_money_text__a_half_cent_in_german_and_in_a_currency_without_cents():
    assert formats.money(Decimal("2.675"), "EUR", "de_DE") == formats.money(2.675, "EUR", "de_DE") == "2,68\xa0€"
    assert formats.amount(0.125, "de_DE") == "0,13"
    assert formats.money(2.5, "JPY", "en_GB") == formats.money(Decimal("2.5"), "JPY", "en_GB") == "JP¥3"


# O2 is 2.50 USD at 0.05: €0.125 open, a balance of €2,000.125 over the limit
HALF_CENT = """
customer o "Overdrawn Ltd" terms=30 limit=1000
invoice o O1 2024-01-01 2000.00
invoice o O2 2024-01-05 2.50 currency=USD rate=0.05
"""


def test_money_text__the_plan_writes_a_half_cent_as_the_report_shows_it():
    desired, _ = run(ledger_from_text(HALF_CENT), dt.date(2024, 3, 5), NOTHING_WRITTEN, policy_of())
    (hold,) = desired.holds
    assert hold.reason.startswith("Open balance €2,000.13 above the credit limit €1,000.00")
    (flag,) = desired.flags
    assert "O2 (€0.13 open) due 4 Feb 2024" in flag.reasons[0]
    (call,) = desired.tasks
    assert "O2 (€0.13 open) due 4 Feb 2024, 30 days past due" in call.evidence
    assert "Total overdue: €2,000.13" in call.body  # the hold letter carried by the call
    assert "0.13" in next(line for line in call.body.splitlines() if line.strip().startswith("O2"))
    report = ReportStyle("en_GB", "EUR")
    assert (report.money(0.125), report.money(2000.125)) == ("€0.13", "€2,000.13")
