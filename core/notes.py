"""The collector's note syntax (docs/collector-notes.md), parsed (pure).

One line of a note is ``<kind>: <details>``: ``call: no answer``, ``promise: 2026-12-15 1200``,
``dispute: INV-1042 wrong goods``, ``snooze: until 2027-01-10``, ... ``parse_line(text, on)``
turns it into a ``NoteEntry`` (what the line says, dated by the note's own day ``on``), or a
``NoteProblem`` whose ``expected`` says what the line should look like, or None for a line that
is not in the syntax at all (free text: notes may hold other words). Dates without a year are the
first such day on or after the note's day; relative dates (``tomorrow``, ``in 2 weeks``) count
from it. Nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .model import Instalment, SignalKind
from .promises import Frequency, schedule_dates, split_amount

Kind = Literal["call", "promise", "dispute", "complaint", "resolved", "snooze", "exclude", "include", "signal",
               "plan", "placed", "recalled"]
KINDS: tuple[str, ...] = ("call", "promise", "dispute", "complaint", "resolved", "snooze", "exclude", "include",
                          "signal", "plan", "placed", "recalled")
_BARE = frozenset({"include", "resolved", "recalled"})  # kinds that may stand alone, without ':'

# signal words: the indicator that reads the signal, or the signal kind itself
SIGNAL_WORDS: dict[str, SignalKind] = {
    "staff_exodus": SignalKind.STAFF_LEFT, "hearsay": SignalKind.HEARSAY,
    "fraud_suspicion": SignalKind.FRAUD_SUSPICION, "fraud": SignalKind.FRAUD_SUSPICION,
    "external_distress": SignalKind.INDUSTRY_DISTRESS, "sudden_complaints": SignalKind.COMPLAINT,
    **{kind.value: kind for kind in SignalKind},
}

_MONTHS = {name: k for k, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), 1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = (rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+(?:{_MONTH})\.?(?:\s+\d{{4}})?|(?:{_MONTH})\.?\s+\d{{1,2}}"
         rf"(?:,?\s+\d{{4}})?|today|tomorrow|in\s+\d+\s+(?:days?|weeks?)")
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_LINE = re.compile(r"^\s*([A-Za-z]+)\s*(?::\s*(.*?))?\s*$", re.S)
_NO_ANSWER = re.compile(r"^(?:no answer|not answered|unanswered|no reply|not reached|no response|voice ?mail|"
                        r"busy|engaged|did not pick up|didn't pick up)\b", re.I)
_PROMISED = re.compile(rf"\bpromised?\b(?:\s+to\s+pay)?\s+(?P<amount>{_AMOUNT})\s+(?:by|on)\s+(?P<date>{_DATE})\b",
                       re.I)
_PROMISE = re.compile(rf"^(?:(?P<date>{_DATE})(?:\s+(?P<amount>{_AMOUNT}))?|(?P<amount2>{_AMOUNT})\s+(?:by|on)\s+"
                      rf"(?P<date2>{_DATE}))(?:\s*[,;]\s*(?P<rest>.*))?$", re.I)
_PLAN = re.compile(rf"^(?P<count>\d+)\s*x\s*(?P<amount>{_AMOUNT})\s+(?P<freq>weekly|biweekly|monthly)\s+from\s+"
                   rf"(?P<date>{_DATE})$", re.I)
_SNOOZE = re.compile(rf"^(?:until\s+)?(?P<date>{_DATE})(?:\s*[,;:]\s*(?P<rest>.*))?$|"
                     rf"^for\s+(?P<n>\d+)\s+(?P<unit>days?|weeks?)(?:\s*[,;:]\s*(?P<rest2>.*))?$", re.I)
_INVOICE = re.compile(r"^(?P<ref>[A-Za-z0-9][\w/.-]*\d[\w/.-]*)(?:\s+(?P<rest>.*))?$", re.S)
_DISPUTED_AMOUNT = re.compile(r"^(?P<amount>\d{1,3}(?:,\d{3})*\.\d{2}|\d+\.\d{2})(?:\s+(?P<rest>.*))?$", re.S)

#: The start of the line arwatch writes under (or in answer to) a note line it cannot read.
ANSWER = "arwatch could not read this: "

EXPECTED: dict[str, str] = {
    "call": "'call: no answer' or 'call: reached <who>[, promised <amount> by <date>]'",
    "promise": "'promise: <date> [<amount>]' or 'promise: <amount> by <date>'",
    "dispute": "'dispute: <invoice number> [<amount with cents>] <reason>' or 'dispute: <reason>' "
               "(the whole account)",
    "complaint": "'complaint: <what the customer complains about>'",
    "resolved": "'resolved: <invoice number>' or 'resolved' (every open dispute of the customer)",
    "snooze": "'snooze: until <date>' or 'snooze: for <n> days'",
    "exclude": "'exclude: <reason>'",
    "include": "'include'",
    "signal": "'signal: <kind> <what was heard>' with a kind of " + ", ".join(
        w for w in SIGNAL_WORDS if w != "fraud"),
    "plan": "'plan: <count> x <amount> weekly|biweekly|monthly from <date>'",
    "placed": "'placed: <agency>'",
    "recalled": "'recalled' (taken back from the agency)",
}


class NoteEntry(BaseModel):
    """What one line of a note says, dated by the note's day ``on``.

    Attributes:
      answered: for a call, whether the customer was reached.
      promise_date, amount: a promise to pay (amount optional); for a dispute, the disputed amount;
        for a plan, the total.
      invoice: the invoice number a dispute or resolution is about (None: the whole account).
      until: a snooze's next-action day.
      signal: a signal's kind.
      instalments: a plan's schedule.
      words: the collector's own words (the outcome, the reason, the agency).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    on: dt.date
    text: str
    answered: bool | None = None
    promise_date: dt.date | None = None
    amount: Decimal | None = None
    invoice: str | None = None
    until: dt.date | None = None
    signal: SignalKind | None = None
    instalments: tuple[Instalment, ...] = ()
    words: str = ""


