"""Letters a person would sign: the sender from the policy, else the company's name, never a blank."""

import datetime as dt

from ledgers import ledger_from_text
from planning import TEMPLATES, board, policy_of

from arwatch.core.actions import WrittenState
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan

LEDGER = """
customer n "Newco" terms=30
invoice n N1 2024-01-01 900.00
"""


def reminder(policy, company_name=""):
    frame = LedgerFrame.from_ledger(ledger_from_text(LEDGER), dt.date(2024, 2, 10))
    desired = plan(board(frame, policy), WrittenState(), policy, frame.as_of, TEMPLATES, company_name)
    (task,) = desired.tasks
    return task.body


def test_letters__signed_with_the_companys_name_when_no_sender_is_configured():
    body = reminder(policy_of())  # no company name passed: the ledger's company signs
    assert body.rstrip().endswith("Kind regards,\nCompany")  # the name load_ledger gives a company without one
    assert reminder(policy_of(), "Northwind Supplies Ltd").rstrip().endswith("Kind regards,\nNorthwind Supplies Ltd")


def test_letters__signed_by_the_configured_sender():
    policy = policy_of({"credit": {"letters": {"sender_name": "Maria Keller", "sender_title": "Credit controller",
                                               "sender_phone": "+49 30 1234 567", "sender_email": "ar@example.com"}}})
    assert reminder(policy, "Northwind Supplies Ltd").rstrip().endswith(
        "Kind regards,\nMaria Keller, Credit controller\nNorthwind Supplies Ltd\n+49 30 1234 567 | ar@example.com")
