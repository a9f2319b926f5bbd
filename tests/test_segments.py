"""Segments of warning-signs.md table B, with their precedence."""

import datetime as dt

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
# late beyond terms, but not steadily (days late of its six invoices), and steadily but far beyond
for cust, lateness in (("erratic", (5, 45, 10, 40, 20, 35)), ("far", (50,) * 6)):
    HISTORY += f'customer {cust} "{cust.title()}" terms=30\n'
    for i, late in enumerate(lateness):
        issued = dt.date(2023, i + 1, 1)
        HISTORY += f"invoice {cust} {cust.upper()}/{i} {issued} 100.00\n"
        HISTORY += f"payment {cust} P{cust}{i} {issued + dt.timedelta(days=30 + late)} 100.00 -> {cust.upper()}/{i}\n"
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
    # steadily about 27 days late on 30-day terms: a patient case, good (table B: "its stable habit")
    assert segment_of(board, "late") == "good"
    assert segment_of(board, "erratic") == "chronic_late"  # as late on average, but unpredictably
    assert segment_of(board, "far") == "chronic_late"  # steady, but 50 days beyond its terms
    assert segment_of(board, "bad") == "delinquent"  # BAD/X 91+ days past due
    assert segment_of(board, "fraud") == "under_review"
    assert segment_of(board, "quiet") == "delinquent"  # broken promise + silence, only 31 days late


def test_segments__delinquency_starts_on_day_91():
    assert segment_of(board_at(HISTORY, "2024-05-01"), "bad") == "delinquent"  # due 31 Jan: 91 days
    assert segment_of(board_at(HISTORY, "2024-04-30"), "bad") != "delinquent"


def test_segments__a_few_invoices_far_beyond_terms_are_no_patient_case():
    """Three invoices paid a steady 45 days late: the shrunk typical lateness (towards the
    on-time others) is under a month, but the customer's own lateness is not: chronic late."""
    text = HISTORY + 'customer few "Few" terms=30\n' + "".join(
        f"invoice few FEW/{i} 2024-0{i + 1}-01 100.00\n"
        f"payment few PF{i} {dt.date(2024, i + 1, 1) + dt.timedelta(days=75)} 100.00 -> FEW/{i}\n" for i in range(3))
    assert segment_of(board_at(text, "2024-06-30"), "few") == "chronic_late"
