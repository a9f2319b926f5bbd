"""The hold line of a call that tells the hold says nothing the next line says: on the demo (C0038,
C0048) it read "Credit hold since 20 Nov 2026: In arrears: oldest invoice 316 days past due (...)"
above "In arrears: critical risk (score 93)", the segment twice and a capital after a colon."""

import datetime as dt

from arwatch.core.actions import Hold
from arwatch.core.hold_notice import hold_line
from arwatch.core.planner import _hold_words

REASON = "In arrears: oldest invoice 316 days past due (INV/1, €4,893.01 open, due 8 Jan 2026; 1 more overdue)"
HOLD = Hold(customer_id="c", rule="segment:in_arrears", reason=REASON, since=dt.date(2026, 11, 20))


def test_hold_line_drops_the_segment_the_standing_line_says():
    said = ("In arrears: critical risk (score 93)", "promised €1.00 by 14 Nov 2026")
    words = _hold_words(HOLD, said, invoices_listed=False)
    assert hold_line("20 Nov 2026", words) == (
        "Credit hold since 20 Nov 2026: oldest invoice 316 days past due (INV/1, €4,893.01 open, due 8 Jan 2026; "
        "1 more overdue)")


def test_hold_line_keeps_the_segment_where_no_line_says_it():
    assert _hold_words(HOLD, ("promised €1.00 by 14 Nov 2026",), invoices_listed=False) == REASON
