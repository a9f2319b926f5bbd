"""The planner: from a scored ledger and what is written, the flags, holds and tasks desired.

``plan(board, written, policy, today, templates)`` returns a ``DesiredState``; then
``core.diffing.diff(written, desired)`` gives the changes to write. Every task has the key
``task:<customer>:<step>:<cause>``, so a rerun plans the same keys and the diff is empty, and a
task whose cause is gone (nothing overdue any more, promise kept, plan back on track, signal
expired) is simply not desired any more: the diff closes it. The escalation steps are the
ladder's (core/ladder.py): one open per customer and episode, cause ``episode:<day>``. Each task
cites the ladder rule of the policy
that fired (``rule``) and the facts behind it (``evidence``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from . import wording
from .actions import HOLD_ON_CALL, DesiredState, Flag, Hold, Task, WrittenState
from .columnar import NEVER
from .credit_policy import LEVEL_NAMES, SEGMENT_NAMES, LetterPolicy, StepRule
from .diffing import reason_id, reason_ids
from .dispute_tasks import dispute_firings
from .formats import DEFAULT_LOCALE
from .frame import LedgerFrame, date_of
from .hold_notice import HOLD_STEP, carries_hold, hold_line, hold_told_by_call
from .holds import desired_holds, effective_limit, fired, release_why
from .ladder import RANK, is_rung, rung_firings
from .plan_view import Explained, Firing, PlanView
from .policy import LEVELS, Policy
from .promises import INSTALMENT_STATES, PROMISE_STATES
from .scoring import ScoreBoard
from .segments import SEGMENTS
from .statements import LADDER as STATEMENTS
from .statements import describe as describe_statements
from .statements import statement_firings
from .templating import asked_overdue, disputed_total, render, task_title


def _fire(view: PlanView, segment: str, ladder: str, index: int, rule: StepRule,
          holds: Mapping[str, Hold]) -> list[Firing]:
    if is_rung(rule):
        return []  # the ladder's steps: core/ladder.py
    customers = view.customers_for(segment, rule)
    if not customers.any():
        return []
    f = view.frame
    # the notes (evidence of the required indicators) are rendered by _task, only for tasks rendered
    if rule.scope in ("invoice", "overdue"):  # one task per customer, about its qualifying invoices
        rows = view.invoices_for(customers, rule)
        by_customer: dict[int, list[int]] = {}
        ordered = rows[np.argsort(f.i_due[rows], kind="stable")]
        for r, c in zip(ordered.tolist(), f.i_cust[ordered].tolist(), strict=True):
            by_customer.setdefault(c, []).append(r)
        return [Firing(c, ladder, index, rule, f"invoice:{f.i_id[rs[0]]}" if rule.scope == "invoice" else "overdue",
                       tuple(rs)) for c, rs in by_customer.items()]
    if rule.scope == "account":
        return [Firing(int(c), ladder, index, rule, next(ind for ind in rule.requires if fired(view.board, ind)[c]))
                for c in np.flatnonzero(customers)]
    if rule.scope == "hold":
        return [Firing(int(c), ladder, index, rule, "hold", hold=holds[str(f.c_id[c])])  # notes: _notes
                for c in np.flatnonzero(customers) if str(f.c_id[c]) in holds]
    if rule.scope == "dispute":
        return dispute_firings(view, customers, ladder, index, rule)
    return _promise_firings(view, customers, ladder, index, rule)


def _hold_note(view: PlanView, hold: Hold) -> str:
    """The hold in words (a hold written before core/wording.py kept its ids: ``plain``), its day
    in the company's locale; the hold letter's task lists no invoices of its own."""
    return f"on credit hold since {view.day(hold.since)}: {_hold_words(hold, (), invoices_listed=False)}"


def _hold_words(hold: Hold, said: Collection[str], invoices_listed: bool) -> str:
    """The hold's reason, or its cause in words ("in arrears", "high or critical risk") where the
    task's own lines already say the rest: its risk line (the start of the reason of a hold on
    the level, whose signs follow unless a line says them), the overdue invoices it lists (the
    reason of a hold on arrears), the same evidence line."""
    reason = wording.plain(hold.reason)
    if reason in said or (invoices_listed and hold.rule.partition(":")[0] == "segment"):
        return wording.hold_cause(hold.rule)
    signs = wording.after_standing(reason)
    if signs is None:  # "In arrears: oldest invoice ..." beside the line "In arrears: critical risk": its rest
        head, colon, rest = reason.partition(": ")
        return rest if colon and any(line.startswith(head + colon) for line in said) else reason
    for line in said:  # a sign the task's own lines say (the reason quotes its first fact)
        signs = re.sub(re.escape(f"; {wording.first_fact(line)}") + "(?=; |$)", "", signs)
    return wording.hold_cause(hold.rule) + signs


def _promise_firings(view: PlanView, customers: np.ndarray, ladder: str, index: int,
                     rule: StepRule) -> list[Firing]:
    """The latest broken (still unpaid) promise and each off-track plan of a customer.

    A broken promise is followed up until the customer is reached again (an answered contact
    after the promise broke, a new promise among them) or its episode ends: then its call is done.
    """
    f, pt, it = view.frame, view.promises, view.instalments
    out: list[Firing] = []
    rows = np.flatnonzero(pt.status != PROMISE_STATES.index("none"))
    cust = f.t_cust[rows]
    latest = rows[np.r_[cust[1:] != cust[:-1], True]] if len(rows) else rows  # rows in day order per customer
    reached = np.full(f.n_customers, -1, dtype=np.int64)  # per customer: its last answered contact's day
    np.maximum.at(reached, f.t_cust[f.t_answered], f.t_day[f.t_answered].astype(np.int64))
    open_ = ((pt.status[latest] == PROMISE_STATES.index("broken")) & customers[f.t_cust[latest]]
             & (reached[f.t_cust[latest]] <= pt.deadline[latest]) & (view.starts[f.t_cust[latest]] != NEVER))
    for r in latest[open_]:
        c, r = int(f.t_cust[r]), int(r)
        promised = date_of(f.t_promise_day[r])
        amount = None if np.isnan(f.t_promise_amount[r]) else float(f.t_promise_amount[r])
        note = (f"promised {'payment' if amount is None else view.money(amount)} by {view.day(f.t_promise_day[r])} "
                f"(on {view.day(f.t_day[r])}); not received by {view.day(int(pt.deadline[r]))}")
        out.append(Firing(c, ladder, index, rule, f"promise:{promised.isoformat()}", notes=(note,),
                          promise={"date": promised, "amount": amount, "made_on": date_of(f.t_day[r])}))
    missed = it.status == INSTALMENT_STATES.index("missed")
    plans: dict[tuple[int, int], list[int]] = {}
    for r in np.flatnonzero(missed):
        plans.setdefault((int(f.n_cust[r]), int(f.n_plan[r])), []).append(int(r))
    for (c, _), missed_rows in plans.items():
        if not customers[c]:
            continue
        agreed = date_of(f.n_agreed[missed_rows[0]])
        items: list[dict[str, Any]] = [{"due_date": date_of(f.n_due[r]), "amount": float(f.n_amount[r])}
                                       for r in missed_rows]
        note = f"payment plan of {view.day(f.n_agreed[missed_rows[0]])}: missed " + _instalments(
            [f"{view.money(i['amount'])} due {view.day(f.n_due[r])}" for i, r in zip(items, missed_rows, strict=False)])
        out.append(Firing(c, ladder, index, rule, f"plan:{agreed.isoformat()}", notes=(note,),
                          plan={"agreed_on": agreed, "missed": items}))
    return out


def _instalments(each: list[str]) -> str:
    """The missed instalments as a sentence reads them: "the instalment of €120.00 due 5 Mar
    2024", or "2 instalments, €120.00 due 5 Mar 2024 and €120.00 due 5 Apr 2024"."""
    if len(each) == 1:
        return f"the instalment of {each[0]}"
    return f"{len(each)} instalments, " + wording.and_list(each)


