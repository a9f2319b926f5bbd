"""The nested choice of the predictor in use: each quarter on the earlier ones only, a baseline
unless something beat it there, judged as a stream with a bootstrap interval by customer."""

import datetime as dt
import re

import numpy as np
import pytest

from arwatch.core.backtest.choice import choose, nested
from arwatch.core.backtest.metrics import roc_auc

Q = np.array([dt.date(2024, m, 1).toordinal() for m in (1, 4, 7, 10)], dtype=np.int64)


def quarters(n_per: int = 200, seed: int = 0):
    """Invoices spread over the four quarters of 2024, outcome known 30 days after the invoice
    day, 40 customers, a third of the invoices late."""
    rng = np.random.default_rng(seed)
    day = np.sort(np.concatenate([rng.integers(Q[i], Q[i] + 90, n_per) for i in range(4)]))
    y = rng.random(len(day)) < 1 / 3
    return rng, day, y, day + 30, rng.integers(0, 40, len(day))


def noisy(rng, y, signal: float) -> np.ndarray:
    return y * signal + rng.random(len(y))


def test_choice__a_contender_that_beats_the_baselines_is_used_from_the_first_quarter_with_evidence():
    rng, day, y, known, cust = quarters()
    preds = {"late_rate": noisy(rng, y, 0.3), "dunning": noisy(rng, y, 0.1), "learned": noisy(rng, y, 1.5)}
    u = nested(preds, y, day, known, cust, Q)
    assert [p for _, p in u.choices] == ["late_rate", "learned", "learned", "learned"]
    assert u.final == "learned" and u.baseline == "late_rate"
    assert u.margin > 0 and u.interval[0] > 0  # clearly better, even with customers as the unit


def test_choice__when_nothing_beats_the_baseline_the_baseline_is_used_and_said_plainly():
    rng, day, y, known, cust = quarters()
    preds = {"late_rate": noisy(rng, y, 1.0), "dunning": noisy(rng, y, 0.2), "scorecard": noisy(rng, y, 0.4),
             "learned": noisy(rng, y, 0.5)}
    u = nested(preds, y, day, known, cust, Q)
    assert {p for _, p in u.choices} == {"late_rate"} and u.final == "late_rate"
    assert u.margin == pytest.approx(0.0) and u.interval[0] <= 0 <= u.interval[1]
    assert u.final_reason.startswith("nothing beat the best baseline (late_rate, AUC ")
    assert u.final_reason.endswith("): the baseline is used")


def _right_in_the_last_quarter_only():
    """Quarters where the learned model is right in the last quarter only and random before: the
    days, the outcomes, the learned model's scores and the nested choice over them."""
    rng, day, y, known, cust = quarters()
    learned = rng.random(len(y))
    last = day >= Q[3]
    learned[last] = y[last] + 0.1 * rng.random(last.sum())
    preds = {"late_rate": noisy(rng, y, 0.3), "dunning": noisy(rng, y, 0.1), "learned": learned}
    return day, y, learned, nested(preds, y, day, known, cust, Q)


def test_choice__a_quarter_is_never_chosen_for_with_its_own_outcomes():
    """The learned model is perfect in the last quarter only: the choice for that quarter, made on
    the quarters before it, cannot know, so the baseline keeps it; with everything seen (the
    final choice) it would be chosen only if it had won overall."""
    *_, u = _right_in_the_last_quarter_only()
    assert [p for _, p in u.choices] == ["late_rate"] * 4


def test_choice__outcomes_not_yet_known_at_the_quarter_start_are_not_evidence():
    """In the first quarter the learned model is perfect on most invoices, those whose outcome is
    known only after the second quarter starts, and random on the others: the choice for the
    second quarter sees only the latter."""
    rng, day, y, known, cust = quarters()
    first = day < Q[1]
    late_known = first & (rng.random(len(y)) < 0.7)
    known = np.where(late_known, Q[1] + 10, known)
    learned = rng.random(len(y))
    learned[late_known] = y[late_known] + 0.1 * rng.random(late_known.sum())
    preds = {"late_rate": noisy(rng, y, 0.4), "dunning": noisy(rng, y, 0.1), "learned": learned}
    assert choose(preds, y, first)[0] == "learned"  # had it peeked
    u = nested(preds, y, day, known, cust, Q)
    assert u.choices[1][1] == "late_rate"


def test_choice__too_little_evidence_keeps_the_baseline():
    rng, day, y, _, _ = quarters(n_per=10)
    preds = {"late_rate": noisy(rng, y, 0.1), "dunning": noisy(rng, y, 0.1), "learned": noisy(rng, y, 3.0)}
    pick, why = choose(preds, y, day < Q[1])
    assert pick == "late_rate" and why == "too little evidence yet: the baseline is used"


