"""Synthetic receivables at scale for benchmarks: the demo's behaviours, randomised with numpy.

``build_synthetic(n_customers, n_invoices, n_payments, seed)`` returns the raw-dict shape that
``arwatch.core.load.load_ledger`` accepts (keys company, customers, invoices, payments, disputes,
contact_attempts, payment_plans, signals) with exactly the requested numbers of customers,
invoice records (about 2% of them credit notes) and payment records (most allocated to one
invoice; some to several, some partial, about 1% returned).

Two paths:

* default (fast): the collections hold model instances built without validation (the
  ``model_construct`` route, only quicker), correct by construction. ``load_ledger`` accepts them
  as they are (pydantic does not revalidate instances) and runs only its cross-record checks.
* ``validate=True``: the collections hold plain JSON-able dicts (ISO dates, amounts as strings)
  and the result is checked with ``load_ledger``; any issue raises ``ValueError``.

``synthetic_ledger(...)`` returns a ``Ledger`` directly (built without validation by default).
Same arguments, same output: only ``numpy.random.default_rng(seed)`` is used.
"""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np

from arwatch.core.load import load_ledger
from arwatch.core.model import (
    Allocation,
    Channel,
    Company,
    Contact,
    ContactAttempt,
    Customer,
    Dispute,
    Instalment,
    Invoice,
    InvoiceKind,
    Ledger,
    Payment,
    PaymentPlan,
    PaymentState,
    Signal,
    SignalKind,
)

DEFAULT_TODAY = dt.date(2026, 11, 20)
COMPANY = {"id": "synthetic", "name": "Synthetic Wholesale Ltd", "currency": "EUR"}
CREDIT_NOTE_SHARE = 0.02
RETURNED_SHARE = 0.01
MULTI_INVOICE_SHARE = 0.06

# archetype name (as in arwatch.demo.company) -> share of customers
ARCHETYPE_SHARES: dict[str, float] = {
    "punctual": 0.50, "stable_habit": 0.07, "chronic_late": 0.07, "new": 0.04,
    "month_end_payer": 0.03, "habit_slipper": 0.03, "selective_payer": 0.02, "silent": 0.03,
    "broken_promise": 0.03, "failed_payments": 0.02, "bank_churner": 0.02, "disputer": 0.03,
    "sudden_complainer": 0.02, "staff_exodus": 0.02, "volume_dropper": 0.02,
    "external_distress": 0.015, "fraud_suspicion": 0.005, "hearsay": 0.015,
    "plan_missed": 0.01, "plan_on_track": 0.01,
}
ARCHETYPES = tuple(ARCHETYPE_SHARES)
_A = {name: i for i, name in enumerate(ARCHETYPES)}
_GOOD = [_A[a] for a in ("punctual", "stable_habit", "chronic_late", "new", "month_end_payer")]
_TROUBLED = [i for a, i in _A.items() if _A[a] not in _GOOD]
_COUNTRIES = np.array(["DE", "NL", "FR", "BE", "AT", "IE", "ES", "IT"])
_NEVER = 2**31 - 1


# ------------------------------------------------------------------------------- fast records
def _maker(cls: type) -> Any:
    """A constructor that skips validation, like ``cls.model_construct`` but cheaper per call."""
    defaults = {name: f.get_default(call_default_factory=True)
                for name, f in cls.model_fields.items() if not f.is_required()}
    new = cls.__new__
    put = object.__setattr__
    sets: dict[tuple[str, ...], set[str]] = {}  # one fields-set per key pattern (frozen models)

    def make(values: dict[str, Any]) -> Any:
        obj = new(cls)
        fields = dict(defaults)
        fields.update(values)
        keys = tuple(values)
        fields_set = sets.get(keys)
        if fields_set is None:
            fields_set = sets[keys] = set(keys)
        put(obj, "__dict__", fields)
        put(obj, "__pydantic_fields_set__", fields_set)
        put(obj, "__pydantic_extra__", None)
        put(obj, "__pydantic_private__", None)
        return obj

    return make


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


