"""The plan's texts in bulk (issue 23): every customer's reasons ranked at once, each evidence
rendered once; the same reasons, in the same order, with the same evidence as the board's own
``customer`` gives one customer at a time."""

import datetime as dt

import pytest

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.plan_view import Explained
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.demo.synthetic import build_synthetic

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def frame():
    ledger, _ = load_ledger(build_synthetic(300, 3000, 3000, seed=3, today=TODAY), source="synthetic")
    return LedgerFrame.from_ledger(ledger)


@pytest.mark.parametrize("top, locale", [(3, "en_GB"), (1, "de_DE"), (16, "fr_FR")])
def test_explained__the_reasons_of_board_customer_for_every_customer(frame, top, locale):
    board = score(frame.as_of_date(TODAY), Policy.model_validate({"scoring": {"top_reasons": top}}))
    explained = Explained(board, locale)
    told = several = 0
    for c in range(board.frame.n_customers):
        expected = board.customer(c, locale).reasons
        assert [(r.indicator, r.title, r.evidence) for r in explained.reasons(c)] == [
            (r.indicator, r.title, r.evidence) for r in expected], c
        assert explained.indicators(c) == board.reason_indicators(c)
        told += len(expected)
        several += len(expected) > 1
    assert told > 100 and (several > 10 or top == 1)  # customers with reasons, and with several, compared