def test_choice__a_higher_auc_owed_to_one_customer_does_not_replace_the_baseline():
    """The learned model ranks exactly as the past late rate except on one customer's invoices,
    which it gets right: a higher AUC on the evidence, but all of the difference is that one
    customer's influence (in the resamples of customers without it, about a third, it is no
    better), so the confidence stays below 90% and the past late rate stays; without customers
    as the unit, the higher AUC alone would have chosen it."""
    rng, day, y, known, cust = quarters()
    late_rate = noisy(rng, y, 0.5)
    learned = late_rate.copy()
    lucky = cust == 7
    learned[lucky] = y[lucky] * 10.0 - 5.0 + 0.01 * rng.random(lucky.sum())
    preds = {"late_rate": late_rate, "dunning": noisy(rng, y, 0.1), "learned": learned}
    everything = np.ones(len(y), dtype=bool)
    assert roc_auc(y, learned) > roc_auc(y, late_rate)
    assert choose(preds, y, everything)[0] == "learned"
    pick, why = choose(preds, y, everything, cust)
    assert pick == "late_rate"
    assert why.endswith("not above it with 90% confidence, customers as the unit): the baseline is used")
    u = nested(preds, y, day, known, cust, Q)
    assert {p for _, p in u.choices} == {"late_rate"} and u.final == "late_rate"


def test_choice__every_quarter_judges_a_contender_as_if_used_throughout_within_quarters():
    """The learned model is right in the last quarter only and random before: the stream keeps
    the baseline (margin 0); ``every_quarter`` says what using the learned model throughout would
    have given, judged on pairs within a quarter (the pair-weighted mean of the quarters' AUCs):
    a loss the choice avoided."""
    day, y, learned, u = _right_in_the_last_quarter_only()
    assert u.margin == pytest.approx(0.0)
    (name, auc, margin, lo, hi), = u.every_quarter
    quarter = np.searchsorted(Q, day, side="right") - 1
    pairs = np.array([y[quarter == i].sum() * (~y[quarter == i]).sum() for i in range(4)])
    by_hand = sum(p * roc_auc(y[quarter == i], learned[quarter == i]) for i, p in enumerate(pairs)) / pairs.sum()
    assert name == "learned" and auc == pytest.approx(by_hand)
    assert margin == pytest.approx(auc - u.baseline_auc) and lo < margin < hi < 0


def test_choice__every_quarter_is_blind_to_a_shift_of_scale_between_quarters():
    """Each quarter's model has its own scale (refitted, recalibrated): adding 10 to the learned
    model's scores in two quarters ruins its pooled AUC but not its AUC within quarters, which
    is how the stream in use is judged."""
    rng, day, y, known, cust = quarters()
    learned = noisy(rng, y, 0.6)
    shifted = learned + np.where((day >= Q[1]) & (day < Q[3]), 10.0, 0.0)
    base = {"late_rate": noisy(rng, y, 0.3), "dunning": noisy(rng, y, 0.1)}
    plain = nested({**base, "learned": learned}, y, day, known, cust, Q)
    moved = nested({**base, "learned": shifted}, y, day, known, cust, Q)
    assert roc_auc(y, shifted) < roc_auc(y, learned) - 0.05
    (name, *figures), = moved.every_quarter
    assert name == "learned" and figures == pytest.approx(plain.every_quarter[0][1:])


@pytest.mark.parametrize(("signal", "final"), [(0.9, "late_rate"), (2.0, "learned"), (0.2, "late_rate")])
def test_choice__the_final_choice_quotes_the_auc_its_figures_show(signal, final):
    """The report's "How risk is scored" line (``final_reason``) and its backtest figures
    (``every_quarter``, the baseline's) gave two AUCs for the same predictor on the same invoices,
    0.920 and 0.921 on the demo: the reason's pooled over every quarter, the figures' of pairs
    within a quarter. The reason now quotes the figures' (one computation); the choice itself is
    still made on the pooled AUCs."""
    rng, day, y, known, cust = quarters(seed=3)
    quarter = np.searchsorted(Q, day, side="right") - 1
    shifted = noisy(rng, y, signal) + 0.7 * quarter  # a scale of its own per quarter
    preds = {"late_rate": noisy(rng, y, 0.6), "dunning": noisy(rng, y, 0.1), "learned": shifted}
    u = nested(preds, y, day, known, cust, Q)
    assert u.final == final
    judged = {**{k: auc for k, auc, *_ in u.every_quarter}, u.baseline: u.baseline_auc}
    names = re.findall(r"\b(late_rate|learned|dunning)\b", u.final_reason)
    names = [u.final, *names] if u.final_reason.startswith("AUC ") else names  # "AUC x (the pick's) against y"
    quoted = [float(x) for x in re.findall(r"\b\d\.\d{3}\b", u.final_reason)]
    assert quoted and len(quoted) <= len(names)
    for name, figure in zip(names, quoted, strict=False):
        assert figure == pytest.approx(round(judged[name], 3)), (name, u.final_reason)
    assert round(roc_auc(y, preds["learned"]), 3) != round(judged["learned"], 3)  # the pooled AUC: another figure
