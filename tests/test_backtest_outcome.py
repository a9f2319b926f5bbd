"""Outcomes read from the full ledger: delinquency days and invoice lateness labels."""

import datetime as dt

import numpy as np
from ledgers import customer_index, ledger_from_text

from arwatch.core.backtest.baselines import dunning_level, late_rate_level
from arwatch.core.backtest.history import history
from arwatch.core.backtest.outcome import delinquency_day, invoice_outcome, last_day
from arwatch.core.columnar import NEVER
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.frame import LedgerFrame

LEDGER = """
customer ok "Paid a day before 90" terms=30
customer bad "Never paid" terms=30
customer bounce "Paid, bounced later" terms=30
customer part "Paid half" terms=30
invoice ok OK/1 2024-01-01 100.00
payment ok P1 2024-04-29 100.00 -> OK/1
invoice bad BAD/1 2024-01-01 100.00
invoice bad BAD/2 2024-02-01 100.00
invoice bounce BO/1 2024-01-01 100.00
payment bounce P2 2024-02-01 100.00 -> BO/1 returned=2024-03-01
invoice part PA/1 2024-01-01 100.00
payment part P3 2024-02-01 50.00 -> PA/1
invoice ok OK/2 2024-06-01 10.00
"""


def _frame():
    return LedgerFrame.from_ledger(ledger_from_text(LEDGER))


def test_delinquency_day__first_day_an_invoice_is_90_days_past_due_and_open():
    f = _frame()
    bad = delinquency_day(f, 90, last_day(f))
    due = dt.date(2024, 1, 31).toordinal()
    assert bad[customer_index(f, "ok")] == NEVER  # paid on day 89 past due
    assert bad[customer_index(f, "bad")] == due + 90  # the older of two unpaid invoices
    assert bad[customer_index(f, "bounce")] == due + 90  # the payment bounced before day 90
    assert bad[customer_index(f, "part")] == due + 90  # half paid is still open


def test_delinquency_day__not_after_the_last_known_day():
    f = _frame()
    due = dt.date(2024, 1, 31).toordinal()
    assert (delinquency_day(f, 90, due + 89) == NEVER).all()
    assert delinquency_day(f, 30, due + 89)[customer_index(f, "ok")] == due + 30


def test_invoice_outcome__labels_and_what_is_not_known_yet():
    f = _frame()
    end = dt.date(2024, 6, 5).toordinal()
    out = invoice_outcome(f, end)
    number = list(f.i_number)
    late, known = out.label(10)
    assert late[number.index("OK/1")] and known[number.index("OK/1")]  # 89 days late, paid
    assert late[number.index("BAD/1")] and known[number.index("BAD/1")]  # open, far past due
    assert not known[number.index("OK/2")]  # open, not yet due: unknown


def test_paid_in_full_day__counts_every_allocation_even_one_that_bounces_later():
    f = _frame()
    paid = paid_in_full_day(f)
    number = list(f.i_number)
    assert paid[number.index("BO/1")] == dt.date(2024, 2, 1).toordinal()
    assert paid[number.index("PA/1")] == NEVER


HISTORY = """
customer c1 "Acme" terms=30
invoice c1 A/1 2024-01-01 100.00
invoice c1 A/2 2024-02-01 100.00
invoice c1 A/3 2024-03-01 100.00
payment c1 P1 2024-01-20 100.00 -> A/1
payment c1 P2 2024-03-20 100.00 -> A/2
payment c1 P3 2024-05-01 100.00 -> A/3
"""


def test_history__late_rate_as_known_on_each_day():
    f = LedgerFrame.from_ledger(ledger_from_text(HISTORY))
    days = np.array([dt.date(2024, 1, 19), dt.date(2024, 1, 20), dt.date(2024, 3, 20), dt.date(2024, 5, 1)])
    h = history(f, paid_in_full_day(f), np.zeros(4, np.int64), np.array([d.toordinal() for d in days]), 10)
    assert h.paid.tolist() == [0, 1, 2, 3]
    assert h.late.tolist() == [0, 0, 1, 2]  # A/2 paid 18 days late, A/3 31 days late
    assert h.serious.tolist() == [0, 0, 1, 2]
    assert h.late_rate()[1:].tolist() == [0.0, 0.5, 2 / 3]
    assert h.open.tolist() == [1, 0, 1, 0]
    assert h.overdue.tolist() == [0, 0, 0, 0]
    assert h.mean_late[3] == (0 + 18 + 31) / 3


def test_baselines__dunning_levels_by_days_past_due_only():
    assert dunning_level(np.array([-5, 0, 1, 30, 31, 60, 61, 400])).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_baselines__late_rate_levels():
    assert late_rate_level(np.array([0.0, 0.25, 0.49, 0.5, 0.8])).tolist() == [0, 1, 1, 2, 3]


def test_invoice_outcome__known_from_the_day_the_answer_is_known_no_earlier_no_later():
    """OK/1, paid 89 days late, is known to be more than 10 days late from due + 11, not only from
    its payment; BO/1, covered a day late by a payment that bounced a month later and never paid:
    more than 0 days late is known from due + 1 (not covered then), more than 10 days late only
    after the bounce (on due + 11 it looked paid); OK/2, open and not yet due: the day after
    due + X; PA/1, half paid: from due + X + 1."""
    f = _frame()
    out = invoice_outcome(f, dt.date(2024, 6, 5).toordinal())
    number = list(f.i_number)
    due = dt.date(2024, 1, 31).toordinal()
    covered = paid_in_full_day(f)
    k0, k10 = out.known_from(0, f, covered), out.known_from(10, f, covered)
    assert k10[number.index("OK/1")] == due + 11 and k0[number.index("OK/1")] == due + 1
    assert k0[number.index("BO/1")] == due + 1
    assert k10[number.index("BO/1")] == dt.date(2024, 3, 2).toordinal()  # the day after the bounce
    assert k10[number.index("PA/1")] == due + 11
    assert k10[number.index("OK/2")] == f.i_due[number.index("OK/2")] + 11

