"""What a customer owes past due, as the worklist ranks it: amount overdue (what a call asks for:
not the parts under dispute), days past due of the oldest open invoice, and the money at risk
(amount overdue times the risk score read as a probability), as the core's call list ranks calls."""

import numpy as np

from arwatch.core.call_list import asked_and_disputed
from arwatch.core.indicators.aging import oldest_days_past_due


def exposure(board):
    """``(partner ids, amount overdue, days past due, money at risk)``, one entry per customer of
    ``board`` (plain Python lists, ready for one SQL statement)."""
    frame = board.frame
    overdue, _ = asked_and_disputed(frame)
    days = np.maximum(oldest_days_past_due(frame), 0)
    at_risk = overdue * np.asarray(board.score, dtype=float) / 100.0
    return ([int(x) for x in frame.c_id], [round(float(x), 2) for x in overdue], [int(x) for x in days],
            [round(float(x), 2) for x in at_risk])
