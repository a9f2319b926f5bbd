"""The demo company: deterministic, loads cleanly, and shows every warning sign and segment.

The checks below re-derive the situations of warning-signs.md from the validated ledger with
simple, independent rules (not the product's indicators), as of a day T and from data known
at T only.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest

from arwatch.core.load import load_ledger
from arwatch.core.model import DISTRESS_KINDS, InvoiceKind, Ledger, PaymentState, SignalKind
from arwatch.demo.company import (
    ARCHETYPE_SIGNS,
    ARCHETYPES,
    DemoCompany,
    Truth,
    build_demo_company,
)

TODAY = dt.date(2026, 11, 20)
SIGNS = ("silence", "sudden_complaints", "hearsay", "volume_drop", "failed_payments", "bank_churn",
         "disputes", "staff_exodus", "habit_slip", "slowing_trend", "selective_payment", "aging",
         "broken_promise", "external_distress", "fraud_suspicion", "month_end_payer")
GOOD_BY_DESIGN = ("punctual", "stable_habit", "chronic_late", "new", "month_end_payer", "plan_on_track")
MEANT_TO_GO_BAD = ("habit_slipper", "selective_payer", "silent", "broken_promise", "plan_missed")


@pytest.fixture(scope="module")
def demo() -> DemoCompany:
    return build_demo_company()


@pytest.fixture(scope="module")
def book(demo: DemoCompany) -> Book:
    return Book(demo.ledger)


def _d(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class Book:
    """Per-customer views of a ledger, with simple as-of-T rules for the warning signs."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.customers = {c.id: c for c in ledger.customers}
        self.invoices = defaultdict(list)
        self.allocs: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        self.payments = defaultdict(list)
        for inv in ledger.invoices:
            if inv.kind is InvoiceKind.INVOICE:
                self.invoices[inv.customer_id].append(inv)
            else:
                for al in inv.allocations:
                    self.allocs[al.invoice_id].append((al.date or inv.issue_date, al.amount))
        for p in ledger.payments:
            self.payments[p.customer_id].append(p)
            if p.state is PaymentState.POSTED:
                for al in p.allocations:
                    self.allocs[al.invoice_id].append((al.date or p.date, al.amount))
        self.disputes = defaultdict(list)
        for d in ledger.disputes:
            self.disputes[d.customer_id].append(d)
        self.attempts = defaultdict(list)
        for a in sorted(ledger.contact_attempts, key=lambda a: a.on):
            self.attempts[a.customer_id].append(a)
        self.signals = defaultdict(list)
        for s in ledger.signals:
            self.signals[s.customer_id].append(s)
        self.plans = defaultdict(list)
        for p in ledger.payment_plans:
            self.plans[p.customer_id].append(p)

    # ---------------------------------------------------------------- invoice state
    def settled(self, inv, t: dt.date) -> Decimal:
        return sum((a for d, a in self.allocs[inv.id] if d <= t), Decimal(0))

    def paid_on(self, inv, t: dt.date) -> dt.date | None:
        total = Decimal(0)
        for d, a in sorted(self.allocs[inv.id]):
            if d > t:
                return None
            total += a
            if total >= inv.total:
                return d
        return None

    def open_at(self, cid: str, t: dt.date) -> list:
        return [inv for inv in self.invoices[cid] if inv.issue_date <= t and self.settled(inv, t) < inv.total]

    def paid(self, cid: str, t: dt.date) -> list[tuple[dt.date, object]]:
        out = [(self.paid_on(inv, t), inv) for inv in self.invoices[cid] if inv.issue_date <= t]
        return sorted(((d, inv) for d, inv in out if d is not None), key=lambda x: (x[0], x[1].id))

    def max_days_past_due(self, cid: str, t: dt.date) -> int:
        return max(((t - inv.due_date).days for inv in self.open_at(cid, t)), default=-10**6)

    def active(self, s, t: dt.date, max_age: int | None = None) -> bool:
        return s.on <= t and (s.expires_on is None or s.expires_on > t) and \
            (max_age is None or (t - s.on).days <= max_age)

    # ---------------------------------------------------------------- signs
    def fires(self, sign: str, cid: str, t: dt.date) -> bool:
        return getattr(self, f"_{sign}")(cid, t)

    def _silence(self, cid, t):
        run = []
        for a in self.attempts[cid]:
            if a.on > t:
                break
            run = [] if a.answered else run + [a.on]
        return len(run) >= 3 and (run[-1] - run[-3]).days <= 30 and (t - run[-1]).days <= 30

    def _sudden_complaints(self, cid, t):
        opened = [d.opened_on for d in self.disputes[cid] if d.opened_on <= t]
        recent = [d for d in opened if (t - d).days < 90]
        before = [d for d in opened if 90 <= (t - d).days < 90 + 365]
        return bool(recent) and not before

    def _hearsay(self, cid, t):
        return any(s.kind is SignalKind.HEARSAY and self.active(s, t, 90) for s in self.signals[cid])

    def _volume_drop(self, cid, t):
        year = sum(inv.total for inv in self.invoices[cid] if 0 <= (t - inv.issue_date).days < 365)
        last3 = sum(inv.total for inv in self.invoices[cid] if 0 <= (t - inv.issue_date).days < 91)
        payment_problem = self._slowing_trend(cid, t) or self.max_days_past_due(cid, t) > 0
        return year > 0 and last3 < Decimal("0.6") * 3 * year / 12 and payment_problem

    def _failed_payments(self, cid, t):
        months = {(t - p.returned_on).days // 30 for p in self.payments[cid]
                  if p.state is not PaymentState.POSTED and p.returned_on and p.returned_on <= t}
        return len(months & {0, 1, 2}) >= 2

    def _bank_churn(self, cid, t):
        recent = {p.payer_account for p in self.payments[cid]
                  if p.payer_account and 0 <= (t - p.date).days < 182}
        older = {p.payer_account for p in self.payments[cid]
                 if p.payer_account and (t - p.date).days >= 182}
        return len(recent) >= 2 or bool(older and recent - older)

    def _disputes(self, cid, t):
        year = [d for d in self.disputes[cid] if d.kind == "dispute" and 0 <= (t - d.opened_on).days < 365]
        invoices = [inv for inv in self.invoices[cid] if 0 <= (t - inv.issue_date).days < 365]
        return len(year) >= 3 and len(year) >= 0.1 * len(invoices)

    def _staff_exodus(self, cid, t):
        gone = [k for k in self.customers[cid].contacts
                if k.archived_on and 0 <= (t - k.archived_on).days < 182]
        return len(gone) >= 2

    def _days_to_pay(self, cid, t):
        return [((d - inv.issue_date).days, inv) for d, inv in self.paid(cid, t)]

    def _habit_slip(self, cid, t):
        last = self._days_to_pay(cid, t)[-12:]
        if len(last) < 3:
            return False
        habit = statistics.median(d for d, _ in last)
        return any((t - inv.issue_date).days > habit + 15 and t > inv.due_date
                   for inv in self.open_at(cid, t))

    def _slowing_trend(self, cid, t):
        last = [d for d, _ in self._days_to_pay(cid, t)[-12:]]
        return len(last) == 12 and statistics.mean(last[-3:]) - statistics.mean(last[:9]) >= 10

    def _selective_payment(self, cid, t):
        invs = [inv for inv in self.invoices[cid] if inv.issue_date <= t]
        if len(invs) < 4:
            return False
        median = statistics.median(inv.total for inv in invs)
        small_paid = any(inv.total < median and 0 <= (t - d).days < 90 for d, inv in self.paid(cid, t))
        large_open = any(inv.total > median and inv.due_date < t and (t - inv.issue_date).days < 180
                         for inv in self.open_at(cid, t))
        return small_paid and large_open

    def _aging(self, cid, t):
        return self.max_days_past_due(cid, t) > 0

    def _broken_promise(self, cid, t):
        paid_between = lambda a, b: sum((p.amount for p in self.payments[cid]  # noqa: E731
                                         if p.state is PaymentState.POSTED and a <= p.date <= b), Decimal(0))
        for a in self.attempts[cid]:
            if a.promise_date and a.promise_date < t and (t - a.promise_date).days <= 60 and a.on <= t:
                if paid_between(a.on, a.promise_date) < (a.promise_amount or Decimal("0.01")):
                    return True
        for plan in self.plans[cid]:
            if plan.agreed_on > t:
                continue
            due = Decimal(0)
            for inst in plan.instalments:
                if inst.due_date < t and (t - inst.due_date).days <= 60:
                    due += inst.amount
                    if paid_between(plan.agreed_on, inst.due_date) < due:
                        return True
                elif inst.due_date < t:
                    due += inst.amount
        return False

    def _external_distress(self, cid, t):
        return any(s.kind in DISTRESS_KINDS and self.active(s, t) for s in self.signals[cid])

    def _fraud_suspicion(self, cid, t):
        return any(s.kind is SignalKind.FRAUD_SUSPICION and self.active(s, t) for s in self.signals[cid])

    def _month_end_payer(self, cid, t):
        late = [inv for d, inv in self.paid(cid, t) if d > inv.due_date + _d(3) and (t - d).days < 365]
        month_end = [inv for inv in late if (inv.issue_date + _d(5)).month != inv.issue_date.month]
        return len(month_end) >= 4 and len(month_end) > len(late) / 2


