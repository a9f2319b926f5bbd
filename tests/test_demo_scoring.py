"""The product's own indicators and segments on the demo company: every one occurs, and the
archetypes meant to show a sign are the ones it fires for."""

import numpy as np
import pytest

from arwatch.core.frame import LedgerFrame
from arwatch.core.indicators import INDICATORS
from arwatch.core.scoring import score
from arwatch.core.segments import SEGMENTS
from arwatch.demo.company import ARCHETYPE_SIGNS, build_demo_company


@pytest.fixture(scope="module")
def demo():
    company = build_demo_company()
    board = score(LedgerFrame.from_ledger(company.ledger, company.today))
    archetype = {t.customer_id: t.archetype for t in company.truth}
    return company, board, [archetype[str(c)] for c in board.frame.c_id]


def test_demo_scoring__every_indicator_fires_for_an_archetype_meant_to_show_it(demo):
    _, board, archetypes = demo
    for indicator in INDICATORS:
        fired = np.flatnonzero(board.result(indicator.id).fired)
        meant = {a for a, signs in ARCHETYPE_SIGNS.items() if indicator.id in signs}
        hits = {archetypes[c] for c in fired} & meant
        assert hits, f"{indicator.id} fires for none of {sorted(meant)}"


def test_demo_scoring__every_segment_occurs(demo):
    _, board, _ = demo
    assert {SEGMENTS[s] for s in board.segment} == set(SEGMENTS)


def test_demo_scoring__bad_customers_rank_above_punctual_ones(demo):
    company, board, archetypes = demo
    bad = {t.customer_id for t in company.truth if t.goes_bad and t.bad_from <= company.today}
    ids = [str(c) for c in board.frame.c_id]
    bad_scores = [board.score[i] for i, c in enumerate(ids) if c in bad]
    punctual = [board.score[i] for i, a in enumerate(archetypes) if a == "punctual"]
    assert min(bad_scores) > np.percentile(punctual, 90)