def describe(ladder: str, index: int, rule: StepRule) -> str:
    """The policy rule cited by a task: ``credit.ladders.good[2]: phone_call from 55 days ...``.
    A machine reference kept in the task's ``rule`` field, never in its visible text."""
    def days(n: int) -> str:
        word = "day" if abs(n) == 1 else "days"
        return f"{n} {word} past due" if n >= 0 else f"{-n} {word} before due"

    parts = [rule.step]
    if rule.from_days is not None:
        parts.append(f"from {days(rule.from_days)}")
        if rule.until_days is not None:
            parts.append(f"until {days(rule.until_days)}")
    if rule.scope in ("invoice", "overdue") and rule.beyond_habit:
        parts.append("beyond the customer's habit")
    if rule.large_only:
        parts.append("large invoices")
    if tuple(rule.levels) != LEVEL_NAMES:
        parts.append("risk " + "/".join(rule.levels))
    if rule.requires:
        parts.append("when " + " or ".join(rule.requires) + " fires")
    if is_rung(rule) and RANK[rule.step] > 0:
        parts.append(f"{wording.days(rule.wait_days)} after the step below")
    if rule.scope == "promise":
        parts.append("on a broken promise or missed instalment")
    if rule.scope == "hold":
        parts.append("while on credit hold")
    if rule.scope == "dispute":
        parts = [rule.step, f"on a dispute open {rule.from_days} days or more"]
    return f"credit.ladders.{ladder}[{index}]: " + ", ".join(parts)


