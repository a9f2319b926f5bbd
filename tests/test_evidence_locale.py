"""The indicators' evidence, hold reasons and task lines in the company's locale: one date style and
one money style per locale (core/formats.py ``Style``), every amount with its currency (issue 17.6,
issue 19.3), and a hold reason that says each fact once."""

import datetime as dt
import re

import numpy as np
import pytest
from ledgers import customer_index, frame_at, ledger_data, ledger_from_text
from planning import NOTHING_WRITTEN, TEMPLATES, policy_of, run, stub

from arwatch.core.formats import Style, locale_of_lang
from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators import aging, silence
from arwatch.core.load import load_ledger
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.core.wording import plain
from arwatch.demo.company import build_demo_company

D = dt.date.fromisoformat
NBSP, NNBSP = "\xa0", "\u202f"  # CLDR's spaces: before the euro sign (de, fr), between thousands (fr)


@pytest.mark.parametrize(("locale", "money", "day", "days", "month", "share"), [
    ("en_US", "€1,470.77", "Oct 8, 2026", "Nov 2, Nov 9, Nov 16, 2026", "Mar 2026", "43%"),
    ("en_GB", "€1,470.77", "8 Oct 2026", "2 Nov, 9 Nov, 16 Nov 2026", "Mar 2026", "43%"),
    ("de_DE", f"1.470,77{NBSP}€", "08.10.2026", "02.11., 09.11., 16.11.2026", "März 2026", f"43{NBSP}%"),
    ("fr_FR", f"1{NNBSP}470,77{NBSP}€", "8 oct. 2026", "2 nov., 9 nov., 16 nov. 2026", "mars 2026", f"43{NBSP}%"),
])
def test_style__money_days_months_and_shares_as_the_locale_writes_them(locale, money, day, days, month, share):
    s = Style(locale, "EUR")
    assert s.money(1470.77) == money
    assert s.day(dt.date(2026, 10, 8)) == day == s.day(dt.date(2026, 10, 8).toordinal())  # a date or a day number
    assert s.days([dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]) == days
    assert s.month(dt.date(2026, 3, 1)) == month
    assert s.percent(0.43) == share


@pytest.mark.parametrize(("locale", "written"), [("en_GB", "1,234.50"), ("de_DE", "1.234,50"),
                                                 ("fr_FR", "1\u202f234,50")])
def test_style__a_measure_to_so_many_decimals_in_the_locale_digits(locale, written):
    assert Style(locale).number(1234.5, 2) == written
    assert Style(locale).number(0.9, 2) == ("0,90" if locale != "en_GB" else "0.90")
    assert Style(locale).number(27, 0) == "27"


def test_style__the_year_of_each_day_when_a_list_spans_two():
    assert Style("de_DE").days([D("2025-12-30"), D("2026-01-02")]) == "30.12.2025, 02.01.2026"
    assert Style("en_GB").days([D("2026-01-02")]) == "2 Jan 2026"


def test_style__the_company_currency_in_its_locale_and_another_by_name():
    assert Style("en_US", "USD").money(1234567.891) == "$1,234,567.89"
    assert Style("de_DE", "USD").money(-5) == f"-5,00{NBSP}$"
    assert Style("fr_FR", "EUR").money(10, "GBP") == f"10,00{NBSP}£GB"


@pytest.mark.parametrize(("lang", "locale"), [
    ("fr_FR", "fr_FR"), ("de_CH", "de_CH"), ("es_419", "es_419"), ("pt_BR", "pt_BR"),
    ("sr@latin", "sr@latin"), ("xx_XX", "en_US"), ("", "en_US"), (None, "en_US"), (False, "en_US"),
])
def test_locale_of_lang__odoo_language_codes(lang, locale):
    assert locale_of_lang(lang) == locale
    Style(locale_of_lang(lang)).day(dt.date(2026, 1, 2))  # every answer is one the formats can write in


LEDGER = """
customer c1 "Acme" terms=30
invoice c1 INV/1 2024-01-01 100.00
invoice c1 INV/2 2024-02-01 1250.00
payment c1 P1 2024-02-15 100.00 -> INV/1
call c1 2024-04-15 unanswered
call c1 2024-04-22 unanswered
call c1 2024-04-29 unanswered
"""


