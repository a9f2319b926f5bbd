"""Build a ``LedgerFrame``'s columns from validated records, fast.

Columns are pulled with ``attrgetter`` in one pass per collection and converted by numpy
(dates through datetime64, Decimals through float64); sorting is ``np.lexsort`` on arrays.
Every table ends sorted by customer, then day, then input order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np

from .columnar import NEVER, covered_day
from .gcpause import with_gc_paused
from .model import InvoiceKind, InvoiceState, Ledger, OrderState, PaymentState, SwitchKind
from .settlement import TOLERANCE as SETTLED_TOLERANCE


def days(dates: Sequence[Any]) -> np.ndarray:
    """Day numbers (``date.toordinal()``) of dates; NEVER for None."""
    try:
        return np.fromiter(map(dt.date.toordinal, dates), dtype=np.int32, count=len(dates))
    except TypeError:  # some None
        return np.fromiter((int(NEVER) if d is None else d.toordinal() for d in dates),
                           dtype=np.int32, count=len(dates))


def money(values: Sequence[Any]) -> np.ndarray:
    """Decimals (or None → NaN) as float64."""
    try:
        return np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except TypeError:  # some None
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def obj(values: Any) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def columns(records: Sequence[Any], *names: str) -> list[list[Any]]:
    """The named attributes of every record, one list per name (one C-level pass each; no
    per-record tuples, which would wake the garbage collector over millions of records)."""
    return [list(map(attrgetter(name), records)) for name in names]


def index_of(mapping: dict[str, int], keys: Sequence[str], missing: int = -1) -> np.ndarray:
    return np.fromiter(map(mapping.get, keys, repeat(missing)), dtype=np.int32, count=len(keys))


def _sorted_by_customer(records: tuple[Any, ...], c_index: dict[str, int],
                        day_field: str) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Records ordered by (customer, day, input order), with their customer and day columns."""
    cust_ids, dates = columns(records, "customer_id", day_field)
    cust = index_of(c_index, cust_ids)
    day_col = days(dates)
    order = np.lexsort((day_col, cust))
    return [records[i] for i in order], cust[order], day_col[order]


@with_gc_paused
def build_columns(ledger: Ledger) -> dict[str, Any]:
    """Every column of a LedgerFrame (uncut), by field name."""
    return _build_columns(ledger)


def _build_columns(ledger: Ledger) -> dict[str, Any]:
    customers = ledger.customers
    c_index = {c.id: i for i, c in enumerate(customers)}
    cols: dict[str, Any] = {}
    c_id, c_name, c_terms, c_limit, c_sales, c_country = columns(
        customers, "id", "name", "terms_days", "credit_limit", "salesperson", "country")
    c_email, c_phone = columns(customers, "email", "phone")
    cols.update(c_id=obj(c_id), c_name=obj(c_name), c_terms=np.array(c_terms, dtype=np.int32),
                c_credit_limit=money(c_limit), c_salesperson=obj(c_sales), c_email=obj(c_email),
                c_phone=obj(c_phone), c_country=obj([c or "" for c in c_country]),
                c_active=np.array([c.active for c in customers], dtype=bool))

    posted = [inv for inv in ledger.invoices if inv.state is InvoiceState.POSTED]
    invoices, i_cust, i_issue = _sorted_by_customer(tuple(posted), c_index, "issue_date")
    i_id, i_number, i_due, i_total, i_rate, i_kind, i_disputed, i_disputed_on, i_delivery = columns(
        invoices, "id", "number", "due_date", "total", "fx_rate", "kind", "disputed", "disputed_on", "delivery")
    rate = money(i_rate)
    i_index = dict(zip(i_id, range(len(i_id)), strict=False))
    is_credit = np.array([k is InvoiceKind.CREDIT_NOTE for k in i_kind], dtype=bool)
    cols.update(i_id=obj(i_id), i_number=obj(i_number), i_cust=i_cust, i_issue=i_issue, i_due=days(i_due),
                i_total=money(i_total) * rate if len(invoices) else np.zeros(0),
                i_credit=is_credit, i_disputed=np.array(i_disputed, dtype=bool),
                i_delivery=obj([d or "" for d in i_delivery]))

    payments, p_cust, p_day = _sorted_by_customer(ledger.payments, c_index, "date")
    p_id, p_amount, p_rate, p_state, p_returned, p_account = columns(
        payments, "id", "amount", "fx_rate", "state", "returned_on", "payer_account")
    accounts: dict[str, int] = {}
    states = tuple(PaymentState)
    cols.update(p_id=obj(p_id), p_cust=p_cust, p_day=p_day,
                p_amount=money(p_amount) * money(p_rate) if len(payments) else np.zeros(0),
                p_state=np.array([states.index(s) for s in p_state], dtype=np.int8),
                p_returned=np.where(np.array([s is not PaymentState.POSTED for s in p_state], dtype=bool),
                                    days(p_returned), NEVER).astype(np.int32)
                          if len(payments) else np.zeros(0, np.int32),
                p_account=np.array([-1 if not a else accounts.setdefault(a, len(accounts)) for a in p_account],
                                   dtype=np.int32),
                accounts=tuple(accounts))

    cols.update(_allocations(payments, p_day, invoices, i_issue, is_credit, i_index, rate))
    cols.update(_small_tables(ledger, c_index, i_index))
    cols.update(_orders(ledger, c_index))
    cols.update(_switches(ledger, c_index))
    cols["i_disputed_day"] = _flag_days(cols, days(i_disputed_on))
    return cols


