"""The columnar view of a ``Ledger`` that the indicators read.

``LedgerFrame.from_ledger`` turns the validated records into numpy arrays once (dates as day
numbers, money as float64 in the company's currency). ``frame.as_of(T)`` returns the frame as
it was known on day T: later invoices, payments, returns, disputes, contact attempts, signals,
archivings and resolutions are cut away, so no indicator can look ahead.

Every table is sorted by customer (then by day), so a customer's rows are one contiguous
slice (``rows_of``). Array prefixes: ``c_`` customers, ``i_`` invoices and credit notes, ``a_`` allocations (payments
and credit notes settling invoices), ``p_`` payments, ``d_`` disputes, ``t_`` contact attempts
("touches"), ``n_`` payment-plan instalments, ``s_`` signals, ``k_`` contacts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .columnar import NEVER
from .model import (
    Channel,
    InvoiceKind,
    InvoiceState,
    Ledger,
    PaymentState,
    SignalKind,
)

SIGNAL_KINDS: tuple[SignalKind, ...] = tuple(SignalKind)
CHANNELS: tuple[Channel, ...] = tuple(Channel)
PAYMENT_STATES: tuple[PaymentState, ...] = tuple(PaymentState)


def day(d: dt.date | None) -> int:
    """Day number of a date (``NEVER`` for None)."""
    return int(NEVER) if d is None else d.toordinal()


def date_of(day_number: int) -> dt.date:
    return dt.date.fromordinal(int(day_number))


def _i32(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)


def _f64(values: list[float]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _obj(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass(frozen=True)
class LedgerFrame:
    """Column arrays of one company's receivables; see the module docstring for prefixes."""

    as_of_day: int
    source: str
    currency: str
    unavailable: frozenset[str]
    # customers (never cut by as_of: a customer exists before its first invoice)
    c_id: np.ndarray
    c_name: np.ndarray
    c_terms: np.ndarray
    c_credit_limit: np.ndarray  # NaN = none
    c_salesperson: np.ndarray
    # invoices and credit notes, posted only, sorted by (customer, issue day)
    i_id: np.ndarray
    i_number: np.ndarray
    i_cust: np.ndarray
    i_issue: np.ndarray
    i_due: np.ndarray
    i_total: np.ndarray
    i_credit: np.ndarray  # True for a credit note
    i_disputed: np.ndarray
    # allocations, sorted by (invoice, day)
    a_inv: np.ndarray
    a_day: np.ndarray
    a_amount: np.ndarray
    a_payment: np.ndarray  # payment index, -1 for a credit note
    # payments
    p_id: np.ndarray
    p_cust: np.ndarray
    p_day: np.ndarray
    p_amount: np.ndarray
    p_state: np.ndarray  # index into PAYMENT_STATES, as of the frame's day
    p_returned: np.ndarray  # day returned/voided, NEVER if not (as of the frame's day)
    p_account: np.ndarray  # payer account code, -1 unknown
    accounts: tuple[str, ...]  # payer account labels by code
    # disputes and complaints
    d_cust: np.ndarray
    d_inv: np.ndarray  # invoice index, -1 for the account
    d_open: np.ndarray
    d_resolved: np.ndarray
    d_complaint: np.ndarray
    d_reason: np.ndarray
    # contact attempts
    t_cust: np.ndarray
    t_day: np.ndarray
    t_channel: np.ndarray
    t_answered: np.ndarray
    t_promise_day: np.ndarray
    t_promise_amount: np.ndarray  # NaN = no amount given
    t_outcome: np.ndarray
    # payment-plan instalments
    n_cust: np.ndarray
    n_plan: np.ndarray
    n_due: np.ndarray
    n_amount: np.ndarray
    n_agreed: np.ndarray  # the plan's agreement day
    n_cancelled: np.ndarray  # the plan's cancellation day, NEVER if not
    # signals
    s_cust: np.ndarray
    s_kind: np.ndarray  # index into SIGNAL_KINDS
    s_day: np.ndarray
    s_expires: np.ndarray
    s_severity: np.ndarray
    s_confidence: np.ndarray
    s_source: np.ndarray
    s_note: np.ndarray
    # contacts
    k_cust: np.ndarray
    k_created: np.ndarray
    k_archived: np.ndarray
    k_name: np.ndarray
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def n_customers(self) -> int:
        return len(self.c_id)

    @property
    def as_of(self) -> dt.date:
        return date_of(self.as_of_day)

    # ------------------------------------------------------------------ build
    @classmethod
    def from_ledger(cls, ledger: Ledger, as_of: dt.date | None = None) -> LedgerFrame:
        """Build the frame of every posted record, then cut it at ``as_of`` (default: all)."""
        customers = ledger.customers
        c_index = {c.id: i for i, c in enumerate(customers)}
        rate = float
        invoices = sorted(
            (inv for inv in ledger.invoices if inv.state is InvoiceState.POSTED),
            key=lambda inv: (c_index[inv.customer_id], inv.issue_date, inv.id),
        )
        i_index = {inv.id: i for i, inv in enumerate(invoices)}
        inv_rate = [rate(inv.fx_rate) for inv in invoices]

        def by_customer(records, day_field):
            return sorted(records, key=lambda r: (c_index[r.customer_id], getattr(r, day_field), r.id))

        payments = by_customer(ledger.payments, "date")
        disputes = by_customer(ledger.disputes, "opened_on")
        attempts = by_customer(ledger.contact_attempts, "on")
        signals = by_customer(ledger.signals, "on")
        plan_list = by_customer(ledger.payment_plans, "agreed_on")
        accounts: dict[str, int] = {}
        alloc_rows: list[tuple[int, int, float, int]] = []
        for pi, pay in enumerate(payments):
            for al in pay.allocations:
                ii = i_index.get(al.invoice_id)
                if ii is not None:
                    alloc_rows.append((ii, day(al.date or pay.date), float(al.amount) * inv_rate[ii], pi))
        for inv in invoices:
            if inv.kind is InvoiceKind.CREDIT_NOTE:
                for al in inv.allocations:
                    ii = i_index.get(al.invoice_id)
                    if ii is not None:
                        alloc_rows.append((ii, day(al.date or inv.issue_date),
                                           float(al.amount) * inv_rate[ii], -1))
        alloc_rows.sort(key=lambda r: (r[0], r[1]))
        a_cols = list(zip(*alloc_rows)) if alloc_rows else [[], [], [], []]

        plans = [(p, inst) for p in plan_list for inst in p.instalments]
        plan_index = {p.id: i for i, p in enumerate(plan_list)}
        contacts = [(c_index[c.id], k) for c in customers for k in c.contacts]

        frame = cls(
            as_of_day=int(NEVER) - 1,
            source=ledger.source,
            currency=ledger.company.currency,
            unavailable=ledger.unavailable,
            c_id=_obj([c.id for c in customers]),
            c_name=_obj([c.name for c in customers]),
            c_terms=_i32([c.terms_days for c in customers]),
            c_credit_limit=_f64([np.nan if c.credit_limit is None else float(c.credit_limit)
                                 for c in customers]),
            c_salesperson=_obj([c.salesperson for c in customers]),
            i_id=_obj([inv.id for inv in invoices]),
            i_number=_obj([inv.number for inv in invoices]),
            i_cust=_i32([c_index[inv.customer_id] for inv in invoices]),
            i_issue=_i32([day(inv.issue_date) for inv in invoices]),
            i_due=_i32([day(inv.due_date) for inv in invoices]),
            i_total=_f64([float(inv.total) * r for inv, r in zip(invoices, inv_rate)]),
            i_credit=np.asarray([inv.kind is InvoiceKind.CREDIT_NOTE for inv in invoices], dtype=bool),
            i_disputed=np.asarray([inv.disputed for inv in invoices], dtype=bool),
            a_inv=_i32(a_cols[0]),
            a_day=_i32(a_cols[1]),
            a_amount=_f64(a_cols[2]),
            a_payment=_i32(a_cols[3]),
            p_id=_obj([p.id for p in payments]),
            p_cust=_i32([c_index[p.customer_id] for p in payments]),
            p_day=_i32([day(p.date) for p in payments]),
            p_amount=_f64([float(p.amount) * float(p.fx_rate) for p in payments]),
            p_state=np.asarray([PAYMENT_STATES.index(p.state) for p in payments], dtype=np.int8),
            p_returned=_i32([day(p.returned_on) if p.state is not PaymentState.POSTED else int(NEVER)
                             for p in payments]),
            p_account=_i32([-1 if not p.payer_account else
                            accounts.setdefault(p.payer_account, len(accounts)) for p in payments]),
            accounts=(),
            d_cust=_i32([c_index[d.customer_id] for d in disputes]),
            d_inv=_i32([-1 if d.invoice_id is None else i_index.get(d.invoice_id, -1)
                        for d in disputes]),
            d_open=_i32([day(d.opened_on) for d in disputes]),
            d_resolved=_i32([day(d.resolved_on) for d in disputes]),
            d_complaint=np.asarray([d.kind == "complaint" for d in disputes], dtype=bool),
            d_reason=_obj([d.reason for d in disputes]),
            t_cust=_i32([c_index[t.customer_id] for t in attempts]),
            t_day=_i32([day(t.on) for t in attempts]),
            t_channel=np.asarray([CHANNELS.index(t.channel) for t in attempts], dtype=np.int8),
            t_answered=np.asarray([t.answered for t in attempts], dtype=bool),
            t_promise_day=_i32([day(t.promise_date) for t in attempts]),
            t_promise_amount=_f64([np.nan if t.promise_amount is None else float(t.promise_amount)
                                   for t in attempts]),
            t_outcome=_obj([t.outcome for t in attempts]),
            n_cust=_i32([c_index[p.customer_id] for p, _ in plans]),
            n_plan=_i32([plan_index[p.id] for p, _ in plans]),
            n_due=_i32([day(i.due_date) for _, i in plans]),
            n_amount=_f64([float(i.amount) for _, i in plans]),
            n_agreed=_i32([day(p.agreed_on) for p, _ in plans]),
            n_cancelled=_i32([day(p.cancelled_on) for p, _ in plans]),
            s_cust=_i32([c_index[s.customer_id] for s in signals]),
            s_kind=np.asarray([SIGNAL_KINDS.index(s.kind) for s in signals], dtype=np.int8),
            s_day=_i32([day(s.on) for s in signals]),
            s_expires=_i32([day(s.expires_on) for s in signals]),
            s_severity=_f64([s.severity for s in signals]),
            s_confidence=_f64([s.confidence for s in signals]),
            s_source=_obj([s.source for s in signals]),
            s_note=_obj([s.note for s in signals]),
            k_cust=_i32([ci for ci, _ in contacts]),
            k_created=_i32([day(k.created_on) if k.created_on else 0 for _, k in contacts]),
            k_archived=_i32([day(k.archived_on) for _, k in contacts]),
            k_name=_obj([k.name for _, k in contacts]),
        )
        frame = dataclasses.replace(frame, accounts=tuple(accounts))
        return frame if as_of is None else frame.as_of_date(as_of)

    # ------------------------------------------------------------------ cut
    def as_of_date(self, as_of: dt.date) -> LedgerFrame:
        """The frame as known at the end of day ``as_of``."""
        t = day(as_of)
        inv_keep = self.i_issue <= t
        remap = np.cumsum(inv_keep, dtype=np.int64) - 1
        alloc_keep = (self.a_day <= t) & inv_keep[self.a_inv] if len(self.a_inv) else self.a_inv == 0
        if len(self.a_inv):  # a payment that bounced by day t settles nothing
            bounced = (self.a_payment >= 0) & (self.p_returned[np.maximum(self.a_payment, 0)] <= t)
            alloc_keep &= ~bounced
        pay_keep = self.p_day <= t
        pay_remap = np.cumsum(pay_keep, dtype=np.int64) - 1
        a_payment = self.a_payment[alloc_keep]
        a_payment = np.where(a_payment >= 0, pay_remap[np.maximum(a_payment, 0)], -1).astype(np.int32) \
            if len(a_payment) else a_payment
        returned_known = self.p_returned[pay_keep] <= t
        d_keep = self.d_open <= t
        d_inv = self.d_inv[d_keep]
        d_inv = np.where(d_inv >= 0, remap[np.maximum(d_inv, 0)], -1).astype(np.int32) if len(d_inv) else d_inv
        t_keep = self.t_day <= t
        s_keep = self.s_day <= t
        n_keep = self.n_agreed <= t
        k_keep = self.k_created <= t
        return dataclasses.replace(
            self,
            as_of_day=t,
            i_id=self.i_id[inv_keep], i_number=self.i_number[inv_keep], i_cust=self.i_cust[inv_keep],
            i_issue=self.i_issue[inv_keep], i_due=self.i_due[inv_keep], i_total=self.i_total[inv_keep],
            i_credit=self.i_credit[inv_keep], i_disputed=self.i_disputed[inv_keep],
            a_inv=remap[self.a_inv[alloc_keep]].astype(np.int32), a_day=self.a_day[alloc_keep],
            a_amount=self.a_amount[alloc_keep], a_payment=a_payment,
            p_id=self.p_id[pay_keep], p_cust=self.p_cust[pay_keep], p_day=self.p_day[pay_keep],
            p_amount=self.p_amount[pay_keep],
            p_state=np.where(returned_known, self.p_state[pay_keep], 0).astype(np.int8),
            p_returned=np.where(returned_known, self.p_returned[pay_keep], NEVER).astype(np.int32),
            p_account=self.p_account[pay_keep],
            d_cust=self.d_cust[d_keep], d_inv=d_inv, d_open=self.d_open[d_keep],
            d_resolved=np.where(self.d_resolved[d_keep] <= t, self.d_resolved[d_keep], NEVER).astype(np.int32),
            d_complaint=self.d_complaint[d_keep], d_reason=self.d_reason[d_keep],
            t_cust=self.t_cust[t_keep], t_day=self.t_day[t_keep], t_channel=self.t_channel[t_keep],
            t_answered=self.t_answered[t_keep], t_promise_day=self.t_promise_day[t_keep],
            t_promise_amount=self.t_promise_amount[t_keep], t_outcome=self.t_outcome[t_keep],
            s_cust=self.s_cust[s_keep], s_kind=self.s_kind[s_keep], s_day=self.s_day[s_keep],
            s_expires=self.s_expires[s_keep], s_severity=self.s_severity[s_keep],
            s_confidence=self.s_confidence[s_keep], s_source=self.s_source[s_keep],
            s_note=self.s_note[s_keep],
            n_cust=self.n_cust[n_keep], n_plan=self.n_plan[n_keep], n_due=self.n_due[n_keep],
            n_amount=self.n_amount[n_keep], n_agreed=self.n_agreed[n_keep],
            n_cancelled=np.where(self.n_cancelled[n_keep] <= t, self.n_cancelled[n_keep], NEVER).astype(np.int32),
            k_cust=self.k_cust[k_keep], k_created=self.k_created[k_keep], k_name=self.k_name[k_keep],
            k_archived=np.where(self.k_archived[k_keep] <= t, self.k_archived[k_keep], NEVER).astype(np.int32),
            extra={},
        )
