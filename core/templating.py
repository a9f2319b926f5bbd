"""Render a step's email, letter or call script from template text (Jinja2, sandboxed).

Callers pass a mapping step -> template text: the defaults are ``core/templates/<step>.j2``
(``arwatch.core.step_templates``), a business's own folder is loaded by ``arwatch.sync.templates``.
Templates run in a sandbox (a business edits them) with ``StrictUndefined``, so a misspelt variable is an error
naming the step rather than a silent blank in a letter to a customer.

Days and amounts are written in the company's locale (the context's ``locale``, see core/formats.py):
``{{ total_overdue|money }}`` is the amount with the context's ``currency`` ("€1,234.50",
"1.234,50 €"), ``{{ today|day }}`` the day ("20 Nov 2026", "20.11.2026"; ``long_date`` is the same
filter under its older name), ``{{ statement|statement }}`` the statement of account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from operator import itemgetter
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from . import formats


class TemplateProblem(ValueError):
    """A template that does not compile or render: ``step`` names it, ``reason`` says why."""

    def __init__(self, step: str, reason: str):
        self.step, self.reason = step, reason
        super().__init__(f"template {step}: {reason}")


def _locale(context: Context) -> str:
    return str(context.get("locale") or formats.DEFAULT_LOCALE)


@pass_context
def money(context: Context, value: Any, currency: str | None = None) -> str:
    """``{{ amount|money }}``: the amount with its currency (the context's unless named) in the locale."""
    return formats.money(float(value), currency or str(context.get("currency") or "EUR"), _locale(context))


@pass_context
def day(context: Context, value: dt.date) -> str:
    """``{{ today|day }}``: the day in the locale's style."""
    return formats.day(value, _locale(context))


def statement_text(invoices: Any, currency: str, locale: str = formats.DEFAULT_LOCALE) -> str:
    """A statement of account as plain-text columns: number, date, due date, amount open, days
    overdue per invoice, then the total overdue and the total open, in the locale's style."""
    key = _statement_key(invoices, currency, locale)
    text = _STATEMENTS.get(key) if key is not None else None
    if text is None:
        text = _statement_text(invoices, currency, locale)
        if key is not None:
            if len(_STATEMENTS) >= _STATEMENTS_KEPT:
                _STATEMENTS.clear()
            _STATEMENTS[key] = text
    return text


# A customer's statement is written in each of its letters and scripts (a call that tells of the
# credit hold writes it twice: the script, then the hold letter): the texts of the last ones
# written are kept, by what they are made of, where each part's type is the planner's (an
# invoice as a dict of a str number, two dates, an amount open that is a float other than 0,
# 0.0 and -0.0 being equal yet written apart, and a whole number of days): equal parts of these
# types give equal texts. Anything else (a template's own list) is written each time.
_STATEMENTS: dict[tuple[Any, ...], str] = {}
_STATEMENTS_KEPT = 1024
_DATE = dt.date


def _statement_key(invoices: Any, currency: Any, locale: Any) -> tuple[Any, ...] | None:
    if type(invoices) is not list or type(currency) is not str or type(locale) is not str:
        return None
    rows = []
    for i in invoices:
        if type(i) is not dict:
            return None
        try:
            row = _STATEMENT_ROW(i)
        except KeyError:
            return None
        if tuple(map(type, row)) != _STATEMENT_TYPES or row[3] == 0:
            return None
        rows.append(row)
    return currency, locale, tuple(rows)


_STATEMENT_ROW = itemgetter("number", "issue_date", "due_date", "open", "days_past_due")
_STATEMENT_TYPES = (str, _DATE, _DATE, float, int)


def _statement_text(invoices: Any, currency: str, locale: str) -> str:
    rows = [(str(i["number"]), formats.day(i["issue_date"], locale), formats.day(i["due_date"], locale),
             formats.amount(float(i["open"]), locale),
             str(i["days_past_due"]) if i["days_past_due"] > 0 else "") for i in invoices]
    head = ("Invoice", "Date", "Due", f"Open ({currency})", "Days overdue")
    w0, w1, w2, w3, w4 = (max(map(len, column)) for column in zip(head, *rows, strict=True))

    def line(r: tuple[str, ...]) -> str:
        return f"{r[0].ljust(w0)}  {r[1].ljust(w1)}  {r[2].ljust(w2)}  {r[3].rjust(w3)}  {r[4].rjust(w4)}".rstrip()

    overdue = sum(float(i["open"]) for i in invoices if i["days_past_due"] > 0)
    total = sum(float(i["open"]) for i in invoices)
    return "\n".join([line(head), *map(line, rows), "",
                      f"Total overdue: {formats.money(overdue, currency, locale)}",
                      f"Total open:    {formats.money(total, currency, locale)}"])


@pass_context
def statement(context: Context, invoices: Any, currency: str | None = None) -> str:
    """``{{ statement|statement }}``: the statement of account in the context's currency and locale."""
    return statement_text(invoices, currency or str(context.get("currency") or "EUR"), _locale(context))


def signature(sender: Any) -> str:
    """The lines under "Kind regards,": name and title, the company, phone and e-mail (``{{ sender|signature }}``);
    the company alone when no sender is configured, never a blank line."""
    person = ", ".join(v for v in (sender.get("name"), sender.get("title")) if v)
    reach = " | ".join(v for v in (sender.get("phone"), sender.get("email")) if v)
    return "\n".join(v for v in (person, sender.get("company"), reach) if v)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox whose templates keep their globals in a plain dict: Jinja's own
    ``ChainMap`` over the environment's globals is walked in Python twice per render (its
    context copies it, and the names in it), a fifth of rendering a letter. Same names and
    values: the environment's globals are set once, before any template is compiled."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` as the sandbox reads it. A plain dict has no attribute but its
        class's, so its key that names none of them (``customer.name``) is what the sandbox
        gives after trying the attribute and catching its AttributeError: read at once."""
        if type(obj) is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["money"] = money
    env.filters["day"] = day
    env.filters["long_date"] = day
    env.filters["statement"] = statement
    env.filters["signature"] = signature
    return env


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    return _environment().from_string(text)


def check(step: str, text: str) -> None:
    """Raise ``TemplateProblem`` when ``text`` does not compile."""
    try:
        _compiled(text)
    except TemplateError as error:
        raise TemplateProblem(step, str(error)) from None


def render(step: str, templates: Mapping[str, str], context: Mapping[str, Any]) -> str:
    """The rendered text of ``step``; "" when the mapping has no template for it."""
    text = templates.get(step)
    if text is None:
        return ""
    try:
        return _compiled(text).render(**context).strip() + "\n"
    except TemplateError as error:
        raise TemplateProblem(step, str(error)) from None


_TITLES = {
    "pre_due_courtesy": "Courtesy follow-up before due: {name}{about}",
    "reminder": "Send a friendly reminder to {name}{about}",
    "phone_call": "Call {name}{about}",
    "payment_plan_offer": "Offer {name} a payment schedule{about}",
    "billing_cycle_change": "Suggest a mid-month billing cycle to {name}",
    "credit_hold": "Credit hold: new orders from {name} only with payment upfront",
    "agency_referral": "Approve referral of {name} to a collection agency{about}",
    "fraud_investigation": "Investigate possible fraud: {name} (automated dunning stopped)",
    "sales_review": "Sales review of {name}: external distress",
    "dispute_review": "Resolve the dispute of {name}{about}",
    "statement_of_account": "Send {name} the monthly statement of account",
}


def _cause_day(cause: str, locale: str) -> str:
    value = cause.partition(":")[2]
    try:
        return formats.day(dt.date.fromisoformat(value), locale)
    except ValueError:
        return value


def task_title(step: str, name: str, invoices: list[str], cause: str, locale: str = formats.DEFAULT_LOCALE) -> str:
    """A one-line title for a task list ("Call Acme Ltd about INV/1, INV/2")."""
    if invoices:
        about = " about " + ", ".join(invoices[:3]) + (f" and {len(invoices) - 3} more" if len(invoices) > 3 else "")
    elif cause.startswith("promise:"):
        about = f" about the promise to pay by {_cause_day(cause, locale)}"
    elif cause.startswith("plan:"):
        about = f" about the payment plan of {_cause_day(cause, locale)}"
    else:
        about = ""
    return _TITLES.get(step, step.replace("_", " ") + ": {name}{about}").format(name=name, about=about)
