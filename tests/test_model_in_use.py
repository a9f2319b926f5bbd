"""What the backtest validates is what runs (issue 20 point 8): the model that scores a company is
the one its own backtest chose, fitted on what was known before the fit day, stored with its
version and fit day, refitted on the policy's schedule; without enough history, the scorecard."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import numpy as np
import pytest
from ledgers import ledger_from_text

from arwatch.core.backtest import learned as ml
from arwatch.core.backtest.features import point_features
from arwatch.core.backtest.live import (
    LinearModel,
    ModelInUse,
    apply_in_use,
    due_for_fit,
    fit_in_use,
    live_settings,
    next_invoice_features,
    probabilities,
)
from arwatch.core.backtest.replay import replay
from arwatch.core.backtest.run import backtest_frame
from arwatch.core.company_record import paid_in_full_day
from arwatch.core.credit_policy import SEGMENT_NAMES
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.sync.model_in_use import scored
from arwatch.sync.store import open_store

START = dt.date(2023, 1, 2)
FIT_DAY = dt.date(2025, 1, 15)
POLICY = Policy()


def company(months: int = 26, customers: int = 30, seed: int = 7) -> str:
    """A company invoicing each customer monthly: a third of the customers habitually pay 35-70
    days late, the rest within a few days of the due date."""
    rng = random.Random(seed)
    lines = []
    for c in range(customers):
        lines.append(f'customer c{c} "Customer {c}" terms=30')
        late = c % 3 == 0
        for m in range(months):
            issue = START + dt.timedelta(days=30 * m + c % 5)
            amount = f"{rng.randint(50, 150) * 10}.00"
            lines.append(f"invoice c{c} I{c}-{m} {issue} {amount}")
            delay = rng.randint(35, 70) if late else rng.randint(-5, 8)
            if rng.random() < 0.1:  # now and then anyone slips
                delay += 40
            paid = issue + dt.timedelta(days=30 + delay)
            lines.append(f"payment c{c} P{c}-{m} {paid} {amount} -> I{c}-{m}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def full() -> LedgerFrame:
    return LedgerFrame.from_ledger(ledger_from_text(company()))


@pytest.fixture(scope="module")
def fitted(full: LedgerFrame) -> ModelInUse:
    return fit_in_use(full.as_of_date(FIT_DAY), POLICY, FIT_DAY)


def test_a_company_with_enough_history_runs_the_model_its_backtest_chose(full, fitted):
    known = full.as_of_date(FIT_DAY - dt.timedelta(days=1))
    result = backtest_frame(known, live_settings(POLICY), POLICY)
    chosen = result.invoice_cells[0].in_use
    assert chosen is not None
    assert fitted.predictor == chosen.final != "scorecard"
    assert fitted.backtest is not None and fitted.backtest.auc == pytest.approx(chosen.auc)
    assert fitted.reason.startswith("chosen by the company's backtest")
    assert fitted.fitted_on == FIT_DAY and fitted.version.startswith(f"1:{fitted.predictor}:")


def test_the_chosen_models_chance_is_the_score_and_sets_the_level_the_reasons_stay_the_evidence(full, fitted):
    board = score(full.as_of_date(FIT_DAY), POLICY)
    ran = apply_in_use(board, fitted, POLICY)
    p = probabilities(board, fitted, POLICY)
    assert p is not None and ran.scored_by == fitted.predictor and ran.model is fitted
    arrears = board.segment == SEGMENT_NAMES.index("delinquent")
    assert np.allclose(ran.score[~arrears], 100 * p[~arrears])
    assert np.allclose(ran.score[arrears], np.maximum(100 * p[arrears], board.score[arrears]))
    rules = POLICY.scoring
    chronic = board.segment == SEGMENT_NAMES.index("chronic_late")
    assert all((ran.score[~chronic] >= rules.high) == (ran.level[~chronic] >= 2))
    late, steady = ran.score[::3].mean(), np.delete(ran.score, np.s_[::3]).mean()
    assert late > steady + 20  # the habitual late payers come first
    c = int(ran.ranking()[0])
    assert [r.indicator for r in ran.customer(c).reasons] == [r.indicator for r in board.customer(c).reasons]
    assert [r.evidence for r in ran.customer(c).reasons] == [r.evidence for r in board.customer(c).reasons]


def test_without_enough_history_the_scorecard_scores_and_says_why(full):
    short = full.as_of_date(START + dt.timedelta(days=200))
    model = fit_in_use(short, POLICY, short.as_of)
    assert model.predictor == "scorecard" and model.linear is None and model.backtest is None
    assert "not enough history" in model.reason and f"minimum is {POLICY.model.min_settled_invoices}" in model.reason
    board = score(short, POLICY)
    ran = apply_in_use(board, model, POLICY)
    assert ran.scored_by == "scorecard" and np.array_equal(ran.score, board.score)
    assert np.array_equal(ran.level, board.level)


def test_the_policy_can_keep_the_scorecard(full):
    policy = Policy.model_validate({"model": {"use": "scorecard"}})
    model = fit_in_use(full.as_of_date(FIT_DAY), policy, FIT_DAY)
    assert model.predictor == "scorecard" and "use = \"scorecard\"" in model.reason


def test_the_fit_uses_only_what_was_known_before_the_fit_day(full, fitted):
    """A ledger that ends the day before the fit day, and one whose later records were all
    different, give the very same model."""
    text = company()
    kept, changed = [], []
    for line in text.splitlines():
        parts = line.split()
        day = next((dt.date.fromisoformat(p) for p in parts if p[:2] == "20" and len(p) == 10), None)
        if day is None or day < FIT_DAY:
            kept.append(line)
            changed.append(line)
        elif parts[0] == "invoice":  # after the cut: twice the amount, and never paid
            changed.append(line.replace(".00", "0.00"))
    for lines in (kept, changed):
        other = LedgerFrame.from_ledger(ledger_from_text("\n".join(lines)))
        again = fit_in_use(other.as_of_date(FIT_DAY), POLICY, FIT_DAY)
        assert again == fitted


def test_the_fit_is_deterministic(full, fitted):
    assert fit_in_use(full.as_of_date(FIT_DAY), POLICY, FIT_DAY) == fitted


def test_next_invoice_features_are_the_backtests_invoice_date_features():
    """Live, a customer is scored as if it issued its next invoice the day after: exactly the
    features the backtest computes for an invoice issued that day, like the customer's latest."""
    text = company(months=14, customers=9) + "\ninvoice c4 NEXT 2024-02-12 700.00"
    frame = LedgerFrame.from_ledger(ledger_from_text(text))
    t = dt.date(2024, 2, 11)
    board = score(frame.as_of_date(t), POLICY)
    nxt = int(np.flatnonzero(frame.i_number == "NEXT")[0])
    rep = replay(frame, (t,), POLICY, frame.i_cust[[nxt]], np.array([t.toordinal()]))
    x, names, _ = point_features(frame, paid_in_full_day(frame), np.array([nxt]), np.array([t.toordinal()]),
                                 rep.query_measure, rep.indicators, (30,), POLICY.params("habitual_lateness"))
    custs, live, _ = next_invoice_features(board, POLICY, 30, names)
    row = live[list(custs).index(4)]
    same = [k for k, n in enumerate(names) if not n.startswith("amount")]  # the template's amount differs
    assert len(same) > 30
    assert np.allclose(row[same], x[30][0][same])