def _invoice_facts(view: PlanView, rows: tuple[int, ...]) -> list[dict[str, Any]]:
    """The facts of invoice ``rows``, each a dict of its own (a template may change what it is
    given); each row's read from the frame once per plan (an invoice is in its customer's
    statement and in several of its tasks)."""
    known = view.invoice_facts
    new = [r for r in rows if r not in known]
    if new:
        _learn_facts(view, new)
    return [dict(known[r]) for r in rows]


def _learn_facts(view: PlanView, rows: list[int]) -> None:
    """Keep the facts of invoice ``rows`` (none kept yet), each column read at once, as Python values."""
    f, st, known = view.frame, view.st, view.invoice_facts
    at = np.asarray(rows, dtype=np.intp)
    for r, number, total, residual, issue, due, dpd, disputed in zip(
            rows, f.i_number[at].tolist(), f.i_total[at].astype(np.float64).tolist(),
            st.residual[at].astype(np.float64).tolist(), f.i_issue[at].tolist(), f.i_due[at].tolist(),
            view.dpd[at].tolist(), view.disputed[at].tolist(), strict=True):
        known[r] = {"number": str(number), "total": total, "open": residual, "issue_date": _DATE(issue),
                    "due_date": _DATE(due), "days_past_due": dpd, "disputed": disputed}


def _learn_rendered(view: PlanView, firings: list[Firing]) -> None:
    """Keep, at once, the facts of every invoice the tasks of ``firings`` read: their own and
    their customers' statements (each task's letter has one)."""
    if not firings:
        return
    f = view.frame
    customers = np.zeros(f.n_customers, dtype=bool)
    customers[[fi.customer for fi in firings]] = True
    rows = np.union1d(np.flatnonzero(view.st.is_open & customers[f.i_cust]),
                      np.asarray([r for fi in firings for r in fi.invoices], dtype=np.intp))
    known = view.invoice_facts
    new = [r for r in rows.tolist() if r not in known]
    if new:
        _learn_facts(view, new)


_DATE = dt.date.fromordinal  # ``frame.date_of`` of an int


