"""No look-ahead, proved by perturbing the future: two ledgers that agree on everything known by
the end of day T, and differ in anything dated after it, give the same results as of T.

Hypothesis builds a ledger running past T, then a second one from it in which every record
dated after T may be dropped, moved to another day after T, or changed (amounts, answers,
flags), new records may appear after T, and the undated dispute flag of every invoice not
settled by T is flipped at will (it is known only once the invoice is settled). As of T both
must give the same scores, levels, segments, reasons with their evidence, indicator results,
replayed snapshots, learned-model features (at the invoice date and at the due date) and
expected payment dates of the invoices open at T.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arwatch.core.backtest.features import point_features
from arwatch.core.backtest.forecast import naive_day, open_at
from arwatch.core.backtest.replay import replay, replay_days
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.policy import Policy
from arwatch.core.scoring import score

T = dt.date(2025, 6, 30)
START = dt.date(2024, 1, 1)
END = T + dt.timedelta(days=150)
SIGNALS = ("hearsay", "staff_left", "industry_distress", "fraud_suspicion", "complaint")
POLICY = Policy()


def iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


class Draw:
    """The choices a ledger is built from: ``integer(lo, hi)`` drawn by hypothesis (``Draw.of``,
    shrinkable) or by a seeded ``random.Random`` for the guard test (``Draw.seeded``)."""

    def __init__(self, integer):
        self.int = integer

    @classmethod
    def of(cls, data) -> Draw:
        return cls(lambda lo, hi: data.draw(st.integers(lo, hi)))

    @classmethod
    def seeded(cls, seed: int) -> Draw:
        return cls(random.Random(seed).randint)

    def bool(self, one_in: int = 2) -> bool:
        return self.int(0, one_in - 1) == 0

    def choice(self, values):
        return values[self.int(0, len(values) - 1)]

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.int(0, max((hi - lo).days, 0)))

    def after_t(self) -> str:
        return iso(self.day(T + dt.timedelta(days=1), END))

    def maybe_day(self, lo: dt.date, hi: dt.date) -> dt.date | None:
        return None if self.bool() else self.day(lo, hi)


def invoice_with_payments(d: Draw, cid: str, k: int, lo: dt.date = START) -> tuple[dict, list[dict]]:
    """An invoice of ``cid`` issued from ``lo``, and the payments that settle (some of) it."""
    issue = d.day(lo, END)
    iid = f"{cid}i{k}"
    total = d.choice([60, 250, 900, 4000])
    flagged = d.bool(3)
    stated = d.maybe_day(issue, END) if flagged and d.bool() else None
    inv = {"id": iid, "number": f"INV/{iid}", "customer_id": cid, "issue_date": iso(issue),
           "due_date": iso(issue + dt.timedelta(days=d.choice([0, 15, 30]))), "total": str(total),
           "disputed": flagged, "disputed_on": iso(stated),
           "delivery": d.choice(["Paper", "Electronic", "EDI" if issue > T else "Paper", None])}
    parts = [total // 2, total - total // 2] if d.bool(4) else [total]
    payments = []
    for n, amount in enumerate(parts):
        if d.bool(5):  # some invoices stay (partly) unpaid
            continue
        on = issue + dt.timedelta(days=d.int(0, 100))
        bounced = on + dt.timedelta(days=d.int(0, 30)) if d.bool(10) else None
        payments.append({"id": f"{iid}p{n}", "customer_id": cid, "date": iso(on), "amount": str(amount),
                         "payer_account": d.choice(["A1", "B2", None]),
                         "state": "returned" if bounced else "posted", "returned_on": iso(bounced),
                         "allocations": [{"invoice_id": iid, "amount": str(amount)}]})
    return inv, payments


def build(d: Draw) -> dict:
    """A small ledger running from START to past T (always a record after T)."""
    data: dict = {k: [] for k in ("customers", "invoices", "payments", "disputes", "contact_attempts",
                                  "payment_plans", "signals")}
    for c in range(d.int(1, 4)):
        cid = f"c{c}"
        contacts = [{"id": f"{cid}k{k}", "name": f"K{k}", "created_on": "2023-06-01",
                     "archived_on": iso(d.maybe_day(START, END))} for k in range(d.int(0, 3))]
        data["customers"].append({"id": cid, "name": f"Customer {c}", "terms_days": 30, "contacts": contacts,
                                  "country": d.choice(["FR", "DE", None])})
        for k in range(d.int(0, 14)):
            inv, pays = invoice_with_payments(d, cid, k)
            data["invoices"].append(inv)
            data["payments"].extend(pays)
            if d.bool(7):
                opened = d.day(dt.date.fromisoformat(inv["issue_date"]), END)
                resolved = d.maybe_day(opened + dt.timedelta(days=1), END)
                data["disputes"].append({"id": f"{inv['id']}d", "customer_id": cid, "invoice_id": inv["id"],
                                         "opened_on": iso(opened), "resolved_on": iso(resolved),
                                         "kind": d.choice(["dispute", "complaint"])})
        for a in range(d.int(0, 5)):
            on = d.day(T - dt.timedelta(days=90), END)
            promise = d.maybe_day(on, on + dt.timedelta(days=20))
            data["contact_attempts"].append({"id": f"{cid}t{a}", "customer_id": cid, "on": iso(on),
                                             "answered": d.bool(), "promise_date": iso(promise),
                                             "promise_amount": "100" if promise else None})
        for s in range(d.int(0, 2)):
            data["signals"].append({"id": f"{cid}s{s}", "customer_id": cid, "kind": d.choice(SIGNALS),
                                    "on": iso(d.day(T - dt.timedelta(days=200), END)),
                                    "severity": 0.7, "confidence": 0.8})
        if d.bool(4):
            agreed = d.day(T - dt.timedelta(days=150), END)
            data["payment_plans"].append({
                "id": f"{cid}plan", "customer_id": cid, "agreed_on": iso(agreed),
                "cancelled_on": iso(d.maybe_day(agreed, END)),
                "instalments": [{"due_date": iso(agreed + dt.timedelta(days=30 * k)), "amount": "100"}
                                for k in (1, 2, 3)]})
    if d.bool():
        n = len(data["customers"])
        data["orders"] = [{"id": f"o{k}", "number": f"S{k}", "customer_id": f"c{k % n}",
                           "order_date": iso(d.day(START, END)), "total": str(d.choice([300, 2000])),
                           "state": "confirmed"} for k in range(d.int(0, 20))]
    # a snapshot taken after T: the undated flag of an invoice open at the end is a future fact
    data["contact_attempts"].append({"id": "after-T", "customer_id": "c0", "on": iso(END), "answered": True})
    return data


def settled_by_t(data: dict) -> set[str]:
    """Invoices whose allocations dated by T (bounced or not) cover their total."""
    paid: dict[str, float] = {}
    for p in data["payments"]:
        if p["date"] <= iso(T):
            for a in p["allocations"]:
                paid[a["invoice_id"]] = paid.get(a["invoice_id"], 0.0) + float(a["amount"])
    return {i["id"] for i in data["invoices"] if paid.get(i["id"], 0.0) >= float(i["total"]) - 0.01}


def future(day: str | None) -> bool:
    return day is not None and day > iso(T)


def perturb(d: Draw, data: dict) -> dict:
    """``data`` with everything dated after T redrawn; what was known by T is left alone."""
    t = iso(T)
    settled = settled_by_t(data)

    def flag(inv: dict) -> dict:
        if inv["disputed_on"] is not None:  # a stated day: only a future one may move
            return {**inv, "disputed_on": max(d.after_t(), inv["issue_date"])} if future(inv["disputed_on"]) else inv
        if inv["id"] in settled:  # known from its settled day, by T
            return inv
        return {**inv, "disputed": d.bool()}  # known only after T, whatever it says

    invoices = []
    for inv in data["invoices"]:
        if inv["issue_date"] > t:
            if d.bool():
                continue  # dropped
            day = dt.date.fromisoformat(d.after_t())
            inv = {**inv, "issue_date": iso(day), "due_date": iso(day + dt.timedelta(days=30)), "disputed_on": None}
        invoices.append(flag(inv))
    issued = {i["id"]: i["issue_date"] for i in invoices}
    payments = []
    for p in data["payments"]:
        target = p["allocations"][0]["invoice_id"]
        if target not in issued:
            continue
        if p["date"] > t:
            choice = d.int(0, 2)
            if choice == 0:
                continue  # never paid, or not yet
            p = {**p, "date": max(d.after_t(), issued[target]), "state": "posted", "returned_on": None}
            if choice == 2:  # a smaller payment
                half = f"{float(p['amount']) / 2:.2f}"
                p = {**p, "amount": half, "allocations": [{"invoice_id": target, "amount": half}]}
        elif future(p["returned_on"]):
            p = {**p, "state": "posted", "returned_on": None} if d.bool() else {**p, "returned_on": d.after_t()}
        payments.append(p)
    disputes = []
    for x in data["disputes"]:
        if x["invoice_id"] not in issued or (x["opened_on"] > t and d.bool()):
            continue
        if x["opened_on"] > t:
            x = {**x, "opened_on": max(d.after_t(), issued[x["invoice_id"]]), "resolved_on": None}
        elif future(x["resolved_on"]):
            x = {**x, "resolved_on": None if d.bool() else d.after_t()}
        disputes.append(x)
    attempts = []
    for a in data["contact_attempts"]:
        if a["id"] != "after-T" and a["on"] > t:
            if d.bool():
                continue
            a = {**a, "on": d.after_t(), "answered": d.bool(), "promise_date": None, "promise_amount": None}
        attempts.append(a)
    signals = [s if s["on"] <= t else {**s, "on": d.after_t(), "severity": 0.2}
               for s in data["signals"] if s["on"] <= t or d.bool()]
    plans = [p if not future(p["cancelled_on"]) else {**p, "cancelled_on": None if d.bool() else d.after_t()}
             for p in data["payment_plans"] if p["agreed_on"] <= t]
    customers = [{**c, "contacts": [{**k, "archived_on": d.after_t() if future(k["archived_on"]) else k["archived_on"]}
                                    for k in c["contacts"]]} for c in data["customers"]]
    if d.bool():  # a new invoice after T, with its payments
        inv, pays = invoice_with_payments(d, "c0", 99, T + dt.timedelta(days=1))
        invoices.append(inv)
        payments.extend(pays)
    out = {"customers": customers, "invoices": invoices, "payments": payments, "disputes": disputes,
           "contact_attempts": attempts, "payment_plans": plans, "signals": signals}
    if "orders" in data:
        out["orders"] = [o if o["order_date"] <= t else {**o, "order_date": d.after_t(), "total": "50"}
                         for o in data["orders"] if o["order_date"] <= t or d.bool()]
    return out


def loaded(data: dict):
    ledger, issues = load_ledger(data)
    assert not issues, [str(i) for i in issues]
    return ledger


def as_known_at_t(data: dict) -> dict:
    """Everything computed as of T from ``data``, keyed so that two ledgers compare as values."""
    ledger = loaded(data)
    full = LedgerFrame.from_ledger(ledger)
    board = score(full.as_of_date(T), POLICY)
    out: dict = {"score": board.score, "level": board.level, "segment": board.segment}
    for c in range(full.n_customers):
        out[f"customer {c}"] = board.customer(c).model_dump()
        for r in board.results:
            out[f"{r.indicator} {c}"] = (bool(r.fired[c]), float(r.strength[c]), r.evidence(c), r.available)

    # the learned model's inputs: at each invoice's date and due date asked on or before T,
    # with the scorecard's snapshot at the month ends up to T
    paid_day = paid_in_full_day(full)
    inv = np.flatnonzero(~full.i_credit & (full.i_issue <= T.toordinal()))
    inv = inv[np.argsort(full.i_id[inv], kind="stable")]  # the same order in both ledgers
    due_q = full.i_due[inv].astype(np.int64) - 1
    at_due = inv[(due_q <= T.toordinal()) & (paid_day[inv] > due_q) & (full.i_due[inv] > full.i_issue[inv])]
    open_now = open_at(full, paid_day, inv, T.toordinal())
    expected = naive_day(full, paid_day, open_now, T.toordinal()).tolist()
    out["forecast"] = sorted(zip(full.i_id[open_now], expected, strict=False))
    days = replay_days(START, T, "month")
    for point, rows, q in (("invoice date", inv, full.i_issue[inv].astype(np.int64) - 1),
                           ("due date", at_due, full.i_due[at_due].astype(np.int64) - 1)):
        rep = replay(full, days, POLICY, full.i_cust[rows], q)
        xmats, names, _ = point_features(full, paid_day, rows, q, rep.query_measure, rep.indicators, (0, 10))
        out[f"{point} invoices"] = list(full.i_id[rows])
        for x, m in xmats.items():
            for name, column in zip(names, m.T, strict=False):
                out[f"{point} feature {name} > {x}"] = column
        for name in ("score", "level", "segment", "top", "dpd"):
            out[f"replay {name}"] = getattr(rep, name)
    return out


def assert_same(a: dict, b: dict) -> None:
    """Equal, but for the one-hot column of a mapped value first seen after T: zero for every
    invoice known by T."""
    for extra in a.keys() ^ b.keys():
        assert "=" in extra, extra
        assert not (a if extra in a else b)[extra].any(), extra
    for key in a.keys() & b.keys():
        if isinstance(a[key], np.ndarray):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-9, atol=1e-9, err_msg=key)
        else:
            assert a[key] == b[key], key


@given(st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_no_lookahead__perturbing_everything_after_T_changes_nothing_known_at_T(data):
    d = Draw.of(data)
    original = build(d)
    assert_same(as_known_at_t(original), as_known_at_t(perturb(d, original)))


def test_no_lookahead__the_perturbation_reaches_flags_payments_and_results():
    """Guard against a vacuous property: the perturbed futures really differ, including undated
    flags of invoices open at T, and they change results computed after T."""
    flipped = moved = changed_later = 0
    for seed in range(20):
        d = Draw.seeded(seed)
        original = build(d)
        other = perturb(d, original)
        a = {i["id"]: i["disputed"] for i in original["invoices"]}
        b = {i["id"]: i["disputed"] for i in other["invoices"]}
        flipped += sum(1 for k in a.keys() & b.keys() if a[k] != b[k])
        moved += int({p["date"] for p in original["payments"]} != {p["date"] for p in other["payments"]})
        boards = [score(LedgerFrame.from_ledger(loaded(x), END), POLICY) for x in (original, other)]
        changed_later += int(not np.array_equal(boards[0].score, boards[1].score))
    assert flipped > 0 and moved > 0 and changed_later > 0