def test_a_stored_linear_model_predicts_as_the_fitted_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    y = x[:, 0] + rng.normal(size=400) > 0.5
    day = np.arange(400) + 700_000
    fitted = ml.fit_final(x, y, day, day + 1, int(day[-1]) + 5, linear_only=True)
    assert fitted is not None
    stored = LinearModel.from_fitted(fitted, tuple("abcde"))
    again = LinearModel.model_validate_json(stored.model_dump_json())
    assert np.allclose(again.predict(x), fitted.predict(x))


def test_the_store_keeps_the_fit_and_the_schedule_refits(tmp_path, full, fitted):
    store = open_store(tmp_path / "state.sqlite3")
    try:
        board = score(full.as_of_date(FIT_DAY), POLICY)
        ran, model = scored(board, POLICY, store, "acme", save=True)
        assert model == fitted and store.models.latest("acme") == fitted
        scored(board, POLICY, store, "acme", save=True)  # the same fit again: still one
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("select count(*) from models").scalar() == 1
        later = FIT_DAY + dt.timedelta(days=POLICY.model.refit_days - 1)
        assert not due_for_fit(fitted, later, POLICY)
        assert due_for_fit(fitted, later + dt.timedelta(days=1), POLICY)  # the schedule
        assert due_for_fit(fitted, FIT_DAY - dt.timedelta(days=1), POLICY)  # it saw data after that day
        assert due_for_fit(fitted, FIT_DAY, Policy.model_validate({"model": {"late_days": 10}}))
        assert store.models.latest("other") is None
    finally:
        store.close()


