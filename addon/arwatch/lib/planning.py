"""Desired flags, holds and tasks: the core planner when present, else a small built-in ladder.

``arwatch.core.planner.plan(board, written, policy, today, templates)`` is the product's planner.
Until every installation ships it, ``fallback_plan`` plans the same kinds of values (the same
``Flag``/``Hold``/``Task`` of ``arwatch.core.actions`` with the same keys), from the company's
settings: a flag per customer, a hold per delinquent or high-level customer (with overrides
respected), and reminder / phone call / agency referral / investigation / review tasks.
"""

import datetime as dt
import inspect

import numpy as np

from arwatch.core.actions import DesiredState, Flag, Hold, Task
from arwatch.core.indicators.aging import oldest_days_past_due
from arwatch.core.policy import LEVELS
from arwatch.core.segments import SEGMENTS
from arwatch.core.settlement import settlement

from .policy import hold_levels

try:  # the product's planner (arwatch >= the planner release)
    from arwatch.core.planner import plan as core_plan
except ImportError:  # pragma: no cover - depends on the installed arwatch
    core_plan = None

STEP_TITLES = {
    "pre_due_courtesy": "Courtesy call before due",
    "reminder": "Payment reminder",
    "phone_call": "Phone call",
    "payment_plan_offer": "Offer a payment plan",
    "billing_cycle_change": "Suggest a mid-month billing cycle",
    "credit_hold": "Credit hold letter",
    "agency_referral": "Refer to a collection agency (approval)",
    "fraud_investigation": "Fraud investigation",
    "sales_review": "Sales review of the account",
}


def _planner_options():
    """Keyword options the installed core planner takes (early planners lack some)."""
    if core_plan is None:
        return ()
    return tuple(name for name in ("company_name", "render_written")
                 if name in inspect.signature(core_plan).parameters)


PLANNER_OPTIONS = _planner_options()


def desired_state(board, written, policy, extras, today, templates, company_name=""):
    """The ``DesiredState`` for ``today``; the core planner's when it is installed.

    Tasks already written are not rendered again (``render_written=False``): the write-back only
    applies the diff, which compares task keys.
    """
    if core_plan is not None:
        options = {"company_name": company_name, "render_written": False}
        return core_plan(board, written, policy, today, templates,
                         **{k: v for k, v in options.items() if k in PLANNER_OPTIONS})
    return fallback_plan(board, written, extras, today)


def _fired(board, indicator):
    for result in board.results:
        if result.indicator == indicator:
            return result.fired
    return np.zeros(board.frame.n_customers, dtype=bool)


def _flags(board, today):
    out = []
    for c in range(board.frame.n_customers):
        s = board.customer(c)
        out.append(Flag(customer_id=s.customer_id, level=s.level, score=s.score, segment=s.segment,
                        reasons=tuple(f"{r.indicator}: {r.evidence}" for r in s.reasons), as_of=today))
    return tuple(out)


def _holds(board, written, extras, today, dpd):
    if not extras["hold_enabled"]:
        return ()
    frame = board.frame
    current = {h.customer_id: h for h in written.holds}
    lifted = {o.customer_id for o in written.overrides if o.release_until >= today}
    held_levels = [LEVELS.index(level) for level in hold_levels(extras["hold_level"])]
    delinquent = board.segment == SEGMENTS.index("delinquent")
    causes = [("indicator:fraud_suspicion", _fired(board, "fraud_suspicion"))]
    if extras["hold_delinquent"]:
        causes.append(("segment:delinquent", delinquent))
    if held_levels:
        causes.append((f"level:{extras['hold_level']}", np.isin(board.level, held_levels)))
    out = []
    for c in range(frame.n_customers):
        cid = str(frame.c_id[c])
        rule = next((name for name, mask in causes if mask[c]), None)
        if rule is None or cid in lifted:
            continue
        if cid in current:
            out.append(current[cid])
            continue
        if rule == "segment:delinquent":
            reason = f"delinquent: oldest invoice {int(dpd[c])} days past due"
        elif rule.startswith("level"):
            reason = f"risk {LEVELS[board.level[c]]} (score {board.score[c]:.0f})"
        else:
            reason = "fraud suspicion under investigation"
        out.append(Hold(customer_id=cid, rule=rule, reason=reason, since=today))
    return tuple(out)


def _task(frame, c, step, cause, today, body, assignee, invoice=None, approval=False):
    return Task(customer_id=str(frame.c_id[c]), step=step, cause=cause,
                title=f"{STEP_TITLES[step]}: {frame.c_name[c]}"
                + (f" ({frame.i_number[invoice]})" if invoice is not None else ""),
                body=body, channel="approval" if approval else "todo", due_date=today, assignee=assignee,
                rule=f"fallback ladder: {step}", invoice_id=None if invoice is None else str(frame.i_id[invoice]),
                needs_approval=approval)


def _tasks(board, extras, today):
    frame = board.frame
    st = settlement(frame)
    dpd = (frame.as_of_day - frame.i_due).astype(np.int64)
    fraud = _fired(board, "fraud_suspicion")
    collections, manager = extras["collections_user"] or None, extras["manager_user"] or None
    out = []
    overdue = st.is_open & ~frame.i_credit & (dpd >= max(1, extras["reminder_days"]))
    for r in np.flatnonzero(overdue & ~fraud[frame.i_cust]):
        c = int(frame.i_cust[r])
        body = (f"{frame.i_number[r]}: {st.residual[r]:,.2f} {frame.currency} open, {int(dpd[r])} days past due. "
                "Send the reminder and note the answer.")
        out.append(_task(frame, c, "reminder", f"invoice:{frame.i_id[r]}", today, body, collections, invoice=int(r)))
    oldest = oldest_days_past_due(frame)
    for c in np.flatnonzero((oldest >= max(extras["call_days"], extras["patience_days"])) & ~fraud):
        body = f"Call {frame.c_name[c]}: oldest invoice {int(oldest[c])} days past due. Ask for a date and an amount."
        out.append(_task(frame, int(c), "phone_call", "overdue", today, body,
                         frame.c_salesperson[c] or collections))
    agency = (oldest >= extras["agency_days"]) & (_fired(board, "silence") | _fired(board, "broken_promise")) & ~fraud
    for c in np.flatnonzero(agency):
        body = f"{frame.c_name[c]}: {int(oldest[c])} days past due with silence or broken promises."
        out.append(_task(frame, int(c), "agency_referral", "overdue", today, body, manager, approval=True))
    for c in np.flatnonzero(fraud):
        out.append(_task(frame, int(c), "fraud_investigation", "fraud_suspicion", today,
                         "Fraud suspected: automated dunning is stopped. Investigate.", manager))
    for c in np.flatnonzero(_fired(board, "external_distress")):
        out.append(_task(frame, int(c), "sales_review", "external_distress", today,
                         "External distress reported: review the account with sales.",
                         frame.c_salesperson[c] or collections))
    return tuple(sorted(out, key=lambda t: t.key))


def fallback_plan(board, written, extras, today):
    dpd = oldest_days_past_due(board.frame)
    return DesiredState(as_of=today, flags=_flags(board, today), holds=_holds(board, written, extras, today, dpd),
                        tasks=_tasks(board, extras, today))


def day_of(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
