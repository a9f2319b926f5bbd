"""Words a credit controller and a salesperson understand, kept in one place for the CLI, the
report, the letters and tasks, and the Odoo add-on.

- every indicator of the registry has a display name ("Pays later than usual") and, where its
  measure reads as a quantity, a short summary of it ("oldest invoice 130 days past due");
  ``reason(indicator, evidence)`` is the line a person reads: "Pays later than usual: usually
  pays in 28 days ...". A test keeps ``INDICATOR_WORDS`` equal to the registry.
- segments as people say them ("good payer", "chronic late payer"), risk levels, ladder steps;
- ``standing(level, segment)``: level (how likely the debt goes bad now) and segment (how the
  customer has behaved over time) as ONE phrase, so that a "critical" risk never stands next to a
  "good" segment unexplained: "good payer, sudden change: critical".

Dates and money inside these sentences are formatted by a ``Formats`` the caller passes (a
company locale's Babel formatting plugs in there); the default is the core's plain style.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from types import MappingProxyType

from . import formats


@dataclass(frozen=True)
class IndicatorWords:
    """How an indicator reads. ``summary`` formats its measure (``{m}``), or is "" where the
    measure is no quantity a person would quote (a strength, a mix of counts)."""

    name: str
    summary: str = ""


INDICATOR_WORDS: Mapping[str, IndicatorWords] = MappingProxyType({
    "silence": IndicatorWords("Stops answering", "unanswered on {m:.0f} days"),
    "sudden_complaints": IndicatorWords("Suddenly complains", "{m:.0f} recent complaints"),
    "hearsay": IndicatorWords("Trouble heard from others"),
    "volume_drop": IndicatorWords("Orders less", "volume down {m:.0%}"),
    "failed_payments": IndicatorWords("Payments bounce", "payments returned in {m:.0f} months"),
    "bank_churn": IndicatorWords("Pays from new bank accounts", "{m:.0f} new or extra bank accounts"),
    "disputes": IndicatorWords("Disputes invoices or pays short", "{m:.0f} disputes or short payments"),
    "staff_exodus": IndicatorWords("Key staff leaving"),
    "habit_slip": IndicatorWords("Pays later than usual", "{m:.0f} days beyond its usual time to pay"),
    # fires for late on average as much as for late more often than not: a customer paying 3 of its
    # last 12 invoices late, 8 days early in the median, has a record of paying late, not "always"
    "habitual_lateness": IndicatorWords("Record of paying late", "on average {m:.0f} days late"),
    "slowing_trend": IndicatorWords("Paying slower and slower", "{m:.0f} days slower than before"),
    "selective_payment": IndicatorWords("Pays the small invoices, leaves the large",
                                        "{m:.0f} small invoices paid ahead of larger ones"),
    "aging": IndicatorWords("Overdue", "oldest invoice {m:.0f} days past due"),
    "broken_promise": IndicatorWords("Broke a promise to pay", "{m:.0f} promises or instalments missed"),
    "external_distress": IndicatorWords("Trouble in its industry, country or owners"),
    "fraud_suspicion": IndicatorWords("Possible fraud"),
    "month_end_payer": IndicatorWords("Pays month-end invoices late", "{m:.0%} of late payments on month-end invoices"),
})

# Names lines were written with before (reasons kept in a flag, an old note): read back as their indicator.
FORMER_NAMES: Mapping[str, str] = MappingProxyType({
    "Always pays late": "habitual_lateness",
})

SEGMENT_WORDS: Mapping[str, str] = MappingProxyType({
    "good": "good payer",
    "new": "new customer",
    "chronic_late": "chronic late payer",
    "delinquent": "in arrears",
    "under_review": "under review",
})

LEVEL_WORDS: Mapping[str, str] = MappingProxyType({
    "low": "low", "medium": "medium", "high": "high", "critical": "critical",
})

# What a level says next to a segment that promised better: the change is the news.
_CHANGE_WORDS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("good", "medium"): "first signs of change",
    ("good", "high"): "sudden change",
    ("good", "critical"): "sudden change",
    ("new", "high"): "early warning signs",
    ("new", "critical"): "early warning signs",
})

STEP_WORDS: Mapping[str, str] = MappingProxyType({
    "pre_due_courtesy": "courtesy note before due",
    "reminder": "friendly reminder",
    "phone_call": "phone call",
    "payment_plan_offer": "offer a payment plan",
    "billing_cycle_change": "change the billing cycle",
    "credit_hold": "credit hold notice",
    "agency_referral": "refer to a collection agency",
    "fraud_investigation": "investigate possible fraud",
    "sales_review": "sales review",
    "dispute_review": "resolve a long-open dispute",
})


def plain_money(amount: float, currency: str = "") -> str:
    """The core's plain money style: "8,100.00 EUR" (or "8,100.00" without a currency), to the
    cent a half away from zero (``formats.half_away``)."""
    return f"{formats.half_away(amount, 2):,.2f}" + (f" {currency}" if currency else "")


def plural(count: int | str, noun: str) -> str:
    """A count and its noun as they read: "1 open dispute", "0 records", "23 customers" (``count``
    may be its text, "1"; the noun takes an "s")."""
    return f"{count} {noun}" if str(count) == "1" else f"{count} {noun}s"


def and_list(items: list[str]) -> str:
    """Items as a sentence lists them: "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def days(count: int | str) -> str:
    """A number of days as it reads: "1 day", "0 days", "23 days" (``count`` may be its text, "1")."""
    return plural(count, "day")


