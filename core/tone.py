"""Tone follows state: no friendly or courtesy text to a customer on credit hold, in a payment
plan, referred to a collection agency, or under fraud investigation.

``firm_state`` names the state per customer ("" for none); the steps of the policy's
``friendly_steps`` are not planned for a customer in one, and the ladder's open friendly step
closes when the customer enters one (it is remembered: the position on the ladder stays).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .actions import Hold, Task
from .columnar import NEVER, among
from .episodes import episode_cause
from .frame import LedgerFrame
from .promises import INSTALMENT_STATES, InstalmentTracking


def firm_state(frame: LedgerFrame, holds: Iterable[Hold], tasks: Iterable[Task], fraud: np.ndarray,
               instalments: InstalmentTracking, starts: np.ndarray) -> np.ndarray:
    """Per customer: "fraud investigation", "agency referral" (one of the episode's tasks, open or
    done), "credit hold", "payment plan" (an active plan not yet paid), or ""."""
    n = frame.n_customers
    state = np.full(n, "", dtype=object)
    live = (instalments.status != INSTALMENT_STATES.index("cancelled")) & ~instalments.plan_complete
    state[np.bincount(frame.n_cust, weights=live, minlength=n) > 0] = "payment plan"
    state[among(frame.c_id, (h.customer_id for h in holds))] = "credit hold"
    index = {str(c): k for k, c in enumerate(frame.c_id)}
    for task in tasks:
        c = index.get(task.customer_id)
        if (task.step == "agency_referral" and c is not None and starts[c] != NEVER
                and task.cause == episode_cause(int(starts[c]))):
            state[c] = "agency referral"
    state[fraud] = "fraud investigation"
    return state
