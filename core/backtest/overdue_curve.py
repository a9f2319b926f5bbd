"""When an invoice already past its expected payment day gets paid: the company's own record.

The naive forecast expects an invoice on its due date plus the customer's mean delay. Once that
day has passed with the invoice still open, it says "tomorrow", whatever the invoice's age: an
invoice 300 days past due is then as certain to come in next week as one a day past due, and a
ledger with old arrears shows all of them as next week's cash. Credit controllers know better:
the longer an invoice is past due, the less likely it is paid soon, or at all.

``UnpaidCurve`` is the Kaplan-Meier estimate, from what was known at a day t, of the share of the
company's invoices still unpaid k days past due: every invoice due by t counts, paid in full by t
(an event at its days past due then) or still open (censored at t - due). For an open invoice k0
days past due, the chance it is paid in the days k0+1..k is ``1 - S(k) / S(k0)``; the curve stays
flat after the last payment it has seen, so what it never saw paid stays unpaid (beyond the
forecast's weeks: "later", not next week). Company-wide: a customer's own record rarely holds
invoices that far past due, and the customer's habit has had its say in the naive day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class UnpaidCurve:
    """``unpaid[k]``: the share of invoices still unpaid k days past due (k = 0..len - 1),
    flat beyond its end."""

    unpaid: np.ndarray

    @staticmethod
    def at(due: np.ndarray, paid_day: np.ndarray, t: int) -> UnpaidCurve:
        """From invoices with their due day and paid-in-full day (any day; only what was known at
        ``t`` is read): those due by ``t``, paid by ``t`` or censored at ``t``."""
        known = due <= t
        due, paid = due[known], paid_day[known]
        paid_by_t = paid <= t
        late = np.where(paid_by_t, paid - due, t - due).astype(np.int64)
        # paid on or before the due day: paid at day 0 (the curve is read only from day 0 on)
        late = np.maximum(late, 0)
        length = int(late.max()) + 2 if len(late) else 2
        events = np.bincount(late[paid_by_t], minlength=length)[:length]
        leaving = np.bincount(late, minlength=length)[:length]  # paid or censored at day k
        at_risk = len(late) - np.r_[0, np.cumsum(leaving)[:-1]]  # still open at the start of day k
        hazard = np.where(at_risk > 0, events / np.maximum(at_risk, 1), 0.0)
        unpaid: np.ndarray = np.cumprod(1 - hazard)
        return UnpaidCurve(unpaid)

    def share(self, k: np.ndarray) -> np.ndarray:
        """S(k), flat beyond the curve's end."""
        out: np.ndarray = self.unpaid[np.minimum(np.maximum(k, 0), len(self.unpaid) - 1)]
        return out

    def paid_between(self, k0: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Chance an invoice still unpaid ``k0`` days past due is paid by ``k`` days past due."""
        start = self.share(k0)
        chance: np.ndarray = np.clip(np.where(start > 0, 1 - self.share(k) / np.maximum(start, 1e-300), 0.0),
                                     0.0, 1.0)
        return chance

    def median_after(self, k0: np.ndarray) -> np.ndarray:
        """Per invoice unpaid ``k0`` days past due, the day past due by which half of those of its
        kind that the record saw paid later were paid (the median day of payment, given it is
        paid); -1 where the record never saw an invoice that far past due paid."""
        start = self.share(k0)
        end = self.unpaid[-1]
        # S is non-increasing: the first k with S(k) <= (S(k0) + S(end)) / 2, searched on -S
        k = np.searchsorted(-self.unpaid, -(start + end) / 2, side="left")
        found = start > end
        out: np.ndarray = np.where(found, np.maximum(k, k0 + 1), -1).astype(np.int64)
        return out
