"""Synthetic payment plans: every plan customer whose plan is agreed by today (30 days after its
trouble starts) has one, of monthly instalments of its typical invoice.

Same shape as the demo's missed plan (``arwatch.demo.plans``): the number of monthly
instalments and the days to the first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arwatch.core.model import Instalment, PaymentPlan

from ..archetypes import ON_A_PLAN
from ..plans import FIRST_INSTALMENT_DAYS, MONTHLY_INSTALMENTS
from .columns import Days
from .customers import Customers
from .records import Records, amounts


def plan_records(out: Records, book: Customers, cids: list[str], days: Days) -> list[Any]:
    day, n_inst = days.day, MONTHLY_INSTALMENTS
    plans = []
    pc = np.flatnonzero(book.any_of(ON_A_PLAN) & (book.t0 + 30 <= days.T))
    for n, c in enumerate(pc.tolist()):
        agreed = int(book.t0[c]) + 30
        cents = amounts(np.full(n_inst, max(100, int(book.size[c]))))
        inst = [out(Instalment, {"due_date": day(agreed + FIRST_INSTALMENT_DAYS + 30 * k), "amount": cents[k]})
                for k in range(n_inst)]
        plans.append(out(PaymentPlan, {"id": f"L{n:07d}", "customer_id": cids[c], "agreed_on": day(agreed),
                                       "instalments": out.many(inst)}))
    return plans