def _evidence(view: PlanView, firing: Firing, invoices: list[dict[str, Any]]) -> tuple[str, ...]:
    c, board = firing.customer, view.board
    lines = [firing.reason] if firing.reason else []
    hold_at = len(lines)
    lines.append(wording.standing_line(LEVEL_NAMES[board.level[c]], SEGMENT_NAMES[board.segment[c]], board.score[c]))
    for inv in invoices[:5]:
        when = (f"{wording.days(inv['days_past_due'])} past due" if inv["days_past_due"] > 0
                else f"due in {wording.days(-inv['days_past_due'])}" if inv["days_past_due"] < 0 else "due today")
        disputed = f", {view.money(inv['disputed'])} under dispute" if inv["disputed"] else ""
        lines.append(f"{inv['number']} ({view.money(inv['open'])} open{disputed}) due {view.day(inv['due_date'])}, "
                     f"{when}")
    if len(invoices) > 5:
        lines.append(_more_invoices(invoices[5:]))
    if invoices and firing.rule.beyond_habit and view.habit_known[c]:
        lines.append(f"usually pays in {view.habit.days_to_pay[c]:.0f} days "
                     f"(last {int(view.habit.paid_count[c])} paid invoices); habit + "
                     f"{view.credit.habit_grace_days} days grace has passed")
    notes = _notes(view, firing)
    if carries_hold(firing) and firing.hold is not None:
        words = _hold_words(firing.hold, (*lines, *notes), invoices_listed=bool(invoices))
        lines.insert(hold_at, hold_line(view.day(firing.hold.since), words))
    return tuple(lines) + notes


def _more_invoices(rest: list[dict[str, Any]]) -> str:
    """The invoices an evidence does not list, counted as the title counts them (the overdue ones),
    those not yet overdue apart: "and 1 more overdue invoice", "and 6 more overdue invoices, 3 not
    yet overdue", "and 2 more invoices not yet overdue"."""
    overdue = sum(1 for i in rest if i["days_past_due"] > 0)
    if not overdue:
        return f"and {wording.plural(len(rest), 'more invoice')} not yet overdue"
    later = f", {len(rest) - overdue} not yet overdue" if overdue < len(rest) else ""
    return f"and {wording.plural(overdue, 'more overdue invoice')}{later}"


def _notes(view: PlanView, firing: Firing) -> tuple[str, ...]:
    if firing.notes is not None:
        return firing.notes
    if firing.rule.scope == "hold" and firing.hold is not None:  # written only for a hold letter rendered
        return (_hold_note(view, firing.hold),)
    return view.explained.why(tuple(firing.rule.requires), firing.customer)


def _assignee(view: PlanView, rule: StepRule, c: int) -> str:
    credit = view.credit
    if rule.assignee == "salesperson":
        return view.frame.c_salesperson[c] or credit.collections_user
    return {"collections": credit.collections_user, "manager": credit.manager_user}.get(rule.assignee,
                                                                                        rule.assignee)


def _context(view: PlanView, firing: Firing, invoices: list[dict[str, Any]], assignee: str, company_name: str,
             evidence_lines: tuple[str, ...], today: dt.date) -> dict[str, Any]:
    f, c = view.frame, firing.customer
    facts, total_open = _statement(view, c)
    statement = [dict(i) for i in facts]  # the template's own: its tasks' letters share no object
    customer_reasons = view.explained.reasons(c)
    return {
        "company": {"name": company_name},
        "sender": _sender(view.credit.letters, company_name),
        "customer": {"id": str(f.c_id[c]), "name": str(f.c_name[c]), "salesperson": f.c_salesperson[c],
                     "terms_days": int(f.c_terms[c]),
                     "credit_limit": None if np.isnan(f.c_credit_limit[c]) else float(f.c_credit_limit[c])},
        "currency": f.currency, "locale": view.locale, "today": today, "step": firing.rule.step, "cause": firing.cause,
        "invoices": invoices, "total_open": total_open,
        "invoice_total": float(sum(i["open"] for i in invoices)),
        "statement": statement, "total_overdue": asked_overdue(statement), "total_disputed": disputed_total(statement),
        "promise": firing.promise, "plan": firing.plan, "state": view.state[c],
        "hold": None if firing.hold is None else {"reason": wording.plain(firing.hold.reason),
                                                   "since": firing.hold.since, "rule": firing.hold.rule,
                                                   "credit_limit": effective_limit(f.c_credit_limit[c], view.credit)},
        "reasons": [{"indicator": r.indicator, "title": r.title, "evidence": r.evidence} for r in customer_reasons],
        "evidence": list(evidence_lines), "assignee": assignee, "needs_approval": firing.rule.needs_approval,
    }


