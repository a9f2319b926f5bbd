"""core/wording.py: one table of words for every indicator, segment, level and step, and the
one phrase for level + segment, kept equal to the registries."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from arwatch.core import wording
from arwatch.core.credit_policy import LEVEL_NAMES, SEGMENT_NAMES, STEPS
from arwatch.core.indicators import INDICATORS


def test_wording__every_indicator_of_the_registry_has_words_and_no_stale_id():
    assert set(wording.INDICATOR_WORDS) == {ind.id for ind in INDICATORS}


def test_wording__segments_levels_and_steps_follow_their_registries():
    assert set(wording.SEGMENT_WORDS) == set(SEGMENT_NAMES)
    assert set(wording.LEVEL_WORDS) == set(LEVEL_NAMES)
    assert set(wording.STEP_WORDS) == set(STEPS)


def test_wording__names_are_distinct_sentences_not_ids():
    names = [w.name for w in wording.INDICATOR_WORDS.values()]
    assert len(set(names)) == len(names)  # indicator_of reads a line back by its name
    for indicator, words in wording.INDICATOR_WORDS.items():
        assert words.name[0].isupper() and "_" not in words.name and ":" not in words.name, indicator
    for text in (*wording.SEGMENT_WORDS.values(), *wording.STEP_WORDS.values()):
        assert "_" not in text


@pytest.mark.parametrize("indicator", sorted(wording.INDICATOR_WORDS))
def test_wording__a_reason_line_reads_back_as_its_indicator(indicator):
    line = wording.reason(indicator, "INV/1 (700.00 open) due 2 Aug 2026, 130 days past due")
    assert line.startswith(wording.indicator_name(indicator) + ": ")
    assert wording.indicator_of(line) == indicator
    assert wording.indicator_of(f"{indicator}: written before the words") == indicator


def test_wording__reason_without_evidence_is_the_name_and_unknown_lines_name_no_indicator():
    assert wording.reason("habit_slip", "") == "Pays later than usual"
    assert wording.indicator_of("In arrears: oldest invoice 130 days past due") is None


def test_wording__headline_quotes_the_measure():
    assert wording.headline("habit_slip", 102.0) == "Pays later than usual: 102 days beyond its usual time to pay"
    assert wording.headline("aging", 130.0) == "Overdue: oldest invoice 130 days past due"
    assert wording.headline("volume_drop", 0.6) == "Orders less: volume down 60%"
    assert wording.headline("hearsay", 0.8) == "Trouble heard from others"  # a strength is no quantity
    assert wording.headline("aging", None) == "Overdue"
    assert wording.headline("aging", math.nan) == "Overdue"


@pytest.mark.parametrize("indicator", sorted(wording.INDICATOR_WORDS))
def test_wording__every_summary_formats_a_measure(indicator):
    text = wording.headline(indicator, 3.0)
    assert text.startswith(wording.indicator_name(indicator)) and "{" not in text


@pytest.mark.parametrize("level,segment,phrase", [
    ("critical", "good", "good payer, sudden change: critical"),
    ("high", "good", "good payer, sudden change: high"),
    ("medium", "good", "good payer, first signs of change: medium"),
    ("low", "good", "good payer: low"),
    ("medium", "chronic_late", "chronic late payer: medium"),
    ("critical", "delinquent", "in arrears: critical"),
    ("high", "new", "new customer, early warning signs: high"),
])
def test_wording__level_and_segment_read_as_one_phrase(level, segment, phrase):
    assert wording.standing(level, segment) == phrase


def test_wording__a_good_segment_never_stands_next_to_a_high_level_unexplained():
    for level in ("high", "critical"):
        phrase = wording.standing(level, "good")
        assert phrase != f"good payer: {level}" and "change" in phrase


def test_wording__the_standing_line_is_recognised_and_other_lines_are_not():
    line = wording.standing_line("critical", "good", 88.4)
    assert line == "Good payer, sudden change: critical risk (score 88)"
    assert wording.is_standing_line(line)
    assert not wording.is_standing_line("entered at: phone call; 181 days past due")


def test_wording__hold_causes_in_words():
    assert wording.hold_cause("segment:delinquent") == "in arrears"
    assert wording.hold_cause("indicator:fraud_suspicion") == "Possible fraud"
    assert wording.hold_cause("level:high/critical") == "high or critical risk"
    assert wording.hold_cause("level:medium/high/critical") == "medium, high or critical risk"
    assert wording.hold_cause("level:critical") == "critical risk"
    assert wording.hold_cause("over_limit") == "over the credit limit"


def test_wording__money_and_dates_come_from_the_formats_passed_in():
    german = wording.Formats(money=lambda amount, cur: f"{amount:,.2f} {cur}".replace(",", "X").replace(".", ",")
                             .replace("X", "."), day=lambda d: d.strftime("%d.%m.%Y"))
    assert wording.over_limit(8100, 5000, "EUR", german) == (
        "Open balance 8.100,00 EUR above the credit limit 5.000,00 EUR, with invoices overdue")
    assert wording.over_limit(8100, 5000, "EUR") == (
        "Open balance 8,100.00 EUR above the credit limit 5,000.00 EUR, with invoices overdue")
    assert wording.PLAIN.day(dt.date(2026, 11, 2)) == "2 Nov 2026"


def test_wording__plain_turns_ids_left_in_old_texts_into_words():
    old = "segment delinquent: oldest invoice 130 days past due (oldest overdue in bucket 91+: INV/1)"
    assert wording.plain(old) == ("in arrears: oldest invoice 130 days past due "
                                  "(oldest overdue 91+ days past due: INV/1)")
    rule = "credit.ladders.good[3]: phone_call from 55 days past due, when habit_slip or aging fires"
    assert wording.plain(rule) == "phone call from 55 days past due, when Pays later than usual or Overdue fires"
    assert wording.plain("habit_slip: usually pays in 28 days") == "Pays later than usual: usually pays in 28 days"
