"""``wording.plain`` turns a step id into its words, but not a word the text already reads right.

Seen on the demo's report and export (16 Nov 2026): every reminder read "Send a friendly friendly
reminder to Harwell Physio SARL about INV/2026/02447" (9 tasks): the report's next steps and the
export's worklist pass task titles through ``plain``, whose step ids include "reminder", an
English word, made "friendly reminder" wherever it stood.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from ledgers import ledger_from_text
from test_planner_scenarios import GOOD

from arwatch.core import wording
from arwatch.core.actions import WrittenState
from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.report.html import render_report
from arwatch.report.tables import export_sheets

TODAY = dt.date(2024, 8, 10)  # GOOD: 25 days past due, beyond its habit: a reminder


def test_plain_leaves_a_reminder_already_in_words_and_names_a_bare_step_id():
    assert wording.plain("Send a friendly reminder to Good & Sons <Ltd> about OPEN") == (
        "Send a friendly reminder to Good & Sons <Ltd> about OPEN")
    assert wording.plain("Friendly reminder: €10.00 overdue") == "Friendly reminder: €10.00 overdue"
    assert wording.plain("entered at: reminder; 20 days past due") == "entered at: friendly reminder; 20 days past due"
    assert wording.plain("credit.ladders.good[1]: reminder, from 1 day past due") == (
        "friendly reminder, from 1 day past due")
    assert wording.plain("next step after the phone_call") == "next step after the phone call"


def test_a_planned_reminder_reads_friendly_once_in_the_report_and_the_export():
    policy = Policy()
    board = score(LedgerFrame.from_ledger(ledger_from_text(GOOD), TODAY), policy)
    desired = plan(board, WrittenState(), policy, TODAY, {})
    (task,) = [t for t in desired.tasks if t.step == "reminder"]
    assert task.title == "Send a friendly reminder to Good & Sons <Ltd> about OPEN"
    page = render_report(board, desired, diff(WrittenState(), desired), policy, "Widgets & Co")
    assert escape(task.title) in page and "friendly friendly" not in page
    (worklist,) = [s for s in export_sheets(board, desired, policy=policy) if s.name == "Worklist"]
    titles = [str(cell) for row in worklist.rows for cell in row if "reminder to" in str(cell)]
    assert titles == ["Send a friendly reminder to Good & Sons <Ltd> about OPEN"]