def plain_day(day: dt.date) -> str:
    """The core's plain date style: "2 Nov 2026"."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Formats:
    """How the sentences write money and dates; pass the company locale's to replace the plain
    default, e.g. ``Formats(money=partial(formats.money, locale="de_DE"),
    day=partial(formats.day, locale="de_DE"))`` with Babel-backed ``money(value, currency,
    locale)`` and ``day(value, locale)``."""

    money: Callable[[float, str], str] = plain_money
    day: Callable[[dt.date], str] = plain_day


PLAIN = Formats()


def in_locale(locale: str) -> Formats:
    """The sentences' money and dates in a company locale (Babel, ``core/formats.py``)."""
    return Formats(money=partial(formats.money, locale=locale), day=partial(formats.day, locale=locale))


def _words(table: Mapping[str, str], key: str) -> str:
    return table.get(key, key.replace("_", " "))


def indicator_name(indicator: str) -> str:
    """ "Pays later than usual" for ``habit_slip``; an id not in the table reads as its words."""
    words = INDICATOR_WORDS.get(indicator)
    return words.name if words is not None else _words({}, indicator).capitalize()


def segment_words(segment: str) -> str:
    return _words(SEGMENT_WORDS, segment)


def level_words(level: str) -> str:
    return _words(LEVEL_WORDS, level)


def step_words(step: str) -> str:
    return _words(STEP_WORDS, step)


def reason(indicator: str, evidence: str) -> str:
    """The line a person reads for a warning sign: "Overdue: oldest overdue invoice ...";
    the name alone when there is no evidence."""
    name = indicator_name(indicator)
    return f"{name}: {evidence}" if evidence else name


def first_fact(evidence: str) -> str:
    """An indicator's evidence up to its first "; " outside brackets: its first fact, as a reason
    naming several signs in one line quotes each ("paid its last 12 invoices 18-41 days late,
    median 30, 11 of them late (last paid 2 Nov 2026)", without "; on average ...")."""
    depth = 0
    for at, char in enumerate(evidence):
        depth += (char in "([") - (char in ")]")
        if depth == 0 and evidence.startswith("; ", at):
            return evidence[:at]
    return evidence


def headline(indicator: str, measure: float | None) -> str:
    """The warning sign with its measure in a few words: "Overdue: oldest invoice 130 days past
    due"; the name alone where the measure is no quantity to quote."""
    words = INDICATOR_WORDS.get(indicator)
    if words is None or not words.summary or measure is None or measure != measure:  # NaN
        return indicator_name(indicator)
    return f"{words.name}: {words.summary.format(m=measure)}"


def indicator_of(line: str) -> str | None:
    """The indicator a reason line is about, from its display name (or its id, as lines written
    before the words were, or a name it had before: ``FORMER_NAMES``); None when it names none."""
    head = line.split(":", 1)[0].strip()
    for indicator, words in INDICATOR_WORDS.items():
        if head in (words.name, indicator):
            return indicator
    return FORMER_NAMES.get(head)


def standing(level: str, segment: str) -> str:
    """Level and segment as one phrase: "good payer, sudden change: high",
    "chronic late payer: medium"."""
    return f"{payer(level, segment)}: {level_words(level)}"


def payer(level: str, segment: str) -> str:
    """The first half of ``standing``: the segment, with the change the level shows where the
    segment promised better ("good payer, sudden change")."""
    change = _CHANGE_WORDS.get((segment, level))
    return segment_words(segment) + (f", {change}" if change else "")


def standing_line(level: str, segment: str, score: float) -> str:
    """The task's line about the customer's risk: "Good payer, sudden change: high risk (score 72)"."""
    text = f"{standing(level, segment)} risk (score {score:.0f})"
    return text[:1].upper() + text[1:]


_STANDING_LINE = re.compile(r".*: (" + "|".join(LEVEL_WORDS.values()) + r") risk \(score \d+\)$")
_STANDING_HEAD = re.compile(r"[^;]*: (?:" + "|".join(LEVEL_WORDS.values()) + r") risk \(score \d+\)(?=; |$)")


