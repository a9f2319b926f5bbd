"""The call following up a missed payment-plan instalment says which were missed, as a sentence.

Seen on the demo (16 Nov 2026): "payment plan of 19 Mar 2026: missed €4,343.14 due 19 Apr 2026;
€4,343.16 due 19 May 2026", which reads as if only the first was missed.
"""

from __future__ import annotations

import datetime as dt

from ledgers import board_at
from planning import TEMPLATES

from arwatch.core.actions import WrittenState
from arwatch.core.planner import plan
from arwatch.core.policy import Policy

PLAN = """
customer o "Owing Ltd" terms=30
invoice o O1 2024-01-01 800.00
plan o PL1 2024-02-05 2024-02-15:400.00 2024-03-15:400.00
"""


def _plan_call(day: str):
    today = dt.date.fromisoformat(day)
    desired = plan(board_at(PLAN, day), WrittenState(), Policy(), today, TEMPLATES)
    (call,) = [t for t in desired.tasks if t.cause == "plan:2024-02-05"]
    return call


def test_one_missed_instalment_is_the_instalment():
    assert "payment plan of 5 Feb 2024: missed the instalment of €400.00 due 15 Feb 2024" in \
        _plan_call("2024-02-20").evidence


def test_several_missed_instalments_are_counted_and_listed():
    assert ("payment plan of 5 Feb 2024: missed 2 instalments, €400.00 due 15 Feb 2024 and €400.00 due "
            "15 Mar 2024") in _plan_call("2024-03-20").evidence


def test_the_flag_names_every_missed_instalment_as_the_call_does():
    """Seen on the demo (C0038, 20 Nov 2026): the call said "missed 2 instalments, €4,343.14 due 19
    Apr 2026 and €4,343.16 due 19 May 2026", its flag and the agency referral "plan agreed 3 Feb
    2026: instalment of €4,343.14 due 19 Apr 2026 missed; ..." (only the first)."""
    today = dt.date.fromisoformat("2024-03-20")
    desired = plan(board_at(PLAN, "2024-03-20"), WrittenState(), Policy(), today, TEMPLATES)
    (flag,) = desired.flags
    assert ("Broke a promise to pay: plan agreed 5 Feb 2024: 2 instalments missed, €400.00 due 15 Feb 2024 "
            "and €400.00 due 15 Mar 2024; €0.00 paid of €800.00 due by 15 Mar 2024") in flag.reasons
