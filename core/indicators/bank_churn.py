"""bank_churn: the customer pays from several or new bank accounts (seed 000).

Fires when, up to T, either
- payments came from at least ``min_accounts`` distinct payer accounts in the last
  ``window_days`` (about 6 months), or
- an account never used by this customer before paid in the last ``new_within_days``, after
  at least ``min_prior_payments`` payments from known accounts (so a customer's first
  accounts are not "new").
Payments without a known account are ignored. Action (spec): verify the account, run a
credit check. Accounts are shown masked to their last 4 characters.

Each (customer, account) pair is found with one stable sort of the payments of customers that
used more than one account, which keeps each pair's payments in day order.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..formats import Style
from ..frame import LedgerFrame
from .base import Indicator, IndicatorParams, IndicatorResult, RowsByCustomer, fired_result, rows_of


class Params(IndicatorParams):
    weight: float = Field(default=0.25, ge=0, le=1)
    window_days: int = Field(default=183, ge=1, description="days in which distinct accounts are counted")
    min_accounts: int = Field(default=2, ge=2, description="distinct accounts in the window that fire")
    new_within_days: int = Field(default=90, ge=1, description="how recent a first use counts as a new account")
    min_prior_payments: int = Field(default=3, ge=1,
                                    description="payments from known accounts before a new one is news")


def mask(account: str) -> str:
    """An account number shown by its last 4 characters only."""
    return "…" + account[-4:] if len(account) > 4 else account


def account_pairs(frame: LedgerFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(customer, account) pairs of the known-account payments of customers with several accounts.

    A customer that only ever paid from one account can fire neither way, so it is left out
    before the sort. Returns per pair: customer, account code, first and last day of use, and
    the number of the customer's known-account payments listed before that first use.
    """
    known = np.flatnonzero(frame.p_account >= 0)
    cust, acct = frame.p_cust[known], frame.p_account[known]
    switch = (cust[1:] == cust[:-1]) & (acct[1:] != acct[:-1])
    several = np.bincount(cust[1:][switch], minlength=frame.n_customers) > 0
    before = np.r_[0, np.cumsum(np.bincount(cust, minlength=frame.n_customers))]
    keep = several[cust]
    known, cust, acct = known[keep], cust[keep].astype(np.int64), acct[keep].astype(np.int64)
    position = np.flatnonzero(keep)  # index among all known-account payments, in (customer, day) order
    key = (cust << 32) | acct
    order = np.argsort(key, kind="stable")  # day order kept within each pair
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])[: len(key)]
    ends = np.r_[starts[1:], len(key)][: len(starts)].astype(np.int64)
    day = frame.p_day[known].astype(np.int64)
    p_cust = cust[order[starts]]
    prior = position[order[starts]] - before[p_cust]
    return p_cust, acct[order[starts]], day[order[starts]], day[order[ends - 1]], prior


def compute(frame: LedgerFrame, params: Params) -> IndicatorResult:
    n, t = frame.n_customers, frame.as_of_day
    p_cust, p_acct, first, last, prior = account_pairs(frame)
    recent = last > t - params.window_days
    distinct = np.bincount(p_cust[recent], minlength=n)
    new = (first > t - params.new_within_days) & (prior >= params.min_prior_payments)
    has_new = np.bincount(p_cust[new], minlength=n) > 0
    fired = (distinct >= params.min_accounts) | has_new
    strength = 0.5 * np.maximum(distinct - 1, 0) + 0.5 * has_new

    of_customer = RowsByCustomer(p_cust)

    def explain(c: int, locale: str) -> str:
        s = Style(locale, frame.currency)
        mine = of_customer(c)
        parts = []
        if distinct[c] >= params.min_accounts:
            used = sorted(describe_pair(frame, c, int(p_acct[k]), t - params.window_days, s)
                          for k in mine if recent[k])  # by label: account codes depend on later data
            parts.append(f"paid from {distinct[c]} accounts in the last {params.window_days} days: "
                         + "; ".join(used))
        for k in mine:
            if new[k]:
                parts.append(f"new account {mask(frame.accounts[p_acct[k]])} first used {s.day(first[k])} "
                             f"after {prior[k]} payments from other accounts")
        return "; ".join(parts)

    return fired_result("bank_churn", fired, strength, explain,
                        measure=np.maximum(distinct - 1, 0) + has_new)


def describe_pair(frame: LedgerFrame, c: int, account: int, since: int, s: Style) -> str:
    """'…4300: €500.00 on 1 Mar 2024, €200.00 on 2 Apr 2024' (amounts and days: a payment's record id
    means nothing to a person)."""
    rows = [r for r in rows_of(frame.p_cust, c) if frame.p_account[r] == account and frame.p_day[r] > since]
    shown = ", ".join(f"{s.money(frame.p_amount[r])} on {s.day(frame.p_day[r])}"
                      for r in rows[-3:])
    more = f" and {len(rows) - 3} earlier" if len(rows) > 3 else ""
    return f"{mask(frame.accounts[account])}: {shown}{more}"


INDICATOR = Indicator("bank_churn", "pays from several or new bank accounts", ("000",),
                      frozenset({"payer_account"}), Params, compute)