def is_standing_line(line: str) -> bool:
    """True for a line made by ``standing_line`` (the call list quotes another line as its reason)."""
    return bool(_STANDING_LINE.fullmatch(line))


def risk_reason(level: str, segment: str, score: float, signs: Sequence[tuple[str, str]]) -> str:
    """The reason of a hold on the risk level: the standing line, then the warning signs that
    drove the score ((indicator, evidence), largest first), each its name and first fact, as the
    arrears' reason adds its signs: "Good payer, sudden change: critical risk (score 82); Overdue:
    INV/9 (€5,000.00 open) due 8 Oct 2026, 40 days past due; Record of paying late: paid its last
    12 invoices 18-41 days late, ..."."""
    return "; ".join([standing_line(level, segment, score),
                      *(reason(indicator, first_fact(evidence)) for indicator, evidence in signs)])


def after_standing(text: str) -> str | None:
    """What a ``risk_reason`` adds after its standing line ("; Overdue: ..."; "" when nothing),
    None when ``text`` does not begin with a standing line."""
    found = _STANDING_HEAD.match(text)
    return None if found is None else text[found.end():]


def hold_cause(rule: str) -> str:
    """A hold rule ("segment:delinquent", "indicator:aging", "level:high/critical", "over_limit")
    in words: "in arrears", "Overdue", "high or critical risk", "over the credit limit"."""
    kind, _, name = rule.partition(":")
    if kind == "segment":
        return segment_words(name)
    if kind == "indicator":
        return indicator_name(name)
    if kind == "level":
        levels = [level_words(level) for level in name.split("/")]
        return (", ".join(levels[:-1]) + " or " if len(levels) > 1 else "") + levels[-1] + " risk"
    if kind == "over_limit":
        return "over the credit limit"
    return rule.replace("_", " ")


def not_asked(disputed: str) -> str:
    """The parts under dispute as a letter, a call or the call list names them, beside the amount
    asked for: "€5,137.38 under dispute, not asked for" (``disputed``: the amount as written)."""
    return f"{disputed} under dispute, not asked for"


def over_limit(open_balance: float, limit: float, currency: str = "", formats: Formats = PLAIN) -> str:
    """The hold reason of a customer over its credit limit with invoices overdue."""
    return (f"Open balance {formats.money(open_balance, currency)} above the credit limit "
            f"{formats.money(limit, currency)}, with invoices overdue")


_POLICY_PATH = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\[\d+\]:?\s*")  # credit.ladders.good[3]:
_SEGMENT_ID = re.compile(r"\bsegment[ :](" + "|".join(SEGMENT_WORDS) + r")\b")
_LEVEL_RULE = re.compile(r"\blevel:([a-z/]+)")
_INDICATOR_ID = re.compile(
    r"\b(" + "|".join(sorted(INDICATOR_WORDS, key=len, reverse=True)) + r")\b(?=:| fires| or |,)")


def _step_id(step: str) -> str:
    """A step id as ``plain`` finds it: not where the text already reads its words ("reminder" in
    "Send a friendly reminder to ..." is no id: made "friendly friendly reminder")."""
    words = STEP_WORDS[step]
    before = words[: -len(step)] if words.endswith(step) and words != step else ""
    return (f"(?<!(?i:{re.escape(before)}))" if before else "") + re.escape(step)


_STEP_ID = re.compile(r"\b(" + "|".join(_step_id(step) for step in STEP_WORDS) + r")\b")
_BUCKET = re.compile(r"\bin bucket (\d+(?:-\d+|\+))")


#: any of the ids ``plain`` replaces: a text none of them is in is its own plain text (each
#: replacement only acts where its pattern matches), found by one scan instead of six
_ANY_ID = re.compile("|".join(f"(?:{p.pattern})" for p in (_POLICY_PATH, _SEGMENT_ID, _LEVEL_RULE, _BUCKET,
                                                          _STEP_ID, _INDICATOR_ID)))


@lru_cache(maxsize=1 << 16)  # a held customer's hold reason is read for each of its tasks
def plain(text: str) -> str:
    """A text written before these words were (a hold reason kept as it was written, an old note)
    with its ids in words: no policy paths, segment and indicator ids as their names."""
    if _ANY_ID.search(text) is None:
        return text
    text = _POLICY_PATH.sub("", text)
    text = _SEGMENT_ID.sub(lambda m: segment_words(m.group(1)), text)
    text = _LEVEL_RULE.sub(lambda m: hold_cause("level:" + m.group(1)), text)
    text = _BUCKET.sub(lambda m: f"{m.group(1)} days past due", text)
    text = _STEP_ID.sub(lambda m: step_words(m.group(1)), text)
    return _INDICATOR_ID.sub(lambda m: indicator_name(m.group(1)), text)
