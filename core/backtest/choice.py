"""Which predictor is in use, chosen so that the backtest cannot fool itself.

Nested and time-ordered: at each quarter start c, the predictor used for the quarter's invoices
is chosen on the evaluated invoices dated before c whose outcome was known by c, and nothing
else. The customer's past late rate (``DEFAULT``) is used unless another predictor (the learned
model, the scorecard, dunning levels) beat it there convincingly: a higher ROC AUC in at least
``CONFIDENCE`` of ``CHOICE_RESAMPLES`` resamples of the customers (a customer's invoices are not
independent; a higher AUC on a few hundred invoices of fifty customers is often luck, and
switching on luck quarter by quarter does worse than the baseline). Among those that did, the one
with the highest AUC is used; before there is evidence enough (``MIN_EVIDENCE`` invoices of each
outcome) the past late rate is. The stream of chosen predictions is then judged on every
evaluated quarter, against the baselines, with the AUC of pairs within a quarter (a stream may
switch predictors, whose scores are on different scales, between quarters). The margin over the
best baseline (the one that did best in hindsight: the harder test) gets a bootstrap interval
that resamples customers, whose invoices are not independent.

``final`` is the choice with all the evidence: what runs from the end of the ledger on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..frame import date_of
from .metrics import roc_auc, roc_auc_weighted, stratified_auc

BASELINES: tuple[str, ...] = ("late_rate", "dunning")
CONTENDERS: tuple[str, ...] = ("learned", "scorecard")
DEFAULT = "late_rate"
MIN_EVIDENCE = 10
BOOTSTRAP = 1000
LEVEL = 0.95
#: share of customer resamples in which a predictor must beat the past late rate to replace it
CONFIDENCE = 0.9
CHOICE_RESAMPLES = 200
#: resamples weighed at once (memory: rows x chunk floats)
_CHUNK = 25


@dataclass(frozen=True)
class InUse:
    """The nested choice for one question, and how the chosen stream did.

    Attributes:
      choices: (quarter start, predictor chosen for it).
      final: the predictor chosen on all the evidence, with ``final_reason`` in words.
      auc: AUC of the chosen stream (pairs within a quarter); baseline, baseline_auc: the best
        baseline in hindsight, judged the same way.
      margin: auc - baseline_auc; interval: its bootstrap interval (``LEVEL``, by customer).
    """

    choices: tuple[tuple[dt.date, str], ...]
    final: str
    final_reason: str
    auc: float
    baseline: str
    baseline_auc: float
    margin: float
    interval: tuple[float, float]


def choose(preds: dict[str, np.ndarray], y: np.ndarray, evidence: np.ndarray,
           customer: np.ndarray | None = None, seed: int = 0) -> tuple[str, str]:
    """(predictor, why) chosen on the rows ``evidence`` (see the module docstring). Without
    ``customer`` nothing is resampled: a higher AUC on the evidence itself is enough."""
    if int(y[evidence].sum()) < MIN_EVIDENCE or int((~y[evidence]).sum()) < MIN_EVIDENCE:
        return DEFAULT, "too little evidence yet: the baseline is used"
    auc = {k: roc_auc(y[evidence], v[evidence]) for k, v in preds.items()}
    default = DEFAULT if DEFAULT in preds else max((b for b in BASELINES if b in preds), key=lambda b: auc[b])
    wins = _wins_over(preds, y, evidence, default, customer, seed)
    convincing = [k for k in (*CONTENDERS, *BASELINES) if k in wins and wins[k] >= CONFIDENCE]
    base = max((b for b in BASELINES if b in preds), key=lambda b: (auc[b], -BASELINES.index(b)))
    if convincing:
        pick = max(convincing, key=lambda k: auc[k])
        if pick in CONTENDERS:
            return pick, (f"AUC {auc[pick]:.3f} against {auc[base]:.3f} for the best baseline ({base}), "
                          f"above the past late rate in {wins[pick]:.0%} of customer resamples")
        return pick, (f"nothing beat the best baseline ({pick}, AUC {auc[pick]:.3f}, above the past late rate "
                      f"in {wins[pick]:.0%} of customer resamples): the baseline is used")
    rivals = [c for c in CONTENDERS if c in preds]
    best = max(rivals, key=lambda c: (auc[c], -CONTENDERS.index(c))) if rivals else None
    others = f"; best other: {best} {auc[best]:.3f}" if best else ""
    if customer is not None and (base != default or (best is not None and auc[best] > auc[default])):
        others += f", not above it in {CONFIDENCE:.0%} of customer resamples"
    return default, f"nothing beat the best baseline ({default}, AUC {auc[default]:.3f}{others}): the baseline is used"


def _wins_over(preds: dict[str, np.ndarray], y: np.ndarray, evidence: np.ndarray, default: str,
               customer: np.ndarray | None, seed: int) -> dict[str, float]:
    """Per predictor other than ``default`` with a higher AUC on ``evidence``: the share of
    customer resamples in which its AUC is higher than ``default``'s (1.0 or 0.0 without
    ``customer``: the evidence itself decides)."""
    ye = y[evidence]
    point = {k: roc_auc(ye, v[evidence]) for k, v in preds.items()}
    ahead = [k for k in preds if k != default and point[k] > point[default]]
    if customer is None or not ahead:
        return {k: 1.0 for k in ahead}
    _, inverse = np.unique(customer[evidence], return_inverse=True)
    n_cust = int(inverse.max()) + 1 if len(inverse) else 0
    rng = np.random.default_rng(seed)
    wins = dict.fromkeys(ahead, 0)
    total = 0
    for start in range(0, CHOICE_RESAMPLES, _CHUNK):
        size = min(_CHUNK, CHOICE_RESAMPLES - start)
        weights = rng.multinomial(n_cust, np.full(n_cust, 1 / n_cust), size=size)[:, inverse]
        base_auc = roc_auc_weighted(ye, preds[default][evidence], weights)
        for k in ahead:
            wins[k] += int(np.sum(roc_auc_weighted(ye, preds[k][evidence], weights) > base_auc))
        total += size
    return {k: v / total for k, v in wins.items()}


def nested(preds: dict[str, np.ndarray], y: np.ndarray, day: np.ndarray, known_from: np.ndarray,
           customer: np.ndarray, cutoffs: np.ndarray, seed: int = 0) -> InUse | None:
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
        pick, _ = choose(preds, y, (day < c) & (known_from < c), customer, seed)
        stream[rows] = preds[pick][rows]
        choices.append((date_of(int(c)), pick))
    if not choices:
        return None
    final, why = choose(preds, y, np.ones(len(y), dtype=bool), customer, seed)
    weights = _bootstrap_weights(customer, seed)
    judged = {k: stratified_auc(y, v, quarter, weights) for k, v in preds.items() if k in BASELINES}
    judged["in use"] = stratified_auc(y, stream, quarter, weights)
    base = max((b for b in BASELINES if b in judged), key=lambda b: judged[b][0])
    best_base = np.fmax.reduce(np.vstack([judged[b] for b in BASELINES if b in judged]), axis=0)
    margins = (judged["in use"] - best_base)[1:]
    lo, hi = np.nanpercentile(margins, [50 * (1 - LEVEL), 50 * (1 + LEVEL)]) if np.isfinite(margins).any() \
        else (np.nan, np.nan)
    return InUse(tuple(choices), final, why, float(judged["in use"][0]), base, float(judged[base][0]),
                 float(judged["in use"][0] - judged[base][0]), (float(lo), float(hi)))


def _bootstrap_weights(customer: np.ndarray, seed: int) -> np.ndarray:
    """(1 + BOOTSTRAP, n): row 0 all ones (the sample itself), then customer resamples: each row
    weighs how often its customer was drawn."""
    ids, inverse = np.unique(customer, return_inverse=True)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=BOOTSTRAP) if len(ids) else \
        np.zeros((BOOTSTRAP, 0))
    return np.vstack([np.ones(len(customer)), drawn[:, inverse]])
