"""Today's worklist as text: who to call, what to send, who to hold, what needs approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from arwatch.core import wording
from arwatch.core.actions import DesiredState, Hold
from arwatch.core.call_list import CallLine, CallList
from arwatch.core.formats import DEFAULT_LOCALE, day, money

SECTIONS = (
    ("Send", ("email", "letter")),
    ("Approve (manager)", ("approval",)),
    ("Other tasks", ("todo",)),
)


def call_line(rank: int, line: CallLine, locale: str = DEFAULT_LOCALE) -> str:
    """Two lines: who and how much (customer, contact, overdue, oldest days, last contact), then why."""
    who = f" -> {line.assignee}" if line.assignee else ""
    disputed = f" ({wording.not_asked(money(line.disputed, line.currency, locale))})" if line.disputed else ""
    return (f"  {rank:>2}. {line.name} | {line.contact} | {money(line.overdue, line.currency, locale)} overdue"
            f"{disputed}, oldest {line.days_past_due} days | last contact: {line.last_contact}\n"
            f"      why: {line.reason} (at risk {money(line.expected_loss, line.currency, locale)}){who}")


def _calls(calls: CallList, limit: int, locale: str) -> list[str]:
    if not calls.today and not calls.carried:
        return []
    lines = [f"\nCall today ({len(calls.today)}, by money at risk: amount overdue x risk score):"]
    lines += [call_line(k, line, locale) for k, line in enumerate(calls.today[:limit], 1)]
    if len(calls.today) > limit:
        lines.append(f"  ... and {len(calls.today) - limit} more")
    if calls.carried:
        lines.append(f"  {len(calls.carried)} more carried over to tomorrow (daily capacity reached)")
    if calls.not_called:
        lines.append("  Not called today, of the largest exposures at risk:")
        lines += [f"    - {name}: {why}" for name, why in calls.not_called]
    return lines


def worklist_text(desired: DesiredState, names: dict[str, str], today: dt.date, limit: int = 15,
                  calls: CallList | None = None, switched: Sequence[tuple[str, str]] = (),
                  locale: str = DEFAULT_LOCALE, hold_now: Mapping[str, str] | None = None,
                  exposure: Mapping[str, float] | None = None) -> str:
    """The day's worklist, its days and money written in ``locale``. ``switched``: (customer name,
    what stops its dunning) for the customers a collector snoozed, excluded from reminders or placed
    with an agency. ``hold_now``: each held customer's hold words as of today (``holds.hold_words``);
    a hold placed before today shows them and its day, not the words it was placed with (which may
    name an invoice paid since); a customer missing from today's data shows those, and says so.
    ``exposure``: each customer's open balance: the letters, approvals, other tasks and holds come
    largest balance first (as the report lists them), so that the first ``limit`` lines shown are
    the ones that matter most, not the lowest customer ids."""
    def order(customer_id: str) -> tuple:
        return (-exposure.get(customer_id, 0.0), customer_id) if exposure is not None else (customer_id,)

    due = [t for t in desired.tasks if t.due_date <= today]
    lines = [f"Worklist for {day(today, locale)}: {len(due)} tasks due, {len(desired.holds)} customers on hold"]
    sections = SECTIONS if calls is not None else (("Call today", ("call",)),) + SECTIONS
    lines += _calls(calls, limit, locale) if calls is not None else []
    for title, channels in sections:
        tasks = sorted((t for t in due if t.channel in channels), key=lambda t: (*order(t.customer_id), t.due_date))
        if not tasks:
            continue
        lines.append(f"\n{title} ({len(tasks)}{', largest balance first' if exposure is not None else ''}):")
        for t in tasks[:limit]:
            who = f" -> {t.assignee}" if t.assignee else ""
            lines.append(f"  - {names.get(t.customer_id, t.customer_id)}: {t.title}{who}")
        if len(tasks) > limit:
            lines.append(f"  ... and {len(tasks) - limit} more")
    if desired.holds:
        first = ", largest balance first" if exposure is not None else ""
        lines.append(f"\nOn credit hold ({len(desired.holds)}{first}): new orders only with payment upfront")
        for h in sorted(desired.holds, key=lambda h: order(h.customer_id))[:limit]:
            lines.append(f"  - {names.get(h.customer_id, h.customer_id)}: {_hold_line(h, today, hold_now, locale)}")
        if len(desired.holds) > limit:
            lines.append(f"  ... and {len(desired.holds) - limit} more")
    if switched:
        lines.append(f"\nSnoozed, excluded or with the agency ({len(switched)}): no automated steps")
        lines += [f"  - {name}: {why}" for name, why in switched[:limit]]
        if len(switched) > limit:
            lines.append(f"  ... and {len(switched) - limit} more")
    return "\n".join(lines)


def _hold_line(hold: Hold, today: dt.date, now: Mapping[str, str] | None, locale: str) -> str:
    if hold.since >= today or now is None:
        return wording.plain(hold.reason)
    if hold.customer_id not in now:
        return f"{wording.plain(hold.reason)} (on hold since {day(hold.since, locale)}; no longer in the data)"
    return f"{wording.plain(now[hold.customer_id])} (on hold since {day(hold.since, locale)})"
