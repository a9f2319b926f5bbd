"""One day reads "1 day", never "1 days", in the lateness evidence of the flags and tasks.

Seen on the demo's flags (16 Nov 2026): "paid its last 12 invoices from 20 days early to 33 days
late, median 1 days early" (Goldcrest & Oldmill Brasserie, Orchard & Lakeside Academy) and
"Overdue: ... 9 days past due (on average it pays 1 days late: only the days beyond that count
here)" (Isenbrook Guesthouse, Kingsmere Business Centre).
"""

from __future__ import annotations

from ledgers import customer_index
from test_indicator_habitual_lateness import HEAD, paid_invoices, run

from arwatch.core import wording
from arwatch.core.indicators import aging
from arwatch.core.indicators.habitual_lateness import _spread_words


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