def latest_day(cols: dict[str, Any]) -> int:
    """The latest day any record of the columns is dated (0 for an empty ledger): a snapshot of
    the ledger cannot have been taken before it."""
    dated = [cols[k] for k in ("i_issue", "a_day", "p_day", "p_returned", "d_open", "d_resolved", "t_day",
                               "s_day", "n_agreed", "n_cancelled", "k_created", "k_archived", "o_day")]
    known = [int(d[d < NEVER].max()) for d in dated if len(d) and (d < NEVER).any()]
    return max(known, default=0)


def _flag_days(cols: dict[str, Any], stated: np.ndarray) -> np.ndarray:
    """Per invoice, the day its undated ``disputed`` flag became known (NEVER when not flagged):
    the day the source states, else the day its allocations (bounced or not: a later bounce
    does not unsay the settlement) first covered it, else, still open, the ledger's latest day."""
    covered = covered_day(cols["a_inv"], cols["a_day"], cols["a_amount"], cols["i_total"], SETTLED_TOLERANCE)
    covered = np.where(covered < NEVER, np.maximum(covered, cols["i_issue"]), latest_day(cols))
    known = np.where(stated < NEVER, stated, covered)
    return np.where(cols["i_disputed"] & ~cols["i_credit"], known, NEVER).astype(np.int32)


def _orders(ledger: Ledger, c_index: dict[str, int]) -> dict[str, np.ndarray]:
    """Confirmed sale orders (cancelled ones never count), totals in the company's currency."""
    confirmed = tuple(o for o in ledger.orders if o.state is OrderState.CONFIRMED)
    orders, o_cust, o_day = _sorted_by_customer(confirmed, c_index, "order_date")
    o_id, o_number, o_total, o_rate = columns(orders, "id", "number", "total", "fx_rate")
    return {"o_id": obj(o_id), "o_number": obj(o_number), "o_cust": o_cust, "o_day": o_day,
            "o_total": money(o_total) * money(o_rate) if len(orders) else np.zeros(0)}


def _switches(ledger: Ledger, c_index: dict[str, int]) -> dict[str, np.ndarray]:
    """Collectors' switches (snooze, exclude/include, placed/recalled) by (customer, day)."""
    switches, w_cust, w_day = _sorted_by_customer(ledger.switches, c_index, "on")
    kinds = tuple(SwitchKind)
    return {"w_cust": w_cust, "w_day": w_day,
            "w_kind": np.array([kinds.index(w.kind) for w in switches], dtype=np.int8),
            "w_until": days([w.until for w in switches]), "w_note": obj([w.note for w in switches])}


