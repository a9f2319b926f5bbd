"""The report's last contacts read as the worklist's "last contact" does: one way to tell a call.

Seen on the demo's report (C0038 Dunmore Academy and 11 more): "29 Apr 2026 call, no answer: no
answer", and "email, answered: replied: payment is scheduled", where the worklist said "29 Apr
2026, call, not answered (no answer)".
"""

from __future__ import annotations

import datetime as dt

from ledgers import ledger_data

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.scoring import score
from arwatch.report.details import customer_details
from arwatch.report.figures import RiskRow
from arwatch.report.style import Style

LEDGER = """
customer c "Quiet Ltd" terms=30
invoice c INV/1 2024-01-01 100.00
call c 2024-02-10 unanswered
call c 2024-02-12 answered promise=2024-02-20:100.00
"""


def _details() -> str:
    data = ledger_data(LEDGER)
    data["contact_attempts"][0]["outcome"] = "no answer"
    data["contact_attempts"][1]["outcome"] = "promised to pay INV/1"
    ledger, issues = load_ledger(data, source="file")
    assert not issues
    board = score(LedgerFrame.from_ledger(ledger, dt.date(2024, 2, 15)))
    row = RiskRow(index=0, customer_id="c", name="Quiet Ltd", score=50.0, level="medium", segment="good",
                  open=100.0, overdue=100.0, oldest_days_past_due=15, next_step="", on_hold=False)
    return customer_details(board, row, (), None, (), Style())


def test_last_contacts_are_told_as_the_worklist_tells_them():
    html = _details()
    assert "<li>10 Feb 2024, call, not answered (no answer)</li>" in html
    assert "<li>12 Feb 2024, call, answered (promised to pay INV/1); promise: €100.00 by 20 Feb 2024</li>" in html
    assert "no answer: no answer" not in html