class NoteProblem(BaseModel):
    """A line in the syntax that could not be read: ``expected`` says what it should look like,
    ``why`` which of its values did not read and why ("2026-01-15 is before the day it is
    recorded, 2026-03-10"; "" when the line has no details to name)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    kind: str
    expected: str
    why: str = ""

    @property
    def message(self) -> str:
        return f"expected {self.expected}"


class _Bad(Exception):
    """A line whose details do not read (caught in ``parse_line``)."""


def resolve_date(text: str, on: dt.date) -> dt.date:
    """A date of the syntax, relative to the note's day ``on``."""
    words = " ".join(text.lower().replace(",", " ").replace(".", " ").split())
    if words == "today":
        return on
    if words == "tomorrow":
        return on + dt.timedelta(days=1)
    if m := re.fullmatch(r"in (\d+) (day|week)s?", words):
        return on + dt.timedelta(days=int(m.group(1)) * (7 if m.group(2) == "week" else 1))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        try:
            return dt.date.fromisoformat(words)
        except ValueError:
            raise _Bad(f"no such day: {text}") from None
    m = re.fullmatch(r"(\d{1,2}) ([a-z]+)(?: (\d{4}))?", words) or re.fullmatch(r"([a-z]+) (\d{1,2})(?: (\d{4}))?",
                                                                                  words)
    if m is None:
        raise _Bad(f"not a date: {text}")
    first, second, year = m.groups()
    day_s, month_s = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_s)
    if month is None:
        raise _Bad(f"not a month: {month_s}")
    try:
        if year:
            return dt.date(int(year), month, int(day_s))
        found = dt.date(on.year, month, int(day_s)) if _exists(on.year, month, int(day_s)) else None
        if found is None or found < on:
            found = dt.date(on.year + 1, month, int(day_s))
        return found
    except ValueError:
        raise _Bad(f"no such day: {text}") from None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise _Bad(f"not an amount: {text}") from None
    if value <= 0:
        raise _Bad(f"not a positive amount: {text}")
    return value


def split_kind(text: str) -> tuple[str, str] | None:
    """('call', 'no answer') for 'call: no answer'; None for a line not in the syntax."""
    m = _LINE.match(text)
    if m is None:
        return None
    kind, rest = m.group(1).lower(), m.group(2)
    if kind not in KINDS or (rest is None and kind not in _BARE):
        return None
    return kind, rest or ""


def parse_line(text: str, on: dt.date) -> NoteEntry | NoteProblem | None:
    """One line of a note; None when it is not in the syntax (see the module docstring)."""
    found = split_kind(text)
    if found is None:
        return None
    kind, rest = found
    try:
        fields = _READERS[kind](rest, on)
    except _Bad as bad:
        return NoteProblem(text=text.strip(), kind=kind, expected=EXPECTED[kind], why=str(bad))
    return NoteEntry(kind=kind, on=on, text=text.strip(), **fields)


def parse_note(text: str, on: dt.date) -> tuple[list[NoteEntry], list[NoteProblem]]:
    """Every line of a note in the syntax: the entries it makes and the lines that do not read."""
    entries: list[NoteEntry] = []
    problems: list[NoteProblem] = []
    for line in text.splitlines():
        got = parse_line(line, on)
        if isinstance(got, NoteEntry):
            entries.append(got)
        elif isinstance(got, NoteProblem):
            problems.append(got)
    return entries, problems


