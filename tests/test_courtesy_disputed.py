"""The pre-due courtesy note asks, like every other letter, only for the undisputed part of an
invoice and names the part under dispute beside it (it listed the full open amount)."""

import datetime as dt

from ledgers import ledger_from_text
from planning import NOTHING_WRITTEN, policy_of, run

NEWCO = """
customer n "Newco" terms=30
invoice n N1 2024-07-16 200.00
dispute n D1 2024-08-01 invoice=N1 amount=50.00
"""


def test_courtesy_lists_the_undisputed_part_and_names_the_disputed_one():
    desired, _ = run(ledger_from_text(NEWCO), dt.date(2024, 8, 13), NOTHING_WRITTEN, policy_of(), ())
    (note,) = [t for t in desired.tasks if t.step == "pre_due_courtesy"]
    assert "- N1: €150.00, due on 15 Aug 2024 (€50.00 under dispute, not asked for)" in note.body
    assert "€200.00" not in note.body