# ------------------------------------------------------------------------------------ tests
def test_build_demo_company__same_seed_gives_identical_output():
    a, b = build_demo_company(7), build_demo_company(7)
    assert a.data == b.data
    assert a.truth == b.truth
    assert json.dumps(a.data, sort_keys=True) == json.dumps(b.data, sort_keys=True)


def test_build_demo_company__other_seed_differs():
    a, b = build_demo_company(7), build_demo_company(8)
    assert a.data["invoices"] != b.data["invoices"]
    assert [c["name"] for c in a.data["customers"]] != [c["name"] for c in b.data["customers"]]


def test_build_demo_company__data_is_plain_json(demo):
    assert set(demo.data) == {"company", "customers", "invoices", "payments", "disputes",
                              "contact_attempts", "payment_plans", "signals"}
    text = json.dumps(demo.data)  # raises on dates, decimals, objects
    assert '"total": "' in text and "Northwind Supplies Ltd" in text


def test_build_demo_company__loads_with_zero_issues(demo):
    ledger, issues = load_ledger(demo.data, source="demo")
    assert issues == ()
    assert len(ledger.customers) == len(demo.data["customers"])
    assert len(ledger.invoices) == len(demo.data["invoices"])
    assert len(ledger.payments) == len(demo.data["payments"])
    assert demo.ledger.source == "demo"