def test_score_json_says_which_model_scored(tmp_path, capsys):
    from arwatch.cli import main

    path = tmp_path / "ledger.json"
    from ledgers import ledger_data

    path.write_text(json.dumps(ledger_data(company())))
    assert main(["score", "--ledger", str(path), "--as-of", FIT_DAY.isoformat(), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert lines and all(line["model"]["predictor"] == lines[0]["model"]["predictor"] for line in lines)
    which = lines[0]["model"]
    assert which["fitted_on"] == FIT_DAY.isoformat() and which["backtest"]["auc"] > 0.5
    assert which["question"] == "next invoice paid more than 30 days late"


def test_a_customer_in_arrears_keeps_at_least_its_scorecard_level_under_a_learned_model(full, fitted):
    """A good past record never hides a customer long overdue now: the delinquent segment keeps
    the scorecard's score and level when the model would put it lower."""
    board = score(full.as_of_date(FIT_DAY), POLICY)
    delinquent = SEGMENT_NAMES.index("delinquent")
    habit_only = fitted.model_copy(update={"predictor": "late_rate", "linear": None})
    p = probabilities(board, habit_only, POLICY)
    assert p is not None
    c = int(np.argmax(board.score - 100 * p))  # where the habit alone ranks lowest against the scorecard
    segment = board.segment.copy()
    segment[c] = delinquent
    in_arrears = apply_in_use(dataclasses.replace(board, segment=segment), habit_only, POLICY)
    not_in_arrears = apply_in_use(dataclasses.replace(board, segment=np.where(
        board.segment == delinquent, 0, board.segment).astype(board.segment.dtype)), habit_only, POLICY)
    assert 100 * p[c] < board.score[c]  # the habit alone would rank it lower
    assert not_in_arrears.score[c] == pytest.approx(100 * p[c])
    assert in_arrears.score[c] == board.score[c] and in_arrears.level[c] == board.level[c]


def test_a_chronic_late_payer_ranks_by_the_model_but_its_habit_alone_raises_no_alarm(full, fitted):
    """The habitual late payers (a third of the company) get the model's high chance of paying
    late, and come first; as chronic late payers their level goes above medium only as far as
    the scorecard's does, as a habit alone raises no alarm there either (issue 20)."""
    board = score(full.as_of_date(FIT_DAY), POLICY)
    ran = apply_in_use(board, fitted, POLICY)
    chronic = board.segment == SEGMENT_NAMES.index("chronic_late")
    medium, high = 1, 2
    assert chronic.sum() >= 5 and (ran.score[chronic] >= POLICY.scoring.high).any()  # the model alone: high
    assert (ran.level[chronic] <= np.maximum(board.level[chronic], medium)).all()
    assert (ran.level[chronic & (ran.score >= POLICY.scoring.high)] >= medium).all()
    assert ran.ranking()[0] in np.flatnonzero(chronic)  # the rank is still the model's
    raised = board.segment.copy()
    raised[chronic] = SEGMENT_NAMES.index("good")  # the same chances, not explained by a habit
    as_good = apply_in_use(dataclasses.replace(board, segment=raised), fitted, POLICY)
    assert (as_good.level[chronic & (ran.score >= POLICY.scoring.high)] >= high).all()


def test_the_report_says_which_model_scored_in_words_a_controller_reads(full, fitted):
    """"How risk is scored" wrote the fit day and the quarters as 2026-11-20, the predictors by
    their ids ("2026-04-01: late_rate") and AUC with no word of what it is: now the page's days,
    the predictors' names and one plain line on AUC, the margin and its interval."""
    import re

    from arwatch.report.forecast import AUC_WORDS, model_section
    from arwatch.report.style import Style

    assert fitted.backtest is not None
    html = model_section(apply_in_use(score(full.as_of_date(FIT_DAY), POLICY), fitted, POLICY), Style("en_GB"))
    assert not re.search(r"\d{4}-\d\d-\d\d", html)  # no ISO day: "1 Jan 2026", as the rest of the page
    assert f"fitted on {FIT_DAY.day} {FIT_DAY:%b} {FIT_DAY.year}" in html
    prose = html.replace(f"(version {fitted.version})", "")  # the fit's version names it by id, for support
    assert not re.search(r"\b(late_rate|learned|dunning)\b(?! model| levels)", prose)  # the predictors' names
    assert "AUC" in html and AUC_WORDS.replace("'", "&#x27;") in html
    assert "((" not in html and "))" not in html  # a name in brackets inside brackets reads badly
    assert "AUC is the chance that, of two invoices, the one that was paid late had the higher score" in AUC_WORDS
