"""Which predictor is in use, chosen so that the backtest cannot fool itself.

Nested and time-ordered: at each quarter start c, the predictor used for the quarter's invoices
is chosen on the evaluated invoices dated before c whose outcome was known by c, and nothing
else. The customer's past late rate (``DEFAULT``) is used unless another predictor (the learned
model, the scorecard, dunning levels) beat it there convincingly: a higher ROC AUC with at least
``CONFIDENCE`` confidence when the customers are the unit that is sampled (a customer's invoices
are not independent; a higher AUC on a few hundred invoices of fifty customers is often luck,
and switching on luck quarter by quarter does worse than the baseline). Among those that did,
the one with the highest AUC is used; before there is evidence enough (``MIN_EVIDENCE`` invoices
of each outcome) the past late rate is. The stream of chosen predictions is then judged on every
evaluated quarter, against the baselines, with the AUC of pairs within a quarter (a stream may
switch predictors, whose scores are on different scales, between quarters). The margin over the
best baseline (the one that did best in hindsight: the harder test) gets an interval by customer.
``every_quarter`` judges each contender the same way as if it had been used in every quarter: what
the choice gave up or avoided (a contender's pooled AUC mixes the scales of models fitted at
different quarter starts, so it is no fair comparison with the stream's).

Confidence and interval come from each customer's influence on the AUC
(``metrics.auc_influence``, the infinitesimal jackknife): the variance of an AUC difference
when customers are resampled with replacement is about the sum over customers of the squared
difference of the two predictors' influences, and the difference is taken as normal. This is
what resampling the customers (a bootstrap) estimates, in one sort instead of a pass over every
invoice per resample: the bootstrap needed (resamples x invoices) memory and time, 8 GB per
question for a million invoices.

``final`` is the choice with all the evidence: what runs from the end of the ledger on. Its
reason (``final_reason``) quotes the AUCs of the figures shown beside it (within quarters,
computed once: ``every_quarter``, the baseline's), not the pooled ones it was chosen on, so that
one figure is given for one thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..frame import date_of
from .metrics import auc_influence, roc_auc

BASELINES: tuple[str, ...] = ("late_rate", "dunning")
CONTENDERS: tuple[str, ...] = ("learned", "scorecard")
DEFAULT = "late_rate"
MIN_EVIDENCE = 10
LEVEL = 0.95
#: confidence (customers as the unit) with which a predictor must beat the past late rate to replace it
CONFIDENCE = 0.9


@dataclass(frozen=True)
class InUse:
    """The nested choice for one question, and how the chosen stream did.

    Attributes:
      choices: (quarter start, predictor chosen for it).
      final: the predictor chosen on all the evidence, with ``final_reason`` in words.
      auc: AUC of the chosen stream (pairs within a quarter); baseline, baseline_auc: the best
        baseline in hindsight, judged the same way.
      margin: auc - baseline_auc; interval: its ``LEVEL`` interval, customers as the unit.
      every_quarter: per contender, (name, AUC, margin over the best baseline, interval low,
        high) had it been used in every quarter, judged as the stream is.
    """

    choices: tuple[tuple[dt.date, str], ...]
    final: str
    final_reason: str
    auc: float
    baseline: str
    baseline_auc: float
    margin: float
    interval: tuple[float, float]
    every_quarter: tuple[tuple[str, float, float, float, float], ...] = ()


def choose(preds: dict[str, np.ndarray], y: np.ndarray, evidence: np.ndarray,
           customer: np.ndarray | None = None, shown: dict[str, float] | None = None) -> tuple[str, str]:
    """(predictor, why) chosen on the rows ``evidence`` (see the module docstring). Without
    ``customer`` nothing is resampled: a higher AUC on the evidence itself is enough. ``shown``:
    the AUCs ``why`` quotes, when others are shown beside it (the final choice's: the figures'
    within quarters); the choice is made on the pooled AUCs of the evidence either way."""
    if int(y[evidence].sum()) < MIN_EVIDENCE or int((~y[evidence]).sum()) < MIN_EVIDENCE:
        return DEFAULT, "too little evidence yet: the baseline is used"
    auc = {k: roc_auc(y[evidence], v[evidence]) for k, v in preds.items()}
    default = DEFAULT if DEFAULT in preds else max((b for b in BASELINES if b in preds), key=lambda b: auc[b])
    wins = _confidence_over(preds, y, evidence, default, customer)
    convincing = [k for k in (*CONTENDERS, *BASELINES) if k in wins and wins[k] >= CONFIDENCE]
    base = max((b for b in BASELINES if b in preds), key=lambda b: (auc[b], -BASELINES.index(b)))
    said = shown if shown is not None else auc
    if convincing:
        pick = max(convincing, key=lambda k: auc[k])
        if pick in CONTENDERS:
            return pick, (f"AUC {said[pick]:.3f} against {said[base]:.3f} for the best baseline ({base}), "
                          f"above the past late rate with {wins[pick]:.0%} confidence (by customer)")
        return pick, (f"nothing beat the best baseline ({pick}, AUC {said[pick]:.3f}, above the past late rate "
                      f"with {wins[pick]:.0%} confidence, customers as the unit): the baseline is used")
    rivals = [c for c in CONTENDERS if c in preds]
    best = max(rivals, key=lambda c: (auc[c], -CONTENDERS.index(c))) if rivals else None
    others = f"; best other: {best} {said[best]:.3f}" if best else ""
    if customer is not None and (base != default or (best is not None and max(auc[best] - auc[default],
                                                                              said[best] - said[default]) > 0)):
        others += f", not above it with {CONFIDENCE:.0%} confidence, customers as the unit"
    return default, f"nothing beat the best baseline ({default}, AUC {said[default]:.3f}{others}): the baseline is used"


def _confidence_over(preds: dict[str, np.ndarray], y: np.ndarray, evidence: np.ndarray, default: str,
                     customer: np.ndarray | None) -> dict[str, float]:
    """Per predictor other than ``default`` with a higher AUC on ``evidence``: the confidence that
    its AUC is higher than ``default``'s, customers as the unit (1.0 without ``customer``: the
    evidence itself decides)."""
    ye = y[evidence]
    point = {k: roc_auc(ye, v[evidence]) for k, v in preds.items()}
    ahead = [k for k in preds if k != default and point[k] > point[default]]
    if customer is None or not ahead:
        return {k: 1.0 for k in ahead}
    _, codes = np.unique(customer[evidence], return_inverse=True)
    one = np.zeros(len(ye), dtype=np.int8)
    base_auc, base_influence = auc_influence(ye, preds[default][evidence], one, codes)
    out = {}
    for k in ahead:
        auc, influence = auc_influence(ye, preds[k][evidence], one, codes)
        out[k] = _confidence(auc - base_auc, influence - base_influence)
    return out


def _confidence(difference: float, influence: np.ndarray) -> float:
    """Confidence that an AUC difference is above 0, from the difference of the influences."""
    spread = float(np.sqrt(np.sum(influence ** 2)))
    if spread == 0:
        return 1.0 if difference > 0 else 0.0
    return NormalDist().cdf(difference / spread)


def nested(preds: dict[str, np.ndarray], y: np.ndarray, day: np.ndarray, known_from: np.ndarray,
           customer: np.ndarray, cutoffs: np.ndarray) -> InUse | None:
    """The nested choice over the rows given (the evaluated invoices of one question, every
    predictor finite), quarters starting at ``cutoffs``; None when no quarter has rows."""
    bounds = np.r_[cutoffs, np.iinfo(np.int64).max]
    quarter = np.searchsorted(bounds, day, side="right") - 1
    stream = np.zeros(len(y))
    choices = []
    for i, c in enumerate(cutoffs):
        rows = quarter == i
        if not rows.any():
            continue
        pick, _ = choose(preds, y, (day < c) & (known_from < c), customer)
        stream[rows] = preds[pick][rows]
        choices.append((date_of(int(c)), pick))
    if not choices:
        return None
    _, codes = np.unique(customer, return_inverse=True)
    # every predictor judged once, within quarters: the figures shown, and the AUCs the final
    # choice's reason quotes
    judged = {k: auc_influence(y, v, quarter, codes) for k, v in preds.items()}
    final, why = choose(preds, y, np.ones(len(y), dtype=bool), customer,
                        shown={k: float(v[0]) for k, v in judged.items()})
    base = max((b for b in BASELINES if b in judged), key=lambda b: judged[b][0])
    judged["in use"] = auc_influence(y, stream, quarter, codes)
    margin, interval = _margin(judged["in use"], judged[base])
    every = []
    for k in (c for c in CONTENDERS if c in preds):
        m, (lo, hi) = _margin(judged[k], judged[base])
        every.append((k, float(judged[k][0]), m, lo, hi))
    return InUse(tuple(choices), final, why, float(judged["in use"][0]), base, float(judged[base][0]),
                 margin, interval, tuple(every))


def _margin(judged: tuple[float, np.ndarray], base: tuple[float, np.ndarray]) -> tuple[float, tuple[float, float]]:
    """AUC difference of two ``auc_influence`` results on the same rows, and its ``LEVEL`` interval."""
    margin = judged[0] - base[0]
    spread = float(np.sqrt(np.sum((judged[1] - base[1]) ** 2)))
    z = NormalDist().inv_cdf(0.5 + LEVEL / 2)
    return float(margin), (float(margin - z * spread), float(margin + z * spread))