def _statement(view: PlanView, c: int) -> tuple[list[dict[str, Any]], float]:
    """Customer ``c``'s open invoices, due first (the facts of its statement), and their total
    open; worked out once per customer however many of its tasks write them."""
    found = view.statements.get(c)
    if found is None:
        start, end = view.i_rows[c], view.i_rows[c + 1]
        total = float(view.st.residual[start + np.flatnonzero(view.st.is_open[start:end])].sum())  # in row order
        found = view.statements[c] = (_invoice_facts(view, tuple(view.open_by_due(c).tolist())), total)
    return found


def _about(invoices: list[dict[str, Any]]) -> list[str]:
    """The invoices a title names: the overdue ones when there are any."""
    overdue = [i["number"] for i in invoices if i["days_past_due"] > 0]
    return overdue or [i["number"] for i in invoices]


def _sender(letters: LetterPolicy, company_name: str) -> dict[str, str]:
    return {"name": letters.sender_name, "title": letters.sender_title, "company": company_name,
            "phone": letters.sender_phone, "email": letters.sender_email}


def _task(view: PlanView, firing: Firing, written: Mapping[str, Task], templates: Mapping[str, str],
          company_name: str, today: dt.date) -> Task:
    f, c, rule = view.frame, firing.customer, firing.rule
    invoices = _invoice_facts(view, firing.invoices)
    lines = _evidence(view, firing, invoices)
    assignee = _assignee(view, rule, c)
    key = f"task:{f.c_id[c]}:{rule.step}:{firing.cause}"
    before = written.get(key)
    due = before.due_date if before is not None else today + dt.timedelta(days=rule.due_in_days)
    context = _context(view, firing, invoices, assignee, company_name, lines, today)
    body = render(rule.step, templates, context)
    title = task_title(rule.step, str(f.c_name[c]), _about(invoices), firing.cause, view.locale)
    if carries_hold(firing):
        body, title = _with_hold_letter(body, templates, context), title + HOLD_ON_CALL
    return Task(customer_id=str(f.c_id[c]), step=rule.step, cause=firing.cause, title=title,
                body=body, channel=rule.channel, due_date=due, assignee=assignee,
                rule=_described(view, firing), evidence=lines,
                invoice_id=str(f.i_id[firing.invoices[0]]) if rule.scope == "invoice" and not is_rung(rule) else None,
                needs_approval=rule.needs_approval)


def _described(view: PlanView, firing: Firing) -> str:
    """The rule a task cites (``describe``), worked out once per rule of the plan's policy."""
    key = (firing.ladder, firing.index, id(firing.rule))
    found = view.described.get(key)
    if found is None or found[0] is not firing.rule:
        text = (describe_statements(view.credit.statements) if firing.ladder == STATEMENTS
                else describe(firing.ladder, firing.index, firing.rule))
        found = view.described[key] = (firing.rule, text)
    return found[1]


def _with_hold_letter(body: str, templates: Mapping[str, str], context: dict[str, Any]) -> str:
    """A call that tells of the credit hold: its script, then the hold letter to send after it."""
    letter = render(HOLD_STEP, templates, {**context, "step": HOLD_STEP})
    if not letter:
        return body
    return (f"{body}\nAfter the call, the same day, confirm the credit hold in writing with this letter:\n\n"
            f"{letter}")


