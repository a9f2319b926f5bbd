"""Render a step's email, letter or call script from template text (Jinja2, sandboxed).

Callers pass a mapping step -> template text: the defaults are ``core/templates/<step>.j2``
(``arwatch.core.step_templates``), a business's own folder is loaded by ``arwatch.sync.templates``.
Templates run in a sandbox (a business edits them) with ``StrictUndefined``, so a misspelt variable is an error
naming the step rather than a silent blank in a letter to a customer.

Days and amounts are written in the company's locale (the context's ``locale``, see core/formats.py):
``{{ total_overdue|money }}`` is the amount with the context's ``currency`` ("€1,234.50",
"1.234,50 €"), ``{{ today|day }}`` the day ("20 Nov 2026", "20.11.2026"; ``long_date`` is the same
filter under its older name), ``{{ statement|statement }}`` the statement of account.

What a letter asks for is the undisputed part (``asked_overdue``): an invoice's ``disputed`` part
(held by an open dispute, core/disputed.py) is listed on the statement, marked, and named apart,
never asked for: ``total_overdue`` is the overdue amount less it, ``total_disputed`` the part
under dispute, ``{{ total_disputed|disputed_aside }}`` " (€5,137.38 under dispute, not asked for)"
(nothing when there is none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from . import formats, wording


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


def asked_overdue(invoices: Any) -> float:
    """What a letter or call asks the customer to pay: the overdue invoices' open amounts less
    the parts under dispute (each invoice's difference exact: 0 where all of it is disputed)."""
    return sum(float(i["open"]) - _disputed(i) for i in invoices if i["days_past_due"] > 0)


def disputed_total(invoices: Any) -> float:
    """The parts of ``invoices`` under dispute: listed, never asked for."""
    return sum(_disputed(i) for i in invoices)


def _disputed(invoice: Any) -> float:
    """An invoice's part under dispute; 0 for one of a template's own lists that does not say."""
    return float(invoice.get("disputed") or 0.0)


@pass_context
def disputed_aside(context: Context, value: Any) -> str:
    """``{{ total_disputed|disputed_aside }}``: " (€5,137.38 under dispute, not asked for)"; "" for 0."""
    return f" ({wording.not_asked(money(context, value))})" if float(value) > 0 else ""


def statement_text(invoices: Any, currency: str, locale: str = formats.DEFAULT_LOCALE) -> str:
    """A statement of account as plain-text columns: number, date, due date, amount open, days
    overdue per invoice (and the part under dispute, where an invoice has one), then the total
    overdue asked for, the part under dispute and the total open, in the locale's style."""
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
# 0.0 and -0.0 being equal yet written apart, a whole number of days, and a part under dispute
# that is a float, 0 written as nothing, absent read as 0.0): equal parts of these
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
        row = (i.get("number"), i.get("issue_date"), i.get("due_date"), i.get("open"), i.get("days_past_due"),
               i.get("disputed", 0.0))
        if not (type(row[0]) is str and type(row[1]) is _DATE and type(row[2]) is _DATE
                and type(row[3]) is float and row[3] != 0 and type(row[4]) is int and type(row[5]) is float):
            return None
        rows.append(row)
    return currency, locale, tuple(rows)


def _statement_text(invoices: Any, currency: str, locale: str) -> str:
    disputed = disputed_total(invoices)
    rows = [(str(i["number"]), formats.day(i["issue_date"], locale), formats.day(i["due_date"], locale),
             formats.amount(float(i["open"]), locale),
             str(i["days_past_due"]) if i["days_past_due"] > 0 else "",
             formats.amount(_disputed(i), locale) if _disputed(i) else "") for i in invoices]
    head = ("Invoice", "Date", "Due", f"Open ({currency})", "Days overdue", "Under dispute")
    widths = [max(map(len, column)) for column in zip(head, *rows, strict=True)]
    columns = 6 if disputed else 5  # the column of the parts under dispute, where there is one

    def line(r: tuple[str, ...]) -> str:
        cells = [r[k].ljust(widths[k]) if k < 3 else r[k].rjust(widths[k]) for k in range(columns)]
        return "  ".join(cells).rstrip()

    total = sum(float(i["open"]) for i in invoices)
    aside = [f"Under dispute: {formats.money(disputed, currency, locale)}, not asked for"] if disputed else []
    return "\n".join([line(head), *map(line, rows), "",
                      f"Total overdue: {formats.money(asked_overdue(invoices), currency, locale)}", *aside,
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
    env.filters["disputed_aside"] = disputed_aside
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
