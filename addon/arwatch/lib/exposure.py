"""What a customer owes past due, as the worklist ranks it: amount overdue, days past due of the
oldest open invoice, and the money at risk (amount overdue times the risk score read as a
probability, as the core's call list ranks calls)."""

import numpy as np

from arwatch.core.indicators.aging import oldest_days_past_due
from arwatch.core.settlement import settlement


def exposure(board):
    """``(partner ids, amount overdue, days past due, money at risk)``, one entry per customer of
    ``board`` (plain Python lists, ready for one SQL statement)."""
    frame = board.frame
    st = settlement(frame)
    overdue_rows = st.is_open & (frame.i_due < frame.as_of_day)
    overdue = np.bincount(frame.i_cust, weights=np.where(overdue_rows, st.residual, 0.0),
                          minlength=frame.n_customers)
    days = np.maximum(oldest_days_past_due(frame), 0)
    at_risk = overdue * np.asarray(board.score, dtype=float) / 100.0
    return ([int(x) for x in frame.c_id], [round(float(x), 2) for x in overdue], [int(x) for x in days],
            [round(float(x), 2) for x in at_risk])