def test_build_demo_company__other_seeds_and_days_load_cleanly():
    for seed, today in ((1, TODAY), (2, dt.date(2025, 3, 31)), (3, dt.date(2024, 2, 29))):
        demo = build_demo_company(seed, today)
        assert load_ledger(demo.data, source="demo")[1] == ()
        last = max(dt.date.fromisoformat(inv["issue_date"]) for inv in demo.data["invoices"])
        assert last <= today


def test_build_demo_company__about_200_customers_over_three_years(demo):
    assert 180 <= len(demo.data["customers"]) <= 220
    issued = [dt.date.fromisoformat(i["issue_date"]) for i in demo.data["invoices"]]
    assert min(issued) >= TODAY - _d(3 * 366)
    assert (max(issued) - min(issued)).days >= 3 * 365 - 40
    assert max(issued) <= TODAY
    assert {c["salesperson"] for c in demo.data["customers"]} >= {"Anna Keller", "Jonas Berg"}
    assert 4 <= len({c["salesperson"] for c in demo.data["customers"]}) <= 5
    assert len({c["name"] for c in demo.data["customers"]}) == len(demo.data["customers"])


def test_build_demo_company__human_invoice_numbers_and_terms(demo):
    invoices = [i for i in demo.data["invoices"] if i["kind"] == "invoice"]
    notes = [i for i in demo.data["invoices"] if i["kind"] == "credit_note"]
    assert all(i["number"].startswith(f"INV/{i['issue_date'][:4]}/") and len(i["number"]) == 14
               for i in invoices)
    assert notes and all(n["number"].startswith("RINV/") and n["allocations"] for n in notes)
    assert len({i["number"] for i in demo.data["invoices"]}) == len(demo.data["invoices"])
    terms = {c["terms_days"] for c in demo.data["customers"]}
    assert {15, 30, 45, 60} <= terms
    net30 = sum(c["terms_days"] == 30 for c in demo.data["customers"])
    assert net30 > len(demo.data["customers"]) / 2