def plan_tasks(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
               templates: Mapping[str, str], holds: tuple[Hold, ...], company_name: str = "",
               render_written: bool = True, explained: Explained | None = None,
               locale: str = DEFAULT_LOCALE) -> tuple[Task, ...]:
    """One task per (customer, step, cause) that the ladders fire for today, sorted by key: the
    ladder's one open rung per customer in an episode (core/ladder.py), and the other steps.

    With ``render_written=False`` a task whose key is already written, open or done, is not
    rendered again: the written ``Task`` stands for it (``diff`` compares task keys only, and
    leaves a task done recently as it is, so the diff is the same).
    """
    view = PlanView(board, policy, explained, holds, written, locale)
    by_hold = {h.customer_id: h for h in holds}
    current = {t.key: t for t in written.tasks}
    done = {t.key: t for t in written.done_tasks}
    firings = [firing for segment in SEGMENT_NAMES for ladder, index, rule in policy.credit.ladder(segment)
               for firing in _fire(view, segment, ladder, index, rule, by_hold)]
    called = frozenset(fi.customer for fi in firings if fi.rule.scope == "promise" and fi.rule.channel == "call")
    rungs = rung_firings(view, written, today, called)
    calls, told = hold_told_by_call(view, rungs + firings, written, by_hold, today)  # ladder and follow-up calls
    rungs, firings = calls[:len(rungs)], calls[len(rungs):]
    referred = [fi.customer for fi in rungs if fi.rule.step == "agency_referral"]
    view.state[referred] = "agency referral"  # referred today: no friendly text from today on either
    firings += statement_firings(view, today, current)
    friendly = policy.credit.friendly_steps
    firings = [fi for fi in firings if not (fi.rule.step in friendly and view.state[fi.customer])
               and not (fi.rule.step == HOLD_STEP and fi.customer in told)]  # told on the call
    chosen: dict[str, Task | Firing] = {}
    for firing in rungs + firings:
        key = f"task:{view.frame.c_id[firing.customer]}:{firing.rule.step}:{firing.cause}"
        if key in chosen:  # the first rule of a ladder wins
            continue
        if not render_written and key in current:
            chosen[key] = current[key]
        elif not render_written and key in done:
            chosen[key] = done[key]
        else:
            chosen[key] = firing
    _learn_rendered(view, [fi for fi in chosen.values() if isinstance(fi, Firing)])
    tasks = {key: found if isinstance(found, Task) else _task(view, found, current, templates, company_name, today)
             for key, found in chosen.items()}
    return tuple(tasks[k] for k in sorted(tasks))


def plan_flags(board: ScoreBoard, policy: Policy, today: dt.date,
               explained: Explained | None = None, locale: str = DEFAULT_LOCALE,
               written: Mapping[str, Flag] | None = None) -> tuple[Flag, ...]:
    """A risk flag for every customer at or above the policy's ``flag_min_level``, its reasons'
    days and amounts in ``locale`` (``explained``'s when given).

    With ``written`` (the flags written, by key), a written flag that ``diff`` would leave as it
    is (same level, segment and reasons named) stands for the new one: its evidence is not
    written again (``render_written=False`` of ``plan``).
    """
    minimum = LEVEL_NAMES.index(policy.credit.flag_min_level)
    explained = explained or Explained(board, locale)
    flagged = np.flatnonzero(board.level >= minimum)
    ids = [str(v) for v in board.frame.c_id[flagged]]
    levels = [LEVELS[v] for v in board.level[flagged].tolist()]
    segments = [SEGMENTS[v] for v in board.segment[flagged].tolist()]
    scores = board.score[flagged].tolist()
    flags = []
    for c, cid, level, segment, score in zip(flagged.tolist(), ids, levels, segments, scores, strict=True):
        kept = written.get(f"flag:{cid}") if written else None
        if kept is not None and _unchanged_flag(explained, c, kept, level, segment):
            flags.append(kept)
            continue
        flags.append(Flag(customer_id=cid, level=level, score=round(score, 1), segment=segment,
                          reasons=tuple(wording.reason(r.indicator, r.evidence) for r in explained.reasons(c)),
                          as_of=today))
    return tuple(sorted(flags, key=lambda fl: fl.customer_id))


def _unchanged_flag(explained: Explained, c: int, kept: Flag, level: str, segment: str) -> bool:
    """``kept`` has the level, segment and reasons (by name) customer ``c``'s flag would have:
    ``diff``'s comparison, made without writing the evidence."""
    names = frozenset(reason_id(wording.reason(ind, "")) for ind in explained.indicators(c))
    return (kept.level, kept.segment, reason_ids(kept)) == (level, segment, names)


