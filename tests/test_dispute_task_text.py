"""The task to resolve a long-open dispute says what is true of its invoices, money written once.

Seen on the demo (16 Nov 2026), Fennimore & Foxglove Construction B.V.: the task read "While it is
open the disputed invoice gets no reminder, call or plan offer, and it does not count towards days
past due or a credit hold", while each of its five disputes covered part of its invoice (€535.58 of
€1,943.19 ...): those invoices were in the customer's call, its days past due and its hold, as
``core/disputed.py`` means (the rest of a partly disputed invoice is dunned as usual). It ended
"Open balance: €18,842.89 EUR." (the currency twice).
"""

from __future__ import annotations

import datetime as dt

from ledgers import ledger_from_text
from planning import ALPHA, NOTHING_WRITTEN, policy_of, run

D = dt.date.fromisoformat


def _body(extra: str) -> str:
    desired, _ = run(ledger_from_text(ALPHA + extra), D("2024-03-15"), NOTHING_WRITTEN, policy_of())
    (task,) = [t for t in desired.tasks if t.step == "dispute_review"]
    return task.body


def test_the_dispute_task_says_a_partly_disputed_invoice_is_still_dunned():
    body = _body('note a 2024-02-10 "dispute: A1 350.00 two pallets missing"')  # of 800.00
    assert "While it is open the disputed invoice gets no reminder" not in body
    assert "an invoice disputed only in part is dunned as usual" in body
    assert "an invoice disputed for all it has open\ngets no reminder, call or plan offer" in body


def test_the_dispute_task_writes_the_open_balance_with_its_currency_once():
    body = _body('note a 2024-02-10 "dispute: A1 wrong goods"')
    assert body.rstrip().endswith("Open balance: €800.00.")
    assert "EUR" not in body
