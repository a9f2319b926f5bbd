"""A customer's score does not depend on which customers it is scored with.

The add-on scores a company in batches of customers (``arwatch.batch_size``) and "score now" may
score a few; norms taken from a batch's frame (``habitual_lateness``'s company norm, the live
model's all-customer share) made a customer's score depend on its batch. A frame of a batch
carries the whole company's record (``LedgerFrame.with_company``) and scores as in the whole
frame: every score, level, segment, strength, measure and piece of evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest
from ledgers import ledger_from_text
from test_model_in_use import FIT_DAY, POLICY, company

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest.features import point_features
from arwatch.core.backtest.live import LinearModel, ModelInUse, apply_in_use, fit_in_use
from arwatch.core.backtest.replay import replay
from arwatch.core.company_record import CompanyRecord, company_record, own_record, paid_in_full_day
from arwatch.core.frame import LedgerFrame
from arwatch.core.model import Ledger
from arwatch.core.scoring import ScoreBoard, score
from arwatch.demo.company import build_demo_company


def subset(ledger: Ledger, ids: set[str]) -> Ledger:
    """``ledger`` with only the customers ``ids`` and their records (the add-on's batch)."""
    parts = {name: tuple(r for r in getattr(ledger, name) if str(r.customer_id) in ids)
             for name in ("invoices", "payments", "disputes", "contact_attempts", "payment_plans", "signals",
                          "orders", "switches", "notes")}
    return ledger.model_copy(update={"customers": tuple(c for c in ledger.customers if str(c.id) in ids), **parts})


def batches(ledger: Ledger, n: int, seed: int) -> list[set[str]]:
    ids = [str(c.id) for c in ledger.customers]
    random.Random(seed).shuffle(ids)
    return [set(ids[k::n]) for k in range(n)]


def rows(board: ScoreBoard, ids: set[str]) -> np.ndarray:
    return np.array([i for i, c in enumerate(board.frame.c_id) if str(c) in ids])


def assert_same_customers(whole: ScoreBoard, part: ScoreBoard) -> None:
    """Every customer of ``part`` scores in it as in ``whole``."""
    at = {str(c): i for i, c in enumerate(whole.frame.c_id)}
    w = np.array([at[str(c)] for c in part.frame.c_id])
    np.testing.assert_allclose(part.score, whole.score[w], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(part.level, whole.level[w])
    np.testing.assert_array_equal(part.segment, whole.segment[w])
    for pr, wr in zip(part.results, whole.results, strict=True):
        np.testing.assert_array_equal(pr.fired, wr.fired[w], err_msg=pr.indicator)
        np.testing.assert_allclose(pr.strength, wr.strength[w], rtol=0, atol=1e-12, err_msg=pr.indicator)
        if pr.measure is not None:
            np.testing.assert_allclose(pr.measure, wr.measure[w], rtol=0, atol=1e-9, err_msg=pr.indicator)
        for k in np.flatnonzero(pr.fired):
            assert pr.explain(int(k), "en") == wr.explain(int(w[k]), "en"), pr.indicator


@pytest.fixture(scope="module")
def demo():
    company_ = build_demo_company()
    frame = LedgerFrame.from_ledger(company_.ledger, company_.today)
    return company_, frame, score(frame)


@pytest.mark.parametrize("n", [2, 3, 7])
def test_a_batch_with_the_company_record_scores_as_the_whole_company(demo, n):
    company_, whole_frame, whole = demo
    record = company_record(whole_frame)
    for ids in batches(company_.ledger, n, seed=n):
        frame = LedgerFrame.from_ledger(subset(company_.ledger, ids), company_.today)
        assert_same_customers(whole, score(frame.with_company(record)))


def test_a_customer_scored_alone_with_the_company_record_scores_as_in_the_whole_company(demo):
    company_, whole_frame, whole = demo
    record = company_record(whole_frame)
    for c in list(company_.ledger.customers)[::9]:
        frame = LedgerFrame.from_ledger(subset(company_.ledger, {str(c.id)}), company_.today)
        assert_same_customers(whole, score(frame.with_company(record)))


def test_without_the_company_record_a_batch_measures_against_its_own_customers(demo):
    """What the record is for: a batch's own norm differs from the company's, and so do scores."""
    company_, whole_frame, whole = demo
    differ = 0
    for ids in batches(company_.ledger, 3, seed=3):
        part = score(LedgerFrame.from_ledger(subset(company_.ledger, ids), company_.today))
        differ += int(np.sum(np.abs(part.score - whole.score[rows(whole, ids)]) > 1e-9))
    assert differ > 0


def test_the_company_record_is_its_batches_records_merged_in_any_order(demo):
    company_, whole_frame, _ = demo
    parts = [own_record(LedgerFrame.from_ledger(subset(company_.ledger, ids), company_.today))
             for ids in batches(company_.ledger, 4, seed=11)]
    whole = own_record(whole_frame)
    for merged in (CompanyRecord.merge(parts), CompanyRecord.merge(parts[::-1])):
        for f in dataclasses.fields(CompanyRecord):
            np.testing.assert_array_equal(getattr(merged, f.name), getattr(whole, f.name), err_msg=f.name)
    assert len(whole) > 0 and len(CompanyRecord.merge([])) == 0


def test_a_frame_cut_to_an_earlier_day_drops_the_record_of_its_day(demo):
    company_, whole_frame, _ = demo
    frame = whole_frame.with_company(company_record(whole_frame))
    assert frame.company is not None
    assert frame.as_of_date(company_.today - dt.timedelta(days=30)).company is None


NEWCOMER = """
customer new "New Customer" terms=30
invoice new N-1 2025-01-02 500.00
"""


@pytest.fixture(scope="module")
def live():
    """A company with a fitted live model, known on the fit day, and a customer with no invoice
    paid yet (scored at the company's share of invoices paid late)."""
    ledger = ledger_from_text(company() + NEWCOMER)
    full = LedgerFrame.from_ledger(ledger)
    model = fit_in_use(full.as_of_date(FIT_DAY), POLICY, FIT_DAY)
    return ledger, full.as_of_date(FIT_DAY), model


def learned_on_every_feature(model: ModelInUse, frame: LedgerFrame) -> ModelInUse:
    """``model`` as a learned linear model weighing every feature the live model reads (fitted
    on noise: what matters is that each feature counts)."""
    t = frame.as_of_day
    rep = replay(frame, (frame.as_of,), POLICY, frame.i_cust[[0]], np.array([t]))
    names = point_features(frame, paid_in_full_day(frame), np.array([0]), np.array([t]), rep.query_measure,
                           rep.indicators, (model.late_days,), POLICY.params("habitual_lateness"))[1]
    assert {"late_rate_shrunk", "typical_days_late", "measure:habitual_lateness"} <= set(names)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, len(names)))
    day = np.arange(400) + 700_000
    fitted = ml.fit_final(x, x.sum(axis=1) + rng.normal(size=400) > 0, day, day + 1, int(day[-1]) + 5,
                          linear_only=True)
    assert fitted is not None
    return model.model_copy(update={"predictor": "learned", "linear": LinearModel.from_fitted(fitted, names)})