def _allocations(payments: list[Any], p_day: np.ndarray, invoices: list[Any], i_issue: np.ndarray,
                 is_credit: np.ndarray, i_index: dict[str, int], rate: np.ndarray) -> dict[str, np.ndarray]:
    owners: list[int] = []  # payment index, or -(credit note index) - 2
    allocs: list[Any] = []
    for pi, pay in enumerate(payments):
        if pay.allocations:
            allocs.extend(pay.allocations)
            owners.extend(repeat(pi, len(pay.allocations)))
    for ci in np.flatnonzero(is_credit):
        note = invoices[ci]
        allocs.extend(note.allocations)
        owners.extend(repeat(-int(ci) - 2, len(note.allocations)))
    inv_ids, amounts, dates = columns(allocs, "invoice_id", "amount", "date")
    owner = np.array(owners, dtype=np.int64)
    a_inv = index_of(i_index, inv_ids)
    own_day = np.where(owner >= 0, p_day[np.maximum(owner, 0)] if len(p_day) else 0,
                       i_issue[np.maximum(-owner - 2, 0)] if len(i_issue) else 0)
    a_day = days(dates)
    a_day = np.where(a_day == NEVER, own_day, a_day).astype(np.int32)
    keep = a_inv >= 0
    a_inv, a_day, owner = a_inv[keep], a_day[keep], owner[keep]
    a_amount = money(amounts)[keep] * rate[a_inv] if len(a_inv) else np.zeros(0)
    order = np.lexsort((a_day, a_inv))
    return {"a_inv": a_inv[order], "a_day": a_day[order], "a_amount": a_amount[order],
            "a_payment": np.where(owner >= 0, owner, -1)[order].astype(np.int32)}


def _small_tables(ledger: Ledger, c_index: dict[str, int], i_index: dict[str, int]) -> dict[str, Any]:
    """Disputes, contact attempts, plans, signals and contacts (small; plain comprehensions)."""
    from .model import Channel, SignalKind  # noqa: PLC0415 (kept next to their use)

    out: dict[str, Any] = {}
    disputes, d_cust, d_open = _sorted_by_customer(ledger.disputes, c_index, "opened_on")
    out.update(d_cust=d_cust, d_open=d_open,
               d_inv=np.array([-1 if d.invoice_id is None else i_index.get(d.invoice_id, -1) for d in disputes],
                              dtype=np.int32),
               d_resolved=days([d.resolved_on for d in disputes]),
               d_complaint=np.array([d.kind == "complaint" for d in disputes], dtype=bool),
               d_reason=obj([d.reason for d in disputes]),
               d_amount=money([d.amount for d in disputes]))
    attempts, t_cust, t_day = _sorted_by_customer(ledger.contact_attempts, c_index, "on")
    channels = tuple(Channel)
    out.update(t_cust=t_cust, t_day=t_day,
               t_channel=np.array([channels.index(t.channel) for t in attempts], dtype=np.int8),
               t_answered=np.array([t.answered for t in attempts], dtype=bool),
               t_promise_day=days([t.promise_date for t in attempts]),
               t_promise_amount=money([t.promise_amount for t in attempts]),
               t_outcome=obj([t.outcome for t in attempts]))
    plans, _, _ = _sorted_by_customer(ledger.payment_plans, c_index, "agreed_on")
    rows = [(pi, p, inst) for pi, p in enumerate(plans) for inst in p.instalments]
    out.update(n_cust=np.array([c_index[p.customer_id] for _, p, _ in rows], dtype=np.int32),
               n_plan=np.array([pi for pi, _, _ in rows], dtype=np.int32),
               n_due=days([i.due_date for _, _, i in rows]),
               n_amount=money([i.amount for _, _, i in rows]),
               n_agreed=days([p.agreed_on for _, p, _ in rows]),
               n_cancelled=days([p.cancelled_on for _, p, _ in rows]))
    signals, s_cust, s_day = _sorted_by_customer(ledger.signals, c_index, "on")
    kinds = tuple(SignalKind)
    out.update(s_cust=s_cust, s_day=s_day,
               s_kind=np.array([kinds.index(s.kind) for s in signals], dtype=np.int8),
               s_expires=days([s.expires_on for s in signals]),
               s_severity=np.array([s.severity for s in signals], dtype=np.float64),
               s_confidence=np.array([s.confidence for s in signals], dtype=np.float64),
               s_source=obj([s.source for s in signals]), s_note=obj([s.note for s in signals]))
    contacts = [(c_index[c.id], k) for c in ledger.customers for k in c.contacts]
    out.update(k_cust=np.array([ci for ci, _ in contacts], dtype=np.int32),
               k_created=np.array([k.created_on.toordinal() if k.created_on else 0 for _, k in contacts],
                                  dtype=np.int32),
               k_archived=days([k.archived_on for _, k in contacts]),
               k_name=obj([k.name for _, k in contacts]), k_role=obj([k.role for _, k in contacts]),
               k_phone=obj([k.phone for _, k in contacts]))
    return out