def test_build_demo_company__every_archetype_present_with_truth(demo):
    counts = defaultdict(int)
    for t in demo.truth:
        assert isinstance(t, Truth)
        counts[t.archetype] += 1
    assert set(counts) == set(ARCHETYPES)
    assert all(n >= 3 for n in counts.values()), counts
    assert counts["punctual"] > len(demo.truth) / 3  # the bulk are good payers
    assert [t.customer_id for t in demo.truth] == [c["id"] for c in demo.data["customers"]]


def test_truth__goes_bad_matches_the_data(demo, book):
    for truth in demo.truth:
        cid = truth.customer_id
        if truth.goes_bad:
            assert truth.bad_from is not None and truth.bad_from <= TODAY
            assert book.max_days_past_due(cid, truth.bad_from) >= 90, truth
            assert book.max_days_past_due(cid, truth.bad_from - _d(1)) < 90, truth
        else:
            assert truth.bad_from is None
            for inv in book.invoices[cid]:  # never 90 days past due and open, up to today
                day = inv.due_date + _d(90)
                if day <= TODAY:
                    assert book.settled(inv, day) >= inv.total, (truth, inv.number)


def test_truth__good_archetypes_never_go_bad_and_troubled_ones_do(demo):
    by = defaultdict(list)
    for t in demo.truth:
        by[t.archetype].append(t)
    for arche in GOOD_BY_DESIGN:
        assert not any(t.goes_bad for t in by[arche]), arche
    for arche in MEANT_TO_GO_BAD:
        assert sum(t.goes_bad for t in by[arche]) >= 2, arche
    bad = [t for t in demo.truth if t.goes_bad]
    assert 25 <= len(bad) <= 60
    spread = {t.bad_from.month for t in bad}
    assert len(spread) >= 5  # bad debts appear throughout the last year, not on one day


def test_truth__bad_customers_show_early_signs_months_before(demo, book):
    early = [s for s in SIGNS if s != "aging"]
    missing = []
    for t in demo.truth:
        if not t.goes_bad:
            continue
        days = [t.bad_from - _d(n) for n in range(60, 181, 15)]
        if not any(book.fires(s, t.customer_id, day) for day in days for s in early):
            missing.append(t)
    assert not missing


def test_allocations__never_exceed_invoice_totals_or_payment_amounts(demo):
    totals = {i["id"]: Decimal(i["total"]) for i in demo.data["invoices"] if i["kind"] == "invoice"}
    allocated = defaultdict(Decimal)
    for p in demo.data["payments"]:
        amounts = [Decimal(a["amount"]) for a in p["allocations"]]
        assert sum(amounts, Decimal(0)) <= Decimal(p["amount"])
        for a in p["allocations"]:
            allocated[a["invoice_id"]] += Decimal(a["amount"])
    for n in demo.data["invoices"]:
        for a in n.get("allocations", ()):
            allocated[a["invoice_id"]] += Decimal(a["amount"])
    assert allocated and all(allocated[i] <= totals[i] for i in allocated)
    for inv in demo.data["invoices"]:
        if inv["kind"] == "invoice":
            assert Decimal(inv["residual"]) == totals[inv["id"]] - allocated[inv["id"]]


