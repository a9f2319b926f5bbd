"""One statement per letter: a customer's reminder lists every open invoice, with totals."""

import datetime as dt

from ledgers import ledger_from_text
from planning import policy_of, run

from arwatch.core.actions import WrittenState
from arwatch.core.templating import statement_text

SEVEN = """
customer f "Fennimore & Foxglove" terms=30
invoice f F1 2024-01-01 100.00
invoice f F2 2024-01-02 200.00
invoice f F3 2024-01-03 300.00
invoice f F4 2024-01-04 400.00
invoice f F5 2024-01-05 500.00
invoice f F6 2024-01-06 600.00
invoice f F7 2024-01-07 700.00
payment f P1 2024-01-20 50.00 -> F7:50.00
invoice f F8 2024-02-01 1000.00
"""


def test_reminder__one_letter_per_customer_listing_every_open_invoice():
    desired, _ = run(ledger_from_text(SEVEN), dt.date(2024, 2, 10), WrittenState(), policy_of())
    (task,) = desired.tasks  # one reminder, not seven
    assert (task.step, task.cause, task.invoice_id) == ("reminder", "episode:2024-02-01", None)
    assert """
Invoice  Date        Due          Open (EUR)  Days overdue
F1       1 Jan 2024  31 Jan 2024      100.00            10
F2       2 Jan 2024  1 Feb 2024       200.00             9
F3       3 Jan 2024  2 Feb 2024       300.00             8
F4       4 Jan 2024  3 Feb 2024       400.00             7
F5       5 Jan 2024  4 Feb 2024       500.00             6
F6       6 Jan 2024  5 Feb 2024       600.00             5
F7       7 Jan 2024  6 Feb 2024       650.00             4
F8       1 Feb 2024  2 Mar 2024     1,000.00

Total overdue: €2,750.00
Total open:    €3,750.00
""" in task.body  # F7 is 700.00, 50.00 paid: 650.00 open; F8 is not due yet

def test_statement__columns_and_totals():
    invoices = [
        {"number": "INV/1", "issue_date": dt.date(2026, 4, 16), "due_date": dt.date(2026, 5, 16), "open": 1470.77,
         "days_past_due": 188},
        {"number": "INV/22", "issue_date": dt.date(2026, 11, 1), "due_date": dt.date(2026, 12, 1), "open": 12000.0,
         "days_past_due": -11},
    ]
    assert statement_text(invoices, "EUR") == "\n".join([
        "Invoice  Date         Due          Open (EUR)  Days overdue",
        "INV/1    16 Apr 2026  16 May 2026    1,470.77           188",
        "INV/22   1 Nov 2026   1 Dec 2026    12,000.00",
        "",
        "Total overdue: €1,470.77",
        "Total open:    €13,470.77"])
    assert statement_text(invoices, "EUR", "de_DE") == "\n".join([
        "Invoice  Date        Due         Open (EUR)  Days overdue",
        "INV/1    16.04.2026  16.05.2026    1.470,77           188",
        "INV/22   01.11.2026  01.12.2026   12.000,00",
        "",
        "Total overdue: 1.470,77\xa0€",
        "Total open:    13.470,77\xa0€"])
