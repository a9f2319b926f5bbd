"""A credit hold placed on 1 June and kept on 20 June, when the invoice it named is paid: the case
the worklist, report and export tests read a kept hold's words from."""

from __future__ import annotations

import datetime as dt

from ledgers import ledger_from_text

from arwatch.core.actions import DesiredState, WrittenState
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard, score

PLACED = dt.date(2024, 6, 1)
TODAY = dt.date(2024, 6, 20)
BOOK = """
customer late "Late Ltd" terms=30
invoice late INV-1 2024-01-02 900.00
invoice late INV-2 2024-02-01 700.00
payment late P1 2024-06-15 900.00 -> INV-1
"""


def kept_hold() -> tuple[Policy, DesiredState, WrittenState, ScoreBoard, DesiredState]:
    """(policy, the plan of 1 June, what it wrote, the board of 20 June, the plan of 20 June)."""
    policy = Policy()
    placed_board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), PLACED), policy)
    placed = plan(placed_board, WrittenState(), policy, PLACED, {})
    written = WrittenState(holds=placed.holds)
    board = score(LedgerFrame.from_ledger(ledger_from_text(BOOK), TODAY), policy)
    desired = plan(board, written, policy, TODAY, {})
    assert desired.holds == placed.holds  # the written hold is kept as it is: nothing to write
    return policy, placed, written, board, desired
