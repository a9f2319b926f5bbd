"""Only part of an invoice disputed: the letters and calls ask for the undisputed part and name
the disputed one apart ("€550.00 overdue (€250.00 under dispute, not asked for)"); the statement
still lists the invoice's whole open balance, with its part under dispute marked. Before, every
one of them asked for the whole open amount, the disputed part included (the demo's Fennimore:
€18,842.89 asked, of which €5,137.38 disputed)."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, board, policy_of, run, run_after_daily_runs

from arwatch.core.call_list import call_list
from arwatch.core.frame import LedgerFrame
from arwatch.worklist import call_line

D = dt.date.fromisoformat

PART_DISPUTED = """
customer b "Beta" terms=30
invoice b B1 2024-01-01 800.00
invoice b B2 2024-01-15 200.00
invoice b B3 2024-03-20 300.00
dispute b D1 2024-02-05 invoice=B1 amount=250.00 reason="two pallets missing"
"""
STATEMENTS = {"credit": {"statements": {"monthly": True, "day": 1}}}


def _tasks(day: str, policy=None):
    desired, _ = run(ledger_from_text(PART_DISPUTED), D(day), NOTHING_WRITTEN, policy or policy_of())
    return {t.step: t for t in desired.tasks}


def test_part_dispute__the_reminder_asks_for_the_undisputed_part_and_names_the_rest():
    reminder = _tasks("2024-02-20")["reminder"]
    assert reminder.title == "Send a friendly reminder to Beta about B1, B2"
    assert reminder.body.startswith("Subject: Friendly reminder: €750.00 overdue on your account\n")
    assert ("This is a friendly reminder that €750.00 is overdue on your account (€250.00 under dispute, "
            "not asked for).") in reminder.body
    assert "€1,000.00 overdue" not in reminder.body and "€1,000.00 is overdue" not in reminder.body


def test_part_dispute__the_statement_lists_the_whole_balance_and_marks_the_disputed_part():
    reminder = _tasks("2024-02-20")["reminder"]
    assert (
        "Invoice  Date         Due          Open (EUR)  Days overdue  Under dispute\n"
        "B1       1 Jan 2024   31 Jan 2024      800.00            20         250.00\n"
        "B2       15 Jan 2024  14 Feb 2024      200.00             6\n"
        "\n"
        "Total overdue: €750.00\n"
        "Under dispute: €250.00, not asked for\n"
        "Total open:    €1,000.00") in reminder.body


def test_part_dispute__the_call_asks_for_the_undisputed_part():
    desired, _ = run_after_daily_runs(ledger_from_text(PART_DISPUTED), D("2024-02-01"), D("2024-03-05"), policy_of())
    (call,) = [t for t in desired.tasks if t.step == "phone_call"]  # the ladder's call, after the reminder
    assert "2. Go through the statement (€750.00 overdue; €250.00 under dispute, not asked for):" in call.body
    assert "Total open on the account: €1,000.00, of which €750.00 overdue and €250.00 under dispute." in call.body
    assert "B1 (€800.00 open, €250.00 under dispute) due 31 Jan 2024, 34 days past due" in call.evidence


def test_part_dispute__the_monthly_statement_says_what_is_past_due_and_not_disputed():
    statement = _tasks("2024-03-22", policy_of(STATEMENTS))["statement_of_account"]
    assert "Of the total, €750.00 is past its due date and not under dispute." in statement.body
    assert "Under dispute: €250.00, not asked for\nTotal open:    €1,300.00" in statement.body


def test_part_dispute__the_call_list_says_what_the_call_asks_for():
    ledger, policy = ledger_from_text(PART_DISPUTED), policy_of()
    desired, _ = run_after_daily_runs(ledger, D("2024-02-01"), D("2024-03-05"), policy)
    scored = board(LedgerFrame.from_ledger(ledger, D("2024-03-05")), policy)
    (line,) = call_list(desired, scored, policy).today
    assert (line.overdue, line.disputed) == (750.00, 250.00)
    assert "| €750.00 overdue (€250.00 under dispute, not asked for), oldest 34 days |" in call_line(1, line)
