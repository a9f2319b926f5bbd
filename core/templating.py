"""Render a step's email, letter or call script from template text (Jinja2, sandboxed).

Callers pass a mapping step -> template text: the defaults are ``core/templates/<step>.j2``
(``arwatch.core.step_templates``), a business's own folder is loaded by ``arwatch.sync.templates``.
Templates run in a sandbox (a business edits them) with ``StrictUndefined``, so a misspelt variable is an error
naming the step rather than a silent blank in a letter to a customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(ValueError):
    """A template that does not compile or render: ``step`` names it, ``reason`` says why."""

    def __init__(self, step: str, reason: str):
        self.step, self.reason = step, reason
        super().__init__(f"template {step}: {reason}")


def money(value: Any) -> str:
    return f"{float(value):,.2f}"


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def statement(invoices: Any, currency: str) -> str:
    """A statement of account as plain-text columns: number, date, due date, amount open, days
    overdue per invoice, then the total overdue and the total open (``{{ statement|statement(currency) }}``)."""
    rows = [(str(i["number"]), long_date(i["issue_date"]), long_date(i["due_date"]), money(i["open"]),
             str(i["days_past_due"]) if i["days_past_due"] > 0 else "") for i in invoices]
    head = ("Invoice", "Date", "Due", f"Open ({currency})", "Days overdue")
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(5)]

    def line(r: tuple[str, ...]) -> str:
        return "  ".join(r[k].ljust(widths[k]) if k < 3 else r[k].rjust(widths[k]) for k in range(5)).rstrip()

    overdue = sum(float(i["open"]) for i in invoices if i["days_past_due"] > 0)
    total = sum(float(i["open"]) for i in invoices)
    return "\n".join([line(head), *map(line, rows), "",
                      f"Total overdue: {money(overdue)} {currency}", f"Total open:    {money(total)} {currency}"])


def signature(sender: Any) -> str:
    """The lines under "Kind regards,": name and title, the company, phone and e-mail (``{{ sender|signature }}``);
    the company alone when no sender is configured, never a blank line."""
    person = ", ".join(v for v in (sender.get("name"), sender.get("title")) if v)
    reach = " | ".join(v for v in (sender.get("phone"), sender.get("email")) if v)
    return "\n".join(v for v in (person, sender.get("company"), reach) if v)


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["money"] = money
    env.filters["long_date"] = long_date
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
}


def task_title(step: str, name: str, invoices: list[str], cause: str) -> str:
    """A one-line title for a task list ("Call Acme Ltd about INV/1, INV/2")."""
    if invoices:
        about = " about " + ", ".join(invoices[:3]) + (f" and {len(invoices) - 3} more" if len(invoices) > 3 else "")
    elif cause.startswith("promise:"):
        about = f" about the promise to pay by {cause.partition(':')[2]}"
    elif cause.startswith("plan:"):
        about = f" about the payment plan of {cause.partition(':')[2]}"
    else:
        about = ""
    return _TITLES.get(step, step.replace("_", " ") + ": {name}{about}").format(name=name, about=about)
