"""The planner's ``dispute`` scope: a task to resolve each dispute open too long (issue 18.5).

One firing per customer with an open dispute (``core/disputed.py``) open ``from_days`` days or
more (one task per customer and step, whatever the number of disputes), cause ``disputes``,
citing each dispute; when none is left open that long (a ``resolved`` note, a resolution day, a
payment or credit note on the invoice) it is no longer desired and the diff closes the task.
"""

from __future__ import annotations

import numpy as np

from . import wording
from .credit_policy import StepRule
from .disputed import open_disputes
from .plan_view import Firing, PlanView


def dispute_firings(view: PlanView, customers: np.ndarray, ladder: str, index: int,
                    rule: StepRule) -> list[Firing]:
    """One firing per customer with a dispute open too long (cause ``disputes``), citing each."""
    f = view.frame
    assert rule.from_days is not None  # StepRule requires it for the dispute scope
    days_open = f.as_of_day - f.d_open.astype(np.int64)
    rows = np.flatnonzero(open_disputes(f) & (days_open >= rule.from_days) & customers[f.d_cust])
    by_customer: dict[int, list[int]] = {}
    for row in rows:
        by_customer.setdefault(int(f.d_cust[row]), []).append(int(row))
    out: list[Firing] = []
    for c, found in by_customer.items():
        invoices = tuple(sorted({int(f.d_inv[r]) for r in found if f.d_inv[r] >= 0}, key=lambda i: int(f.i_due[i])))
        out.append(Firing(c, ladder, index, rule, "disputes", invoices=invoices,
                          notes=tuple(_words(view, r, int(days_open[r])) for r in found)))
    return out


def _words(view: PlanView, r: int, days_open: int) -> str:
    f = view.frame
    inv = int(f.d_inv[r])
    about = "the account" if inv < 0 else str(f.i_number[inv])
    amount = "" if np.isnan(f.d_amount[r]) else f" ({view.money(float(f.d_amount[r]))} disputed)"
    reason = f": {f.d_reason[r]}" if f.d_reason[r] else ""
    return f"dispute on {about} opened {view.day(f.d_open[r])}, {wording.days(days_open)} open{amount}{reason}"
