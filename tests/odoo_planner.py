"""A small planner for the Odoo end-to-end tests, until ``arwatch.core.planner`` lands.

Flags every customer above "low"; holds the "delinquent" and "critical" ones; one reminder
task per open invoice past due of a flagged customer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from arwatch.core.actions import DesiredState, Flag, Hold, Task
from arwatch.core.scoring import ScoreBoard
from arwatch.core.settlement import settlement


def small_plan(board: ScoreBoard, today: dt.date) -> DesiredState:
    frame = board.frame
    open_ = settlement(frame).is_open & (frame.i_due < today.toordinal())
    flags, holds, tasks = [], [], []
    for c in range(frame.n_customers):
        cs = board.customer(c)
        if cs.level == "low":
            continue
        reasons = tuple(f"{r.indicator}: {r.evidence}" for r in cs.reasons)
        flags.append(Flag(customer_id=cs.customer_id, level=cs.level, score=cs.score, segment=cs.segment,
                          reasons=reasons, as_of=today))
        if cs.segment == "delinquent" or cs.level == "critical":
            holds.append(Hold(customer_id=cs.customer_id, rule=f"segment:{cs.segment}",
                              reason=f"arwatch credit hold: {cs.level} risk", since=today))
        for r in np.flatnonzero(open_ & (frame.i_cust == c)):
            number = str(frame.i_number[r])
            tasks.append(Task(customer_id=cs.customer_id, step="reminder", cause=f"invoice:{number}",
                              title=f"Chase {number} ({cs.name})", body=f"Invoice {number} is past due.",
                              channel="call", due_date=today, rule="overdue", evidence=reasons[:1]))
    return DesiredState(as_of=today, flags=tuple(flags), holds=tuple(holds), tasks=tuple(tasks))
