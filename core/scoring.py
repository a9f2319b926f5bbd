"""Scoring: every indicator on a frame cut at T, combined into a score, a level and reasons.

``score(frame, policy)`` is the whole pure pipeline for one day; ``ScoreBoard`` keeps the arrays
and renders a customer's result (``board.customer(i, locale)``) with its evidence on demand, its
days and amounts in the company's locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from . import wording
from .formats import DEFAULT_LOCALE
from .frame import LedgerFrame
from .indicators import INDICATORS, Indicator, IndicatorResult
from .policy import LEVELS, Policy, ScoringPolicy
from .segments import SEGMENTS, segment


class Reason(BaseModel):
    """One indicator's part in a customer's score."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    title: str
    strength: float
    points: float  # how much of the score it accounts for (share of the 0-100)
    evidence: str


class CustomerScore(BaseModel):
    """A customer's result on one day: what is written back as the risk flag."""

    model_config = ConfigDict(frozen=True)

    customer_id: str
    name: str
    as_of: dt.date
    score: float
    level: str
    segment: str
    reasons: tuple[Reason, ...]
    unavailable: tuple[str, ...] = ()  # "silence: not available from QuickBooks: contact attempts"


@dataclass(frozen=True)
class ScoreBoard:
    """Scores of every customer of a frame.

    Attributes:
      results: one IndicatorResult per indicator, in registry order.
      contributions: [indicator, customer] weight * strength actually counted.
      score: 0..100 per customer, what ranks customers; level and segment: indexes into LEVELS /
        SEGMENTS. alarm: the score the level comes from (``alarm_score``: every contribution, of
        its indicator's alarm strength (``IndicatorResult.alarm``), those of the policy's
        ``level_weights`` at that weight), at most the score; None: the score itself.
      scored_by: "scorecard" (the weighted indicators), or the predictor the company's backtest
        chose, whose chance (x 100) is then the score (``backtest.live.apply_in_use``); the
        reasons stay the indicators' evidence either way.
      chance: per customer, what the predictor in use gave (its chance of paying late; days past
        due for dunning levels), which sets the level with the policy's rules; None for the
        scorecard.
    """

    frame: LedgerFrame
    indicators: tuple[Indicator[Any], ...]
    results: tuple[IndicatorResult, ...]
    contributions: np.ndarray
    score: np.ndarray
    level: np.ndarray
    segment: np.ndarray
    top_reasons: int
    scored_by: str = "scorecard"  # the predictor whose chance set score and level (``backtest.live``)
    model: Any = None  # the ``backtest.live.ModelInUse`` that scored, None when no model was asked
    alarm: np.ndarray | None = None
    chance: np.ndarray | None = None

    @property
    def alarm_score(self) -> np.ndarray:
        """Per customer, the score its level comes from (what holds keep to): the score without
        the part of a capped sign (a habit) beyond its cap."""
        return self.score if self.alarm is None else self.alarm

    def result(self, indicator_id: str) -> IndicatorResult:
        return next(r for r in self.results if r.indicator == indicator_id)

    def ranking(self) -> np.ndarray:
        """Customer indexes, riskiest first: by level (what the controller reads), then by the
        chance of the predictor in use (``chance``, what set that level), then by score, then by
        name. The one order of every "riskiest first" list: ``arwatch score`` and ``demo``, the
        report's tables and the export. By score alone, a customer at low risk scoring 40 came
        before one at medium risk scoring 30 (a level set by the segment's rules or the model)."""
        keys = [self.frame.c_name.astype(str), -self.score]
        if self.chance is not None:
            keys.append(-np.nan_to_num(np.asarray(self.chance, dtype=np.float64), nan=-np.inf))
        keys.append(-self.level.astype(np.int64))
        return np.lexsort(tuple(keys))

    def _reason_rows(self, c: int) -> list[int]:
        """The indicators (rows of ``contributions``) of customer ``c``'s top reasons, largest first."""
        order = np.argsort(-self.contributions[:, c], kind="stable")
        total = self.contributions[:, c]
        rows = []
        for k in order[: self.top_reasons]:
            if total[k] <= 0:
                break
            rows.append(int(k))
        return rows

    def reason_indicators(self, c: int) -> tuple[str, ...]:
        """The indicator ids of ``customer(c)``'s reasons, in order, without writing their evidence."""
        return tuple(self.indicators[k].id for k in self._reason_rows(c))

    def customer(self, c: int, locale: str = DEFAULT_LOCALE) -> CustomerScore:
        """The explained result of customer index ``c``, its evidence written in ``locale``."""
        total = self.contributions[:, c]
        reasons = []
        for k in self._reason_rows(c):
            ind, res = self.indicators[k], self.results[k]
            reasons.append(Reason(indicator=ind.id, title=ind.title, strength=round(float(res.strength[c]), 3),
                                  points=round(float(self.score[c] * total[k] / total.sum()), 1),
                                  evidence=res.evidence(c, locale)))
        return CustomerScore(
            customer_id=str(self.frame.c_id[c]), name=str(self.frame.c_name[c]), as_of=self.frame.as_of,
            score=round(float(self.score[c]), 1), level=LEVELS[self.level[c]], segment=SEGMENTS[self.segment[c]],
            reasons=tuple(reasons),
            unavailable=tuple(wording.reason(r.indicator, r.unavailable_reason) for r in self.results
                              if not r.available),
        )


