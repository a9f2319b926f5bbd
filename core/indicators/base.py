"""The indicator contract: a named, explainable unit computed for every customer at once.

An indicator reads a ``LedgerFrame`` already cut at the day T (so it cannot look ahead) and
its own parameters from the policy, and returns one ``IndicatorResult``: per customer whether
it fired, how strongly (0..1), and evidence a person can check, rendered on demand: only for
the customers shown, written or exported, in the company's locale (its days and amounts, each
amount with the company's currency, through ``core.formats.Style``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..formats import DEFAULT_LOCALE
from ..frame import LedgerFrame

Explain = Callable[[int, str], str]
"""(customer index, locale) -> the evidence text, its days and amounts in that locale."""

SOURCE_NAMES = {"quickbooks": "QuickBooks", "odoo": "Odoo", "file": "the file", "demo": "the demo"}


class IndicatorParams(BaseModel):
    """Settings every indicator has; each indicator's Params adds its thresholds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    weight: float = Field(default=0.3, ge=0, le=1, description="contribution when fully fired")


P = TypeVar("P", bound=IndicatorParams)


@dataclass(frozen=True)
class IndicatorResult:
    """What one indicator found for every customer of a frame.

    Attributes:
      fired: bool per customer.
      strength: 0..1 per customer, 0 where not fired.
      available: False when the source cannot provide the data; then nothing fires.
      unavailable_reason: e.g. "not available from QuickBooks: payer bank accounts".
      explain: (customer index, locale) -> evidence text ("" where not fired).
      measure: per customer, the raw quantity the indicator thresholds (days past due, unanswered
        calls, typical days late...), whether it fired or not; None when it has none (the
        learned model reads it, never the strength).
      alarm: per customer, the part of ``strength`` that counts towards the level (at most the
        strength, 0 where not fired); None: all of it. ``habitual_lateness`` ranks a customer by
        how often it pays late as well as by how late, but only how late raises the alarm.
    """

    indicator: str
    fired: np.ndarray
    strength: np.ndarray
    explain: Explain = field(repr=False)
    available: bool = True
    unavailable_reason: str = ""
    measure: np.ndarray | None = field(default=None, repr=False)
    alarm: np.ndarray | None = field(default=None, repr=False)

    @property
    def alarm_strength(self) -> np.ndarray:
        """The strength the level reads (``alarm``, else ``strength``)."""
        return self.strength if self.alarm is None else self.alarm

    def evidence(self, customer: int, locale: str = DEFAULT_LOCALE) -> str:
        """What the indicator found for ``customer``, its days and amounts written in ``locale``."""
        if not self.available:
            return self.unavailable_reason
        return self.explain(customer, locale) if self.fired[customer] else ""


@dataclass(frozen=True)
class Indicator(Generic[P]):
    """A warning sign of warning-signs.md table A.

    Attributes:
      id: the name used everywhere (policy keys, reports, written-back reasons).
      title: the warning sign in words.
      seeds: the source texts it comes from.
      needs: data kinds it cannot do without ("payer_account", "contacts", ...); when the
        ledger says one is unavailable, the result says so instead of scoring zero.
      params: its parameter model (defaults documented in the model).
      compute: (frame, params) -> IndicatorResult, for all customers at once.
    """

    id: str
    title: str
    seeds: tuple[str, ...]
    needs: frozenset[str]
    params: type[P]
    compute: Callable[[LedgerFrame, P], IndicatorResult] = field(repr=False)

    def run(self, frame: LedgerFrame, params: P) -> IndicatorResult:
        missing = sorted(self.needs & frame.unavailable)
        if missing:
            return self.unavailable(frame, missing)
        if not params.enabled:
            return quiet(self.id, frame)
        return self.compute(frame, params)

    def unavailable(self, frame: LedgerFrame, missing: list[str]) -> IndicatorResult:
        where = SOURCE_NAMES.get(frame.source, frame.source)
        reason = f"not available from {where}: " + ", ".join(m.replace("_", " ") for m in missing)
        result = quiet(self.id, frame)
        return IndicatorResult(self.id, result.fired, result.strength, result.explain,
                               available=False, unavailable_reason=reason)


