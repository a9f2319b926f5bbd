"""Riskiest first follows what drives the level: the level, then the chance of the model in use
(``backtest.live.apply_in_use``), then the score, then the name. On IBM's sample the report listed
a customer at low risk with score 40 above one at medium risk with score 30 (the level may come
from the segment's rules or the model, the score from the scorecard)."""

import dataclasses
import datetime as dt

import numpy as np
from ledgers import board_at

from arwatch.core.actions import DesiredState
from arwatch.core.policy import LEVELS
from arwatch.report.figures import risk_rows
from arwatch.report.tables import risks_sheet

LEDGER = """customer a "Alpha" terms=30
customer b "Beta" terms=30
customer c "Gamma" terms=30
customer d "Delta" terms=30
invoice a A1 2024-05-01 100.00
invoice b B1 2024-05-01 100.00
invoice c C1 2024-05-01 100.00
invoice d D1 2024-05-01 100.00
"""
DAY = "2024-06-30"


def _board(level, score, chance=None):
    board = board_at(LEDGER, DAY)
    return dataclasses.replace(board, level=np.array([LEVELS.index(x) for x in level], dtype=board.level.dtype),
                               score=np.array(score, dtype=float),
                               chance=None if chance is None else np.array(chance, dtype=float))


def _order(board):
    return [str(board.frame.c_id[i]) for i in board.ranking()]


def test_ranking__the_level_comes_first_then_the_score_then_the_name():
    board = _board(["low", "medium", "medium", "low"], [40, 30, 30, 41])
    assert _order(board) == ["b", "c", "d", "a"]  # medium 30 (Beta, Gamma by name) above low 41 and 40


def test_ranking__with_a_model_in_use_its_chance_orders_a_level_before_the_score():
    board = _board(["high", "high", "medium", "high"], [60, 70, 90, 60], chance=[0.8, 0.6, 0.9, 0.8])
    assert _order(board) == ["a", "d", "b", "c"]  # high: 0.8 (Alpha, Delta by name), 0.6; then medium


def test_ranking__the_report_and_the_export_list_customers_in_the_boards_order():
    board = _board(["low", "medium", "critical", "low"], [40, 30, 80, 41])
    desired = DesiredState(as_of=dt.date.fromisoformat(DAY))
    assert [r.customer_id for r in risk_rows(board, desired)] == _order(board) == ["c", "b", "d", "a"]
    assert [row[1] for row in risks_sheet(board, desired).rows] == _order(board)