@pytest.mark.parametrize("predictor", ["fitted", "late_rate", "learned"])
def test_the_live_model_scores_a_batch_as_the_whole_company(live, predictor):
    ledger, whole_frame, model = live
    if predictor == "learned":
        model = learned_on_every_feature(model, whole_frame)
    elif predictor != "fitted":
        model = model.model_copy(update={"predictor": predictor})
    whole = apply_in_use(score(whole_frame, POLICY), model, POLICY)
    record = company_record(whole_frame)
    for ids in [*batches(ledger, 3, seed=5), {"new"}, {"new", "c0"}]:
        frame = LedgerFrame.from_ledger(subset(ledger, ids), FIT_DAY).with_company(record)
        part = apply_in_use(score(frame, POLICY), model, POLICY)
        assert_same_customers(whole, part)


def test_without_the_record_a_newcomer_alone_gets_no_company_share(live):
    """The newcomer's chance is the company's share of invoices paid late; alone, it has none."""
    ledger, whole_frame, model = live
    model = model.model_copy(update={"predictor": "late_rate"})
    whole = apply_in_use(score(whole_frame, POLICY), model, POLICY)
    alone = apply_in_use(score(LedgerFrame.from_ledger(subset(ledger, {"new"}), FIT_DAY), POLICY), model, POLICY)
    at = rows(whole, {"new"})[0]
    assert whole.score[at] > 0
    assert alone.score[0] != pytest.approx(whole.score[at])
