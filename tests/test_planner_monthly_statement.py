"""The monthly statement of account on request (policy ``[credit.statements]``): one per customer
per month with every open and overdue invoice and the totals; a rerun writes nothing; never to
a customer with the agency or under fraud investigation; neutral text on hold."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, TEMPLATES, board, policy_of, run, run_after_daily_runs, stub, walk

from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan

D = dt.date.fromisoformat
MONTHLY = {"credit": {"statements": {"monthly": True}}}
FRIENDLY_WORDS = ("friendly", "disregard", "did everything arrive", "value working with you", "mid-month")

TWO = """
customer s "Steady Ltd" terms=30
invoice s S1 2024-01-20 400.00
invoice s S2 2024-02-20 250.00
customer z "Zero Ltd" terms=30
invoice z Z1 2024-01-05 100.00
payment z PZ 2024-02-01 100.00 -> Z1
"""


def statements(tasks):
    return [t for t in tasks if t.step == "statement_of_account"]


def test_statement__off_by_default():
    desired, _ = run(ledger_from_text(TWO), D("2024-03-01"), NOTHING_WRITTEN, policy_of())
    assert not statements(desired.tasks)


def test_statement__one_per_customer_with_an_open_balance_listing_every_open_invoice_and_the_totals():
    desired, written = run(ledger_from_text(TWO), D("2024-03-01"), NOTHING_WRITTEN, policy_of(MONTHLY))
    (task,) = statements(desired.tasks)  # Zero Ltd owes nothing: no statement
    assert (task.customer_id, task.cause, task.channel) == ("s", "month:2024-03", "email")
    assert task.rule == "credit.statements: monthly statement of account from day 1 of the month"
    body = task.body
    assert body.startswith("Subject: Your statement of account as of 1 Mar 2024")
    assert "S1       20 Jan 2024  19 Feb 2024      400.00            11" in body  # overdue
    assert "S2       20 Feb 2024  21 Mar 2024      250.00\n" in body  # not due yet
    assert "Total overdue: €400.00" in body and "Total open:    €650.00" in body
    assert not any(word in body.lower() for word in FRIENDLY_WORDS)
    again, _ = run(ledger_from_text(TWO), D("2024-03-01"), written, policy_of(MONTHLY))
    assert not diff(written, again)  # a second run writes nothing


def test_statement__monthly_from_its_day_one_a_month_and_never_twice_in_one_month():
    text = TWO + """
    payment s P1 2024-03-10 650.00 -> S1 S2
    invoice s S3 2024-03-20 300.00
    """
    policy = policy_of({"credit": {"statements": {"monthly": True, "day": 5},
                                   "ladders": {"new": []}}})  # the statements alone
    events, _ = walk(ledger_from_text(text), D("2024-03-01"), D("2024-05-06"), policy)
    assert [e for e in events if "statement" in e[2]] == [  # none on 1-4 Mar: February's is not sent late
        ("2024-03-05", "open", "s statement_of_account month:2024-03"),
        ("2024-03-10", "close", "s statement_of_account month:2024-03"),  # paid: nothing open
        # S3 opens a balance again on 20 Mar: March's statement was sent, the next is April's
        ("2024-04-05", "open", "s statement_of_account month:2024-04"),
        ("2024-05-05", "open", "s statement_of_account month:2024-05"),
        ("2024-05-05", "close", "s statement_of_account month:2024-04"),
    ]


def test_statement__not_to_a_customer_under_fraud_investigation_or_with_the_agency_but_on_hold_yes():
    text = """
    customer f "Fraudco" terms=30
    invoice f F1 2024-01-01 500.00
    customer a "Agencyco" terms=30
    invoice a A1 2023-10-01 800.00
    customer h "Heldco" terms=30 limit=100
    invoice h H1 2024-02-01 500.00
    """
    stubs = (stub("fraud_suspicion", {"f"}), stub("silence", {"a"}))
    # run daily since a's episode began (1 Nov): its ladder climbed to the agency
    desired, _ = run_after_daily_runs(ledger_from_text(text), D("2023-11-01"), D("2024-03-10"), policy_of(MONTHLY),
                                      stubs)
    assert {t.customer_id for t in desired.tasks if t.step == "agency_referral"} == {"a"}
    assert {h.customer_id for h in desired.holds} >= {"h"}
    assert [t.customer_id for t in statements(desired.tasks)] == ["h"]
    (held,) = statements(desired.tasks)
    assert not any(word in held.body.lower() for word in FRIENDLY_WORDS)


def test_statement__in_the_company_locale():
    policy = policy_of({"credit": {"statements": {"monthly": True}}})
    b = board(LedgerFrame.from_ledger(ledger_from_text(TWO), D("2024-03-01")), policy)
    (task,) = statements(plan(b, NOTHING_WRITTEN, policy, D("2024-03-01"), TEMPLATES, "Test Co",
                              locale="de_DE").tasks)
    assert task.body.startswith("Subject: Your statement of account as of 01.03.2024")
    assert "Total open:    650,00\xa0€" in task.body and "2024-" not in task.body


def test_statement__not_to_a_customer_placed_with_an_agency_by_a_collector():
    text = """
    customer p "Placedco" terms=30
    invoice p P1 2024-01-01 500.00
    note p 2024-03-02 "placed: Acme Collections"
    customer q "Quietco" terms=30
    invoice q Q1 2024-01-01 500.00
    """
    desired, _ = run(ledger_from_text(text), D("2024-03-10"), NOTHING_WRITTEN, policy_of(MONTHLY))
    assert [t.customer_id for t in statements(desired.tasks)] == ["q"]
