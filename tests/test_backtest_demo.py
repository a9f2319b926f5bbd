"""The demo company, whose ground truth is known: every customer meant to go bad is flagged in
advance, and the scorecard ranks customers better than both baselines."""

import datetime as dt

import pytest

from arwatch.core.backtest import BacktestSettings, run_backtest
from arwatch.demo.company import build_demo_company


@pytest.fixture(scope="module")
def demo():
    company = build_demo_company(seed=7, today=dt.date(2026, 11, 20))
    return company, run_backtest(company.ledger, BacktestSettings(learned="off"))


def test_backtest_demo__delinquency_days_match_the_ground_truth(demo):
    company, result = demo
    found = {d.customer_id: d.delinquent_on for d in result.delinquents}
    meant = {t.customer_id: t.bad_from for t in company.truth if t.goes_bad and t.bad_from > result.days[0]}
    assert found == meant


def test_backtest_demo__every_customer_meant_to_go_bad_is_flagged_high_before_90_days(demo):
    company, result = demo
    truth = {t.customer_id: t for t in company.truth}
    late = [(d.customer_id, truth[d.customer_id].archetype) for d in result.delinquents
            if d.warned_on is None or d.warned_on >= d.delinquent_on]
    assert late == []
    assert all(d.lead_days > 0 for d in result.delinquents)
    assert result.quality("scorecard").at("high").recall == 1.0


def test_backtest_demo__scorecard_beats_both_baselines_on_average_precision(demo):
    _, result = demo
    ap = {q.predictor: q.snapshot_ap for q in result.customer_quality}
    assert ap["scorecard"] > ap["dunning"]
    assert ap["scorecard"] > ap["late_rate"]


def test_backtest_demo__scorecard_warns_earlier_than_dunning_levels(demo):
    _, result = demo
    assert result.quality("scorecard").at("high").median_lead > result.quality("dunning").at("high").median_lead


def test_backtest_demo__every_bad_debtor_is_flagged_high_a_month_ahead_and_the_figures_are_printed(demo):
    from arwatch.commands.backtest import summary

    _, result = demo
    high = result.quality("scorecard").at("high")
    assert high.warned == len(result.delinquents) and min(high.lead_days) >= 30 and high.median_lead >= 45
    assert high.never_bad == 170
    assert high.false_alarm_rate <= 0.10  # issue 20: at most one good customer in ten ever flagged high
    assert (f"lead time shortest {min(high.lead_days)}, median {high.median_lead:.0f} days); "
            f"{high.false_alarms} false alarms: {high.false_alarms} of 170 customers that never went bad were "
            f"flagged high ({high.false_alarm_rate:.0%})") in summary(result)


def test_backtest_demo__false_alarms_are_split_by_the_segment_they_were_in_when_first_flagged(demo):
    """A chronic late payer flagged for its habit is told apart from a good customer flagged, the
    segments in words ("chronic late payer 8, good payer 7", not "chronic_late 8, good 7")."""
    from arwatch.commands.backtest import summary
    from arwatch.core.wording import segment_words

    _, result = demo
    high = result.quality("scorecard").at("high")
    assert sum(n for _, n in result.false_alarm_segments) == high.false_alarms
    assert dict(result.false_alarm_segments).get("chronic_late", 0) >= 1
    assert "; by segment when first flagged: " + ", ".join(f"{segment_words(s)} {n}" for s, n in
                                                            result.false_alarm_segments) in summary(result)
    assert "chronic late payer " in summary(result) and "chronic_late" not in summary(result)
