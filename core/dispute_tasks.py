"""The planner's ``dispute`` scope: a task to resolve each dispute open too long (issue 18.5).

One firing per open dispute (``core/disputed.py``) open ``from_days`` days or more, cause
``dispute:<opened day>:<invoice number or "account">``; when the dispute ends (a ``resolved``
note, its resolution day, a payment or credit note on the invoice) it is no longer desired and
the diff closes its task.
"""

from __future__ import annotations

import numpy as np

from .credit_policy import StepRule
from .disputed import open_disputes
from .frame import date_of
from .indicators.base import fmt_day, fmt_money
from .plan_view import Firing, PlanView


def dispute_firings(view: PlanView, customers: np.ndarray, ladder: str, index: int,
                    rule: StepRule) -> list[Firing]:
    f = view.frame
    assert rule.from_days is not None  # StepRule requires it for the dispute scope
    days_open = f.as_of_day - f.d_open.astype(np.int64)
    rows = np.flatnonzero(open_disputes(f) & (days_open >= rule.from_days) & customers[f.d_cust])
    out: list[Firing] = []
    for row in rows:
        r = int(row)
        inv = int(f.d_inv[r])
        about = str(f.i_number[inv]) if inv >= 0 else "account"
        amount = "" if np.isnan(f.d_amount[r]) else f" ({fmt_money(float(f.d_amount[r]))} disputed)"
        reason = f": {f.d_reason[r]}" if f.d_reason[r] else ""
        note = (f"dispute on {'the account' if inv < 0 else about} opened {fmt_day(f.d_open[r])}, "
                f"{int(days_open[r])} days open{amount}{reason}")
        out.append(Firing(int(f.d_cust[r]), ladder, index, rule,
                          f"dispute:{date_of(f.d_open[r]).isoformat()}:{about}",
                          invoices=(inv,) if inv >= 0 else (), notes=(note,)))
    return out