def combine(frame: LedgerFrame, indicators: tuple[Indicator[Any], ...], results: tuple[IndicatorResult, ...],
            policy: Policy, alarm: bool = False) -> np.ndarray:
    """[indicator, customer] contributions weight * strength, with ``only_with`` gates applied;
    ``alarm``: of the strength the level reads (``IndicatorResult.alarm_strength``)."""
    fired = {r.indicator: r.fired for r in results}
    rows = []
    for ind, res in zip(indicators, results, strict=False):
        part = policy.params(ind.id).weight * (res.alarm_strength if alarm else res.strength)
        gate = policy.scoring.only_with.get(ind.id)
        if gate:
            allowed = np.zeros(frame.n_customers, dtype=bool)
            for other in gate:
                if other in fired:
                    allowed |= fired[other]
            part = np.where(allowed, part, 0.0)
        rows.append(part)
    return np.vstack(rows) if rows else np.zeros((0, frame.n_customers))


def levels(score: np.ndarray, rules: ScoringPolicy) -> np.ndarray:
    return np.searchsorted(np.array([rules.medium, rules.high, rules.critical]), score, side="right").astype(np.int8)


def noisy_or(contributions: np.ndarray) -> np.ndarray:
    """100 * (1 - prod(1 - c)) per customer (column): every sign adds, none past 100."""
    total: np.ndarray = 100.0 * (1.0 - np.prod(1.0 - np.clip(contributions, 0, 1), axis=0))
    return total


def capped_for_level(indicators: tuple[Indicator[Any], ...], contributions: np.ndarray,
                     policy: Policy) -> np.ndarray:
    """``contributions`` with each indicator of ``[scoring] level_weights`` weighed at most that:
    what the level is computed from. A chronic late payer is ranked by its habit but is a segment to
    treat with patience, not an alarm (seed 001): by default the habit counts towards the level as
    it did before it ranked at a higher weight (alone: medium at most), and lifts a level further
    only together with arrears beyond it or a sign of deterioration."""
    out: np.ndarray = contributions.copy()
    for k, ind in enumerate(indicators):
        cap = policy.scoring.level_weights.get(ind.id)
        weight = policy.params(ind.id).weight
        if cap is not None and weight > cap:
            out[k] = contributions[k] * (cap / weight)
    return out


def score(frame: LedgerFrame, policy: Policy | None = None,
          indicators: tuple[Indicator[Any], ...] = INDICATORS) -> ScoreBoard:
    """Run every indicator on ``frame`` (already cut at its day) and score every customer."""
    policy = policy or Policy()
    results = tuple(ind.run(frame, policy.params(ind.id)) for ind in indicators)
    contributions = combine(frame, indicators, results, policy)
    scores = noisy_or(contributions)
    alarm_parts = (combine(frame, indicators, results, policy, alarm=True)
                   if any(r.alarm is not None for r in results) else contributions)
    alarm = noisy_or(capped_for_level(indicators, alarm_parts, policy))
    by_id = {r.indicator: r for r in results}
    return ScoreBoard(frame, indicators, results, contributions, scores, levels(alarm, policy.scoring),
                      segment(frame, by_id, policy.segments, policy.params("habitual_lateness")),
                      policy.scoring.top_reasons, alarm=alarm)
