"""Collection episodes: the unbroken run of days, ending today, with something overdue."""

import datetime as dt

import numpy as np
from ledgers import customer_index, frame_at

from arwatch.core.columnar import NEVER
from arwatch.core.disputed import held_by_dispute
from arwatch.core.episodes import episode_began, episode_cause, episode_starts, last_promise_day, last_settling_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.settlement import settlement
from arwatch.demo.synthetic import build_synthetic

D = dt.date.fromisoformat

LEDGER = """
customer a "Alpha" terms=30
invoice a A1 2024-01-01 100.00
invoice a A2 2024-01-20 100.00
payment a PA1 2024-02-10 100.00 -> A1
invoice a A3 2024-03-01 100.00
payment a PA2 2024-03-15 100.00 -> A2
customer b "Beta" terms=30
invoice b B1 2024-01-01 100.00
payment b PB1 2024-01-20 100.00 -> B1
customer c "Gamma" terms=30
invoice c C1 2024-01-01 100.00
payment c PC1 2024-02-05 100.00 -> C1
invoice c C2 2024-02-01 100.00
call c 2024-03-05 answered promise=2024-03-20:100
call c 2024-02-01 answered promise=2024-02-03:100
"""


def start_of(as_of, customer):
    frame = frame_at(LEDGER, as_of)
    return episode_starts(frame)[customer_index(frame, customer)]


def test_episode_starts__with_the_first_overdue_day_of_an_unbroken_run():
    # A1 overdue from 1 Feb (paid 10 Feb), A2 overdue from 20 Feb (paid 15 Mar), A3 from 1 Apr:
    # 10..19 Feb nothing is overdue, so the episode of 25 Feb began on 20 Feb
    assert start_of("2024-02-05", "a") == D("2024-02-01").toordinal()
    assert start_of("2024-02-25", "a") == D("2024-02-20").toordinal()


def test_episode_starts__never_when_nothing_is_overdue():
    assert start_of("2024-02-15", "a") == NEVER  # A1 paid, A2 not yet due
    assert start_of("2024-03-31", "a") == NEVER  # A2 paid on 15 Mar, A3 due today (not overdue yet)
    assert start_of("2024-04-01", "a") == D("2024-04-01").toordinal()
    assert start_of("2024-03-01", "b") == NEVER  # paid before due: never overdue


def test_episode_starts__an_invoice_paid_on_the_day_another_falls_overdue_keeps_the_episode():
    # C1 overdue 1..4 Feb (paid 5 Feb); C2 due 2 Mar, overdue from 3 Mar: a new episode
    assert start_of("2024-02-04", "c") == D("2024-02-01").toordinal()
    assert start_of("2024-03-10", "c") == D("2024-03-03").toordinal()
    text = LEDGER.replace("payment c PC1 2024-02-05", "payment c PC1 2024-03-03")  # C1 paid the day C2 falls overdue
    frame = frame_at(text, "2024-03-10")
    assert episode_starts(frame)[customer_index(frame, "c")] == D("2024-02-01").toordinal()


def test_episode_cause__names_the_first_day_and_reads_back():
    cause = episode_cause(D("2024-02-20").toordinal())
    assert cause == "episode:2024-02-20" and episode_began(cause) == D("2024-02-20")
    assert episode_began("invoice:A1") is None


def test_last_settling_and_promise_days__only_inside_the_episode():
    frame = frame_at(LEDGER, "2024-03-10")
    starts = episode_starts(frame)
    a, c = customer_index(frame, "a"), customer_index(frame, "c")
    assert last_settling_day(frame, starts)[a] == NEVER  # A3 not overdue yet: no episode
    assert last_settling_day(frame, starts)[c] == NEVER  # C1 paid 5 Feb, before this episode
    assert last_promise_day(frame, starts)[c] == D("2024-03-05").toordinal()  # not the one of 1 Feb
    frame = frame_at(LEDGER, "2024-02-25")
    starts = episode_starts(frame)
    assert last_settling_day(frame, starts)[a] == NEVER  # PA1 on 10 Feb is before the episode of 20 Feb
    frame = frame_at(LEDGER.replace("PA2 2024-03-15", "PA2 2024-02-28").replace("-> A2", "-> A2:50.00"),
                     "2024-03-02")
    starts = episode_starts(frame)
    assert last_settling_day(frame, starts)[a] == D("2024-02-28").toordinal()  # paid in part


def _starts_one_customer_at_a_time(frame):
    """``episode_starts`` as it was written before it ran for all customers at once: each
    customer's overdue runs walked on their own (the reference the vectorised one must equal)."""
    st, t = settlement(frame), int(frame.as_of_day)
    start = frame.i_due.astype(np.int64) + 1
    end = np.where(st.is_open, t, st.settled_day.astype(np.int64) - 1)
    rows = np.flatnonzero(~frame.i_credit & (start <= end) & (start <= t) & ~held_by_dispute(frame))
    rows = rows[np.lexsort((start[rows], frame.i_cust[rows]))]
    cust, first, last = frame.i_cust[rows], start[rows], end[rows]
    bounds = np.searchsorted(cust, np.arange(frame.n_customers + 1))
    out = np.full(frame.n_customers, NEVER, dtype=np.int64)
    for c in np.flatnonzero(np.diff(bounds)):
        a, b = bounds[c], bounds[c + 1]
        reach = np.maximum.accumulate(last[a:b])
        if reach[-1] < t:
            continue
        begins = np.r_[True, first[a + 1:b] > reach[:-1] + 1]
        out[c] = first[a:b][np.flatnonzero(begins)[-1]]
    return out


def test_episode_starts__all_customers_at_once_as_one_at_a_time_on_many_days():
    today = D("2026-11-20")
    ledger, _ = load_ledger(build_synthetic(300, 3000, 3000, seed=2, today=today), source="synthetic")
    frame = LedgerFrame.from_ledger(ledger)
    for back in range(0, 730, 9):
        at = frame.as_of_date(today - dt.timedelta(days=back))
        assert episode_starts(at).tolist() == _starts_one_customer_at_a_time(at).tolist(), back
    for day in ("2024-01-15", "2024-02-05", "2024-02-25", "2024-03-10", "2024-04-20"):
        at = frame_at(LEDGER, day)
        assert episode_starts(at).tolist() == _starts_one_customer_at_a_time(at).tolist(), day