# c1 paid INV/1 15 days late: aging says the days its habit explains (issue 20), in every locale
USUALLY = " (on average it pays 15 days late: only the days beyond that count here)"


@pytest.mark.parametrize(("locale", "overdue", "calls"), [
    ("en_US", "INV/2 (€1,250.00 open) due Mar 2, 2024, 61 days past due",
     "3 calls on Apr 15, Apr 22, Apr 29, 2024 went unanswered"),
    ("de_DE", f"INV/2 (1.250,00{NBSP}€ open) due 02.03.2024, 61 days past due",
     "3 calls on 15.04., 22.04., 29.04.2024 went unanswered"),
    ("fr_FR", f"INV/2 (1{NNBSP}250,00{NBSP}€ open) due 2 mars 2024, 61 days past due",
     "3 calls on 15 avr., 22 avr., 29 avr. 2024 went unanswered"),
])
def test_evidence__in_the_locale_asked_for_with_the_company_currency(locale, overdue, calls):
    frame = frame_at(LEDGER, "2024-05-02")
    c1 = customer_index(frame, "c1")
    assert aging.INDICATOR.run(frame, Policy().params("aging")).evidence(c1, locale) == overdue + USUALLY
    assert silence.INDICATOR.run(frame, Policy().params("silence")).evidence(c1, locale).startswith(calls)
    reasons = {r.indicator: r.evidence for r in score(frame).customer(c1, locale).reasons}
    assert reasons["aging"] == overdue + USUALLY  # what the flag, the report and the CLI show


def test_evidence__a_dollar_company_shows_dollars():
    data = ledger_data(LEDGER)
    data["company"] = {"id": "acme", "name": "Acme Inc", "currency": "USD"}
    ledger, issues = load_ledger(data, source="file")
    assert not issues
    frame = LedgerFrame.from_ledger(ledger, D("2024-05-02"))
    evidence = aging.INDICATOR.run(frame, Policy().params("aging")).evidence(customer_index(frame, "c1"), "en_US")
    assert evidence == "INV/2 ($1,250.00 open) due Mar 2, 2024, 61 days past due" + USUALLY


DELINQUENT = """
customer d "Delta" terms=30 salesperson=dan
invoice d D1 2024-01-01 4000.00
invoice d D2 2024-02-01 8100.00
"""


def test_hold_reason__says_the_days_past_due_once_and_names_the_oldest_invoice():
    desired, _ = run(ledger_from_text(DELINQUENT), D("2024-05-01"), NOTHING_WRITTEN, policy_of())
    (hold,) = desired.holds
    assert hold.rule == "segment:delinquent"
    assert hold.reason == ("In arrears: oldest invoice 91 days past due "
                           "(D1, €4,000.00 open, due 31 Jan 2024; 1 more overdue)")
    assert hold.reason.count("days past due") == 1


def test_hold_reason__in_the_company_locale():
    ledger = ledger_from_text(DELINQUENT)
    board = score(LedgerFrame.from_ledger(ledger, D("2024-05-01")), policy_of())
    desired = plan(board, NOTHING_WRITTEN, policy_of(), D("2024-05-01"), TEMPLATES, "Test Co", locale="de_DE")
    (hold,) = desired.holds
    assert hold.reason == (f"In arrears: oldest invoice 91 days past due (D1, 4.000,00{NBSP}€ open, due 31.01.2024; "
                           "1 more overdue)")
    flag = next(f for f in desired.flags if f.customer_id == "d")
    assert flag.reasons[0] == (f"Overdue: D1 (4.000,00{NBSP}€ open) due 31.01.2024, 91 days past due; "
                               f"D2 (8.100,00{NBSP}€ open) due 02.03.2024, 60 days past due")


def test_task__a_call_that_tells_of_the_hold_lists_the_invoices_once():
    desired, _ = run(ledger_from_text(DELINQUENT), D("2024-05-01"), NOTHING_WRITTEN, policy_of())
    (call,) = [t for t in desired.tasks if t.step == "phone_call"]
    assert "Credit hold since 1 May 2024: in arrears" in call.evidence  # the cause: its invoices follow
    assert sum("D1 (" in line or "D1," in line for line in call.evidence) == 1
    assert sum(line.count("91 days past due") for line in call.evidence) == 2  # why this step; the invoice


