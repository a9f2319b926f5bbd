"""An excerpt of IBM's Accounts Receivable sample through the backtest (single-table CSV)."""

from pathlib import Path

import numpy as np
import pytest
from csv_ledger import ledger_from_csv

from arwatch.core.backtest import BacktestSettings, run_backtest
from arwatch.core.backtest import learned as ml

EXCERPT = Path(__file__).parent / "data" / "ibm-ar-backtest-excerpt.csv"
SETTINGS = BacktestSettings(late_days=(0, 10), serious_late_days=10, delinquent_days=30)


@pytest.fixture(scope="module")
def result():
    return run_backtest(ledger_from_csv(EXCERPT), SETTINGS)


def test_backtest_ibm__every_question_is_judged_for_every_method_on_the_same_invoices(result):
    assert {(c.point, c.late_days) for c in result.invoice_cells} == {
        ("invoice date", 0), ("invoice date", 10), ("due date", 0), ("due date", 10)}
    for cell in result.invoice_cells:
        assert {"scorecard", "dunning", "late_rate"} <= set(cell.scores)
        assert 0 < cell.positives < cell.invoices
        for s in cell.scores.values():
            assert 0.0 <= s.auc <= 1.0 and 0.0 < s.ap <= 1.0


def test_backtest_ibm__judged_only_after_a_year_of_history(result):
    assert str(result.evaluated_from) == "2013-01-01"
    # the excerpt has invoices from 2012; those must not be in the judged population
    issue = ledger_from_csv(EXCERPT).invoices
    after = sum(1 for i in issue if i.issue_date >= result.evaluated_from)
    assert result.cell("invoice date", 0).invoices == after


def test_backtest_ibm__past_late_rate_ranks_better_than_chance(result):
    assert result.cell("invoice date", 0).scores["late_rate"].auc > 0.6


def test_backtest_ibm__learned_model_is_out_of_sample_and_says_why_it_is_used(result):
    pytest.importorskip("sklearn")
    assert result.learned_cutoffs and min(result.learned_cutoffs) >= result.evaluated_from
    assert result.model_in_use in ("learned", "scorecard")
    assert "time-ordered tests" in result.model_reason


def test_backtest_ibm__without_scikit_learn_the_scorecard_is_used_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(ml, "available", lambda: (False, ml.MISSING))
    r = run_backtest(ledger_from_csv(EXCERPT), SETTINGS)
    assert r.model_in_use == "scorecard"
    assert "pip install 'arwatch[ml]'" in r.model_reason
    assert all("learned" not in c.scores for c in r.invoice_cells)


def test_learned__time_ordered_fit_never_trains_on_what_was_unknown_at_the_cutoff(monkeypatch):
    seen = []

    class Recorder:
        def fit(self, x, y):
            seen.append(x[:, 0].copy())
            return self

        def predict_proba(self, x):
            return np.c_[1 - x[:, 1] * 0, x[:, 1] * 0]

    monkeypatch.setattr(ml, "make_classifier", lambda n: Recorder())
    monkeypatch.setattr(ml, "_fit", lambda model, x, y, day=None: model.fit(x, y))
    rng = np.random.default_rng(0)
    day = np.sort(rng.integers(0, 400, 300))
    known_from = day + rng.integers(0, 90, 300)
    x = np.c_[known_from, day]
    out = ml.time_ordered(x, day, rng.random(300) < 0.4, known_from, np.array([200, 300]))
    assert out.cutoffs == (200, 300)
    assert seen[0].max() < 200 and seen[1].max() < 300
    assert np.isnan(out.probability[day < 200]).all() and np.isfinite(out.probability[day >= 200]).all()
