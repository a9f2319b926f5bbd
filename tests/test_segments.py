"""Segments of warning-signs.md table B, with their precedence."""

from ledgers import board_at, customer_index

from arwatch.core.segments import SEGMENTS

HISTORY = """
customer good "Good" terms=30
customer new "New" terms=30
customer late "Late" terms=30
customer bad "Bad" terms=30
customer fraud "Fraud" terms=30
customer quiet "Quiet" terms=30
invoice new N/1 2024-01-10 100.00
payment new PN1 2024-02-05 100.00 -> N/1
"""
for i, month in enumerate(("01", "02", "03", "04", "05", "06")):
    for cust, paid_day in (("good", "25"), ("late", "28"), ("bad", "20"), ("fraud", "20"), ("quiet", "20")):
        HISTORY += f"invoice {cust} {cust.upper()}/{i} 2023-{month}-01 100.00\n"
        if cust == "late":  # 30 days terms, pays about 57 days after issue: always ~27 days late
            next_month = f"{int(month) + 1:02d}"
            HISTORY += f"payment late PL{i} 2023-{next_month}-{paid_day} 100.00 -> LATE/{i}\n"
        else:
            HISTORY += f"payment {cust} P{cust}{i} 2023-{month}-{paid_day} 100.00 -> {cust.upper()}/{i}\n"
HISTORY += """
invoice bad BAD/X 2024-01-01 500.00
signal fraud fraud_suspicion 2024-03-01
invoice quiet QUIET/X 2024-03-01 300.00
call quiet 2024-04-01 answered promise=2024-04-10:300.00
call quiet 2024-04-20 unanswered
call quiet 2024-04-25 unanswered
call quiet 2024-04-29 unanswered
"""


def segment_of(board, cid):
    return SEGMENTS[board.segment[customer_index(board.frame, cid)]]


def test_segments__each_rule_and_precedence():
    board = board_at(HISTORY, "2024-05-01")
    assert segment_of(board, "good") == "good"
    assert segment_of(board, "new") == "new"  # one paid invoice
    assert segment_of(board, "late") == "chronic_late"
    assert segment_of(board, "bad") == "delinquent"  # BAD/X 91+ days past due
    assert segment_of(board, "fraud") == "under_review"
    assert segment_of(board, "quiet") == "delinquent"  # broken promise + silence, only 31 days late


def test_segments__delinquency_starts_on_day_91():
    assert segment_of(board_at(HISTORY, "2024-05-01"), "bad") == "delinquent"  # due 31 Jan: 91 days
    assert segment_of(board_at(HISTORY, "2024-04-30"), "bad") != "delinquent"