Fields = dict[str, object]


def _call(rest: str, on: dt.date) -> Fields:
    if not rest:
        raise _Bad("no details")
    if _NO_ANSWER.match(rest):
        return {"answered": False, "words": rest}
    fields: Fields = {"answered": True, "words": rest}
    if re.search(r"\bpromised?\b", rest, re.I):
        m = _PROMISED.search(rest)
        if m is None:
            raise _Bad("a promise without amount and day")
        fields.update(promise_date=_after(resolve_date(m.group("date"), on), on),
                      amount=parse_amount(m.group("amount")))
    return fields


def _after(day: dt.date, on: dt.date) -> dt.date:
    if day < on:
        raise _Bad(f"{day} is before the day it is recorded, {on}")
    return day


def _promise(rest: str, on: dt.date) -> Fields:
    m = _PROMISE.match(rest)
    if m is None:
        raise _Bad(f"{rest!r} is not a day (2026-12-15, 15 Dec, tomorrow) with an optional amount (1,200.00)"
                   if rest else "no day")
    date, amount = m.group("date") or m.group("date2"), m.group("amount") or m.group("amount2")
    return {"answered": True, "promise_date": _after(resolve_date(date, on), on),
            "amount": parse_amount(amount) if amount else None, "words": (m.group("rest") or "").strip()}


def _dispute(rest: str, on: dt.date) -> Fields:
    if not rest:
        raise _Bad("no details")
    m = _INVOICE.match(rest)
    if m is None:
        return {"words": rest}
    reason = (m.group("rest") or "").strip()
    amount = None
    if a := _DISPUTED_AMOUNT.match(reason):
        amount, reason = parse_amount(a.group("amount")), (a.group("rest") or "").strip()
    return {"invoice": m.group("ref"), "amount": amount, "words": reason}


def _complaint(rest: str, on: dt.date) -> Fields:
    if not rest:
        raise _Bad("no details")
    return {"words": rest}


def _resolved(rest: str, on: dt.date) -> Fields:
    if not rest:
        return {}
    m = _INVOICE.match(rest)
    if m is None:
        raise _Bad("no invoice number")
    return {"invoice": m.group("ref"), "words": (m.group("rest") or "").strip()}


def _snooze(rest: str, on: dt.date) -> Fields:
    m = _SNOOZE.match(rest)
    if m is None:
        raise _Bad("no day")
    if m.group("date"):
        until, words = resolve_date(m.group("date"), on), m.group("rest")
    else:
        n = int(m.group("n")) * (7 if m.group("unit").lower().startswith("week") else 1)
        until, words = on + dt.timedelta(days=n), m.group("rest2")
    if until <= on:
        raise _Bad(f"{until} is not after the day it is recorded, {on}: a snooze ends after it")
    return {"until": until, "words": (words or "").strip()}


def _words(rest: str, on: dt.date) -> Fields:
    return {"words": rest}


def _needs_words(rest: str, on: dt.date) -> Fields:
    if not rest:
        raise _Bad("no details")
    return {"words": rest}


def _signal(rest: str, on: dt.date) -> Fields:
    word, _, words = rest.partition(" ")
    kind = SIGNAL_WORDS.get(word.lower().rstrip(":,"))
    if kind is None:
        raise _Bad(f"unknown signal {word!r}")
    return {"signal": kind, "words": words.strip()}


def _plan(rest: str, on: dt.date) -> Fields:
    m = _PLAN.match(rest)
    if m is None:
        raise _Bad("not a plan")
    count, each = int(m.group("count")), parse_amount(m.group("amount"))
    if not 1 <= count <= 120:
        raise _Bad("1 to 120 instalments")
    freq: Frequency = m.group("freq").lower()  # type: ignore[assignment]
    first = _after(resolve_date(m.group("date"), on), on)
    try:
        amounts = split_amount(each * count, count)
    except ValueError:
        raise _Bad("amount in cents") from None
    dates = schedule_dates(first, count, freq)
    return {"amount": each * count, "words": rest,
            "instalments": tuple(Instalment(due_date=d, amount=a) for d, a in zip(dates, amounts, strict=True))}


_READERS = {"call": _call, "promise": _promise, "dispute": _dispute, "complaint": _complaint,
            "resolved": _resolved, "snooze": _snooze, "exclude": _needs_words, "include": _words,
            "signal": _signal, "plan": _plan, "placed": _needs_words, "recalled": _words}