def plan(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
         templates: Mapping[str, str], company_name: str = "", render_written: bool = True,
         locale: str = DEFAULT_LOCALE) -> DesiredState:
    """The desired flags, holds and tasks as of ``today`` (the day ``board`` was scored); days
    and amounts of the letters and tasks written in ``locale`` (core/formats.py).

    ``render_written=False`` (for a sync, which only applies ``diff``): tasks and flags already
    written, which ``diff`` would leave as they are, are not rendered again; the written ones
    stand for them (``plan_tasks``, ``plan_flags``): the same changes, with the same texts.
    """
    _check_day(board.frame, today)
    company_name = company_name or board.frame.company_name
    holds = desired_holds(board, written, policy, today, locale)
    explained = Explained(board, locale)
    kept = None if render_written else {f.key: f for f in written.flags}
    desired = DesiredState(as_of=today, flags=plan_flags(board, policy, today, explained, locale, kept), holds=holds,
                           tasks=plan_tasks(board, written, policy, today, templates, holds, company_name,
                                            render_written, explained, locale),
                           release_why=release_why(board, written, policy, holds, today, locale))
    return without_inactive(desired, board.frame)


#: sources whose inactive customers are closed accounts: in QuickBooks a customer made inactive
#: (its "delete") cannot be invoiced or sold to, so a credit hold on it guards nothing, and it is
#: no one's collection work any more. (An Odoo partner archived is left as it is.)
CLOSED_WHEN_INACTIVE = frozenset({"quickbooks"})


def inactive_customers(frame: LedgerFrame) -> frozenset[str]:
    """The ids of the customers the source says are inactive, where that closes the account."""
    if frame.source not in CLOSED_WHEN_INACTIVE or not len(frame.c_active):
        return frozenset()
    return frozenset(frame.c_id[~frame.c_active].astype(str).tolist())


def without_inactive(desired: DesiredState, frame: LedgerFrame) -> DesiredState:
    """``desired`` with no flag, hold or task for an inactive customer (``inactive_customers``):
    what was written for it is undone by the diff (its hold released, the previous terms back),
    and planned again if it is made active. Only a record that says the customer is inactive
    does this: a customer missing from the data is kept as written (``keep_absent``)."""
    gone = inactive_customers(frame)
    if not gone:
        return desired
    return desired.model_copy(update={
        kind: tuple(item for item in getattr(desired, kind) if item.customer_id not in gone)
        for kind in ("flags", "holds", "tasks")})


def absent_customers(frame: LedgerFrame, written: WrittenState) -> tuple[str, ...]:
    """Customers with a flag, hold or open task written who are not in the data (sorted)."""
    present = set(frame.c_id.astype(str).tolist())
    ids = {item.customer_id for items in (written.flags, written.holds, written.tasks) for item in items}
    return tuple(sorted(ids - present))


def keep_absent(desired: DesiredState, written: WrittenState, frame: LedgerFrame) -> DesiredState:
    """``desired`` with what is written about customers missing from ``frame`` kept as it is.

    A customer missing from the data is missing, not cleared: an export that left it out (cut
    short, filtered) or a pull that lost it says nothing about whether it paid. ``plan`` alone
    has nothing to plan for such a customer, so its flag would be cleared, its hold released and
    its tasks closed; a sync keeps them (and says so) unless told the change is real
    (``--allow-mass-change``), and a manager's override still lifts such a hold."""
    absent = set(absent_customers(frame, written))
    if not absent:
        return desired
    lifted = {o.customer_id for o in written.overrides if o.release_until >= desired.as_of}
    held = tuple(h for h in written.holds if h.customer_id in absent - lifted)
    return desired.model_copy(update={
        "flags": _sorted_by(desired.flags + tuple(f for f in written.flags if f.customer_id in absent), "customer_id"),
        "holds": _sorted_by(desired.holds + held, "customer_id"),
        "tasks": _sorted_by(desired.tasks + tuple(t for t in written.tasks if t.customer_id in absent), "key")})


def _sorted_by(items: tuple[Any, ...], attribute: str) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: getattr(item, attribute)))


def _check_day(frame: LedgerFrame, today: dt.date) -> None:
    if frame.as_of != today:
        raise ValueError(f"the board was scored as of {frame.as_of}, not {today}: score as of the planning day")