def quiet(indicator_id: str, frame: LedgerFrame) -> IndicatorResult:
    """A result in which nothing fired."""
    n = frame.n_customers
    return IndicatorResult(indicator_id, np.zeros(n, dtype=bool), np.zeros(n), lambda _c, _locale: "")


def fired_result(indicator_id: str, fired: np.ndarray, strength: np.ndarray,
                 explain: Explain, measure: np.ndarray | None = None,
                 alarm: np.ndarray | None = None) -> IndicatorResult:
    """Result with strength clipped to 0..1 and zeroed where not fired; ``measure`` as given
    (as float64, NaN read as 0); ``alarm`` (the part of the strength the level reads) clipped
    to 0..strength."""
    strength = np.where(fired, np.clip(strength, 0.0, 1.0), 0.0)
    raw = None if measure is None else np.nan_to_num(np.asarray(measure, dtype=np.float64))
    part = None if alarm is None else np.clip(np.nan_to_num(np.asarray(alarm, dtype=np.float64)), 0.0, strength)
    return IndicatorResult(indicator_id, fired.astype(bool), strength, explain, measure=raw, alarm=part)


class RowsByCustomer:
    """The positions in ``cust`` (a customer per row, any order) of each customer's rows, in
    their order there: what ``np.flatnonzero(cust == c)`` gives, by a binary search instead of a
    pass over every row (explanations are asked for customer after customer). The index is built
    on the first question, so scoring without explanations never pays for it: the rows sorted by
    customer and, for the customers from the lowest to the highest in ``cust``, where each one's
    rows start (one search for all of them; a binary search per question where that range is
    far wider than the column)."""

    def __init__(self, cust: np.ndarray):
        self.cust = cust
        self._order: np.ndarray | None = None
        self._sorted: np.ndarray | None = None
        self._low = 0
        self._starts: list[int] | None = None

    def __call__(self, customer: int) -> np.ndarray:
        if self._order is None or self._sorted is None:
            self._order = np.argsort(self.cust, kind="stable")
            self._sorted = self.cust[self._order]
            if len(self._sorted) and int(self._sorted[-1]) - int(self._sorted[0]) <= 4 * len(self._sorted) + 1000:
                self._low = int(self._sorted[0])
                self._starts = np.searchsorted(
                    self._sorted, np.arange(self._low, int(self._sorted[-1]) + 2, dtype=np.int64)).tolist()
        if self._starts is not None:
            k = customer - self._low
            if k < 0 or k >= len(self._starts) - 1:
                return self._order[:0]
            found: np.ndarray = self._order[self._starts[k]:self._starts[k + 1]]
            return found
        start, end = np.searchsorted(self._sorted, _bounds(customer, self._sorted.dtype))
        found = self._order[start:end]
        return found


def rows_of(keys: np.ndarray, customer: int) -> np.ndarray:
    """Indexes of the rows of a customer-sorted key column that belong to ``customer``."""
    start, end = np.searchsorted(keys, _bounds(customer, keys.dtype))
    return np.arange(start, end)


def _bounds(customer: int, dtype: np.dtype) -> np.ndarray:
    """``[customer, customer + 1]`` in the keys' own dtype: a list of Python ints is int64, and
    searching an int32 column for it would copy the whole column to int64 first, on every call
    (a pass over all rows per customer asked: quadratic over a run's explanations)."""
    return np.array([customer, customer + 1], dtype=dtype)



class RunsByCustomer:
    """``rows`` (of a column whose customer per row is ``cust``) grouped by customer, each
    customer's ordered by ``key`` (ties in the order of ``rows``): one sort for every customer at
    once, made on the first question (scoring without explanations never pays for it), then a
    customer's rows are a slice."""

    def __init__(self, cust: np.ndarray, rows: np.ndarray, key: np.ndarray, n_customers: int):
        self.cust, self.rows, self.key, self.n = cust, rows, key, n_customers
        self._ordered: np.ndarray | None = None
        self._bounds: list[int] = []

    def __call__(self, customer: int) -> np.ndarray:
        if self._ordered is None:
            ordered = self.rows[np.lexsort((self.key[self.rows], self.cust[self.rows]))]  # lexsort is stable
            self._bounds = np.searchsorted(self.cust[ordered], np.arange(self.n + 1)).tolist()
            self._ordered = ordered
        found: np.ndarray = self._ordered[self._bounds[customer]:self._bounds[customer + 1]]
        return found
