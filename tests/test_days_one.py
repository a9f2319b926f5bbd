"""One day reads "1 day", never "1 days", in the lateness evidence of the flags and tasks, and in
every day count a plan writes.

Seen on the demo's flags (16 Nov 2026): "paid its last 12 invoices from 20 days early to 33 days
late, median 1 days early" (Goldcrest & Oldmill Brasserie, Orchard & Lakeside Academy) and
"Overdue: ... 9 days past due (on average it pays 1 days late: only the days beyond that count
here)" (Isenbrook Guesthouse, Kingsmere Business Centre).
"""

from __future__ import annotations

import datetime as dt
import re

from ledgers import board_at, customer_index
from test_indicator_habitual_lateness import HEAD, paid_invoices, run

from arwatch.core import wording
from arwatch.core.actions import WrittenState
from arwatch.core.indicators import aging
from arwatch.core.indicators.habitual_lateness import _spread_words
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.sync.planners import default_planner


def test_days_reads_one_day_and_many_days():
    assert [wording.days(n) for n in (0, 1, "1", 2, "23")] == ["0 days", "1 day", "1 day", "2 days", "23 days"]


def test_the_record_of_paying_late_says_one_day_early():
    frame, result, _ = run(HEAD + paid_invoices("late", [-1, -1, -1, 30, 30]))
    assert result.evidence(customer_index(frame, "late")).startswith(
        "paid its last 5 invoices from 1 day early to 30 days late, median 1 day early, 2 of them late")


def test_the_range_of_days_late_reads_as_days_whatever_its_sign():
    assert [_spread_words(1, 1), _spread_words(-3, -3), _spread_words(7, 35), _spread_words(-1, 1),
            _spread_words(-20, -3)] == ["1 day late", "3 days early", "7-35 days late",
                                        "from 1 day early to 1 day late", "3-20 days early"]


def test_overdue_says_it_pays_one_day_late_on_average():
    text = HEAD + paid_invoices("late", [1] * 12) + "invoice late OPEN 2024-02-01 100.00\n"
    frame, _, measure = run(text)
    late = customer_index(frame, "late")
    assert round(float(aging.usual_lateness(frame)[late])) == 1
    result = aging.INDICATOR.run(frame, aging.Params())
    assert "(on average it pays 1 day late: only the days beyond that count here)" in result.evidence(late)



ONE_DAY = """customer c1 "One Day Ltd" terms=30 limit=100
invoice c1 INV/1 2023-10-01 500.00
invoice c1 INV/2 2023-12-02 300.00
invoice c1 INV/3 2024-01-03 200.00
invoice c1 INV/4 2024-01-01 50.00
dispute c1 D1 2024-01-31 [invoice=INV/2] [reason="late delivery"]
customer c2 "Held Ltd" terms=30 limit=100
invoice c2 INV/9 2024-01-01 900.00
"""


def test_no_text_of_a_plan_says_one_days():
    """Every day count the plan writes (the flags' reasons, the holds', the tasks' titles, evidence
    and bodies) reads "1 day": on 1 Feb 2024 INV/4 and INV/9 are one day past due and INV/3 is due
    in one day (on main: "INV/9 (€900.00 open) due 31 Jan 2024, 1 days past due", "due in 1 days")."""
    today = dt.date(2024, 2, 1)
    text = plan(board_at(ONE_DAY, today.isoformat()), WrittenState(), Policy(), today,
                default_planner.templates).model_dump_json()
    assert not re.findall(r"(?<![\d.,])1 days\b", text)
    assert "INV/9 (€900.00 open) due 31 Jan 2024, 1 day past due" in text
    assert "INV/3 (€200.00 open) due 2 Feb 2024, due in 1 day" in text