def test_task__the_hold_letter_of_a_level_hold_states_the_risk_once():
    policy = policy_of({"credit": {"holds": {"segments": [], "levels": ["high", "critical"],
                                             "over_limit_with_overdue": False}}})
    signs = tuple(stub(i, {"d"}) for i in ("hearsay", "staff_exodus", "bank_churn", "volume_drop"))
    desired, _ = run(ledger_from_text(DELINQUENT), D("2024-02-10"), NOTHING_WRITTEN, policy, signs)  # none overdue
    (hold,) = desired.holds
    (letter,) = [t for t in desired.tasks if t.step == "credit_hold"]
    standing = "New customer, early warning signs: high risk (score 64)"
    signs = ("; Key staff leaving: staff_exodus: stub evidence; Pays from new bank accounts: bank_churn: stub "
             "evidence; Orders less: volume_drop: stub evidence")  # the three largest of the four
    assert hold.reason == standing + signs
    assert letter.evidence == (standing, "on credit hold since 10 Feb 2024: high or critical risk" + plain(signs))


# an amount as en_GB writes it: 1,234.56 (not a share such as "severity 0.90")
_AMOUNT = re.compile(r"(?<![\d.,])(?<!severity )(?<!confidence )\d{1,3}(?:,\d{3})*\.\d\d(?![\d%])")
_GERMAN_AMOUNT = re.compile(r"(?<![\d.,])(?<!severity )(?<!confidence )\d{1,3}(?:\.\d{3})*,\d\d(?!\d)")


def _without_currency(text: str) -> list[str]:
    return [m.group(0) for m in _AMOUNT.finditer(text) if not text[:m.start()].endswith("€")]


def _german_without_currency(text: str) -> list[str]:
    return [m.group(0) for m in _GERMAN_AMOUNT.finditer(text) if not text[m.end():].startswith(f"{NBSP}€")]


def test_scan__catches_an_amount_without_its_currency():
    assert _without_currency("INV/1 (1,470.77 open) due 8 Oct 2026") == ["1,470.77"]
    assert _without_currency("INV/1 (€1,470.77 open) (severity 0.90, confidence 0.60)") == []
    assert _german_without_currency("INV/1 (1.470,77 open) due 08.10.2026") == ["1.470,77"]
    assert _german_without_currency(f"INV/1 (1.470,77{NBSP}€ open) due 08.10.2026") == []
    assert _german_without_currency(f"INV/1 (1.470,77{NBSP}€ open) (severity 0,90, confidence 0,60)") == []


@pytest.fixture(scope="module")
def demo():
    company = build_demo_company()
    board = score(LedgerFrame.from_ledger(company.ledger, company.today))
    return company, board


def test_demo__no_evidence_amount_lacks_its_currency(demo):
    _, board = demo
    shown = 0
    for result in board.results:
        for c in np.flatnonzero(result.fired):
            for locale, missing in (("en_GB", _without_currency), ("de_DE", _german_without_currency)):
                text = result.evidence(int(c), locale)
                assert missing(text) == [], f"{result.indicator}, {locale}: {text}"
            shown += 1
    assert shown > 300  # every indicator fires on the demo (tests/test_demo_scoring.py)


def test_demo__no_hold_reason_or_task_line_lacks_its_currency_or_repeats_itself(demo):
    company, board = demo
    desired = plan(board, NOTHING_WRITTEN, Policy(), company.today, TEMPLATES, locale="de_DE")
    assert desired.holds and desired.tasks
    for hold in desired.holds:
        assert _german_without_currency(hold.reason) == [], hold.reason
        days = re.findall(r"\d+ days past due", hold.reason)
        assert len(days) == len(set(days)) <= 1, hold.reason
    for task in desired.tasks:
        for line in task.evidence:
            assert _german_without_currency(line) == [], line
        assert len(set(task.evidence)) == len(task.evidence), task.evidence
        assert "2026-" not in " ".join(task.evidence)  # no ISO date: the locale's style