def test_payments__realistic_mix(demo):
    payments = demo.data["payments"]
    multi = [p for p in payments if len(p["allocations"]) >= 2]
    returned = [p for p in payments if p["state"] == "returned"]
    assert len(multi) >= 100
    assert len(returned) >= 10 and all(p["returned_on"] for p in returned)
    short = defaultdict(int)
    for p in payments:
        for a in p["allocations"]:
            short[a["invoice_id"]] += 1
    assert sum(n >= 2 for n in short.values()) >= 50  # invoices settled by several payments
    accounts = [p["payer_account"] for p in payments if p["payer_account"]]
    assert all("****" in a and a[:2].isalpha() for a in accounts)
    assert any(a["promise_date"] for a in demo.data["contact_attempts"])
    assert {a["channel"] for a in demo.data["contact_attempts"]} >= {"call", "email"}
    kinds = {s["kind"] for s in demo.data["signals"]}
    assert {"hearsay", "staff_left", "fraud_suspicion"} <= kinds
    assert kinds & {"industry_distress", "country_distress", "merger_acquisition", "leadership_change"}
    assert {d["kind"] for d in demo.data["disputes"]} == {"dispute", "complaint"}
    archived = [k for c in demo.data["customers"] for k in c["contacts"] if k["archived_on"]]
    assert len(archived) >= 10


@pytest.mark.parametrize("sign", SIGNS)
def test_warning_sign__fires_today_for_an_archetype_meant_to_show_it(demo, book, sign):
    meant = [t.customer_id for t in demo.truth if sign in ARCHETYPE_SIGNS[t.archetype]]
    assert meant, f"no archetype is meant to show {sign}"
    assert any(book.fires(sign, cid, TODAY) for cid in meant), sign


def test_segments__all_five_occur_today(demo, book):
    by = defaultdict(list)
    for t in demo.truth:
        by[t.archetype].append(t.customer_id)
    # new: fewer than 3 paid invoices; everybody else has a habit to judge
    for cid in by["new"]:
        assert len(book.paid(cid, TODAY)) < 3
    for t in demo.truth:
        if t.archetype != "new":
            assert len(book.paid(t.customer_id, TODAY)) >= 3, t
    # good: punctual payers pay within terms (one slip is a slip)
    for cid in by["punctual"]:
        late = [(d - inv.due_date).days for d, inv in book.paid(cid, TODAY)]
        assert statistics.median(late) <= 3 and book.max_days_past_due(cid, TODAY) < 60, cid
    # good with a stable 55-60 day habit on net 30
    for cid in by["stable_habit"]:
        days = [d for d, _ in book._days_to_pay(cid, TODAY)[-12:]]
        assert book.customers[cid].terms_days == 30 and 50 <= statistics.median(days) <= 66
        assert book.max_days_past_due(cid, TODAY) < 45
    # chronic late: its habit itself is far beyond terms
    for cid in by["chronic_late"]:
        late = [(d - inv.due_date).days for d, inv in book.paid(cid, TODAY)]
        assert statistics.median(late) > 30 and book.max_days_past_due(cid, TODAY) < 90
    # delinquent: 91+ days past due, with silence or broken promises for some
    delinquent = [t.customer_id for t in demo.truth if book.max_days_past_due(t.customer_id, TODAY) >= 91]
    assert len(delinquent) >= 5
    assert any(book.fires("silence", cid, TODAY) for cid in delinquent)
    # under review: fraud suspicion or external distress active today
    review = [cid for cid in by["fraud_suspicion"] + by["external_distress"]
              if book.fires("fraud_suspicion", cid, TODAY) or book.fires("external_distress", cid, TODAY)]
    assert len(review) >= 3


def test_payment_plans__one_missed_one_on_track_today(demo, book):
    by = defaultdict(list)
    for t in demo.truth:
        by[t.archetype].append(t.customer_id)
    assert any(book.plans[cid] and book.fires("broken_promise", cid, TODAY) for cid in by["plan_missed"])
    on_track = [cid for cid in by["plan_on_track"] if book.plans[cid]
                and book.plans[cid][0].instalments[-1].due_date >= TODAY]
    assert on_track and not any(book.fires("broken_promise", cid, TODAY) for cid in on_track)


def test_month_end_payer__is_late_only_at_month_end(demo, book):
    cids = [t.customer_id for t in demo.truth if t.archetype == "month_end_payer"]
    assert all(book.fires("month_end_payer", cid, TODAY) for cid in cids)
    punctual = [t.customer_id for t in demo.truth if t.archetype == "punctual"]
    assert not any(book.fires("month_end_payer", cid, TODAY) for cid in punctual)
