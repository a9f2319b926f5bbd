"""Synthetic step 3, payments: when each invoice is paid (the customer's habit and trouble),
payments grouped over several invoices, split in parts, returned, or on account; the payer
accounts; then the payment records.

Same parameters as the demo's step (``arwatch.demo.payments``): how early a punctual payer
pays, the share and size of slips, a stable habit's days, a chronic late payer's and a
month-end payer's delays, a habit slipper's drift, the cap on good customers' delays. The
demo adds delay per archetype once trouble starts (``SLOW_ADD``, 5 to 30 days); the book adds
``SLOW_DAYS`` to every troubled archetype but the habit slipper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from arwatch.core.model import Allocation, Payment, PaymentState

from ..payments import (
    CHRONIC_LATE_DAYS,
    EARLY_DAYS,
    GOOD_CAP_DAYS,
    HABIT_SLIP_RATE,
    MONTH_END_LATE_DAYS,
    SLIP_DAYS,
    SLIP_SHARE,
    STABLE_HABIT_DAYS,
)
from .columns import Days, pick, randint
from .customers import GOOD_INDEXES, INDEX, Customers
from .invoices import Invoices
from .records import Records, amounts

#: the share of payment records that are returned (bounced)
RETURNED_SHARE = 0.01
#: the share of paid invoices paid together with the customer's previous one
MULTI_INVOICE_SHARE = 0.06
#: extra days of delay once trouble starts, every troubled archetype but the habit slipper
SLOW_DAYS = (5, 25)


@dataclass
class PayDays:
    pay: np.ndarray  # the day each invoice is (or would be) paid
    paid: np.ndarray  # paid by today; the payments step unpays some when payments are short


@dataclass
class Payments:
    """The payments as columns: groups of invoices paid together (``rows`` in order of customer
    and day, a group starting at each of ``starts``), earlier part payments, returned payments
    and payments on account."""

    rows: np.ndarray  # the invoices paid
    starts: np.ndarray
    day: np.ndarray  # per group
    cust: np.ndarray  # per group
    amount: np.ndarray  # per group
    alloc_amount: np.ndarray  # per row of ``rows``
    split_rows: np.ndarray  # indexes into ``rows`` paid partly earlier
    part: np.ndarray
    part_day: np.ndarray
    ret_cust: np.ndarray
    ret_day: np.ndarray
    ret_back: np.ndarray
    ret_amount: np.ndarray
    acc_cust: np.ndarray
    acc_day: np.ndarray
    acc_amount: np.ndarray


def pay_days(rng: np.random.Generator, book: Customers, inv: Invoices, days: Days) -> PayDays:
    """The day each invoice is paid, by its customer's archetype; none once it stops paying."""
    T, cust, issue, t0 = days.T, inv.cust, inv.issue, book.t0
    n = inv.n
    a_of = book.arche[cust]
    tc = book.terms[cust]
    r = rng.random(n)
    delay = tc - randint(rng, EARLY_DAYS, n)
    delay = np.where(r < SLIP_SHARE, tc + randint(rng, SLIP_DAYS, n), delay)
    delay = np.where(a_of == INDEX["stable_habit"], randint(rng, STABLE_HABIT_DAYS, n), delay)
    mean, sd, low, high = CHRONIC_LATE_DAYS
    delay = np.where(a_of == INDEX["chronic_late"], tc + np.clip(rng.normal(mean, sd, n), low, high).astype(np.int64),
                     delay)
    delay = np.where((a_of == INDEX["month_end_payer"]) & inv.month_end, tc + randint(rng, MONTH_END_LATE_DAYS, n),
                     delay)
    since = np.maximum(0, issue - t0[cust])
    slipping = (a_of == INDEX["habit_slipper"]) & (issue >= t0[cust])
    delay = np.where(slipping, tc + 3 + (since * HABIT_SLIP_RATE).astype(np.int64), delay)
    slow = book.troubled[cust] & (issue + delay >= t0[cust]) & (a_of != INDEX["habit_slipper"])
    delay = np.where(slow, delay + randint(rng, SLOW_DAYS, n), delay)
    pay = issue + np.maximum(1, delay)
    good = np.isin(a_of, GOOD_INDEXES)
    pay = np.where(good, np.minimum(pay, inv.due + GOOD_CAP_DAYS), pay)
    stopped = pay >= book.stop[cust]
    stopped |= inv.selective & (inv.amount > book.size[cust]) & (pay >= t0[cust])
    paid = ~stopped & (pay <= T)
    return PayDays(pay, paid)


