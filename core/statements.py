"""The monthly statement of account, on request (policy ``[credit.statements]``).

From ``day`` of each month, every customer with an open balance gets one statement listing all
its open and overdue invoices with the totals (cause ``month:<yyyy-mm>``: one per customer per
month; a closed one is remembered, so it is not sent twice; an open one stays until the next
month's is due, then that one replaces it). Its text is neutral, not friendly:
it goes to customers on credit hold or in a payment plan too, but not to a customer referred to
a collection agency (referred, or placed by a collector) or under fraud investigation (tone
follows state, core/tone.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import lru_cache

import numpy as np

from .actions import MONTH
from .credit_policy import StatementPolicy, StepRule
from .plan_view import Firing, PlanView

STEP = "statement_of_account"
LADDER = "statements"  # the name a statement's Firing carries instead of a ladder's
NOT_TO = ("agency referral", "with agency", "fraud investigation")


@lru_cache(maxsize=8)
def _rule(policy: StatementPolicy) -> StepRule:
    """The statement as a step rule: every open invoice of the customer, whatever its due date
    (built, not validated: a ladder may not name this step, core/credit_policy.py SCHEDULED)."""
    return StepRule.model_construct(step=STEP, scope="overdue", from_days=-36500, beyond_habit=False,
                                    channel=policy.channel, assignee=policy.assignee)


def month_cause(today: dt.date) -> str:
    return f"{MONTH}{today:%Y-%m}"


def describe(policy: StatementPolicy) -> str:
    return f"credit.statements: monthly statement of account from day {policy.day} of the month"


def statement_firings(view: PlanView, today: dt.date, open_keys: Collection[str] = ()) -> list[Firing]:
    """One statement per customer with an open balance this month, from the policy's day on;
    before that day, last month's statement where it is open (``open_keys``: the written ones)."""
    policy = view.credit.statements
    if not policy.monthly:
        return []
    early = today.day < policy.day
    period = today.replace(day=1) - dt.timedelta(days=1) if early else today
    f, rule, cause = view.frame, _rule(policy), month_cause(period)
    out = []
    for c in range(f.n_customers):
        rows = np.flatnonzero(view.st.is_open[view.i_rows[c]:view.i_rows[c + 1]]) + view.i_rows[c]
        if not len(rows) or view.state[c] in NOT_TO or view.fraud[c]:
            continue
        if early and f"task:{f.c_id[c]}:{STEP}:{cause}" not in open_keys:
            continue  # never sent late: the next one is due on the policy's day
        rows = rows[np.argsort(f.i_due[rows], kind="stable")]
        why = f"monthly statement of account for {view.month(period)}"
        out.append(Firing(c, LADDER, 0, rule, cause, tuple(int(r) for r in rows), notes=(), reason=why))
    return out