class _Out:
    """Produces either model instances (fast) or plain dicts for each record."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        self.makers = {cls: _maker(cls) for cls in (Allocation, Contact, Customer, Invoice, Payment,
                                                    Dispute, ContactAttempt, Instalment,
                                                    PaymentPlan, Signal)}

    def __call__(self, cls: type, values: dict[str, Any]) -> Any:
        return _plain(values) if self.plain else self.makers[cls](values)


# ------------------------------------------------------------------------------- generation
def _money(cents: np.ndarray) -> list[Decimal]:
    return [Decimal(c).scaleb(-2) for c in cents.tolist()]


def _pick(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """``k`` random indexes where ``mask`` is true (fewer if there are fewer)."""
    where = np.flatnonzero(mask)
    k = min(k, len(where))
    return np.sort(rng.choice(where, k, replace=False)) if k else where[:0]


def _generate(n_customers: int, n_invoices: int, n_payments: int, seed: int,
              today: dt.date, plain: bool) -> dict[str, Any]:
    # millions of small acyclic objects: the cyclic garbage collector would rescan them over
    # and over (it made the build several times slower), so it is paused while they are made
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate_records(n_customers, n_invoices, n_payments, seed, today, plain)
    finally:
        if enabled:
            gc.enable()


def _generate_records(n_customers: int, n_invoices: int, n_payments: int, seed: int,
                      today: dt.date, plain: bool) -> dict[str, Any]:
    if n_customers < 1 or n_invoices < 1 or n_payments < 0:
        raise ValueError("need at least one customer and one invoice")
    rng = np.random.default_rng(seed)
    out = _Out(plain)
    T = today.toordinal()
    S = T - 3 * 365
    base = S - 400
    dates = [dt.date.fromordinal(base + i) for i in range(T - base + 400)]

    def day(d: int) -> dt.date:
        return dates[d - base]

    # ---------------------------------------------------------------- customers
    nc = n_customers
    shares = np.array(list(ARCHETYPE_SHARES.values()))
    arche = rng.choice(len(ARCHETYPES), nc, p=shares / shares.sum())
    is_a = {name: arche == i for name, i in _A.items()}
    troubled = np.isin(arche, _TROUBLED)
    terms = rng.choice(np.array([30, 15, 45, 60]), nc, p=[0.7, 0.1, 0.12, 0.08])
    terms[is_a["stable_habit"] | is_a["chronic_late"] | is_a["month_end_payer"] | is_a["habit_slipper"]] = 30
    weight = rng.lognormal(0.0, 0.8, nc)
    weight[troubled] = np.maximum(weight[troubled], 1.0)
    start = np.full(nc, S, dtype=np.int64)
    late = (rng.random(nc) < 0.1) & ~troubled
    start[late] += rng.integers(0, 700, late.sum())
    start[is_a["new"]] = T - rng.integers(20, 120, is_a["new"].sum())
    t0 = np.full(nc, _NEVER, dtype=np.int64)
    t0[troubled] = T - rng.integers(30, 420, troubled.sum())
    stop = np.full(nc, _NEVER, dtype=np.int64)
    stops = troubled & (rng.random(nc) < 0.6) & ~is_a["disputer"] | is_a["silent"] | is_a["broken_promise"]
    stop[stops] = t0[stops] + rng.integers(0, 150, stops.sum())
    size = (rng.lognormal(6.9, 0.7, nc) * 100).astype(np.int64)
    country = _COUNTRIES[rng.integers(0, len(_COUNTRIES), nc)]

    # ---------------------------------------------------------------- invoices
    n_notes = min(int(round(n_invoices * CREDIT_NOTE_SHARE)), n_invoices - 1) if n_invoices > 1 else 0
    ni = n_invoices - n_notes
    cust = rng.choice(nc, ni, p=weight / weight.sum())
    cust.sort(kind="stable")
    span = T - start[cust] + 1
    issue = start[cust] + (rng.random(ni) * span).astype(np.int64)
    vd = is_a["volume_dropper"][cust] & (issue >= t0[cust]) & (rng.random(ni) < 0.75)
    issue[vd] = start[cust][vd] + (rng.random(vd.sum()) * np.maximum(1, t0[cust][vd] - start[cust][vd])).astype(np.int64)
    me = is_a["month_end_payer"][cust] & (rng.random(ni) < 0.5)
    if me.any():
        month = (issue[me] - 719163).astype("datetime64[D]").astype("datetime64[M]")
        last = ((month + 1).astype("datetime64[D]") - 1).astype(np.int64) + 719163
        issue[me] = np.minimum(T, last - rng.integers(0, 5, me.sum()))
    month_end = ((issue - 719163 + 5).astype("datetime64[D]").astype("datetime64[M]")
                 != (issue - 719163).astype("datetime64[D]").astype("datetime64[M]"))
    amount = np.maximum(2500, size[cust] * rng.lognormal(0.0, 0.5, ni)).astype(np.int64)
    sel = is_a["selective_payer"][cust]
    big = sel & (rng.random(ni) < 0.35)
    amount[sel] = np.maximum(2500, size[cust][sel] * 0.25).astype(np.int64)
    amount[big] = size[cust][big] * 3
    due = issue + terms[cust]
    a_of = arche[cust]
    tc = terms[cust]
    r = rng.random(ni)
    delay = tc - rng.integers(0, 9, ni)
    delay = np.where(r < 0.04, tc + rng.integers(3, 13, ni), delay)
    delay = np.where(a_of == _A["stable_habit"], rng.integers(55, 61, ni), delay)
    delay = np.where(a_of == _A["chronic_late"], tc + np.clip(rng.normal(55, 12, ni), 35, 78).astype(np.int64), delay)
    delay = np.where((a_of == _A["month_end_payer"]) & month_end, tc + rng.integers(12, 26, ni), delay)
    since = np.maximum(0, issue - t0[cust])
    delay = np.where((a_of == _A["habit_slipper"]) & (issue >= t0[cust]), tc + 3 + (since * 0.4).astype(np.int64), delay)
    slow = troubled[cust] & (issue + delay >= t0[cust]) & (a_of != _A["habit_slipper"])
    delay = np.where(slow, delay + rng.integers(5, 26, ni), delay)
    pay = issue + np.maximum(1, delay)
    good = np.isin(a_of, _GOOD)
    pay = np.where(good, np.minimum(pay, due + 80), pay)
    stopped = pay >= stop[cust]
    stopped |= sel & (amount > size[cust]) & (pay >= t0[cust])
    paid = ~stopped & (pay <= T)

    # credit notes: part of an invoice settled by a credit note, the rest by payment
    note_inv = _pick(rng, amount > 1000, n_notes)
    n_notes = len(note_inv)
    credit = np.zeros(ni, dtype=np.int64)
    credit[note_inv] = np.maximum(100, (amount[note_inv] * rng.uniform(0.05, 0.3, n_notes)).astype(np.int64))
    note_day = np.minimum(T, issue[note_inv] + rng.integers(3, 13, n_notes))
    if n_notes < n_invoices - ni:  # too few invoices to credit: issue more invoices instead
        raise ValueError("too few invoices for the credit-note share")
    # disputes: the disputed part is paid short and stays open (disputers dispute 30%)
    p_disp = np.where(is_a["disputer"][cust], 0.3, 0.005)
    d_rows = np.flatnonzero((rng.random(ni) < p_disp) & (issue + 4 <= T))
    short = np.zeros(ni, dtype=np.int64)
    short[d_rows] = np.maximum(1, (amount[d_rows] * rng.uniform(0.1, 0.5, len(d_rows))).astype(np.int64))
    to_pay = amount - credit - short

    # ---------------------------------------------------------------- payments
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
    join[_pick(rng, eligible, n_join)] = True
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
    split_rows = _pick(rng, singles & (to_pay[rows] >= 200), n_split)
    n_account = n_split - len(split_rows)  # payments on account when there is nothing to split
    part = (to_pay[rows[split_rows]] * rng.uniform(0.3, 0.8, len(split_rows))).astype(np.int64)
    part = np.clip(part, 1, to_pay[rows[split_rows]] - 1)
    part_day = np.maximum(issue[rows[split_rows]] + 1, pay[rows[split_rows]] - rng.integers(5, 21, len(split_rows)))
    alloc_amount = to_pay[rows].copy()
    alloc_amount[split_rows] -= part
    g_amount = np.add.reduceat(alloc_amount, starts) if len(rows) else np.zeros(0, dtype=np.int64)
    # returned payments (no allocations: the invoice stays open) and payments on account
    fp = np.flatnonzero(is_a["failed_payments"])
    ret_cust = fp[rng.integers(0, len(fp), n_ret)] if len(fp) else rng.integers(0, nc, n_ret)
    ret_day = np.minimum(T - 7, np.maximum(start[ret_cust] + 1, T - 7 - rng.integers(0, 180, n_ret)))
    ret_back = np.minimum(T, ret_day + rng.integers(2, 7, n_ret))
    ret_amount = size[ret_cust]
    acc_cust = rng.integers(0, nc, n_account)
    acc_day = np.maximum(start[acc_cust], T - rng.integers(0, 1000, n_account))
    acc_amount = np.maximum(1000, size[acc_cust] // 2)

    # payer accounts: one per customer; churners (and fraud) move to new ones after t0
    def account(c: np.ndarray, d: np.ndarray) -> np.ndarray:
        churn = (is_a["bank_churner"] | is_a["fraud_suspicion"])[c]
        k_ = np.where(churn & (d >= t0[c]), 1, 0) + np.where(churn & (d >= t0[c] + 40), 1, 0)
        return c * 3 + k_

    # ---------------------------------------------------------------- records: customers
    company = dict(COMPANY) if plain else Company(**COMPANY)
    cids = [f"C{i:07d}" for i in range(nc)]
    iids = [f"I{i:08d}" for i in range(ni)]
    roles = ("Accounts payable", "Purchasing manager", "Owner", "Finance director")
    n_contacts = rng.integers(1, 4, nc)
    staff = is_a["staff_exodus"]
    customers = []
    terms_l, start_l, t0_l, country_l = terms.tolist(), start.tolist(), t0.tolist(), country.tolist()
    staff_l, arche_l = staff.tolist(), arche.tolist()
    created_l = (start - rng.integers(0, 1500, nc)).tolist()
    for i in range(nc):
        contacts = []
        for j in range(int(n_contacts[i]) + (2 if staff_l[i] else 0)):
            archived = None
            if staff_l[i] and j < 2 and t0_l[i] + 30 * j <= T:
                archived = day(t0_l[i] + 30 * j)
            contacts.append(out(Contact, {"id": f"{cids[i]}-{j}", "name": f"Contact {j + 1} of {cids[i]}",
                                          "role": roles[j % 4], "created_on": day(created_l[i]),
                                          "archived_on": archived}))
        customers.append(out(Customer, {
            "id": cids[i], "name": f"Customer {i:07d} ({ARCHETYPES[arche_l[i]]})", "currency": "EUR",
            "terms_days": terms_l[i], "salesperson": f"Sales {i % 5 + 1}", "country": country_l[i],
            "created_on": day(created_l[i]), "contacts": tuple(contacts) if not plain else contacts}))

    # ---------------------------------------------------------------- records: invoices
    paid_total = np.zeros(ni, dtype=np.int64)
    paid_total[rows] = to_pay[rows]
    residual = amount - credit - paid_total  # short-paid disputed parts stay open
    invoices = []
    inv_kind, note_kind = InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE
    totals, residuals = _money(amount), _money(residual)
    for i, c, d_issue, d_due in zip(range(ni), cust.tolist(), issue.tolist(), due.tolist(), strict=False):
        invoices.append(out(Invoice, {
            "id": iids[i], "number": f"INV/{dates[d_issue - base].year}/{i:07d}", "customer_id": cids[c],
            "kind": inv_kind, "issue_date": dates[d_issue - base], "due_date": dates[d_due - base],
            "total": totals[i], "residual": residuals[i]}))
    del totals, residuals
    for n, (i, d, cents) in enumerate(zip(note_inv.tolist(), note_day.tolist(), _money(credit[note_inv]), strict=False)):
        alloc = out(Allocation, {"invoice_id": iids[i], "amount": cents, "date": day(d)})
        invoices.append(out(Invoice, {
            "id": f"R{n:08d}", "number": f"RINV/{day(d).year}/{n:07d}", "customer_id": cids[int(cust[i])],
            "kind": note_kind, "issue_date": day(d), "due_date": day(d), "total": cents,
            "residual": Decimal(0), "allocations": (alloc,) if not plain else [alloc]}))

    # ---------------------------------------------------------------- records: payments
    payments = []
    posted, returned = PaymentState.POSTED, PaymentState.RETURNED
    labels: dict[int, str] = {}

    def label(code: int) -> str:
        text = labels.get(code)
        if text is None:
            text = labels[code] = f"{country_l[code // 3]}{10 + code % 90:02d} **** **** {code:08d}"
        return text

    a_inv = [iids[i] for i in rows.tolist()]
    a_amt = _money(alloc_amount)
    g_acc = account(g_cust, g_day).tolist()
    bounds = np.r_[starts, len(rows)].tolist()
    amounts = _money(g_amount)
    pid = 0
    for g, (c, d) in enumerate(zip(g_cust.tolist(), g_day.tolist(), strict=False)):
        lo, hi = bounds[g], bounds[g + 1]
        allocs = [out(Allocation, {"invoice_id": a_inv[j], "amount": a_amt[j]}) for j in range(lo, hi)]
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": dates[d - base], "amount": amounts[g],
            "state": posted, "payer_account": label(g_acc[g]), "reference": a_inv[lo],
            "allocations": tuple(allocs) if not plain else allocs}))
        pid += 1
    del a_amt, amounts
    s_cust = cust[rows[split_rows]]
    s_acc = account(s_cust, part_day).tolist()
    for j, (r_, c, d, cents) in enumerate(zip(split_rows.tolist(), s_cust.tolist(), part_day.tolist(), _money(part), strict=False)):
        alloc = out(Allocation, {"invoice_id": a_inv[r_], "amount": cents})
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents, "state": posted,
            "payer_account": label(s_acc[j]), "reference": f"part of {a_inv[r_]}",
            "allocations": (alloc,) if not plain else [alloc]}))
        pid += 1
    r_acc = account(ret_cust, ret_day).tolist()
    for j, (c, d, back, cents) in enumerate(zip(ret_cust.tolist(), ret_day.tolist(), ret_back.tolist(),
                                                _money(ret_amount), strict=False)):
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents,
            "state": returned, "returned_on": day(back), "payer_account": label(r_acc[j]),
            "reference": "returned: insufficient funds"}))
        pid += 1
    for c, d, cents in zip(acc_cust.tolist(), acc_day.tolist(), _money(acc_amount), strict=False):
        payments.append(out(Payment, {
            "id": f"P{pid:08d}", "customer_id": cids[c], "date": day(d), "amount": cents, "state": posted,
            "payer_account": label(int(c) * 3), "reference": "payment on account"}))
        pid += 1
    assert len(payments) == n_payments, (len(payments), n_payments)
    del a_inv

    # ---------------------------------------------------------------- disputes and complaints
    disputes = []
    d_open = np.minimum(T, issue[d_rows] + rng.integers(4, 31, len(d_rows)))
    d_res = d_open + rng.integers(12, 46, len(d_rows))
    d_amt = _money(short[d_rows])
    for n, (i, o, res) in enumerate(zip(d_rows.tolist(), d_open.tolist(), d_res.tolist(), strict=False)):
        disputes.append(out(Dispute, {
            "id": f"D{n:08d}", "customer_id": cids[int(cust[i])], "invoice_id": iids[i], "opened_on": day(o),
            "resolved_on": day(res) if res <= T else None, "amount": d_amt[n], "reason": "short delivery",
            "kind": "dispute"}))
    sc = np.flatnonzero(is_a["sudden_complainer"] & (t0 <= T - 10))
    c_cust = np.r_[np.repeat(sc, 3), rng.choice(nc, nc // 20)]
    c_day = np.r_[np.minimum(T, np.repeat(t0[sc], 3) + rng.integers(0, 80, 3 * len(sc))),
                  start[c_cust[3 * len(sc):]] + rng.integers(0, 365, nc // 20)]
    c_day = np.minimum(c_day, T)
    for n, (c, o) in enumerate(zip(c_cust.tolist(), c_day.tolist(), strict=False)):
        disputes.append(out(Dispute, {
            "id": f"K{n:08d}", "customer_id": cids[c], "opened_on": day(o),
            "resolved_on": day(o + 10) if o + 10 <= T else None, "reason": "late delivery",
            "kind": "complaint"}))

    # ---------------------------------------------------------------- contact attempts
    attempts = []
    overdue = (np.where(paid, pay, _NEVER) > due + 7) & (due + 7 <= T)
    t_rows = np.flatnonzero(overdue)
    t_day = due[t_rows] + 7
    t_cust = cust[t_rows]
    silent = (is_a["silent"][t_cust] | is_a["fraud_suspicion"][t_cust]) & (t_day >= t0[t_cust] - 45)
    answered = ~silent & (rng.random(len(t_rows)) < 0.85)
    promising = answered & (rng.random(len(t_rows)) < 0.5)
    bp = is_a["broken_promise"][t_cust] | is_a["plan_missed"][t_cust]
    promise = np.where(bp & (t_day >= t0[t_cust] - 60), t_day + 7,  # broken: pays later or never
                       np.where(paid[t_rows], np.maximum(t_day, pay[t_rows]), t_day + 14))
    promising &= promise <= T + 60
    p_amt = _money(to_pay[t_rows])
    channel_call, channel_email = Channel.CALL, Channel.EMAIL
    chan = rng.random(len(t_rows)) < 0.6
    for n, (c, d, ans, prom, pd, call) in enumerate(zip(t_cust.tolist(), t_day.tolist(), answered.tolist(),
                                                        promising.tolist(), promise.tolist(), chan.tolist(), strict=False)):
        attempts.append(out(ContactAttempt, {
            "id": f"T{n:08d}", "customer_id": cids[c], "on": day(d),
            "channel": channel_call if call else channel_email, "answered": ans,
            "outcome": "promised to pay" if prom else ("" if ans else "no answer"),
            "promise_date": day(pd) if prom else None, "promise_amount": p_amt[n] if prom else None}))

    # ---------------------------------------------------------------- plans and signals
    plans = []
    pc = np.flatnonzero((is_a["plan_missed"] | is_a["plan_on_track"]) & (t0 + 30 <= T))
    for n, c in enumerate(pc.tolist()):
        agreed = int(t0[c]) + 30
        cents = _money(np.full(4, max(100, int(size[c]))))
        inst = [out(Instalment, {"due_date": day(agreed + 15 + 30 * k), "amount": cents[k]}) for k in range(4)]
        plans.append(out(PaymentPlan, {"id": f"L{n:07d}", "customer_id": cids[c], "agreed_on": day(agreed),
                                       "instalments": tuple(inst) if not plain else inst}))
    signals = []
    kinds = {"external_distress": (SignalKind.INDUSTRY_DISTRESS, 0.7, 0.9, None),
             "fraud_suspicion": (SignalKind.FRAUD_SUSPICION, 0.9, 0.6, None),
             "hearsay": (SignalKind.HEARSAY, 0.4, 0.3, 90),
             "staff_exodus": (SignalKind.STAFF_LEFT, 0.5, 0.9, None)}
    n = 0
    for name, (kind, severity, confidence, expires) in kinds.items():
        for c in np.flatnonzero(is_a[name] & (t0 <= T)).tolist():
            on = int(t0[c]) + (30 if name == "fraud_suspicion" else 0)
            if on > T:
                continue
            signals.append(out(Signal, {"id": f"S{n:07d}", "customer_id": cids[c], "kind": kind, "on": day(on),
                                        "source": "manual", "note": name.replace("_", " "),
                                        "severity": severity, "confidence": confidence,
                                        "expires_on": day(on + expires) if expires else None}))
            n += 1
    return {"company": company, "customers": customers, "invoices": invoices, "payments": payments,
            "disputes": disputes, "contact_attempts": attempts, "payment_plans": plans, "signals": signals}


def build_synthetic(n_customers: int = 100_000, n_invoices: int = 1_000_000,
                    n_payments: int = 1_000_000, seed: int = 1, *, today: dt.date = DEFAULT_TODAY,
                    validate: bool = False) -> dict[str, Any]:
    """Raw ledger data of the requested size; see the module docstring for the two paths.

    ``n_invoices`` counts every record of the ``invoices`` collection, credit notes included
    (about 2%); ``n_payments`` counts every payment record, returned ones included (about 1%).
    """
    data = _generate(n_customers, n_invoices, n_payments, seed, today, plain=validate)
    if validate:
        _, issues = load_ledger(data, source="synthetic")
        if issues:
            raise ValueError(f"{len(issues)} load issues, first: {issues[0]}")
    return data


def synthetic_ledger(n_customers: int = 100_000, n_invoices: int = 1_000_000,
                     n_payments: int = 1_000_000, seed: int = 1, *, today: dt.date = DEFAULT_TODAY,
                     validate: bool = False) -> Ledger:
    """The same data as a ``Ledger`` (source "synthetic"), built without validation by default."""
    data = _generate(n_customers, n_invoices, n_payments, seed, today, plain=validate)
    if validate:
        ledger, issues = load_ledger(data, source="synthetic")
        if issues:
            raise ValueError(f"{len(issues)} load issues, first: {issues[0]}")
        return ledger
    return Ledger.model_construct(source="synthetic", unavailable=frozenset({"orders"}),  # as load_ledger: no orders
                                  **{k: (v if k == "company" else tuple(v)) for k, v in data.items()})
