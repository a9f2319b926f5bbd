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


def test_backtest_ibm__learned_model_is_out_of_sample_and_the_choice_is_nested(result):
    assert result.learned_cutoffs and min(result.learned_cutoffs) >= result.evaluated_from
    assert result.model_in_use in ("learned", "scorecard", "late_rate", "dunning")
    assert "chosen each quarter on the earlier quarters only" in result.model_reason
    for cell in result.invoice_cells:
        u = cell.in_use
        assert u is not None and u.choices[0] == (result.evaluated_from, "late_rate")  # no evidence yet
        assert [day for day, _ in u.choices] == sorted(day for day, _ in u.choices)
        assert u.interval[0] <= u.margin <= u.interval[1]
        assert u.margin == pytest.approx(u.auc - u.baseline_auc)


def test_backtest_ibm__the_populations_are_said():
    r = run_backtest(ledger_from_csv(EXCERPT), SETTINGS.model_copy(update={"learned": "off"}))
    assert r.cell("invoice date", 0).population == "every invoice dated from 2013-01-01"
    assert r.cell("due date", 10).population == ("the invoices still open (not paid in full) at the start of "
                                                 "their due date, due from 2013-01-01")
    assert r.cell("due date", 10).invoices < r.cell("invoice date", 10).invoices


def test_backtest_ibm__without_scikit_learn_the_choice_is_made_without_it_and_says_so(monkeypatch):
    monkeypatch.setattr(ml, "available", lambda: (False, ml.MISSING))
    r = run_backtest(ledger_from_csv(EXCERPT), SETTINGS)
    assert r.model_in_use in ("scorecard", "late_rate", "dunning")
    assert "the learned model was not tried: scikit-learn could not be imported" in r.model_reason
    assert all("learned" not in c.scores for c in r.invoice_cells)


def test_learned__every_fit_at_a_cutoff_sees_only_what_was_known_before_it(monkeypatch):
    """The outer fit at each cut-off and the inner fits that choose its regularisation and
    calibration: every training row's outcome was known before the cut-off (inner ones: before
    the start of the month they are validated on, whichever cut-off first asked for the month),
    and the quarter scored is never among them."""
    seen: list[tuple[int, int | None, np.ndarray, np.ndarray]] = []
    asked: list[tuple[int, int]] = []
    now: dict[str, int | None] = {"cutoff": 0, "month": None}

    class Recorder:
        def fit(self, x, y):
            seen.append((now["cutoff"], now["month"], x[:, 0].copy(), x[:, 1].copy()))
            return self

        def predict_proba(self, x):
            p = 1 / (1 + np.exp(-(x[:, 1] - 200) / 100))
            return np.c_[1 - p, p]

    select, month_of = ml.select, ml.MonthPredictions.of

    def spy(x, y, day, known_from, c, *options):
        now["cutoff"] = c
        return select(x, y, day, known_from, c, *options)

    def spy_month(self, x, y, day, known_from, lo, hi, candidate):
        asked.append((now["cutoff"], lo))
        now["month"] = lo
        try:
            return month_of(self, x, y, day, known_from, lo, hi, candidate)
        finally:
            now["month"] = None

    monkeypatch.setattr(ml, "make_classifier", lambda candidate: Recorder())
    monkeypatch.setattr(ml, "select", spy)
    monkeypatch.setattr(ml.MonthPredictions, "of", spy_month)
    rng = np.random.default_rng(0)
    day = np.sort(rng.integers(0, 400, 600))
    known_from = day + rng.integers(0, 90, 600)
    x = np.c_[known_from, day]
    out = ml.time_ordered(x, day, rng.random(600) < 0.4, known_from, np.array([200, 300]))
    assert out.cutoffs == (200, 300)
    assert {c for c, _, _, _ in seen} == {200, 300}
    for c, month, known, days in seen:
        assert known.max() < c and days.max() < c
        if month is not None:
            assert known.max() < month and days.max() < month
    earliest = min(lo for c, lo in asked if c == 300)
    assert earliest < 300 - 150  # the choice at 300 rests on a month six months before it ...
    fitted = [known.max() for _, month, known, _ in seen if month == earliest]
    assert fitted and max(fitted) < earliest  # ... whose fits saw only what was known by then
    assert np.isnan(out.probability[day < 200]).all() and np.isfinite(out.probability[day >= 200]).all()


def test_learned__calibration_is_fitted_on_earlier_months_and_corrects_a_biased_model():
    """A model that says 0.8 where 20% are late: the calibration fitted on the out-of-sample
    months before the cut-off brings it down."""
    rng = np.random.default_rng(1)
    p = np.full(400, 0.8)
    y = rng.random(400) < 0.2
    cal = ml.Calibration.fit(y, p)
    assert cal.apply(np.array([0.8]))[0] == pytest.approx(y.mean(), abs=0.02)
    assert ml.Calibration.fit(y[:15], p[:15]) == ml.Calibration()  # too few late ones: left as it is


def test_learned__scikit_learn_comes_with_every_install():
    """No optional extra: the README's first command installs the same models the tests run."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("scikit-learn") for d in project["dependencies"])
    assert "ml" not in project["optional-dependencies"]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "[ml]" not in readme and "test,ml" not in readme
    assert ml.available() == (True, "")


def test_backtest_ibm__no_customer_warned_says_there_is_no_lead_time_rather_than_na_days():
    """On the excerpt the one customer that went bad was not flagged high first: the page said
    "median lead time n/a days" and drew its histogram on an axis written "0" at both ends."""
    import re

    from arwatch.report.backtest import render_backtest

    html = render_backtest(run_backtest(ledger_from_csv(EXCERPT), BacktestSettings(
        late_days=(0, 10), serious_late_days=10, delinquent_days=30, learned="off")))
    assert "<b>0 of 1</b> (0%) were flagged <b>high</b> in advance, so there is no lead time to show." in html
    assert "n/a days" not in html
    lead = html.split('aria-label="Lead time')[1].split("</svg>")[0]
    assert re.findall(r'text-anchor="end">([^<]*)</text>', lead)[:2] == ["0", "1"]