def payment_columns(rng: np.random.Generator, book: Customers, inv: Invoices, when: PayDays, to_pay: np.ndarray,
                    n_payments: int, days: Days) -> Payments:
    """Exactly ``n_payments`` payments for the paid invoices (``to_pay`` cents each): grouped,
    split, returned or on account to meet the count, or, when there are too many paid invoices,
    some left unpaid (``when.paid`` is updated)."""
    T, cust, pay, paid = days.T, inv.cust, when.pay, when.paid
    np_ = n_payments
    rows = np.flatnonzero(paid & (to_pay > 0))
    rows = rows[np.lexsort((pay[rows], cust[rows]))]
    k = len(rows)
    eligible = np.zeros(k, dtype=bool)
    if k > 1:
        eligible[1:] = (cust[rows][1:] == cust[rows][:-1]) & (pay[rows][1:] - pay[rows][:-1] <= 10)
    n_ret = int(round(np_ * RETURNED_SHARE))
    n_join = min(int(eligible.sum()), int(round(k * MULTI_INVOICE_SHARE)))
    n_split = np_ - n_ret - (k - n_join)
    if n_split < 0:  # more paid invoices than payments: merge more, return fewer, then unpay
        n_join = min(int(eligible.sum()), n_join - n_split)
        n_split = np_ - n_ret - (k - n_join)
    if n_split < 0:
        n_ret = max(0, n_ret + n_split)
        n_split = np_ - n_ret - (k - n_join)
    join = np.zeros(k, dtype=bool)
    join[pick(rng, eligible, n_join)] = True
    group = np.cumsum(~join) - 1
    n_groups = int(group[-1]) + 1 if k else 0
    if n_split < 0:  # drop whole groups: those invoices stay unpaid
        drop = np.zeros(n_groups, dtype=bool)
        drop[rng.choice(n_groups, -n_split, replace=False)] = True
        keep = ~drop[group]
        paid[rows[~keep]] = False
        rows, join = rows[keep], join[keep]
        join[0:1] = False
        group = np.cumsum(~join) - 1
        n_groups = int(group[-1]) + 1 if len(rows) else 0
        n_split = 0
    starts = np.flatnonzero(~join)
    g_day = np.maximum.reduceat(pay[rows], starts) if len(rows) else np.zeros(0, dtype=np.int64)
    g_cust = cust[rows][starts]
    g_size = np.diff(np.r_[starts, len(rows)])
    # splits: an earlier part payment on an invoice paid alone
    singles = np.zeros(len(rows), dtype=bool)
    singles[starts[g_size == 1]] = True
    split_rows = pick(rng, singles & (to_pay[rows] >= 200), n_split)
    n_account = n_split - len(split_rows)  # payments on account when there is nothing to split
    part = (to_pay[rows[split_rows]] * rng.uniform(0.3, 0.8, len(split_rows))).astype(np.int64)
    part = np.clip(part, 1, to_pay[rows[split_rows]] - 1)
    part_day = np.maximum(inv.issue[rows[split_rows]] + 1, pay[rows[split_rows]] - rng.integers(5, 21, len(split_rows)))
    alloc_amount = to_pay[rows].copy()
    alloc_amount[split_rows] -= part
    g_amount = np.add.reduceat(alloc_amount, starts) if len(rows) else np.zeros(0, dtype=np.int64)
    # returned payments (no allocations: the invoice stays open) and payments on account
    fp = np.flatnonzero(book.is_a["failed_payments"])
    ret_cust = fp[rng.integers(0, len(fp), n_ret)] if len(fp) else rng.integers(0, book.n, n_ret)
    ret_day = np.minimum(T - 7, np.maximum(book.start[ret_cust] + 1, T - 7 - rng.integers(0, 180, n_ret)))
    ret_back = np.minimum(T, ret_day + rng.integers(2, 7, n_ret))
    ret_amount = book.size[ret_cust]
    acc_cust = rng.integers(0, book.n, n_account)
    acc_day = np.maximum(book.start[acc_cust], T - rng.integers(0, 1000, n_account))
    acc_amount = np.maximum(1000, book.size[acc_cust] // 2)
    return Payments(rows, starts, g_day, g_cust, g_amount, alloc_amount, split_rows, part, part_day,
                    ret_cust, ret_day, ret_back, ret_amount, acc_cust, acc_day, acc_amount)


def payer_accounts(book: Customers, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The account code customer ``c`` pays from on day ``d``: one per customer; churners (and
    impostors) move to new ones after their trouble starts (code // 3 is the customer)."""
    churn = (book.is_a["bank_churner"] | book.is_a["fraud_suspicion"])[c]
    k_ = np.where(churn & (d >= book.t0[c]), 1, 0) + np.where(churn & (d >= book.t0[c] + 40), 1, 0)
    codes: np.ndarray = c * 3 + k_
    return codes


def payment_records(out: Records, book: Customers, inv: Invoices, pays: Payments, cids: list[str],
                    iids: list[str], days: Days) -> list[Any]:
    """The payment records: groups, part payments, returned payments, payments on account."""
    dates, base, day = days.dates, days.base, days.day
    payments = []
    posted, returned = PaymentState.POSTED, PaymentState.RETURNED
    country_l = book.country.tolist()
    labels: dict[int, str] = {}

    def label(code: int) -> str:
        text = labels.get(code)
        if text is None:
            text = labels[code] = f"{country_l[code // 3]}{10 + code % 90:02d} **** **** {code:08d}"
        return text

    a_inv = [iids[i] for i in pays.rows.tolist()]
    a_amt = amounts(pays.alloc_amount)
    g_acc = payer_accounts(book, pays.cust, pays.day).tolist()
    bounds = np.r_[pays.starts, len(pays.rows)].tolist()
    g_amounts = amounts(pays.amount)
    pid = 0
    for g, (c, d) in enumerate(zip(pays.cust.tolist(), pays.day.tolist(), strict=False)):
        lo, hi = bounds[g], bounds[g + 1]
        allocs = [out(Allocation, {"invoice_id": a_inv[j], "amount": a_amt[j]}) for j in range(lo, hi)]
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": dates[d - base], "amount": g_amounts[g],
            "state": posted, "payer_account": label(g_acc[g]), "reference": a_inv[lo],
            "allocations": out.many(allocs)}))
        pid += 1
    del a_amt, g_amounts
    s_cust = inv.cust[pays.rows[pays.split_rows]]
    s_acc = payer_accounts(book, s_cust, pays.part_day).tolist()
    for j, (r_, c, d, cents) in enumerate(zip(pays.split_rows.tolist(), s_cust.tolist(), pays.part_day.tolist(),
                                              amounts(pays.part), strict=False)):
        alloc = out(Allocation, {"invoice_id": a_inv[r_], "amount": cents})
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents, "state": posted,
            "payer_account": label(s_acc[j]), "reference": f"part of {a_inv[r_]}",
            "allocations": out.many([alloc])}))
        pid += 1
    r_acc = payer_accounts(book, pays.ret_cust, pays.ret_day).tolist()
    for j, (c, d, back, cents) in enumerate(zip(pays.ret_cust.tolist(), pays.ret_day.tolist(), pays.ret_back.tolist(),
                                                amounts(pays.ret_amount), strict=False)):
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents,
            "state": returned, "returned_on": day(back), "payer_account": label(r_acc[j]),
            "reference": "returned: insufficient funds"}))
        pid += 1
    for c, d, cents in zip(pays.acc_cust.tolist(), pays.acc_day.tolist(), amounts(pays.acc_amount), strict=False):
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents, "state": posted,
            "payer_account": label(int(c) * 3), "reference": "payment on account"}))
        pid += 1
    return payments
